using Nabla.Examples;
using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>The maxpool-backward scenario: overlapping windows with ties, through F.MaxPool2d and the MaxPool2d module.</summary>
public class MaxPoolBackwardTests
{
    [Theory]
    [InlineData(2, 3, 5, 3, 2)]
    [InlineData(3, 2, 7, 3, 1)]
    [InlineData(2, 4, 6, 2, 1)]
    public void EachWindowGradientGoesToItsFirstMaximumAndOverlapsAccumulate(int n, int c, int size, int kernel, int stride)
    {
        Tensor.ManualSeed((ulong)(n * 100 + c * 10 + kernel));
        var x = Tensor.Randint(0, 3, [n, c, size, size]).To(DType.Float32); // three values: ties everywhere
        int outSize = (size - kernel) / stride + 1;
        var upstream = Tensor.Rand(n, c, outSize, outSize) + 1;

        var leaf = x.Clone().RequiresGrad_();
        F.MaxPool2d(leaf, kernel, stride).Backward(upstream);
        var expected = MaxPoolBackward.LoopBackward(x, upstream, kernel, stride);
        // The loop adds in double; float32 accumulation in another order may differ in the last bit.
        Assert.True(((leaf.Grad! - expected).Abs().Max().Item<float>()) < 1e-5f);
        Assert.Equal((expected != 0).ToArray<bool>(), (leaf.Grad! != 0).ToArray<bool>());

        var moduleLeaf = x.Clone().RequiresGrad_();
        new MaxPool2d(kernel, stride).Call(moduleLeaf).Backward(upstream);
        Assert.Equal(leaf.Grad!.ToArray<float>(), moduleLeaf.Grad!.ToArray<float>());

        // Every window's gradient lands somewhere (the totals agree) and no more positions than windows receive any.
        Assert.Equal(upstream.Sum().Item<float>(), leaf.Grad!.Sum().Item<float>(), 3);
        Assert.True((leaf.Grad! != 0).Sum().Item<long>() <= upstream.Numel);
    }

    [Fact]
    public void APositionInsideFourWindowsGathersAllFourGradients()
    {
        var x = Tensor.Ones([1, 1, 5, 5]);
        x[0, 0, 2, 2] = Tensor.From(3f);
        var leaf = x.RequiresGrad_();
        F.MaxPool2d(leaf, 3, 2).Backward(Tensor.From(new float[] { 1, 2, 3, 4 }).Reshape(1, 1, 2, 2));
        Assert.Equal(10f, leaf.Grad![0, 0, 2, 2].Item<float>());
        Assert.Equal(10f, leaf.Grad!.Sum().Item<float>());
    }
}
