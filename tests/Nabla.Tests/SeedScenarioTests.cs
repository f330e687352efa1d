using Nabla.NN;

namespace Nabla.Tests;

/// <summary>The ragged-mean seed: its slices and the gradient of the sum of the slice means.</summary>
internal static class RaggedSeed
{
    public static readonly long[,] Slices = { { 3, 5 }, { 1, 8 }, { 4, 8 }, { 6, 9 } };

    /// <summary>Per row of the (10, 4) sample: the sum of 1/len over the slices covering it.</summary>
    public static double[] RowGradient()
    {
        var expected = new double[10];
        for (int i = 0; i < Slices.GetLength(0); i++)
            for (long r = Slices[i, 0]; r < Slices[i, 1]; r++) expected[r] += 1.0 / (Slices[i, 1] - Slices[i, 0]);
        return expected;
    }
}

public class RaggedMeanTests
{
    private static readonly long[,] SlicesData = RaggedSeed.Slices;

    [Fact]
    public void MeansOfRowSlicesViaCumsumPadIndexDiff()
    {
        var sample = Tensor.Arange(0, 40).Reshape(10, -1);
        var slices = Tensor.From(SlicesData);
        var padded = F.Pad(sample.Cumsum(0), [0, 0, 1, 0]);
        var pools = padded[slices].Diff(dim: 1).Squeeze() / slices.Diff(dim: 1);
        Assert.Equal(DType.Float32, pools.DType);
        Assert.Equal(new[] { 4, 4 }, pools.Shape);
        Assert.Equal(new float[] { 14, 15, 16, 17, 16, 17, 18, 19, 22, 23, 24, 25, 28, 29, 30, 31 }, pools.ToArray<float>());
    }

    [Fact]
    public void GradientReachesOnlyRowsInsideSlices()
    {
        var sample = Tensor.Arange(0, 40).Reshape(10, -1).To(DType.Float32).RequiresGrad_();
        var slices = Tensor.From(SlicesData);
        var padded = F.Pad(sample.Cumsum(0), [0, 0, 1, 0]);
        var pools = padded[slices].Diff(dim: 1).Squeeze() / slices.Diff(dim: 1);
        pools.Sum().Backward();
        var grad = sample.Grad!.ToArray<float>();
        var expected = RaggedSeed.RowGradient();
        // The cumsum route cancels +1/len and -1/len in float32, so rows outside every slice get rounding
        // noise (row 0 collects the whole cancellation); the direct segment reduction avoids that.
        for (int r = 0; r < 10; r++)
            for (int c = 0; c < 4; c++)
                Assert.InRange(grad[r * 4 + c] - expected[r], -1e-6, 1e-6);
        Assert.Equal(0f, grad[9 * 4]);
    }
}
