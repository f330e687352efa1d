using System.Numerics;
using static Nabla.Optim.FusedUpdate;

namespace Nabla.Optim;

/// <summary>
/// torch.optim.RAdam (rectified Adam), optionally with decoupled weight decay.
/// State per parameter: "step", "exp_avg", "exp_avg_sq".
/// </summary>
public sealed class RAdam : Optimizer
{
    /// <summary>Creates RAdam over one group of parameters.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public RAdam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0,
        bool decoupledWeightDecay = false, bool maximize = false)
        : base(parameters, Options(lr, betas, eps, weightDecay, decoupledWeightDecay, maximize)) { }

    /// <summary>Creates RAdam over several groups; options a group lacks come from the arguments.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public RAdam(IEnumerable<ParamGroupSpec> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0,
        bool decoupledWeightDecay = false, bool maximize = false)
        : base(groups, Options(lr, betas, eps, weightDecay, decoupledWeightDecay, maximize)) { }

    private static Dictionary<string, object?> Options(double lr, (double, double)? betas, double eps, double weightDecay, bool decoupled, bool maximize) => new()
    {
        ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
        ["decoupled_weight_decay"] = decoupled, ["maximize"] = maximize,
    };

    /// <inheritdoc/>
    protected override void ValidateGroup(ParamGroup group)
    {
        OptimizerChecks.AdamFamily(group);
        group.Bool("decoupled_weight_decay");
        group.Bool("maximize");
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParamGroup group)
    {
        var (beta1, beta2) = group.Pair("betas");
        double lr = group.Lr;
        foreach (var p in group.Params)
        {
            if (GradOf(p) is not { } g) continue;
            var state = StateOf(p);
            if (state.Count == 0) InitState(state, p, "exp_avg", "exp_avg_sq");
            double step = IncrementStep(OptimizerState.Buffer(state, "step", "RAdam"));
            double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
            double rhoInf = 2 / (1 - beta2) - 1;
            double rhoT = rhoInf - 2 * step * Math.Pow(beta2, step) / bc2;
            bool rectify = rhoT > 5.0;
            double rect = rectify ? Math.Pow((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT), 0.5) : 0;
            var update = new Update(lr, beta1, beta2, group.Double("eps"), group.Double("weight_decay"), group.Bool("decoupled_weight_decay"),
                group.Bool("maximize"), bc1, Math.Pow(bc2, 0.5), rectify, rect);
            Apply(p, g, update, OptimizerState.Buffer(state, "exp_avg", "RAdam"), OptimizerState.Buffer(state, "exp_avg_sq", "RAdam"));
        }
    }

    /// <summary>_single_tensor_radam (not capturable) for one element; a = exp_avg, b = exp_avg_sq.</summary>
    private readonly record struct Update(double Lr, double Beta1, double Beta2, double Eps, double WeightDecay, bool Decoupled, bool Maximize,
        double Bc1, double Bc2Sqrt, bool Rectify, double Rect) : IFusedUpdate
    {
        public void Run<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T decayFactor = S<T>(1 - Lr * WeightDecay), wd = S<T>(WeightDecay), w1 = S<T>(1 - Beta1), b2 = S<T>(Beta2), w2 = S<T>(1 - Beta2),
                bc1 = S<T>(Bc1), lr = S<T>(Lr), bc2Sqrt = S<T>(Bc2Sqrt), eps = S<T>(Eps), rect = S<T>(Rect);
            bool couple = WeightDecay != 0 && !Decoupled, decouple = WeightDecay != 0 && Decoupled;
            for (int i = 0; i < p.Length; i++)
            {
                if (decouple) p[i] *= decayFactor;
                T grad = Grad(g[i], p[i], Maximize, couple, wd);
                T m = a[i] = Lerp(a[i], grad, w1);
                T v = b[i] = Addcmul(b[i] * b2, grad, grad, w2);
                T scaled = m / bc1 * lr;
                // (bias_correction2 ** 0.5) / tensor is Tensor.__rtruediv__: reciprocal, then times the number.
                if (Rectify) scaled = scaled * (T.One / (T.Sqrt(v) + eps) * bc2Sqrt) * rect;
                p[i] += scaled;
            }
        }
    }
}
