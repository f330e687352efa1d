using Nabla.Core;

namespace Nabla.NN;

/// <summary>Lookup tables and bilinear forms (torch.nn.functional.embedding, bilinear).</summary>
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.embedding: rows of <paramref name="weight"/> (num_embeddings, embedding_dim) picked by integer
    /// <paramref name="input"/>, shaped input.shape + [embedding_dim]. The row at <paramref name="paddingIdx"/> gets no gradient;
    /// with <paramref name="maxNorm"/>, the rows looked up are first renormalised in place (under no_grad) to that
    /// <paramref name="normType"/>-norm; <paramref name="scaleGradByFreq"/> divides each row's gradient by its count in the batch.
    /// </summary>
    /// <exception cref="ArgumentException">A padding index outside the table, a non-2-D weight, non-integer indices.</exception>
    /// <exception cref="IndexException">An index outside the table ("index out of range in self").</exception>
    public static Tensor Embedding(Tensor input, Tensor weight, int? paddingIdx = null, double? maxNorm = null, double normType = 2.0,
        bool scaleGradByFreq = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        int pad = -1;
        if (paddingIdx is { } p)
        {
            Errors.Check(p < weight.Size(0) && p >= -weight.Size(0), "Padding_idx must be within num_embeddings");
            pad = p < 0 ? weight.Size(0) + p : p;
        }
        if (maxNorm is { } max) EmbeddingRenorm_(weight, input.Contiguous(), max, normType);
        Errors.Check(weight.Dim == 2, "'weight' must be 2-D");
        if (input.DType is not (DType.Int64 or DType.Int32))
            throw Errors.Runtime($"Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got {input.DType.CpuTypeName()} instead (while checking arguments for embedding)");
        Tensor y;
        var flat = input.Reshape(-1);
        using (GradMode.NoGrad()) y = weight.Detach().IndexSelect(0, flat).View([.. input.Sizes, weight.Size(1)]);
        return Graph.Record(y, "EmbeddingBackward0", [weight], (weight.Size(0), pad, scaleGradByFreq), EmbeddingBackward, flat);
    }

    /// <summary>embedding_dense_backward: each gradient row added into its index's row, except the padding row.</summary>
    private static Tensor?[] EmbeddingBackward(Tensor grad, Tensor[] saved, bool[] needs, (int Rows, int Pad, bool ScaleByFreq) a)
    {
        var index = saved[0];
        var g = grad.Reshape(index.Numel, grad.Size(-1));
        if (a.Pad >= 0) g = g * index.Ne(a.Pad).Unsqueeze(1).To(g.DType);
        if (a.ScaleByFreq)
        {
            var counts = Tensor.Zeros([a.Rows], g.DType).IndexAdd(0, index, Tensor.Ones([index.Numel], g.DType));
            g = g / counts.IndexSelect(0, index).Unsqueeze(1);
        }
        return [Tensor.Zeros([a.Rows, g.Size(1)], g.DType).IndexAdd(0, index, g)];
    }

    /// <summary>torch.embedding_renorm_: rows of <paramref name="weight"/> named in <paramref name="indices"/> whose norm exceeds <paramref name="maxNorm"/> are scaled to it.</summary>
    private static void EmbeddingRenorm_(Tensor weight, Tensor indices, double maxNorm, double normType)
    {
        using var noGrad = GradMode.NoGrad();
        var rows = indices.Reshape(-1).Unique().Output;
        var values = weight.IndexSelect(0, rows);
        var norms = double.IsPositiveInfinity(normType) ? values.Abs().Amax(1)
            : values.Abs().Pow(normType).Sum(1).Pow(1.0 / normType);
        var scale = Tensor.Where(norms.Gt(maxNorm), maxNorm / (norms + 1e-7), Tensor.Ones([rows.Numel], norms.DType));
        weight[rows] = values * scale.Unsqueeze(1);
    }

    /// <summary>
    /// torch.nn.functional.bilinear: y[..., o] = Σ_ij input1[..., i] · weight[o, i, j] · input2[..., j] + bias[o], recorded as
    /// TrilinearBackward0 (then AddBackward0 for the bias), as libtorch records it.
    /// </summary>
    /// <exception cref="ArgumentException">Mismatched batch dims or feature sizes, with libtorch's messages.</exception>
    public static Tensor Bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input1);
        ArgumentNullException.ThrowIfNull(input2);
        ArgumentNullException.ThrowIfNull(weight);
        Errors.Check(input1.Dim == input2.Dim, $"bilinear(): input dimensions do not match: got {input1.Dim} and {input2.Dim}");
        for (int i = 0; i < input1.Dim - 1; i++)
            Errors.Check(input1.Size(i) == input2.Size(i), $"bilinear(): input batch dimensions do not match at dim {i}: got {input1.Size(i)} and {input2.Size(i)}");
        Errors.Check(input1.Size(-1) == weight.Size(1), $"bilinear(): input1 size does not match weight size: got {input1.Size(-1)} but expected {weight.Size(1)}");
        Errors.Check(input2.Size(-1) == weight.Size(2), $"bilinear(): input2 size does not match weight size: got {input2.Size(-1)} but expected {weight.Size(2)}");
        Errors.Check(bias is null || bias.Size(0) == weight.Size(0), $"bilinear(): bias size does not match weight size: got {bias?.Size(0)} but expected {weight.Size(0)}");
        Tensor y;
        using (GradMode.NoGrad()) y = Trilinear(input1, weight, input2);
        y = Graph.Record(y, "TrilinearBackward0", [input1, weight, input2], TrilinearBackward, input1, weight, input2);
        return bias is null ? y : y + bias;
    }

    /// <summary>Σ_ij x1[..., i] · w[o, i, j] · x2[..., j] over any leading dims.</summary>
    private static Tensor Trilinear(Tensor x1, Tensor w, Tensor x2) => Tensor.Einsum("...i,oij,...j->...o", x1, w, x2);

    private static Tensor?[] TrilinearBackward(Tensor grad, Tensor[] s, bool[] needs)
    {
        var (x1, w, x2) = (s[0], s[1], s[2]);
        // fold the leading dims into one so the weight gradient sums over them
        var g = grad.Reshape(-1, grad.Size(-1));
        var a = x1.Reshape(-1, x1.Size(-1));
        var b = x2.Reshape(-1, x2.Size(-1));
        return
        [
            needs[0] ? Tensor.Einsum("no,oij,nj->ni", g, w, b).Reshape(x1.Shape) : null,
            needs[1] ? Tensor.Einsum("no,ni,nj->oij", g, a, b) : null,
            needs[2] ? Tensor.Einsum("no,oij,ni->nj", g, w, a).Reshape(x2.Shape) : null,
        ];
    }
}
