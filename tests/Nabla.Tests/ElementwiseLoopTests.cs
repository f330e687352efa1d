namespace Nabla.Tests;

/// <summary>
/// The elementwise loop split across threads (one long contiguous run included), its exceptions, and the
/// in-place fast path: same values as the out-of-place ops, the version bumped, the destination's buffer kept.
/// </summary>
public class ElementwiseLoopTests
{
    private const int Large = 300_001; // above the parallel grain, odd so chunk edges fall mid-vector

    [Fact]
    public void LongContiguousRunMatchesElementByElement()
    {
        var a = Noise(Large);
        var b = Noise(Large);
        var y = (a * b).ToArray<float>();
        var (av, bv) = (a.ToArray<float>(), b.ToArray<float>());
        for (int i = 0; i < Large; i++) Assert.Equal(av[i] * bv[i], y[i]);
    }

    [Fact]
    public void BroadcastScalarAndStridedOperandsMatch()
    {
        var a = Noise(700, 600).Transpose(0, 1);
        var y = (a + 2.5).ToArray<float>();
        var av = a.ToArray<float>();
        for (int i = 0; i < av.Length; i++) Assert.Equal(av[i] + 2.5f, y[i]);
    }

    [Fact]
    public void ParallelLoopExceptionIsNotWrapped()
    {
        var a = Tensor.Ones([Large], DType.Int64);
        var zero = Tensor.Zeros([Large], DType.Int64);
        var e = Assert.Throws<ArgumentException>(() => a.Div(zero, RoundingMode.Trunc));
        Assert.Contains("ZeroDivisionError", e.Message);
    }

    [Fact]
    public void InPlaceOpsWriteTheirDestination()
    {
        var x = Noise(Large);
        var other = Noise(Large);
        var expected = (x * other + other - 1.5) / 2;
        var buffer = x.Data<float>();
        int version = x.Version;
        x.Mul_(other).Add_(other).Sub_(1.5).Div_(2);
        Assert.Same(buffer, x.Data<float>());
        Assert.Equal(version + 4, x.Version);
        Assert.Equal(expected.ToArray<float>(), x.ToArray<float>());
    }

    [Fact]
    public void InPlaceOnAStridedViewTouchesOnlyTheView()
    {
        var x = Tensor.Zeros([4, 6]);
        x[.., 1..4].Fill_(7).Add_(Tensor.Ones([3]));
        var rows = x.ToArray<float>();
        for (int i = 0; i < 24; i++) Assert.Equal(i % 6 is >= 1 and < 4 ? 8f : 0f, rows[i]);
        x.Zero_();
        Assert.All(x.ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void CopyConvertsAndBroadcastsInPlace()
    {
        var x = Tensor.Zeros([3, 4], DType.Float64);
        x.Copy_(Tensor.Arange(4).To(DType.Int32));
        Assert.Equal([0.0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], x.ToArray<double>());
    }

    [Fact]
    public void GradientAccumulatesIntoTheSameBuffer()
    {
        var w = Noise(200, 200).RequiresGrad_();
        (w * 2).Sum().Backward();
        var first = w.Grad!.Data<float>();
        (w * 3).Sum().Backward();
        Assert.Same(first, w.Grad!.Data<float>());
        Assert.All(w.Grad.ToArray<float>(), v => Assert.Equal(5f, v));
    }

    [Fact]
    public void MixedDtypesConvertAsACastThenTheOpWould()
    {
        var f32 = Noise(Large);
        var f64 = Noise(Large, 1).Reshape([Large]).To(DType.Float64) * 1.0000001;
        var i32 = (Noise(Large) * 1000).To(DType.Int32);
        var u8 = (Noise(Large) * 100).To(DType.UInt8);
        var mask = Noise(Large) > 0;
        Assert.Equal((f32.To(DType.Float64) + f64).ToArray<double>(), (f32 + f64).ToArray<double>());
        Assert.Equal((f64 / f32.To(DType.Float64)).ToArray<double>(), (f64 / f32).ToArray<double>());
        Assert.Equal((i32.To(DType.Float32) * f32).ToArray<float>(), (i32 * f32).ToArray<float>());
        Assert.Equal((i32 - u8.To(DType.Int32)).ToArray<int>(), (i32 - u8).ToArray<int>());
        Assert.Equal((mask.To(DType.Int32) + i32).ToArray<int>(), (mask + i32).ToArray<int>());
        // Broadcast and strided operands of another dtype.
        var col = f64[..7].Reshape([7, 1]);
        var rows = f32[..(7 * 9)].Reshape([9, 7]).Transpose(0, 1);
        Assert.Equal((rows.To(DType.Float64) - col).ToArray<double>(), (rows - col).ToArray<double>());
        // In place: the destination keeps its dtype and buffer.
        var x = f64.Clone();
        var buffer = x.Data<double>();
        x.Add_(f32);
        Assert.Same(buffer, x.Data<double>());
        Assert.Equal((f64 + f32.To(DType.Float64)).ToArray<double>(), x.ToArray<double>());
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
