using System.Numerics;
using static Nabla.Optim.FusedUpdate;

namespace Nabla.Optim;

/// <summary>
/// torch.optim.Adagrad. Its state ("step", "sum" filled with initial_accumulator_value) is created when a group
/// is added, as PyTorch's constructor does.
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Creates Adagrad over one group of parameters.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(parameters, Options(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize)) { }

    /// <summary>Creates Adagrad over several groups; options a group lacks come from the arguments.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public Adagrad(IEnumerable<ParamGroupSpec> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(groups, Options(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize)) { }

    private static Dictionary<string, object?> Options(double lr, double lrDecay, double weightDecay, double initial, double eps, bool maximize) => new()
    {
        ["lr"] = lr, ["lr_decay"] = lrDecay, ["eps"] = eps, ["weight_decay"] = weightDecay,
        ["initial_accumulator_value"] = initial, ["maximize"] = maximize,
    };

    /// <inheritdoc/>
    protected override void ValidateGroup(ParamGroup group)
    {
        OptimizerChecks.NonNegative(group, "lr", "Invalid learning rate");
        OptimizerChecks.NonNegative(group, "lr_decay", "Invalid lr_decay value");
        OptimizerChecks.NonNegative(group, "weight_decay", "Invalid weight_decay value");
        OptimizerChecks.NonNegative(group, "initial_accumulator_value", "Invalid initial_accumulator_value value");
        OptimizerChecks.NonNegative(group, "eps", "Invalid epsilon value");
        group.Bool("maximize");
    }

    /// <inheritdoc/>
    protected override void OnGroupAdded(ParamGroup group)
    {
        double initial = group.Double("initial_accumulator_value");
        foreach (var p in group.Params)
        {
            var state = StateOf(p);
            state["step"] = NewStep();
            state["sum"] = Tensor.Full(p.Shape, initial, p.DType);
        }
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParamGroup group)
    {
        double lr = group.Lr, lrDecay = group.Double("lr_decay");
        foreach (var p in group.Params)
        {
            if (GradOf(p) is not { } g) continue;
            var state = StateOf(p);
            double step = IncrementStep(OptimizerState.Buffer(state, "step", "Adagrad"));
            double clr = lr / (1 + (step - 1) * lrDecay);
            Apply(p, g, new Update(clr, group.Double("eps"), group.Double("weight_decay"), group.Bool("maximize")), OptimizerState.Buffer(state, "sum", "Adagrad"));
        }
    }

    /// <summary>_single_tensor_adagrad (dense) for one element; a = sum.</summary>
    private readonly record struct Update(double Clr, double Eps, double WeightDecay, bool Maximize) : IFusedUpdate
    {
        public void Run<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T wd = S<T>(WeightDecay), eps = S<T>(Eps), negClr = S<T>(-Clr);
            bool decay = WeightDecay != 0;
            for (int i = 0; i < p.Length; i++)
            {
                T grad = Grad(g[i], p[i], Maximize, decay, wd);
                T sum = a[i] = Addcmul(a[i], grad, grad, T.One);
                p[i] = Addcdiv(p[i], grad, T.Sqrt(sum) + eps, negClr);
            }
        }
    }
}
