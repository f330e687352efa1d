using Nabla.Core;

namespace Nabla.NN;

/// <summary>Bags of embeddings reduced without materialising the rows (torch.nn.functional.embedding_bag).</summary>
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.embedding_bag: for each bag of indices (the rows of a 2-D <paramref name="input"/>, or the ranges of a 1-D
    /// one starting at each <paramref name="offsets"/> entry) the sum, mean or per-feature max of those rows of
    /// <paramref name="weight"/>. Entries equal to <paramref name="paddingIdx"/> are left out; an empty bag gives zeros.
    /// </summary>
    /// <exception cref="ArgumentException">Bad ranks, offsets or argument combinations, with PyTorch's messages.</exception>
    /// <exception cref="NotSupportedException">per_sample_weights with a mode other than sum.</exception>
    public static Tensor EmbeddingBag(Tensor input, Tensor weight, Tensor? offsets = null, double? maxNorm = null, double normType = 2,
        bool scaleGradByFreq = false, EmbeddingBagMode mode = EmbeddingBagMode.Mean, Tensor? perSampleWeights = null,
        bool includeLastOffset = false, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (perSampleWeights is not null && !input.Sizes.SequenceEqual(perSampleWeights.Sizes))
            throw Errors.Runtime($"embedding_bag: If per_sample_weights ({ShapeText(perSampleWeights)}) is not None, then it must have the same shape as the input ({ShapeText(input)})");
        Errors.Check(weight.Dim == 2, $"weight has to be a 2D Tensor, but got Tensor of dimension {weight.Dim}");
        if (input.Dim == 2)
        {
            Errors.Check(offsets is null, "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type Tensor");
            offsets = Tensor.Arange(0, input.Numel, Math.Max(input.Size(1), 1), input.DType);
            input = input.Reshape(-1);
            perSampleWeights = perSampleWeights?.Reshape(-1);
        }
        else if (input.Dim == 1)
        {
            Errors.Check(offsets is not null, "offsets has to be a 1D Tensor but got None");
            Errors.Check(offsets!.Dim == 1, "offsets has to be a 1D Tensor");
        }
        else throw Errors.Runtime($"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.Dim}");
        Errors.Check(!(mode == EmbeddingBagMode.Max && scaleGradByFreq), "max mode does not support scaling the gradient by the frequency");
        if (maxNorm is { } max) EmbeddingRenorm_(weight, input, max, normType);
        if (perSampleWeights is not null && mode != EmbeddingBagMode.Sum)
            throw Errors.NotImplemented($"embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='{mode.ToString().ToLowerInvariant()}'). Please open a feature request on GitHub.");
        int rows = weight.Size(0);
        int pad = paddingIdx is { } p ? (p < 0 ? p + rows : p) : -1;
        Errors.Check(paddingIdx is null || (pad >= 0 && pad < rows), $"padding_idx must be within the number of embeddings, -{rows} through {rows - 1}, but got {paddingIdx}");
        var bags = BagOf(input, offsets!, includeLastOffset);
        var args = new BagArgs(mode, rows, pad, scaleGradByFreq, bags.Count, perSampleWeights is not null);
        Tensor y, aux;
        using (GradMode.NoGrad()) (y, aux) = BagForward(weight.Detach(), input, bags.Ids, perSampleWeights?.Detach(), args);
        return Graph.Record(y, "EmbeddingBagBackward0", [weight, perSampleWeights], args, EmbeddingBagBackward,
            weight, input, bags.Ids, aux, perSampleWeights ?? aux);
    }

    /// <summary>
    /// Every index must name a row. libtorch's float32 sum/mean path runs fbgemm's kernel, whose check is worded otherwise
    /// (probed against libtorch 2.10); the other paths report the index.
    /// </summary>
    private static void CheckBagIndices(Tensor idx, DType dtype, BagArgs a)
    {
        foreach (long row in idx.ToArray<long>())
        {
            if (row >= 0 && row < a.Rows) continue;
            if (dtype == DType.Float32 && a.Mode != EmbeddingBagMode.Max)
                throw Errors.Runtime("Expected i < index_size to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)");
            throw Errors.Runtime($"embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be {row}");
        }
    }

    private static string ShapeText(Tensor t) => $"torch.Size({Errors.Shape(t.Sizes)})";

    private sealed record BagArgs(EmbeddingBagMode Mode, int Rows, int Pad, bool ScaleByFreq, int Bags, bool Weighted);

    /// <summary>The bag of every input position from the offsets (checked as PyTorch checks them).</summary>
    private static (Tensor Ids, int Count) BagOf(Tensor input, Tensor offsets, bool includeLastOffset)
    {
        Errors.Check(input.DType is DType.Int64 or DType.Int32 && offsets.DType is DType.Int64 or DType.Int32,
            $"Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got {input.DType.CpuTypeName()} instead (while checking arguments for embedding_bag)");
        var off = offsets.ToArray<long>();
        int n = input.Numel;
        int bags = includeLastOffset ? Math.Max(off.Length - 1, 0) : off.Length;
        if (off.Length > 0)
        {
            Errors.Check(off[0] == 0, $"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got {off[0]}");
            Errors.Check(off[^1] <= n, $"offsets[-1] can not be greater than input's length {n}, but got offsets[-1] of {off[^1]}");
        }
        var ids = new long[n];
        for (int b = 0; b < bags; b++)
        {
            long end = b + 1 < off.Length && (includeLastOffset || b + 1 < bags) ? off[b + 1] : n;
            if (includeLastOffset && b == bags - 1) end = off[^1];
            for (long i = off[b]; i < Math.Min(end, n); i++) ids[i] = b;
        }
        // positions after the last offset of include_last_offset belong to no bag
        if (includeLastOffset && off.Length > 0) for (long i = off[^1]; i < n; i++) ids[i] = -1;
        return (Tensor.From(ids), bags);
    }

    /// <summary>Forward of one mode; aux is the per-bag count (sum/mean) or the argmax row per (bag, feature) (max).</summary>
    private static (Tensor Output, Tensor Aux) BagForward(Tensor weight, Tensor input, Tensor ids, Tensor? psw, BagArgs a)
    {
        int d = weight.Size(1);
        var keep = input.Ne(a.Pad).LogicalAnd(ids.Ge(0)); // padding and stray positions take part in no bag
        var idx = input.To(DType.Int64);
        CheckBagIndices(idx, weight.DType, a);
        var bag = Tensor.Where(keep, ids, Tensor.Zeros([ids.Numel], DType.Int64));
        if (a.Mode != EmbeddingBagMode.Max)
        {
            var rows = weight.IndexSelect(0, idx) * keep.Unsqueeze(1).To(weight.DType);
            if (psw is not null) rows = rows * psw.Unsqueeze(1);
            var sum = Tensor.Zeros([a.Bags, d], weight.DType).IndexAdd(0, bag, rows);
            var count = Tensor.Zeros([a.Bags], weight.DType).IndexAdd(0, bag, keep.To(weight.DType));
            return (a.Mode == EmbeddingBagMode.Mean ? sum / count.Clamp(1).Unsqueeze(1) : sum, count);
        }
        // max: scan each bag in order, replacing the best only when strictly greater (the first maximum wins)
        var w = weight.Contiguous().ToArray<double>();
        var iv = idx.ToArray<long>();
        var kv = keep.ToArray<bool>();
        var bv = bag.ToArray<long>();
        var best = new long[a.Bags * d];
        Array.Fill(best, -1);
        for (int i = 0; i < iv.Length; i++)
        {
            if (!kv[i]) continue;
            long row = iv[i];
            for (int j = 0; j < d; j++)
            {
                int at = (int)bv[i] * d + j;
                if (best[at] < 0 || w[row * d + j] > w[best[at] * d + j]) best[at] = row;
            }
        }
        var argmax = Tensor.From(best).Reshape(a.Bags, d);
        var found = argmax.Ge(0);
        var y = weight.Gather(0, argmax.Clamp(0)) * found.To(weight.DType);
        return (y, argmax);
    }

    private static Tensor?[] EmbeddingBagBackward(Tensor grad, Tensor[] s, bool[] needs, BagArgs a)
    {
        var (weight, input, ids, aux, psw) = (s[0], s[1], s[2], s[3], s[4]);
        int d = grad.Size(1);
        Tensor? gradWeight = null, gradPsw = null;
        if (a.Mode == EmbeddingBagMode.Max)
        {
            if (needs[0])
            {
                var found = aux.Ge(0).To(grad.DType);
                gradWeight = Tensor.Zeros([a.Rows, d], grad.DType).ScatterAdd(0, aux.Clamp(0), grad * found);
            }
            return [gradWeight, null];
        }
        var keep = input.Ne(a.Pad).LogicalAnd(ids.Ge(0)).To(grad.DType);
        var idx = input.To(DType.Int64);
        var bag = ids.Clamp(0);
        var g = grad.IndexSelect(0, bag) * keep.Unsqueeze(1); // each position's bag gradient
        if (a.Mode == EmbeddingBagMode.Mean) g = g / aux.Clamp(1).IndexSelect(0, bag).Unsqueeze(1);
        if (needs[1]) gradPsw = (g * weight.IndexSelect(0, idx)).Sum(1);
        if (needs[0])
        {
            var rowsGrad = a.Weighted ? g * psw.Unsqueeze(1) : g;
            if (a.ScaleByFreq)
            {
                var counts = Tensor.Zeros([a.Rows], grad.DType).IndexAdd(0, idx, Tensor.Ones([idx.Numel], grad.DType));
                rowsGrad = rowsGrad / counts.IndexSelect(0, idx).Unsqueeze(1);
            }
            gradWeight = Tensor.Zeros([a.Rows, d], grad.DType).IndexAdd(0, idx, rowsGrad);
        }
        return [gradWeight, gradPsw];
    }
}
