using Nabla.NN;

namespace Nabla.Tests;

/// <summary>3-D pooling, max_unpool1d/3d and lp pooling: values, node names and GradCheck (float64, contiguous and strided).</summary>
public class Pooling3dTests
{
    private static Tensor Leaf(int[] shape, bool strided, ulong seed) => ConvolutionTests.Leaf(shape, strided, seed);

    private static void Check(Func<Tensor, Tensor> f, int[] shape)
    {
        foreach (var strided in new[] { false, true })
            Assert.True(GradCheck.Check(xs => [f(xs[0])], [Leaf(shape, strided, 5)]));
    }

    [Fact]
    public void MaxPool3dPicksEachWindowsMaximum()
    {
        var x = Tensor.Arange(27).To(DType.Float32).Reshape(1, 3, 3, 3);
        var (y, i) = F.MaxPool3dWithIndices(x, [2], [1]);
        Assert.Equal(new[] { 1, 2, 2, 2 }, y.Shape);
        Assert.Equal(new float[] { 13, 14, 16, 17, 22, 23, 25, 26 }, y.ToArray<float>());
        Assert.Equal(new long[] { 13, 14, 16, 17, 22, 23, 25, 26 }, i.ToArray<long>());
        Assert.Equal("MaxPool3DWithIndicesBackward0", F.MaxPool3d(Leaf([1, 3, 3, 3], false, 1), [2]).GradFn!.Name);
    }

    [Fact]
    public void AvgPool3dAndAdaptiveAvgPool3dAgreeOnEvenWindows()
    {
        var x = Leaf([2, 2, 4, 4, 6], false, 2).Detach();
        var a = F.AvgPool3d(x, [2, 2, 3]);
        var b = F.AdaptiveAvgPool3d(x, [2, 2, 2]);
        Assert.Equal(a.ToArray<double>(), b.ToArray<double>(), new DoubleTolerance(1e-12));
        Assert.Equal("AvgPool3DBackward0", F.AvgPool3d(Leaf([1, 2, 2, 2], false, 1), [2]).GradFn!.Name);
        Assert.Equal("AdaptiveAvgPool3DBackward0", F.AdaptiveAvgPool3d(Leaf([1, 2, 3, 2], false, 1), [2, 1, 1]).GradFn!.Name);
    }

    [Fact]
    public void AdaptiveMaxPool3dMatchesMaxPool3dOnEvenWindows()
    {
        var x = Leaf([2, 2, 4, 4, 6], false, 3).Detach();
        var (a, ai) = F.MaxPool3dWithIndices(x, [2, 2, 3]);
        var (b, bi) = F.AdaptiveMaxPool3dWithIndices(x, [2, 2, 2]);
        Assert.Equal(a.ToArray<double>(), b.ToArray<double>());
        Assert.Equal(ai.ToArray<long>(), bi.ToArray<long>());
        Assert.Equal("AdaptiveMaxPool3DBackward0", F.AdaptiveMaxPool3d(Leaf([1, 2, 3, 2], false, 1), [2, 1, 1]).GradFn!.Name);
        // a null entry keeps that input size
        Assert.Equal(new[] { 2, 2, 4, 1, 6 }, F.AdaptiveMaxPool3d(x, [null, 1, null]).Shape);
    }

    [Fact]
    public void UnpoolInvertsPoolingOnTheMaxima()
    {
        var x = Leaf([1, 2, 4, 4, 4], false, 4).Detach();
        var (y, i) = F.MaxPool3dWithIndices(x, [2]);
        var u = F.MaxUnpool3d(y, i, [2]);
        Assert.Equal(x.Shape, u.Shape);
        Assert.Equal(y.ToArray<double>(), F.MaxPool3d(u, [2]).ToArray<double>());
        var (y1, i1) = F.MaxPool1dWithIndices(Tensor.From(new float[,] { { 3, 1, 4, 1, 5 } }), 2);
        Assert.Equal(new float[] { 3, 0, 4, 0, 0 }, F.MaxUnpool1d(y1, i1, 2, outputSize: [5]).ToArray<float>());
    }

    [Fact]
    public void LpPoolIsThePowerMean()
    {
        var x = Tensor.From(new double[,] { { 3, 4, 1, 2 } });
        Assert.Equal(new[] { 5.0, Math.Sqrt(5) }, F.LpPool1d(x, 2, 2).ToArray<double>(), new DoubleTolerance(1e-12));
        Assert.Equal(new[] { 5.0 }, F.LpPool2d(x.Unsqueeze(0), 2, [1, 2], [1, 4]).ToArray<double>(), new DoubleTolerance(1e-12));
    }

    [Fact]
    public void Gradients()
    {
        Check(x => F.MaxPool3d(x, [2, 2, 1], [1, 2, 1], [1, 0, 0], [1, 1, 1], ceilMode: true), [2, 3, 4, 3]);
        Check(x => F.AvgPool3d(x, [2], [2], [1], ceilMode: true, countIncludePad: false), [1, 2, 3, 4, 3]);
        Check(x => F.AvgPool3d(x, [2, 1, 2], divisorOverride: 3), [2, 2, 4, 3]);
        Check(x => F.AdaptiveAvgPool3d(x, [2, 3, 2]), [1, 2, 3, 4, 5]);
        Check(x => F.AdaptiveMaxPool3d(x, [2, 3, 2]), [2, 3, 4, 5]);
        Check(x => F.LpPool1d(x.Abs() + 0.5, 3, 2, 1), [2, 3, 5]);
        Check(x => F.LpPool2d(x.Abs() + 0.5, 2, [2, 2], [1, 2]), [2, 3, 4]);
        var (_, idx) = F.MaxPool3dWithIndices(Leaf([1, 2, 4, 4, 4], false, 6), [2]);
        Check(x => F.MaxUnpool3d(x, idx, [2]), [1, 2, 2, 2, 2]);
    }

    [Fact]
    public void DoubleBackward()
    {
        Assert.True(GradCheck.GradGradCheck(xs => [F.AvgPool3d(xs[0], [2], [1])], [Leaf([1, 2, 3, 3, 3], false, 7)]));
        Assert.True(GradCheck.GradGradCheck(xs => [F.MaxPool3d(xs[0], [2], [1])], [Leaf([1, 2, 3, 3, 3], false, 8)]));
    }

    private sealed class DoubleTolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double value) => 0;
    }
}
