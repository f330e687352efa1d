using Nabla.NN;

namespace Nabla.Tests;

/// <summary>Embedding (padding_idx, max_norm, scale_grad_by_freq) and bilinear: values, node names and GradCheck.</summary>
public class EmbeddingTests
{
    private static Tensor Leaf(int[] shape, bool strided, ulong seed) => ConvolutionTests.Leaf(shape, strided, seed);

    [Fact]
    public void LooksUpRowsAndSkipsThePaddingRowInBackward()
    {
        var w = Tensor.Arange(8).To(DType.Float32).Reshape(4, 2).RequiresGrad_();
        var idx = Tensor.From(new long[,] { { 1, 3 }, { 1, 0 } });
        var y = F.Embedding(idx, w, paddingIdx: -3); // -3 wraps to row 1
        Assert.Equal(new[] { 2, 2, 2 }, y.Shape);
        Assert.Equal(new float[] { 2, 3, 6, 7, 2, 3, 0, 1 }, y.ToArray<float>());
        Assert.Equal("EmbeddingBackward0", y.GradFn!.Name);
        y.Sum().Backward();
        Assert.Equal(new float[] { 1, 1, 0, 0, 0, 0, 1, 1 }, w.Grad!.ToArray<float>());
    }

    [Fact]
    public void ScaleGradByFreqDividesByTheCountInTheBatch()
    {
        var w = Tensor.Ones([3, 1]).RequiresGrad_();
        F.Embedding(Tensor.From(new long[] { 2, 2, 0, 2 }), w, scaleGradByFreq: true).Sum().Backward();
        Assert.Equal(new float[] { 1, 0, 1 }, w.Grad!.ToArray<float>());
    }

    [Fact]
    public void MaxNormRenormalisesTheLookedUpRowsInPlace()
    {
        var w = Tensor.From(new double[,] { { 3, 4 }, { 0.3, 0.4 }, { 6, 8 } });
        var y = F.Embedding(Tensor.From(new long[] { 0, 1 }), w, maxNorm: 1.0);
        var scale = 1.0 / (5 + 1e-7);
        Assert.Equal(new[] { 3 * scale, 4 * scale, 0.3, 0.4, 6, 8 }, w.ToArray<double>());
        Assert.Equal(new[] { 3 * scale, 4 * scale, 0.3, 0.4 }, y.ToArray<double>());
        // the 1-norm of row 2 is 14: scaled to 2
        F.Embedding(Tensor.From(new long[] { 2 }), w, maxNorm: 2.0, normType: 1);
        Assert.Equal(28.0 / (14 + 1e-7), w.ToArray<double>()[4] + w.ToArray<double>()[5], 12);
    }

    [Fact]
    public void ChecksArgumentsAsPyTorch()
    {
        var w = Tensor.Ones([3, 2]);
        Assert.Equal("Padding_idx must be within num_embeddings",
            Assert.Throws<ArgumentException>(() => F.Embedding(Tensor.From(new long[] { 0 }), w, paddingIdx: 3)).Message);
        Assert.Equal("index out of range in self", Assert.ThrowsAny<IndexException>(() => F.Embedding(Tensor.From(new long[] { 3 }), w)).Message);
    }

    [Fact]
    public void EmbeddingGradients() // padding_idx and scale_grad_by_freq are deliberately not the derivative: checked by value above
    {
        var idx = Tensor.From(new long[,] { { 0, 2, 2 }, { 3, 1, 2 } });
        foreach (var strided in new[] { false, true })
        {
            Assert.True(GradCheck.Check(x => [F.Embedding(idx, x[0])], [Leaf([4, 3], strided, 1)]));
        }
        Assert.True(GradCheck.GradGradCheck(x => [F.Embedding(idx, x[0]) * F.Embedding(idx, x[0])], [Leaf([4, 3], false, 3)]));
    }

    [Fact]
    public void BilinearIsTheBilinearForm()
    {
        var x1 = Tensor.From(new double[,] { { 1, 2 } });
        var x2 = Tensor.From(new double[,] { { 3, 4, 5 } });
        var w = Tensor.Arange(6).To(DType.Float64).Reshape(1, 2, 3);
        var b = Tensor.From(new double[] { 0.5 });
        // x1 · W · x2 = [1 2] [[0 1 2] [3 4 5]] [3 4 5]ᵀ = 14 + 2·50
        Assert.Equal(new[] { 114.5 }, F.Bilinear(x1, x2, w, b).ToArray<double>());
        Assert.Equal("TrilinearBackward0", F.Bilinear(Leaf([2, 2], false, 1), x2.Expand(2, 3), w).GradFn!.Name);
    }

