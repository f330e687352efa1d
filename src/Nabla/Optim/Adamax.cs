using System.Numerics;
using static Nabla.Optim.FusedUpdate;

namespace Nabla.Optim;

/// <summary>torch.optim.Adamax (Adam with the infinity norm). State per parameter: "step", "exp_avg", "exp_inf".</summary>
public sealed class Adamax : Optimizer
{
    /// <summary>Creates Adamax over one group of parameters.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public Adamax(IEnumerable<Tensor> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0, bool maximize = false)
        : base(parameters, Options(lr, betas, eps, weightDecay, maximize)) { }

    /// <summary>Creates Adamax over several groups; options a group lacks come from the arguments.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public Adamax(IEnumerable<ParamGroupSpec> groups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0, bool maximize = false)
        : base(groups, Options(lr, betas, eps, weightDecay, maximize)) { }

    private static Dictionary<string, object?> Options(double lr, (double, double)? betas, double eps, double weightDecay, bool maximize) => new()
    {
        ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay, ["maximize"] = maximize,
    };

    /// <inheritdoc/>
    protected override void ValidateGroup(ParamGroup group)
    {
        OptimizerChecks.AdamFamily(group);
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
            if (state.Count == 0) InitState(state, p, "exp_avg", "exp_inf");
            double step = IncrementStep(OptimizerState.Buffer(state, "step", "Adamax"));
            double clr = lr / (1 - Math.Pow(beta1, step));
            Apply(p, g, new Update(beta1, beta2, group.Double("eps"), group.Double("weight_decay"), group.Bool("maximize"), clr),
                OptimizerState.Buffer(state, "exp_avg", "Adamax"), OptimizerState.Buffer(state, "exp_inf", "Adamax"));
        }
    }

    /// <summary>_single_tensor_adamax for one element; a = exp_avg, b = exp_inf.</summary>
    private readonly record struct Update(double Beta1, double Beta2, double Eps, double WeightDecay, bool Maximize, double Clr) : IFusedUpdate
    {
        public void Run<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T wd = S<T>(WeightDecay), w1 = S<T>(1 - Beta1), b2 = S<T>(Beta2), eps = S<T>(Eps), negClr = S<T>(-Clr);
            bool decay = WeightDecay != 0;
            for (int i = 0; i < p.Length; i++)
            {
                T grad = Grad(g[i], p[i], Maximize, decay, wd);
                T m = a[i] = Lerp(a[i], grad, w1);
                T u = b[i] = T.Max(b[i] * b2, T.Abs(grad) + eps);
                p[i] = Addcdiv(p[i], m, u, negClr);
            }
        }
    }
}
