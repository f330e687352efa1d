using System.Numerics;
using Nabla.Core;
using static Nabla.Optim.FusedUpdate;

namespace Nabla.Optim;

/// <summary>
/// torch.optim.Adam (and, with decoupled weight decay, AdamW): PyTorch's single-tensor update, with amsgrad and
/// maximize. State per parameter: "step" (0-d float32), "exp_avg", "exp_avg_sq", and "max_exp_avg_sq" with amsgrad.
/// </summary>
public class Adam : Optimizer
{
    /// <summary>Creates Adam over one group of parameters.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(parameters, Options(lr, betas, eps, weightDecay, amsgrad, maximize, false)) { }

    /// <summary>Creates Adam over several groups; options a group lacks come from the arguments.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public Adam(IEnumerable<ParamGroupSpec> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(groups, Options(lr, betas, eps, weightDecay, amsgrad, maximize, false)) { }

    private protected Adam(IEnumerable<Tensor> parameters, Dictionary<string, object?> options) : base(parameters, options) { }

    private protected Adam(IEnumerable<ParamGroupSpec> groups, Dictionary<string, object?> options) : base(groups, options) { }

    private protected static Dictionary<string, object?> Options(double lr, (double, double)? betas, double eps, double weightDecay,
        bool amsgrad, bool maximize, bool decoupled) => new()
    {
        ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
        ["amsgrad"] = amsgrad, ["maximize"] = maximize, ["decoupled_weight_decay"] = decoupled,
    };

    /// <inheritdoc/>
    protected override void ValidateGroup(ParamGroup group)
    {
        OptimizerChecks.AdamFamily(group);
        group.Bool("amsgrad");
        group.Bool("maximize");
        group.Bool("decoupled_weight_decay");
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParamGroup group)
    {
        var (beta1, beta2) = group.Pair("betas");
        double lr = group.Lr, eps = group.Double("eps"), wd = group.Double("weight_decay");
        bool amsgrad = group.Bool("amsgrad"), maximize = group.Bool("maximize"), decoupled = group.Bool("decoupled_weight_decay");
        foreach (var p in group.Params)
        {
            if (GradOf(p) is not { } g) continue;
            var state = StateOf(p);
            if (state.Count == 0)
            {
                InitState(state, p, "exp_avg", "exp_avg_sq");
                if (amsgrad) state["max_exp_avg_sq"] = ZerosLike(p);
            }
            double step = IncrementStep(OptimizerState.Buffer(state, "step", "Adam"));
            double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
            var update = new Update(lr, beta1, beta2, eps, wd, decoupled, maximize, amsgrad, lr / bc1, Math.Pow(bc2, 0.5));
            var maxSq = amsgrad ? state.GetValueOrDefault("max_exp_avg_sq") as Tensor ?? throw Errors.Runtime("Adam: amsgrad is on but the state has no 'max_exp_avg_sq'") : null;
            Apply(p, g, update, OptimizerState.Buffer(state, "exp_avg", "Adam"), OptimizerState.Buffer(state, "exp_avg_sq", "Adam"), maxSq);
        }
    }

    /// <summary>_single_tensor_adam (foreach=False, not capturable) for one element; a = exp_avg, b = exp_avg_sq, c = max_exp_avg_sq.</summary>
    private readonly record struct Update(double Lr, double Beta1, double Beta2, double Eps, double WeightDecay, bool Decoupled,
        bool Maximize, bool Amsgrad, double StepSize, double Bc2Sqrt) : IFusedUpdate
    {
        public void Run<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T decayFactor = S<T>(1 - Lr * WeightDecay), wd = S<T>(WeightDecay), w1 = S<T>(1 - Beta1), b2 = S<T>(Beta2),
                w2 = S<T>(1 - Beta2), bc2Sqrt = S<T>(Bc2Sqrt), eps = S<T>(Eps), negStep = S<T>(-StepSize);
            bool couple = WeightDecay != 0 && !Decoupled, decouple = WeightDecay != 0 && Decoupled;
            int start = VectorMath.IsAccelerated<T>() ? RunVectors(p, g, a, b, c, decayFactor, wd, w1, b2, w2, bc2Sqrt, eps, negStep, couple, decouple) : 0;
            for (int i = start; i < p.Length; i++)
            {
                if (decouple) p[i] *= decayFactor;
                T grad = Grad(g[i], p[i], Maximize, couple, wd);
                T m = a[i] = Lerp(a[i], grad, w1);
                T v = b[i] = Addcmul(b[i] * b2, grad, grad, w2);
                if (Amsgrad) v = c[i] = T.Max(c[i], v);
                T denom = T.Sqrt(v) / bc2Sqrt + eps;
                p[i] = Addcdiv(p[i], m, denom, negStep);
            }
        }

        /// <summary>The loop above on whole vectors, with the same roundings; returns how many elements it did.</summary>
        private int RunVectors<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c, T decayFactor, T wd, T w1, T b2, T w2,
            T bc2Sqrt, T eps, T negStep, bool couple, bool decouple) where T : unmanaged, IFloatingPointIeee754<T>
        {
            int width = Vector<T>.Count, n = p.Length - p.Length % width;
            Vector<T> vDecay = new(decayFactor), vWd = new(wd), vW1 = new(w1), vW1m1 = new(w1 - T.One), vB2 = new(b2), vW2 = new(w2),
                vBc2 = new(bc2Sqrt), vEps = new(eps), vNeg = new(negStep);
            bool small = T.Abs(w1) < T.CreateTruncating(0.5);
            for (int i = 0; i < n; i += width)
            {
                var pv = new Vector<T>(p[i..]);
                var gv = new Vector<T>(g[i..]);
                if (decouple) pv *= vDecay;
                if (Maximize) gv = -gv;
                if (couple) gv = VectorMath.Fma(pv, vWd, gv);
                var m = VectorMath.Lerp(new Vector<T>(a[i..]), gv, vW1, small, vW1m1);
                m.CopyTo(a[i..]);
                var v = new Vector<T>(b[i..]) * vB2 + vW2 * gv * gv;
                v.CopyTo(b[i..]);
                if (Amsgrad) { v = Vector.Max(new Vector<T>(c[i..]), v); v.CopyTo(c[i..]); }
                var denom = Vector.SquareRoot(v) / vBc2 + vEps;
                (pv + vNeg * m / denom).CopyTo(p[i..]);
            }
            return n;
        }
    }
}

/// <summary>
/// torch.optim.AdamW: Adam with decoupled weight decay (param *= 1 − lr·weight_decay before the Adam step),
/// weight_decay defaulting to 1e-2.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates AdamW over one group of parameters.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(parameters, Options(lr, betas, eps, weightDecay, amsgrad, maximize, true)) { }

    /// <summary>Creates AdamW over several groups; options a group lacks come from the arguments.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public AdamW(IEnumerable<ParamGroupSpec> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(groups, Options(lr, betas, eps, weightDecay, amsgrad, maximize, true)) { }
}
