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
    /// torch.nn.functional.multi_head_attention_forward for sequence-first inputs (L, N, E) / (S, N, Ek) / (S, N, Ev), or
    /// unbatched (L, E) / (S, Ek) / (S, Ev): the input projection (the packed <paramref name="inProjWeight"/> (3E, E), or
    /// <paramref name="qProjWeight"/>, <paramref name="kProjWeight"/>, <paramref name="vProjWeight"/> when given, as
    /// use_separate_proj_weight), <paramref name="biasK"/>/<paramref name="biasV"/> (1, 1, E) appended to the keys and values,
    /// a zero key and value appended when <paramref name="addZeroAttn"/>, <paramref name="numHeads"/> heads of scaled
    /// dot-product attention and the output projection. <paramref name="attnMask"/> (L, S) or (N·H, L, S) and
    /// <paramref name="keyPaddingMask"/> (N, S) mask the positions that are true (Bool) or add their values (float).
    /// <paramref name="isCausal"/> is PyTorch's hint that attnMask is the causal mask (the mask is still required).
    /// Returns the output and, when <paramref name="needWeights"/>, the attention weights (N, L, S), averaged over heads
    /// when <paramref name="averageAttnWeights"/>, else (N, H, L, S); without weights the attention runs through
    /// <see cref="ScaledDotProductAttention"/>, as PyTorch's. Dropout on the weights applies when <paramref name="training"/>.
    /// Throws ArgumentException with PyTorch's words for ranks, shapes or masks that do not fit, or isCausal without a mask.
    /// </summary>
    public static (Tensor Output, Tensor? Weights) MultiHeadAttentionForward(Tensor query, Tensor key, Tensor value, int numHeads,
        Tensor? inProjWeight, Tensor? inProjBias, Tensor outProjWeight, Tensor? outProjBias, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true, double dropoutP = 0.0, bool training = true,
        Tensor? biasK = null, Tensor? biasV = null, bool addZeroAttn = false, Tensor? qProjWeight = null, Tensor? kProjWeight = null,
        Tensor? vProjWeight = null, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(outProjWeight);
        Errors.Check(numHeads > 0, $"num_heads must be positive, got {numHeads}");
        bool batched = MhaShapeCheck(query, key, value, keyPaddingMask, attnMask, numHeads);
        if (!batched)
        {
            query = query.Unsqueeze(1); key = key.Unsqueeze(1); value = value.Unsqueeze(1);
            keyPaddingMask = keyPaddingMask?.Unsqueeze(0);
        }
        int tgtLen = query.Size(0), bsz = query.Size(1), embedDim = query.Size(2);
        keyPaddingMask = CanonicalMask(keyPaddingMask, "key_padding_mask", query.DType);
        if (isCausal && attnMask is null)
            throw Errors.Runtime("Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.");
        if (isCausal && keyPaddingMask is null && !needWeights) attnMask = null;   // SDPA's own causal mask stands in for it
        else
        {
            attnMask = CanonicalMask(attnMask, "attn_mask", query.DType);
            if (keyPaddingMask is not null) isCausal = false;   // the merged mask is no longer causal
        }
        Errors.Check(embedDim % numHeads == 0, $"embed_dim {embedDim} not divisible by num_heads {numHeads}");
        int headDim = embedDim / numHeads;
        bool separate = qProjWeight is not null || kProjWeight is not null || vProjWeight is not null;
        if (separate)
            Errors.Check(key.Size(0) == value.Size(0) && key.Size(1) == value.Size(1),
                $"key's sequence and batch dims {TorchSize(key.Shape[..2])} do not match value's {TorchSize(value.Shape[..2])}");
        else
            Errors.Check(key.Shape.SequenceEqual(value.Shape), $"key shape {TorchSize(key.Shape)} does not match value shape {TorchSize(value.Shape)}");

        var (q, k, v) = separate
            ? InProjection(query, key, value, qProjWeight, kProjWeight, vProjWeight, inProjBias?.Chunk(3))
            : InProjectionPacked(query, key, value, inProjWeight, inProjBias);

        if (attnMask is not null)
        {
            int srcLen0 = key.Size(0);
            if (attnMask.Dim == 2)
            {
                Errors.Check(attnMask.Size(0) == tgtLen && attnMask.Size(1) == srcLen0,
                    $"The shape of the 2D attn_mask is {TorchSize(attnMask.Shape)}, but should be ({tgtLen}, {srcLen0}).");
                attnMask = attnMask.Unsqueeze(0);
            }
            else if (attnMask.Dim == 3)
                Errors.Check(attnMask.Size(0) == bsz * numHeads && attnMask.Size(1) == tgtLen && attnMask.Size(2) == srcLen0,
                    $"The shape of the 3D attn_mask is {TorchSize(attnMask.Shape)}, but should be ({bsz * numHeads}, {tgtLen}, {srcLen0}).");
            else throw Errors.Runtime($"attn_mask's dimension {attnMask.Dim} is not supported");
        }

        if (biasK is not null && biasV is not null)
        {
            k = Tensor.Cat([k, biasK.Repeat(1, bsz, 1)]);
            v = Tensor.Cat([v, biasV.Repeat(1, bsz, 1)]);
            attnMask = attnMask is null ? null : Pad(attnMask, [0, 1]);
            keyPaddingMask = keyPaddingMask is null ? null : Pad(keyPaddingMask, [0, 1]);
        }
        else Errors.Check(biasK is null && biasV is null, "bias_k and bias_v must be given together");

        // (L, N, E) -> (N·H, L, head_dim)
        q = q.View(tgtLen, bsz * numHeads, headDim).Transpose(0, 1);
        k = k.View(k.Size(0), bsz * numHeads, headDim).Transpose(0, 1);
        v = v.View(v.Size(0), bsz * numHeads, headDim).Transpose(0, 1);
        if (addZeroAttn)
        {
            k = Tensor.Cat([k, Tensor.Zeros([bsz * numHeads, 1, headDim], k.DType)], 1);
            v = Tensor.Cat([v, Tensor.Zeros([bsz * numHeads, 1, headDim], v.DType)], 1);
            attnMask = attnMask is null ? null : Pad(attnMask, [0, 1]);
            keyPaddingMask = keyPaddingMask is null ? null : Pad(keyPaddingMask, [0, 1]);
        }
        int srcLen = k.Size(1);
        if (keyPaddingMask is not null)
        {
            Errors.Check(keyPaddingMask.Dim == 2 && keyPaddingMask.Size(0) == bsz && keyPaddingMask.Size(1) == srcLen,
                $"expecting key_padding_mask shape of ({bsz}, {srcLen}), but got {TorchSize(keyPaddingMask.Shape)}");
            var padding = keyPaddingMask.View(bsz, 1, 1, srcLen).Expand(-1, numHeads, -1, -1).Reshape(bsz * numHeads, 1, srcLen);
            attnMask = attnMask is null ? padding : attnMask + padding;
        }
        if (!training) dropoutP = 0.0;

        Tensor attended;
        Tensor? returned = null;
        if (needWeights)
        {
            var scores = (q * Math.Sqrt(1.0 / headDim)).Bmm(k.Transpose(-2, -1));
            if (attnMask is not null) scores = attnMask + scores;
            var weights = scores.Softmax(-1);
            if (dropoutP > 0) weights = Dropout(weights, dropoutP);
            attended = weights.Bmm(v).Transpose(0, 1).Contiguous().View(tgtLen * bsz, embedDim);
            returned = weights.View(bsz, numHeads, tgtLen, srcLen);
            if (averageAttnWeights) returned = returned.Mean(1);
            if (!batched) returned = returned.Squeeze(0);
        }
        else
        {
            if (attnMask is not null)
                attnMask = attnMask.Size(0) == 1 && attnMask.Dim == 3 ? attnMask.Unsqueeze(0) : attnMask.View(bsz, numHeads, -1, srcLen);
            var y = ScaledDotProductAttention(q.View(bsz, numHeads, tgtLen, headDim), k.View(bsz, numHeads, srcLen, headDim),
                v.View(bsz, numHeads, srcLen, headDim), attnMask, dropoutP, isCausal);
            attended = y.Permute(2, 0, 1, 3).Contiguous().View(bsz * tgtLen, embedDim);
        }
        var output = Project(attended, outProjWeight, outProjBias).View(tgtLen, bsz, outProjWeight.Size(0));
        return (batched ? output : output.Squeeze(1), returned);
    }

    /// <summary>torch's _mha_shape_check: the ranks of query, key, value and the masks; true for batched (3-D) inputs.</summary>
    private static bool MhaShapeCheck(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask, Tensor? attnMask, int numHeads)
    {
        if (query.Dim == 3)
        {
            Errors.Check(key.Dim == 3 && value.Dim == 3,
                $"For batched (3-D) `query`, expected `key` and `value` to be 3-D but found {key.Dim}-D and {value.Dim}-D tensors respectively");
            Errors.Check(keyPaddingMask is null || keyPaddingMask.Dim == 2,
                $"For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found {keyPaddingMask?.Dim}-D tensor instead");
            Errors.Check(attnMask is null || attnMask.Dim is 2 or 3,
                $"For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {attnMask?.Dim}-D tensor instead");
            return true;
        }
        if (query.Dim == 2)
        {
            Errors.Check(key.Dim == 2 && value.Dim == 2,
                $"For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found {key.Dim}-D and {value.Dim}-D tensors respectively");
            Errors.Check(keyPaddingMask is null || keyPaddingMask.Dim == 1,
                $"For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found {keyPaddingMask?.Dim}-D tensor instead");
            if (attnMask is not null)
            {
                Errors.Check(attnMask.Dim is 2 or 3,
                    $"For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {attnMask.Dim}-D tensor instead");
                if (attnMask.Dim == 3)
                    Errors.Check(attnMask.Size(0) == numHeads && attnMask.Size(1) == query.Size(0) && attnMask.Size(2) == key.Size(0),
                        $"Expected `attn_mask` shape to be ({numHeads}, {query.Size(0)}, {key.Size(0)}) but got {TorchSize(attnMask.Shape)}");
            }
            return false;
        }
        throw Errors.Runtime($"query should be unbatched 2D or batched 3D tensor but received {query.Dim}-D query tensor");
    }

    /// <summary>torch's _in_projection_packed: q, k and v through the three row blocks of the packed weight and bias.</summary>
    private static (Tensor, Tensor, Tensor) InProjectionPacked(Tensor q, Tensor k, Tensor v, Tensor? w, Tensor? b)
    {
        if (w is null) throw Errors.Runtime("use_separate_proj_weight is False but in_proj_weight is None");
        int e = q.Size(-1);
        Errors.Check(w.Dim == 2 && w.Size(0) == 3 * e && w.Size(1) == e,
            $"expecting in_proj_weight shape of ({3 * e}, {e}), but got {TorchSize(w.Shape)}");
        var ws = w.Chunk(3);
        var bs = b?.Chunk(3);
        return (Project(q, ws[0], bs?[0]), Project(k, ws[1], bs?[1]), Project(v, ws[2], bs?[2]));
    }

    /// <summary>torch's _in_projection: separate query, key and value weights (E, E), (E, Ek), (E, Ev), with their shape checks.</summary>
    private static (Tensor, Tensor, Tensor) InProjection(Tensor q, Tensor k, Tensor v, Tensor? wq, Tensor? wk, Tensor? wv, Tensor[]? b)
    {
        if (wq is null) throw Errors.Runtime("use_separate_proj_weight is True but q_proj_weight is None");
        if (wk is null) throw Errors.Runtime("use_separate_proj_weight is True but k_proj_weight is None");
        if (wv is null) throw Errors.Runtime("use_separate_proj_weight is True but v_proj_weight is None");
        int eq = q.Size(-1), ek = k.Size(-1), ev = v.Size(-1);
        CheckShape(wq, [eq, eq], "query weights");
        CheckShape(wk, [eq, ek], "key weights");
        CheckShape(wv, [eq, ev], "value weights");
        if (b is not null)
        {
            CheckShape(b[0], [eq], "query bias");
            CheckShape(b[1], [eq], "key bias");
            CheckShape(b[2], [eq], "value bias");
        }
        return (Project(q, wq, b?[0]), Project(k, wk, b?[1]), Project(v, wv, b?[2]));
    }

    private static void CheckShape(Tensor t, int[] expected, string what) =>
        Errors.Check(t.Shape.SequenceEqual(expected),
            $"expecting {what} shape of {(expected.Length == 1 ? $"({expected[0]},)" : $"({string.Join(", ", expected)})")}, but got {TorchSize(t.Shape)}");

    private static string TorchSize(ReadOnlySpan<int> shape) => $"torch.Size({Errors.Shape(shape)})";

    /// <summary><c>x wᵀ + b</c> (torch.nn.functional.linear's values).</summary>
    private static Tensor Project(Tensor x, Tensor weight, Tensor? bias)
    {
        var y = x.Matmul(weight.T);
        return bias is null ? y : y + bias;
    }

    /// <summary>torch's _canonical_mask: a Bool mask (true = masked) as 0 / -inf in <paramref name="dtype"/>; a float mask
    /// as it is. Throws ArgumentException for other dtypes.</summary>
    private static Tensor? CanonicalMask(Tensor? mask, string name, DType dtype)
    {
        if (mask is null) return null;
        if (mask.DType == DType.Bool) return Tensor.Zeros(mask.Shape, dtype).MaskedFill(mask, double.NegativeInfinity);
        Errors.Check(mask.IsFloatingPoint, $"only bool and floating types of {name} are supported");
        return mask;
    }

    /// <summary>caffe2::TypeMeta's name of a dtype, as libtorch prints tensor.dtype() in messages ("float", "double", ...).</summary>
    private static string TypeMetaName(DType dtype) => dtype switch
    {
        DType.Float32 => "float", DType.Float64 => "double", DType.Int64 => "long int", DType.Int32 => "int", DType.UInt8 => "unsigned char", _ => "bool",
    };
}
