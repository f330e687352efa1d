using Nabla.NN;

namespace Nabla;

/// <summary>Backward formulas of the fused losses.</summary>
internal static class LossDerivatives
{
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
