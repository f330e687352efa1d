using Nabla.Core;

namespace Nabla.NN;

/// <summary>Attention (torch.nn.functional.scaled_dot_product_attention).</summary>
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.scaled_dot_product_attention on (..., L, E) queries and (..., S, E) keys / (..., S, Ev) values:
    /// <c>softmax(q kᵀ · scale + mask) v</c>, scale defaulting to 1/√E. A Bool <paramref name="attnMask"/> keeps the
    /// positions that are true; a float one is added. <paramref name="isCausal"/> keeps key j ≤ query i.
    /// <paramref name="dropoutP"/> drops attention weights as <see cref="Dropout"/> does. Computed as PyTorch's math
    /// path (matmul, softmax, matmul), so the gradient nodes are those ops'. Throws ArgumentException for a mask
    /// together with isCausal, or mismatched sizes.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null, double dropoutP = 0.0,
        bool isCausal = false, double? scale = null)
    {
        if (isCausal && attnMask is not null)
            throw Errors.Runtime("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
        Errors.Check(query.Dim >= 2 && key.Dim >= 2 && value.Dim >= 2,
            $"scaled_dot_product_attention: expected query, key and value to have at least 2 dims, got {query.Dim}, {key.Dim} and {value.Dim}");
        Errors.Check(query.Size(-1) == key.Size(-1),
            $"scaled_dot_product_attention: query and key must have the same embedding size, got {query.Size(-1)} and {key.Size(-1)}");
        double s = scale ?? 1.0 / Math.Sqrt(query.Size(-1));
        double rootScale = Math.Sqrt(s);
        // PyTorch's math path scales q and k by √scale each, for stability.
        var scores = (query * rootScale).Matmul((key * rootScale).Transpose(-2, -1));
        if (isCausal)
        {
            int l = query.Size(-2), sLen = key.Size(-2);
            var keep = Tensor.Arange(l).Unsqueeze(1).Ge(Tensor.Arange(sLen).Unsqueeze(0));
            scores = scores.MaskedFill(keep.LogicalNot(), double.NegativeInfinity);
        }
        else if (attnMask is not null)
        {
            scores = attnMask.DType == DType.Bool
                ? scores.MaskedFill(attnMask.LogicalNot(), double.NegativeInfinity)
                : scores + attnMask;
        }
        var weights = scores.Softmax(-1);
        if (dropoutP > 0) weights = Dropout(weights, dropoutP, training: true);
        return weights.Matmul(value);
    }
}
