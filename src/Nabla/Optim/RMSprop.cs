using System.Numerics;
using static Nabla.Optim.FusedUpdate;

namespace Nabla.Optim;

/// <summary>
/// torch.optim.RMSprop, with centered and momentum variants. State per parameter: "step", "square_avg",
/// "momentum_buffer" (momentum &gt; 0) and "grad_avg" (centered).
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>Creates RMSprop over one group of parameters.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false, bool maximize = false)
        : base(parameters, Options(lr, alpha, eps, weightDecay, momentum, centered, maximize)) { }

    /// <summary>Creates RMSprop over several groups; options a group lacks come from the arguments.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public RMSprop(IEnumerable<ParamGroupSpec> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false, bool maximize = false)
        : base(groups, Options(lr, alpha, eps, weightDecay, momentum, centered, maximize)) { }

    private static Dictionary<string, object?> Options(double lr, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize) => new()
    {
        ["lr"] = lr, ["alpha"] = alpha, ["eps"] = eps, ["weight_decay"] = weightDecay, ["momentum"] = momentum,
        ["centered"] = centered, ["maximize"] = maximize,
    };

    /// <inheritdoc/>
    protected override void ValidateGroup(ParamGroup group)
    {
        OptimizerChecks.NonNegative(group, "lr", "Invalid learning rate");
        OptimizerChecks.NonNegative(group, "eps", "Invalid epsilon value");
        OptimizerChecks.NonNegative(group, "momentum", "Invalid momentum value");
        OptimizerChecks.NonNegative(group, "weight_decay", "Invalid weight_decay value");
        OptimizerChecks.NonNegative(group, "alpha", "Invalid alpha value");
        group.Bool("centered");
        group.Bool("maximize");
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParamGroup group)
    {
        double momentum = group.Double("momentum");
        bool centered = group.Bool("centered");
        var update = new Update(group.Lr, group.Double("alpha"), group.Double("eps"), group.Double("weight_decay"), momentum, centered, group.Bool("maximize"));
        foreach (var p in group.Params)
        {
            if (GradOf(p) is not { } g) continue;
            var state = StateOf(p);
            if (state.Count == 0)
            {
                state["step"] = NewStep();
                state["square_avg"] = ZerosLike(p);
                if (momentum > 0) state["momentum_buffer"] = ZerosLike(p);
                if (centered) state["grad_avg"] = ZerosLike(p);
            }
            IncrementStep(OptimizerState.Buffer(state, "step", "RMSprop"));
            Apply(p, g, update, OptimizerState.Buffer(state, "square_avg", "RMSprop"),
                momentum > 0 ? OptimizerState.Buffer(state, "momentum_buffer", "RMSprop") : null,
                centered ? OptimizerState.Buffer(state, "grad_avg", "RMSprop") : null);
        }
    }

    /// <summary>_single_tensor_rmsprop for one element; a = square_avg, b = momentum_buffer, c = grad_avg.</summary>
    private readonly record struct Update(double Lr, double Alpha, double Eps, double WeightDecay, double Momentum, bool Centered, bool Maximize) : IFusedUpdate
    {
        public void Run<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T wd = S<T>(WeightDecay), alpha = S<T>(Alpha), w = S<T>(1 - Alpha), eps = S<T>(Eps), mom = S<T>(Momentum),
                negLr = S<T>(-Lr), minusOne = S<T>(-1);
            bool decay = WeightDecay != 0, useMomentum = Momentum > 0;
            for (int i = 0; i < p.Length; i++)
            {
                T grad = Grad(g[i], p[i], Maximize, decay, wd);
                T sq = a[i] = Addcmul(a[i] * alpha, grad, grad, w);
                T avg;
                if (Centered)
                {
                    T ga = c[i] = Lerp(c[i], grad, w);
                    avg = T.Sqrt(Addcmul(sq, ga, ga, minusOne));
                }
                else avg = T.Sqrt(sq);
                avg += eps;
                if (useMomentum)
                {
                    T buf = b[i] = Addcdiv(b[i] * mom, grad, avg, T.One);
                    p[i] = AddScaled(p[i], buf, negLr);
                }
                else p[i] = Addcdiv(p[i], grad, avg, negLr);
            }
        }
    }
}
