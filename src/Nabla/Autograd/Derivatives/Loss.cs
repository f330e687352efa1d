using Nabla.NN;

namespace Nabla;

/// <summary>Backward formulas of the fused losses.</summary>
internal static class LossDerivatives
{
    internal const string NllLossBackward0 = nameof(NllLossBackward0);
    internal const string NllLoss2DBackward0 = nameof(NllLoss2DBackward0);

    /// <summary>
    /// A fused pointwise loss: the output gradient spread over the elements (divided by their count for 'mean'),
    /// times the pointwise derivatives and the weight. Saved: input, target, weight and an auxiliary tensor (empty when absent).
    /// </summary>
    public static Tensor?[] Pointwise<TExtra>(Tensor grad, Tensor[] s, bool[] needs, (Reduction Reduction, TExtra Extra, LossDerivative<TExtra> Derivative) a)
    {
        var (x, t, weight) = (s[0], s[1], s[2]);
        var g = a.Reduction switch
        {
            Reduction.None => grad,
            Reduction.Mean => (grad / x.Numel).Expand(x.Shape),
            _ => grad.Expand(x.Shape),
        };
        if (weight.Numel > 0) g = g * weight;
        var (dx, dt) = a.Derivative(x, t, s[3], a.Extra, needs);
        return [dx is null ? null : g * dx, dt is null ? null : g * dt];
    }

    public static (Tensor?, Tensor?) Mse(Tensor x, Tensor t, Tensor aux, double _, bool[] needs)
    {
        var d = 2 * (x - t);
        return (needs[0] ? d : null, needs[1] ? -d : null);
    }

    public static (Tensor?, Tensor?) SmoothL1(Tensor x, Tensor t, Tensor aux, double beta, bool[] needs)
    {
        var d = x - t;
        var slope = Tensor.Where(d < -beta, -1.0, Tensor.Where(d > beta, 1.0, d / beta));
        return (needs[0] ? slope : null, needs[1] ? -slope : null);
    }

    public static (Tensor?, Tensor?) Huber(Tensor x, Tensor t, Tensor aux, double delta, bool[] needs)
    {
        var d = x - t;
        var slope = Tensor.Where(d < -delta, -delta, Tensor.Where(d > delta, delta, d));
        return (needs[0] ? slope : null, needs[1] ? -slope : null);
    }

    /// <summary>binary_cross_entropy: <c>(x - t) / max(x (1 - x), 1e-12)</c> for the input, <c>-logit(x)</c> for the target.</summary>
    public static (Tensor?, Tensor?) BinaryCrossEntropy(Tensor x, Tensor t, Tensor aux, double _, bool[] needs) =>
        (needs[0] ? (x - t) / ((1 - x) * x).ClampMin(1e-12) : null, needs[1] ? -x.Logit() : null);

    /// <summary>binary_cross_entropy_with_logits: <c>(1 - t) - lw σ(-x)</c> and <c>-x + (pw - 1) softplus(-x)</c>, lw = 1 + (pw - 1) t.</summary>
    public static (Tensor?, Tensor?) BinaryCrossEntropyWithLogits(Tensor x, Tensor t, Tensor posWeight, int _, bool[] needs)
    {
        bool hasPw = posWeight.Numel > 0;
        var sigNeg = (-x).Sigmoid();
        Tensor? dx = null, dt = null;
        if (needs[0]) dx = hasPw ? (1 - t) - ((posWeight - 1) * t + 1) * sigNeg : (1 - t) - sigNeg;
        if (needs[1])
        {
            var softplusNeg = (-x.Abs()).Exp().Log1p() + (-x).ClampMin(0);
            dt = hasPw ? -x + (posWeight - 1) * softplusNeg : -x;
        }
        return (dx, dt);
    }

    /// <summary>
    /// nll_loss / nll_loss2d: each kept target's input element gets <c>-weight[target] * grad</c> (grad divided by the
    /// total weight for 'mean'); everything else, ignored targets included, gets zero.
    /// Saved: targets (N, 1, K) with ignored ones replaced by 0, the weights (N, K), the ignored mask (N, K), the total weight.
    /// </summary>
    public static Tensor?[] NllLoss(Tensor grad, Tensor[] saved, bool[] needs, (int[] InputShape, int N, int C, int K, Reduction Reduction) a)
    {
        var (target, weights, ignored, totalWeight) = (saved[0], saved[1], saved[2], saved[3]);
        var g = a.Reduction switch
        {
            Reduction.None => grad.Reshape(a.N, a.K),
            Reduction.Mean => (grad / totalWeight).Expand(a.N, a.K),
            _ => grad.Expand(a.N, a.K),
        };
        var src = (-weights * g).MaskedFill(ignored, 0.0).Unsqueeze(1);
        return [Tensor.Zeros([a.N, a.C, a.K], grad.DType).Scatter(1, target, src).Reshape(a.InputShape)];
    }
}

/// <summary>The pointwise derivatives of a fused loss with respect to input and target (null where not needed).</summary>
internal delegate (Tensor? Input, Tensor? Target) LossDerivative<TExtra>(Tensor x, Tensor t, Tensor aux, TExtra extra, bool[] needs);
