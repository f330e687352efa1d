namespace Nabla.Tests;

/// <summary>sinc, deg2rad/rad2deg, logaddexp(2), float_power, nan_to_num and nextafter: known values and edge cases.</summary>
public class PointwiseMathMoreTests
{
    [Fact]
    public void KnownValuesAndEdges()
    {
        var sinc = Tensor.From(new[] { 0.0, 0.5, 1.0 }).Sinc().ToArray<double>();
        Assert.Equal(1.0, sinc[0]);
        Assert.Equal(2 / Math.PI, sinc[1], 1e-15);
        Assert.Equal(0.0, sinc[2], 1e-15);
        Assert.Equal(DType.Float32, Tensor.From(new long[] { 180 }).Deg2rad().DType);
        Assert.Equal(Math.PI, Tensor.From(new[] { 180.0 }).Deg2rad().Item<double>(), 1e-15);
        Assert.Equal(180.0, Tensor.From(new[] { Math.PI }).Rad2deg().Item<double>(), 1e-12);
        var inf = Tensor.From(new[] { double.PositiveInfinity, double.NegativeInfinity, 1000.0 });
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity, 1000 + Math.Log(2)], inf.Logaddexp(inf).ToArray<double>());
        Assert.Equal(1001.0, Tensor.From(new[] { 1000.0 }).Logaddexp2(Tensor.From(new[] { 1000.0 })).Item<double>());
        Assert.Equal(DType.Float64, Tensor.From(new[] { 2 }).FloatPower(3).DType);
        Assert.Equal(8.0, Tensor.From(new[] { 2 }).FloatPower(3).Item<double>());
        var f = Tensor.From(new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1f }).NanToNum();
        Assert.Equal([0f, float.MaxValue, float.MinValue, 1f], f.ToArray<float>());
        Assert.Equal(1 + Math.Pow(2, -52), Tensor.From(new[] { 1.0 }).Nextafter(Tensor.From(new[] { 2.0 })).Item<double>());
        Assert.Equal(MathF.BitDecrement(1f), Tensor.From(new[] { 1f }).Nextafter(Tensor.From(new[] { 0f })).Item<float>());
        Assert.Throws<NotSupportedException>(() => Tensor.From(new[] { 1L }).Logaddexp(Tensor.From(new[] { 2L })));
        Assert.Throws<NotSupportedException>(() => Tensor.From(new[] { 1L }).Nextafter(Tensor.From(new[] { 2L })));
    }

    [Fact]
    public void GradientsFollowPyTorchsFormulas()
    {
        var x = Tensor.From(new[] { 0.0, double.NaN, 2.0 }).RequiresGrad_();
        x.NanToNum().Sum().Backward();
        Assert.Equal([1.0, 0.0, 1.0], x.Grad!.ToArray<double>());
        Assert.Equal("NanToNumBackward0", x.NanToNum().GradFn!.Name);
        var z = Tensor.From(new[] { 0.0 }).RequiresGrad_();
        z.Sinc().Sum().Backward();
        Assert.Equal([0.0], z.Grad!.ToArray<double>());
        Assert.Equal("LogaddexpBackward0", z.Logaddexp(z).GradFn!.Name);
        Assert.False(z.Nextafter(z).RequiresGrad);
    }
}
