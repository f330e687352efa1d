using Nabla.NN;

namespace Nabla.Tests;

/// <summary>pixel_shuffle / pixel_unshuffle: the index map, inverse pair, messages, node names and GradCheck.</summary>
public class PixelShuffleTests
{
    [Fact]
    public void ShuffleMovesChannelsIntoSubPixels()
    {
        var x = Tensor.Arange(8).To(DType.Float32).Reshape(1, 8, 1, 1);
        var y = F.PixelShuffle(x, 2);
        Assert.Equal(new[] { 1, 2, 2, 2 }, y.Shape);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5, 6, 7 }, y.ToArray<float>());
        var z = Tensor.Arange(2 * 9 * 4).To(DType.Float64).Reshape(2, 9, 2, 2);
        Assert.Equal(z.ToArray<double>(), F.PixelUnshuffle(F.PixelShuffle(z, 3), 3).ToArray<double>());
    }

    [Fact]
    public void MessagesAndNodes()
    {
        Assert.Equal("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=3 is not divisible by 4",
            Assert.Throws<ArgumentException>(() => F.PixelShuffle(Tensor.Ones([3, 2, 2]), 2)).Message);
        Assert.Equal("pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=3 is not divisible by 2",
            Assert.Throws<ArgumentException>(() => F.PixelUnshuffle(Tensor.Ones([1, 3, 4]), 2)).Message);
        Assert.Equal("pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)",
            Assert.Throws<ArgumentException>(() => F.PixelShuffle(Tensor.Ones([4, 4]), 2)).Message);
        var x = ConvolutionTests.Leaf([4, 2, 2], false, 1);
        Assert.Equal("PixelShuffleBackward0", F.PixelShuffle(x, 2).GradFn!.Name);
        Assert.Equal("PixelUnshuffleBackward0", F.PixelUnshuffle(x, 2).GradFn!.Name);
    }

    [Fact]
    public void Gradients()
    {
        foreach (var strided in new[] { false, true })
        {
            Assert.True(GradCheck.Check(x => [F.PixelShuffle(x[0], 2)], [ConvolutionTests.Leaf([2, 8, 2, 3], strided, 2)]));
            Assert.True(GradCheck.Check(x => [F.PixelUnshuffle(x[0], 2)], [ConvolutionTests.Leaf([2, 2, 4, 6], strided, 3)]));
        }
        Assert.True(GradCheck.GradGradCheck(x => [F.PixelShuffle(x[0], 2).Pow(2)], [ConvolutionTests.Leaf([4, 2, 2], false, 4)]));
    }
}
