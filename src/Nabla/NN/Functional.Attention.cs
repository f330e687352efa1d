using Nabla.Core;

namespace Nabla.NN;

/// <summary>Attention (torch.nn.functional.scaled_dot_product_attention and multi_head_attention_forward).</summary>
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
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (isCausal && attnMask is not null)
            throw Errors.Runtime("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
        Errors.Check(query.Dim >= 2 && key.Dim >= 2 && value.Dim >= 2,
            $"scaled_dot_product_attention: expected query, key and value to have at least 2 dims, got {query.Dim}, {key.Dim} and {value.Dim}");
        Errors.Check(query.DType == key.DType && query.DType == value.DType,
            $"Expected query, key, and value to have the same dtype, but got query.dtype: {TypeMetaName(query.DType)} key.dtype: {TypeMetaName(key.DType)} and value.dtype: {TypeMetaName(value.DType)} instead.");
        // A query/key embedding mismatch fails in the matmul below with libtorch's own (bmm/mm) message, as its math path does.
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

    /// <summary>
    /// The functional core of torch.nn.MultiheadAttention (torch.nn.functional.multi_head_attention_forward) for
    /// sequence-first inputs (L, N, E) / (S, N, E), or unbatched (L, E) / (S, E): packed input projection
    /// (<paramref name="inProjWeight"/> is (3E, E)), <paramref name="numHeads"/> heads of scaled dot-product attention,
    /// output projection. <paramref name="attnMask"/> (L, S) or (N·H, L, S) and <paramref name="keyPaddingMask"/> (N, S)
    /// mask positions that are true (Bool) or add their values (float). Returns the output and, when
    /// <paramref name="needWeights"/>, the attention weights (averaged over heads when <paramref name="averageAttnWeights"/>).
    /// Dropout on the weights applies when <paramref name="training"/>. Throws ArgumentException for mismatched sizes.
    /// </summary>
    public static (Tensor Output, Tensor? Weights) MultiHeadAttentionForward(Tensor query, Tensor key, Tensor value, int numHeads,
        Tensor inProjWeight, Tensor? inProjBias, Tensor outProjWeight, Tensor? outProjBias, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true, double dropoutP = 0.0, bool training = true)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(inProjWeight);
        ArgumentNullException.ThrowIfNull(outProjWeight);
        Errors.Check(numHeads > 0, $"num_heads must be positive, got {numHeads}");
        bool batched = query.Dim == 3;
        Errors.Check(query.Dim is 2 or 3 && key.Dim == query.Dim && value.Dim == query.Dim,
            $"query should be unbatched 2D or batched 3D tensor but received {query.Dim}-D query tensor");
        if (!batched)
        {
            query = query.Unsqueeze(1); key = key.Unsqueeze(1); value = value.Unsqueeze(1);
            keyPaddingMask = keyPaddingMask?.Unsqueeze(0);
        }
        int tgtLen = query.Size(0), bsz = query.Size(1), embedDim = query.Size(2), srcLen = key.Size(0);
        Errors.Check(embedDim % numHeads == 0, $"embed_dim {embedDim} not divisible by num_heads {numHeads}");
        Errors.Check(key.Size(0) == value.Size(0) && key.Size(1) == value.Size(1),
            $"key shape {Errors.Shape(key.Sizes)} does not match value shape {Errors.Shape(value.Sizes)}");
        int headDim = embedDim / numHeads;

        var w = inProjWeight.Chunk(3);
        var b = inProjBias?.Chunk(3);
        var q = Project(query, w[0], b?[0]);
        var k = Project(key, w[1], b?[1]);
        var v = Project(value, w[2], b?[2]);

        var mask = attnMask is null ? null : AdditiveMask(attnMask, q.DType);
        if (mask is not null && mask.Dim == 2)
        {
            Errors.Check(mask.Size(0) == tgtLen && mask.Size(1) == srcLen,
                $"The shape of the 2D attn_mask is {Errors.Shape(mask.Sizes)}, but should be ({tgtLen}, {srcLen}).");
            mask = mask.Unsqueeze(0);
        }
        if (keyPaddingMask is not null)
        {
            var padding = AdditiveMask(keyPaddingMask, q.DType).View(bsz, 1, 1, srcLen).Expand(bsz, numHeads, 1, srcLen).Reshape(bsz * numHeads, 1, srcLen);
            mask = mask is null ? padding : mask + padding;
        }

        // (L, N, E) -> (N·H, L, head_dim)
        q = q.Reshape(tgtLen, bsz * numHeads, headDim).Transpose(0, 1);
        k = k.Reshape(srcLen, bsz * numHeads, headDim).Transpose(0, 1);
        v = v.Reshape(srcLen, bsz * numHeads, headDim).Transpose(0, 1);
        var scores = (q * Math.Sqrt(1.0 / headDim)).Bmm(k.Transpose(-2, -1));
        if (mask is not null) scores = scores + mask;
        var weights = scores.Softmax(-1);
        if (dropoutP > 0 && training) weights = Dropout(weights, dropoutP);
        var attended = weights.Bmm(v).Transpose(0, 1).Contiguous().View(tgtLen * bsz, embedDim);
        var output = Project(attended, outProjWeight, outProjBias).View(tgtLen, bsz, embedDim);
        Tensor? returned = null;
        if (needWeights)
        {
            returned = weights.View(bsz, numHeads, tgtLen, srcLen);
            if (averageAttnWeights) returned = returned.Mean(1);
            if (!batched) returned = returned.Squeeze(0);
        }
        return (batched ? output : output.Squeeze(1), returned);
    }

    /// <summary><c>x wᵀ + b</c> (torch.nn.functional.linear's values).</summary>
    private static Tensor Project(Tensor x, Tensor weight, Tensor? bias)
    {
        var y = x.Matmul(weight.T);
        return bias is null ? y : y + bias;
    }

    /// <summary>A Bool mask (true = masked) as 0 / -inf in <paramref name="dtype"/>; a float mask as it is.</summary>
    private static Tensor AdditiveMask(Tensor mask, DType dtype) =>
        mask.DType == DType.Bool ? Tensor.Zeros(mask.Shape, dtype).MaskedFill(mask, double.NegativeInfinity) : mask;

    /// <summary>caffe2::TypeMeta's name of a dtype, as libtorch prints tensor.dtype() in messages ("float", "double", ...).</summary>
    private static string TypeMetaName(DType dtype) => dtype switch
    {
        DType.Float32 => "float", DType.Float64 => "double", DType.Int64 => "long int", DType.Int32 => "int", DType.UInt8 => "unsigned char", _ => "bool",
    };
}
