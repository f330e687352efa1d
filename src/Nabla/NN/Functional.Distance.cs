using Nabla.Core;

namespace Nabla.NN;

/// <summary>Distances between vectors (torch.nn.functional.pairwise_distance and cosine_similarity).</summary>
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.pairwise_distance: <c>‖x1 − x2 + eps‖_p</c> over the last dim of the broadcast inputs (torch.norm,
    /// so p = 0 counts nonzeros and p = ±inf takes the largest/smallest |difference|); <paramref name="keepdim"/> keeps
    /// that dim. The gradient is zero where the distance is zero. Throws ArgumentException for shapes that do not broadcast.
    /// </summary>
    public static Tensor PairwiseDistance(Tensor x1, Tensor x2, double p = 2, double eps = 1e-6, bool keepdim = false)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        var diff = x1 - x2 + eps;
        int innermost = Math.Max(x1.Dim, x2.Dim) - 1;
        if (diff.Dim == 0) return Normalization.VectorNorm(diff.Unsqueeze(0), p, 0, keepdim: false, "NormBackward1");
        return Normalization.VectorNorm(diff, p, innermost, keepdim, "NormBackward1");
    }

    /// <summary>
    /// torch.nn.functional.cosine_similarity: <c>Σ (x1 / max(‖x1‖, eps)) · (x2 / max(‖x2‖, eps))</c> over
    /// <paramref name="dim"/> of the broadcast inputs, as PyTorch computes it (each input divided by its clamped norm
    /// first; the clamp itself is not differentiated, as PyTorch clamps under no_grad). Integer or Bool inputs are
    /// converted to the common floating dtype. Throws ArgumentException when the common dtype is not floating or the
    /// shapes do not broadcast, IndexException for a dim out of range.
    /// </summary>
    public static Tensor CosineSimilarity(Tensor x1, Tensor x2, int dim = 1, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        var common = TypePromotion.ResultType(x1, x2);
        Errors.Check(common.IsFloatingPoint(), $"expected common dtype to be floating point, yet common dtype is {common.ScalarTypeName()}");
        var a = x1.IsFloatingPoint ? x1 : x1.To(common);
        var b = x2.IsFloatingPoint ? x2 : x2.To(common);
        var shape = Shapes.Broadcast(a.Sizes, b.Sizes);
        if (!a.Sizes.SequenceEqual(shape)) a = a.Expand(shape);
        if (!b.Sizes.SequenceEqual(shape)) b = b.Expand(shape);
        int d = Errors.WrapDim(dim, a.Dim);
        return (a / ClampedNorm(a, d, eps) * (b / ClampedNorm(b, d, eps))).Sum(d);
    }

    /// <summary>The 2-norm over <paramref name="dim"/> (kept), clamped below at eps in place without autograd: the gradient
    /// flows through the norm as if unclamped, as in PyTorch's cosine_similarity.</summary>
    private static Tensor ClampedNorm(Tensor x, int dim, double eps)
    {
        var norm = Normalization.VectorNorm(x, 2, dim).Clone();
        using (GradMode.NoGrad()) norm.Copy_(norm.ClampMin(eps));
        return norm;
    }
}
