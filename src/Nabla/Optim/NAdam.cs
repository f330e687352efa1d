using System.Numerics;
using static Nabla.Optim.FusedUpdate;

namespace Nabla.Optim;

/// <summary>
/// torch.optim.NAdam (Adam with Nesterov momentum and momentum decay), optionally with decoupled weight decay.
/// State per parameter: "step", "mu_product" (0-d float32), "exp_avg", "exp_avg_sq".
/// </summary>
public sealed class NAdam : Optimizer
{
    /// <summary>Creates NAdam over one group of parameters.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public NAdam(IEnumerable<Tensor> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0,
        double momentumDecay = 4e-3, bool decoupledWeightDecay = false, bool maximize = false)
        : base(parameters, Options(lr, betas, eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize)) { }

    /// <summary>Creates NAdam over several groups; options a group lacks come from the arguments.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public NAdam(IEnumerable<ParamGroupSpec> groups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0,
        double momentumDecay = 4e-3, bool decoupledWeightDecay = false, bool maximize = false)
        : base(groups, Options(lr, betas, eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize)) { }

    private static Dictionary<string, object?> Options(double lr, (double, double)? betas, double eps, double weightDecay, double momentumDecay, bool decoupled, bool maximize) => new()
    {
        ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
        ["momentum_decay"] = momentumDecay, ["decoupled_weight_decay"] = decoupled, ["maximize"] = maximize,
    };

    /// <inheritdoc/>
    protected override void ValidateGroup(ParamGroup group)
    {
        OptimizerChecks.AdamFamily(group);
        OptimizerChecks.NonNegative(group, "momentum_decay", "Invalid momentum_decay value");
        group.Bool("decoupled_weight_decay");
        group.Bool("maximize");
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParamGroup group)
    {
        var (beta1, beta2) = group.Pair("betas");
        double lr = group.Lr, momentumDecay = group.Double("momentum_decay");
        foreach (var p in group.Params)
        {
            if (GradOf(p) is not { } g) continue;
            var state = StateOf(p);
            if (state.Count == 0)
            {
                state["step"] = NewStep();
                state["mu_product"] = Tensor.Ones([], DType.Float32);
                state["exp_avg"] = ZerosLike(p);
                state["exp_avg_sq"] = ZerosLike(p);
            }
            double step = IncrementStep(OptimizerState.Buffer(state, "step", "NAdam"));
            double bc2 = 1 - Math.Pow(beta2, step);
            double mu = beta1 * (1.0 - 0.5 * Math.Pow(0.96, step * momentumDecay));
            double muNext = beta1 * (1.0 - 0.5 * Math.Pow(0.96, (step + 1) * momentumDecay));
            var muProductTensor = OptimizerState.Buffer(state, "mu_product", "NAdam");
            ref float muProduct = ref ScalarRef(muProductTensor, "mu_product");
            muProduct *= (float)mu; // a float32 tensor times a Python float
            muProductTensor.VersionCounter.Bump();
            double muProductNext = muProduct * muNext;
            var update = new Update(lr, beta1, beta2, group.Double("eps"), group.Double("weight_decay"), group.Bool("decoupled_weight_decay"),
                group.Bool("maximize"), bc2, -lr * (1.0 - mu) / (1.0 - muProduct), -lr * muNext / (1.0 - muProductNext));
            Apply(p, g, update, OptimizerState.Buffer(state, "exp_avg", "NAdam"), OptimizerState.Buffer(state, "exp_avg_sq", "NAdam"));
        }
    }

    /// <summary>_single_tensor_nadam (not capturable) for one element; a = exp_avg, b = exp_avg_sq.</summary>
    private readonly record struct Update(double Lr, double Beta1, double Beta2, double Eps, double WeightDecay, bool Decoupled, bool Maximize,
        double Bc2, double GradValue, double AvgValue) : IFusedUpdate
    {
        public void Run<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T decayFactor = S<T>(1 - Lr * WeightDecay), wd = S<T>(WeightDecay), w1 = S<T>(1 - Beta1), b2 = S<T>(Beta2), w2 = S<T>(1 - Beta2),
                bc2 = S<T>(Bc2), eps = S<T>(Eps), gradValue = S<T>(GradValue), avgValue = S<T>(AvgValue);
            bool couple = WeightDecay != 0 && !Decoupled, decouple = WeightDecay != 0 && Decoupled;
            for (int i = 0; i < p.Length; i++)
            {
                if (decouple) p[i] *= decayFactor;
                T grad = Grad(g[i], p[i], Maximize, couple, wd);
                T m = a[i] = Lerp(a[i], grad, w1);
                T v = b[i] = Addcmul(b[i] * b2, grad, grad, w2);
                T denom = T.Sqrt(v / bc2) + eps;
                T x = Addcdiv(p[i], grad, denom, gradValue);
                p[i] = Addcdiv(x, m, denom, avgValue);
            }
        }
    }
}
