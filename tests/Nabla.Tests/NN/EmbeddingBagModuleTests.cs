using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>The EmbeddingBag module: PyTorch's repr, padding_idx checks, and its forward as the functional's.</summary>
public class EmbeddingBagModuleTests
{
    [Fact]
    public void ReprAndPaddingFollowPyTorch()
    {
        Assert.Equal("EmbeddingBag(10, 3, mode='mean')", new EmbeddingBag(10, 3).ToString());
        Assert.Equal("EmbeddingBag(10, 3, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True, mode='sum', padding_idx=8)",
            new EmbeddingBag(10, 3, maxNorm: 1, normType: 1, scaleGradByFreq: true, mode: EmbeddingBagMode.Sum, paddingIdx: -2).ToString());
        var bag = new EmbeddingBag(5, 2, paddingIdx: 4);
        Assert.Equal(new float[2], bag.Weight[4].ToArray<float>());
        Assert.Equal("padding_idx must be within num_embeddings", Assert.Throws<ArgumentException>(() => new EmbeddingBag(5, 2, paddingIdx: 5)).Message);
        Assert.Equal("padding_idx must be within num_embeddings", Assert.Throws<ArgumentException>(() => new EmbeddingBag(5, 2, paddingIdx: -6)).Message);
    }

    [Fact]
    public void ForwardIsTheFunctionalWithTheModulesSettings()
    {
        var bag = new EmbeddingBag(6, 3, mode: EmbeddingBagMode.Sum, includeLastOffset: true, paddingIdx: 0);
        var input = Tensor.From(new long[] { 1, 0, 2, 5, 4 });
        var offsets = Tensor.From(new long[] { 0, 2, 5 });
        var weights = Tensor.Randn([5]);
        var expected = F.EmbeddingBag(input, bag.Weight, offsets, mode: EmbeddingBagMode.Sum, perSampleWeights: weights, includeLastOffset: true, paddingIdx: 0);
        Assert.Equal(expected.ToArray<float>(), bag.Forward(input, offsets, weights).ToArray<float>());
        Assert.Equal([2, 3], bag.Call(input, offsets).Shape);
        Assert.Equal([2, 3], new EmbeddingBag(6, 3).Call(Tensor.From(new long[,] { { 1, 2 }, { 3, 4 } }), null).Shape);
    }
}
