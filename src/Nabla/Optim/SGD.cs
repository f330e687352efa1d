using System.Numerics;
using Nabla.Core;
using static Nabla.Optim.FusedUpdate;

namespace Nabla.Optim;

/// <summary>
/// torch.optim.SGD: stochastic gradient descent with optional momentum (with dampening and Nesterov),
/// weight decay and maximize. State per parameter: "momentum_buffer" (when momentum is not zero).
/// </summary>
public sealed class SGD : Optimizer
{
    /// <summary>Creates SGD over one group of parameters.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public SGD(IEnumerable<Tensor> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(parameters, Options(lr, momentum, dampening, weightDecay, nesterov, maximize)) { }

    /// <summary>Creates SGD over several groups; options a group lacks come from the arguments.</summary>
    /// <exception cref="ArgumentException">An invalid option (PyTorch's ValueError texts) or parameter list.</exception>
    public SGD(IEnumerable<ParamGroupSpec> groups, double lr = 1e-3, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(groups, Options(lr, momentum, dampening, weightDecay, nesterov, maximize)) { }

    private static Dictionary<string, object?> Options(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize) => new()
    {
        ["lr"] = lr, ["momentum"] = momentum, ["dampening"] = dampening, ["weight_decay"] = weightDecay,
        ["nesterov"] = nesterov, ["maximize"] = maximize,
    };

    /// <inheritdoc/>
    protected override void ValidateGroup(ParamGroup group)
    {
        OptimizerChecks.NonNegative(group, "lr", "Invalid learning rate");
        OptimizerChecks.NonNegative(group, "momentum", "Invalid momentum value");
        OptimizerChecks.NonNegative(group, "weight_decay", "Invalid weight_decay value");
        group.Double("dampening");
        group.Bool("maximize");
        if (group.Bool("nesterov") && (group.Double("momentum") <= 0 || group.Double("dampening") != 0))
            throw Errors.Runtime("Nesterov momentum requires a momentum and zero dampening");
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParamGroup group)
    {
        double momentum = group.Double("momentum");
        var update = new Update(group.Lr, momentum, group.Double("dampening"), group.Double("weight_decay"),
            group.Bool("nesterov"), group.Bool("maximize"), false);
        foreach (var p in group.Params)
        {
            if (GradOf(p) is not { } g) continue;
            if (momentum == 0)
            {
                Apply(p, g, update);
                continue;
            }
            var state = StateOf(p);
            if (state.GetValueOrDefault("momentum_buffer") is Tensor buf)
                Apply(p, g, update, buf);
            else
            {
                buf = ZerosLike(p);
                Apply(p, g, update with { FirstStep = true }, buf);
                state["momentum_buffer"] = buf;
            }
        }
    }

    /// <summary>PyTorch's _single_tensor_sgd for one element; a = momentum buffer (cloned from the gradient on the first step).</summary>
    private readonly record struct Update(double Lr, double Momentum, double Dampening, double WeightDecay, bool Nesterov, bool Maximize, bool FirstStep) : IFusedUpdate
    {
        public void Run<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T wd = S<T>(WeightDecay), mom = S<T>(Momentum), keep = S<T>(1 - Dampening), negLr = S<T>(-Lr);
            bool decay = WeightDecay != 0, useMomentum = Momentum != 0;
            int start = VectorMath.IsAccelerated<T>() ? RunVectors(p, g, a, wd, mom, keep, negLr, decay, useMomentum) : 0;
            for (int i = start; i < p.Length; i++)
            {
                T grad = Grad(g[i], p[i], Maximize, decay, wd);
                if (useMomentum)
                {
                    T buf = FirstStep ? grad : AddScaled(a[i] * mom, grad, keep);
                    a[i] = buf;
                    grad = Nesterov ? AddScaled(grad, buf, mom) : buf;
                }
                p[i] = AddScaled(p[i], grad, negLr);
            }
        }

        /// <summary>The loop above on whole vectors, with the same roundings; returns how many elements it did.</summary>
        private int RunVectors<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> a, T wd, T mom, T keep, T negLr, bool decay, bool useMomentum)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int width = Vector<T>.Count, n = p.Length - p.Length % width;
            Vector<T> vWd = new(wd), vMom = new(mom), vKeep = new(keep), vNegLr = new(negLr);
            for (int i = 0; i < n; i += width)
            {
                var pv = new Vector<T>(p[i..]);
                var grad = new Vector<T>(g[i..]);
                if (Maximize) grad = -grad;
                if (decay) grad = VectorMath.Fma(pv, vWd, grad);
                if (useMomentum)
                {
                    var buf = FirstStep ? grad : VectorMath.Fma(grad, vKeep, new Vector<T>(a[i..]) * vMom);
                    buf.CopyTo(a[i..]);
                    grad = Nesterov ? VectorMath.Fma(buf, vMom, grad) : buf;
                }
                VectorMath.Fma(grad, vNegLr, pv).CopyTo(p[i..]);
            }
            return n;
        }
    }
}
