using System.Numerics;
using Nabla.Core;
using static Nabla.Optim.FusedUpdate;

namespace Nabla.Optim;

/// <summary>torch.optim.Adadelta. State per parameter: "step", "square_avg", "acc_delta".</summary>
public sealed class Adadelta : Optimizer
{
    /// <summary>Creates Adadelta over one group of parameters.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public Adadelta(IEnumerable<Tensor> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0, bool maximize = false)
        : base(parameters, Options(lr, rho, eps, weightDecay, maximize)) { }

    /// <summary>Creates Adadelta over several groups; options a group lacks come from the arguments.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public Adadelta(IEnumerable<ParamGroupSpec> groups, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0, bool maximize = false)
        : base(groups, Options(lr, rho, eps, weightDecay, maximize)) { }

    private static Dictionary<string, object?> Options(double lr, double rho, double eps, double weightDecay, bool maximize) => new()
    {
        ["lr"] = lr, ["rho"] = rho, ["eps"] = eps, ["weight_decay"] = weightDecay, ["maximize"] = maximize,
    };

    /// <inheritdoc/>
    protected override void ValidateGroup(ParamGroup group)
    {
        OptimizerChecks.NonNegative(group, "lr", "Invalid learning rate");
        double rho = group.Double("rho");
        if (!(rho >= 0 && rho <= 1)) throw Errors.Runtime($"Invalid rho value: {OptionValues.Repr(rho)}");
        OptimizerChecks.NonNegative(group, "eps", "Invalid epsilon value");
        OptimizerChecks.NonNegative(group, "weight_decay", "Invalid weight_decay value");
        group.Bool("maximize");
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParamGroup group)
    {
        var update = new Update(group.Lr, group.Double("rho"), group.Double("eps"), group.Double("weight_decay"), group.Bool("maximize"));
        foreach (var p in group.Params)
        {
            if (GradOf(p) is not { } g) continue;
            var state = StateOf(p);
            if (state.Count == 0) InitState(state, p, "square_avg", "acc_delta");
            IncrementStep(OptimizerState.Buffer(state, "step", "Adadelta"));
            Apply(p, g, update, OptimizerState.Buffer(state, "square_avg", "Adadelta"), OptimizerState.Buffer(state, "acc_delta", "Adadelta"));
        }
    }

    /// <summary>_single_tensor_adadelta for one element; a = square_avg, b = acc_delta.</summary>
    private readonly record struct Update(double Lr, double Rho, double Eps, double WeightDecay, bool Maximize) : IFusedUpdate
    {
        public void Run<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T wd = S<T>(WeightDecay), rho = S<T>(Rho), w = S<T>(1 - Rho), eps = S<T>(Eps), negLr = S<T>(-Lr);
            bool decay = WeightDecay != 0;
            for (int i = 0; i < p.Length; i++)
            {
                T grad = Grad(g[i], p[i], Maximize, decay, wd);
                T sq = a[i] = Addcmul(a[i] * rho, grad, grad, w);
                T std = T.Sqrt(sq + eps);
                T delta = T.Sqrt(b[i] + eps) / std * grad;
                b[i] = Addcmul(b[i] * rho, delta, delta, w);
                p[i] = AddScaled(p[i], delta, negLr);
            }
        }
    }
}