    [Fact]
    public void BilinearGradients()
    {
        foreach (var strided in new[] { false, true })
        {
            var inputs = new[] { Leaf([2, 3, 2], strided, 1), Leaf([2, 3, 4], strided, 2), Leaf([3, 2, 4], strided, 3), Leaf([3], false, 4) };
            Assert.True(GradCheck.Check(x => [F.Bilinear(x[0], x[1], x[2], x[3])], inputs));
        }
    }
}

/// <summary>embedding_bag: bag boundaries, modes, padding, per-sample weights, node name and GradCheck.</summary>
public class EmbeddingBagTests
{
    private static readonly Tensor Table = Tensor.From(new double[,] { { 1, -1 }, { 2, 5 }, { 4, 0 } });

    [Fact]
    public void BagsFollowTheOffsets()
    {
        var input = Tensor.From(new long[] { 0, 1, 2, 1 });
        var offsets = Tensor.From(new long[] { 0, 2, 2 });
        Assert.Equal(new double[] { 3, 4, 0, 0, 6, 5 }, F.EmbeddingBag(input, Table, offsets, mode: EmbeddingBagMode.Sum).ToArray<double>());
        Assert.Equal(new double[] { 1.5, 2, 0, 0, 3, 2.5 }, F.EmbeddingBag(input, Table, offsets).ToArray<double>());
        Assert.Equal(new double[] { 2, 5, 0, 0, 4, 5 }, F.EmbeddingBag(input, Table, offsets, mode: EmbeddingBagMode.Max).ToArray<double>());
        // include_last_offset: the last offset closes the last bag
        Assert.Equal(new double[] { 3, 4, 4, 0 },
            F.EmbeddingBag(input, Table, Tensor.From(new long[] { 0, 2, 3 }), mode: EmbeddingBagMode.Sum, includeLastOffset: true).ToArray<double>());
        // 2-D input: each row is a bag; padding entries are left out of the mean
        Assert.Equal(new double[] { 1, -1, 2, 5 }, F.EmbeddingBag(Tensor.From(new long[,] { { 0, 2 }, { 1, 2 } }), Table, paddingIdx: 2).ToArray<double>());
        Assert.Equal(new double[] { 3, 2.5 }, F.EmbeddingBag(Tensor.From(new long[,] { { 1, 2 } }), Table).ToArray<double>());
    }

    [Fact]
    public void ChecksAsPyTorch()
    {
        Assert.Equal("offsets has to be a 1D Tensor but got None",
            Assert.Throws<ArgumentException>(() => F.EmbeddingBag(Tensor.From(new long[] { 0 }), Table)).Message);
        Assert.StartsWith("embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='mean')",
            Assert.Throws<NotSupportedException>(() => F.EmbeddingBag(Tensor.From(new long[,] { { 0 } }), Table, perSampleWeights: Tensor.Ones([1, 1], DType.Float64))).Message);
        Assert.Equal("max mode does not support scaling the gradient by the frequency",
            Assert.Throws<ArgumentException>(() => F.EmbeddingBag(Tensor.From(new long[,] { { 0 } }), Table, mode: EmbeddingBagMode.Max, scaleGradByFreq: true)).Message);
    }

    [Fact]
    public void Gradients()
    {
        var input = Tensor.From(new long[] { 0, 2, 2, 3, 1 });
        var offsets = Tensor.From(new long[] { 0, 1, 1, 3 });
        foreach (var strided in new[] { false, true })
            foreach (var mode in new[] { EmbeddingBagMode.Sum, EmbeddingBagMode.Mean, EmbeddingBagMode.Max })
                Assert.True(GradCheck.Check(x => [F.EmbeddingBag(input, x[0], offsets, mode: mode)], [ConvolutionTests.Leaf([4, 3], strided, 1)]));
        var psw = ConvolutionTests.Leaf([5], false, 2);
        Assert.True(GradCheck.Check(x => [F.EmbeddingBag(input, x[0], offsets, mode: EmbeddingBagMode.Sum, perSampleWeights: x[1])],
            [ConvolutionTests.Leaf([4, 3], false, 3), psw]));
        Assert.Equal("EmbeddingBagBackward0", F.EmbeddingBag(input, psw.Detach().Reshape(5, 1).RequiresGrad_(), offsets).GradFn!.Name);
    }
}
