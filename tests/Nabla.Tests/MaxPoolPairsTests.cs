using Nabla.NN;

namespace Nabla.Tests;

/// <summary>
/// The vectorised 2 x 2, stride-2 float32 max pool (eight output columns per step, a row's tail as the last eight
/// again) against the scalar loop that float64 runs: the same maxima and the same first-maximum indices, with ties
/// and NaNs, for output widths below, at and past a multiple of eight.
/// </summary>
public class MaxPoolPairsTests
{
    [Theory]
    [InlineData(14)] // output width 7: the scalar loop
    [InlineData(16)]
    [InlineData(18)]
    [InlineData(28)]
    [InlineData(30)]
    [InlineData(35)] // odd: the last input column is dropped
    public void MatchTheScalarLoop(int width)
    {
        Tensor.ManualSeed(3);
        // few distinct values: many ties inside windows; a few NaNs
        var x = (Tensor.Rand(2, 3, 6, width) * 4).Floor();
        x[0, 1, 2, 5] = Tensor.From(float.NaN);
        x[1, 2, 5, width - 1] = Tensor.From(float.NaN);
        var (y, i) = F.MaxPool2dWithIndices(x, 2);
        var (yRef, iRef) = F.MaxPool2dWithIndices(x.To(DType.Float64), 2);
        Assert.Equal(yRef.ToArray<double>(), y.To(DType.Float64).ToArray<double>());
        Assert.Equal(iRef.ToArray<long>(), i.ToArray<long>());
    }
}
