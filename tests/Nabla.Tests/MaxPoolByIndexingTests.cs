using Nabla.Examples;
using Nabla.NN;

namespace Nabla.Tests;

public class MaxPoolByIndexingTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    public void IndexedBackwardEqualsMaxPoolGradientOnePositionPerWindow(int n, int c)
    {
        Tensor.ManualSeed((ulong)(n * 10 + c));
        var x = Tensor.Randint(0, 3, [n, c, 6, 8]).To(DType.Float32); // small range: many ties
        var upstream = Tensor.Rand(n, c, 3, 4) + 1;
        var leaf = x.Clone().RequiresGrad_();
        F.MaxPool2d(leaf, 2).Backward(upstream);

        var indexed = MaxPoolByIndexing.IndexedBackward(x, upstream);
        Assert.Equal(leaf.Grad!.ToArray<float>(), indexed.ToArray<float>());
        // Exactly one non-zero position per window.
        Assert.Equal(n * c * 3 * 4, (indexed != 0).Sum().Item<long>());
        // The mask approach marks every tie, so it has more non-zeros whenever a window ties.
        Assert.True((MaxPoolByIndexing.MaskBackward(x, upstream) != 0).Sum().Item<long>() > n * c * 12);
    }
}
