namespace Nabla.Tests;

/// <summary>
/// Cumsum along every dim (read in place, no transposes; vectorised and split over columns when large) against a
/// plain double-accumulated loop, and its backward (a reverse scan) against the flip-cumsum-flip formula.
/// </summary>
public class ScanKernelTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void CumsumMatchesPlainLoopOnEveryDim(int dim)
    {
        int[] shape = [37, 150, 70];
        var x = Noise(shape);
        var y = x.Cumsum(dim).ToArray<float>();
        var xv = x.ToArray<float>();
        int[] strides = [150 * 70, 70, 1];
        int k = shape[dim], step = strides[dim];
        for (int start = 0; start < xv.Length; start++)
        {
            if (start / step % k != 0) continue; // chain starts: index along dim is 0
            double acc = 0;
            for (int j = 0; j < k; j++)
            {
                acc += xv[start + j * step];
                Assert.Equal((float)acc, y[start + j * step]);
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void CumsumBackwardIsTheReversedScan(int dim)
    {
        var x = Noise(300, 90).Transpose(0, 1).RequiresGrad_();
        var g = Noise(90, 300);
        var grad = Autograd.Grad([x.Cumsum(dim)], [x], [g])[0]!;
        var expected = g.Flip(dim).Cumsum(dim).Flip(dim);
        Assert.Equal(expected.ToArray<float>(), grad.ToArray<float>());
    }

    [Fact]
    public void IntegerCumprodAlongDimZero()
    {
        var x = Tensor.Arange(1, 13).Reshape(3, 4);
        Assert.Equal([1L, 2, 3, 4, 5, 12, 21, 32, 45, 120, 231, 384], x.Cumprod(0).ToArray<long>());
    }

    /// <summary>Deterministic normal-ish values without the global generator (tests run in parallel).</summary>
    private static Tensor Noise(params int[] shape)
    {
        var rng = new Random(shape.Sum());
        var v = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 4 - 2);
        return Tensor.From(v).Reshape(shape);
    }
}
