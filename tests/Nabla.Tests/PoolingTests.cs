using Nabla.NN;

namespace Nabla.Tests;

/// <summary>Pooling as in ../shared/PYTORCH_SEMANTICS.md §5; every [V libtorch 2.10] example is checked here.</summary>
public class PoolingTests
{
    private const float NaN = float.NaN;

    /// <summary>A (1, L) float32 row: one channel, unbatched, as the 1-D ops take it.</summary>
    private static Tensor Row(params float[] values) => Tensor.From(values).Reshape(1, -1);

    /// <summary>A (1, H, W) float32 plane.</summary>
    private static Tensor Plane(float[,] values) => Tensor.From(values).Unsqueeze(0);

    private static void Close(double[] expected, Tensor actual, double tolerance = 1e-6)
    {
        var values = actual.ToArray<double>();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++) Assert.Equal(expected[i], values[i], tolerance);
    }

    private static string Message(Action action) => Assert.ThrowsAny<Exception>(action).Message;

    // ---- avg pooling -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData(new float[] { 1, 2, 3, 4, 5 }, 2, 4, 0, true, true, new double[] { 1.5, 5.0 })]
    [InlineData(new float[] { 1, 2, 3, 4, 5 }, 2, 4, 0, false, true, new double[] { 1.5 })]
    [InlineData(new float[] { 1, 2, 3, 4 }, 3, 2, 1, false, true, new double[] { 1.0, 3.0 })]
    [InlineData(new float[] { 1, 2, 3, 4 }, 3, 2, 1, true, true, new double[] { 1.0, 3.0, 2.0 })]
    [InlineData(new float[] { 1, 2, 3, 4 }, 3, 2, 1, true, false, new double[] { 1.5, 3.0, 4.0 })]
    public void AvgPool1dTable(float[] input, int k, int s, int p, bool ceil, bool countIncludePad, double[] expected) =>
        Close(expected, F.AvgPool1d(Row(input), k, s, p, ceil, countIncludePad));

    [Fact]
    public void AvgPoolDivisorOverride()
    {
        var y = F.AvgPool2d(Row(1, 2, 3, 4).Unsqueeze(0), [1, 2], [1, 2], [0, 1], divisorOverride: 3);
        Close([1.0 / 3, 5.0 / 3, 4.0 / 3], y);
        Assert.Equal("divisor must be not zero", Message(() => F.AvgPool2d(Plane(new float[,] { { 1, 2 } }), 1, divisorOverride: 0)));
    }

    [Fact]
    public void AvgPoolCeilGradientSkipsUncoveredCells()
    {
        var x = Row(1, 2, 3, 4, 5).RequiresGrad_();
        var y = F.AvgPool1d(x, 2, 4, ceilMode: true);
        y.Sum().Backward();
        Assert.Equal(new float[] { 0.5f, 0.5f, 0, 0, 1 }, x.Grad!.ToArray<float>());
        Assert.Equal("SqueezeBackward1", y.GradFn!.Name);
        Assert.Equal("AvgPool2DBackward0", y.GradFn.NextFunctions[0]!.Value.Node.Name);
    }

    [Fact]
    public void AvgPoolOnIntegers()
    {
        Assert.Equal(new long[] { 1, 3 }, F.AvgPool1d(Tensor.From(new long[,] { { 1, 2, 3, 4, 5 } }), 2).ToArray<long>());
        Assert.Equal(new long[] { -1, -3 }, F.AvgPool1d(Tensor.From(new long[,] { { -1, -2, -3, -4 } }), 2).ToArray<long>());
        Assert.Equal(new long[] { 1, 3 }, F.AvgPool2d(Tensor.From(new long[,,] { { { 1, 2, 3, 4, 5 } } }), [1, 2]).ToArray<long>());
        Assert.Equal("\"avg_pool2d\" not implemented for 'Int'",
            Assert.Throws<NotSupportedException>(() => F.AvgPool1d(Tensor.From(new int[,] { { 1, 2, 3, 4 } }), 2)).Message);
        Assert.Equal("\"avg_pool2d\" not implemented for 'Byte'",
            Assert.Throws<NotSupportedException>(() => F.AvgPool1d(Tensor.From(new byte[,] { { 1, 2, 3, 4 } }), 2)).Message);
    }

    [Fact]
    public void AvgPool2dBordersAndCeilMode()
    {
        // 3x3 of ones, k 2, s 2, p 1: the corner window holds one real cell of four
        var x = Tensor.Ones(1, 3, 3);
        Close([0.25, 0.5, 0.5, 1], F.AvgPool2d(x, 2, 2, 1, ceilMode: true));
        Close([1, 1, 1, 1], F.AvgPool2d(x, 2, 2, 1, countIncludePad: false));
        // ceil mode: the last window is cut at in + pad, so its divisor shrinks even with count_include_pad
        Close([1, 4, 3], F.AvgPool1d(Row(1, 2, 3, 4, 5, 6), 3, 3, 1, ceilMode: true));
        Close([1.5, 4, 6], F.AvgPool1d(Row(1, 2, 3, 4, 5, 6), 3, 3, 1, ceilMode: true, countIncludePad: false));
    }

    [Fact]
    public void AvgPoolMessages()
    {
        Assert.Equal("Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)",
            Message(() => F.AvgPool1d(Tensor.Ones(1, 1, 1, 4), 2)));
        Assert.Equal("pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1",
            Message(() => F.AvgPool1d(Tensor.Ones(1, 8), 3, 1, 2)));
        Assert.Equal("pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1",
            Message(() => F.AvgPool2d(Tensor.Ones(1, 8, 8), 3, 1, 2)));
        Assert.Equal("Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small",
            Message(() => F.AvgPool2d(Tensor.Ones(1, 2, 2), 3)));
        Assert.Equal("avg_pool2d: kernel_size must either be a single int, or a tuple of two ints",
            Message(() => F.AvgPool2d(Tensor.Ones(1, 2, 2), [1, 1, 1])));
        Assert.Equal("pad must be non-negative, but got pad: -1", Message(() => F.AvgPool2d(Tensor.Ones(1, 4, 4), 2, 1, -1)));
        Assert.Equal("stride should not be zero", Message(() => F.AvgPool2d(Tensor.Ones(1, 4, 4), 2, 0)));
        Assert.Equal("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[1, 0, 4]",
            Message(() => F.AvgPool2d(Tensor.Ones(1, 0, 4), [1, 2])));
    }

    // ---- max pooling: ties and NaN ---------------------------------------------------------------------------

    public static TheoryData<float[,], int, float, long> MaxWindowCases => new()
    {
        { new float[,] { { 4, 4 }, { 4, 4 } }, 2, 4, 0 },
        { new float[,] { { 1, 7 }, { 7, 2 } }, 2, 7, 1 },
        { new float[,] { { NaN, 1 }, { NaN, 2 } }, 2, NaN, 2 },
        { new float[,] { { 1, NaN }, { NaN, 2 } }, 2, NaN, 2 },
        { new float[,] { { NaN, NaN }, { 1, 2 } }, 2, NaN, 1 },
        { new float[,] { { 0, NaN, 2 }, { 3, 4, NaN }, { 6, NaN, 8 } }, 3, NaN, 7 },
        { new float[,] { { float.NegativeInfinity, float.NegativeInfinity }, { float.NegativeInfinity, float.NegativeInfinity } }, 2, float.NegativeInfinity, 0 },
    };

    [Theory]
    [MemberData(nameof(MaxWindowCases))]
    public void MaxPoolFirstMaximumLastNaN(float[,] plane, int k, float value, long index)
    {
        var (y, indices) = F.MaxPool2dWithIndices(Plane(plane), k);
        Assert.Equal(value, y.Item<float>());
        Assert.Equal(index, indices.Item<long>());
    }

    [Fact]
    public void MaxPoolTiesInEveryWindowPickTheFirst()
    {
        var x = Plane(new float[,] { { 1, 5, 5, 0 }, { 5, 2, 3, 5 }, { 0, 0, 7, 7 }, { 7, 7, 7, 1 } }).RequiresGrad_();
        var (y, indices) = F.MaxPool2dWithIndices(x, 2);
        Assert.Equal(new float[] { 5, 5, 7, 7 }, y.ToArray<float>());
        Assert.Equal(new long[] { 1, 2, 12, 10 }, indices.ToArray<long>());
        y.Sum().Backward();
        var expected = new float[16];
        foreach (var i in new[] { 1, 2, 12, 10 }) expected[i] = 1;
        Assert.Equal(expected, x.Grad!.ToArray<float>());
        Assert.Equal("MaxPool2DWithIndicesBackward0", y.GradFn!.Name);
    }

    [Fact]
    public void MaxPoolEqualValuesRouteToOneIndexOnly()
    {
        var x = Tensor.Ones([1, 4, 4], requiresGrad: true);
        F.MaxPool2d(x, 2).Sum().Backward();
        Assert.Equal(new float[] { 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0 }, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void OverlappingWindowsAccumulate()
    {
        var x = Plane(new float[,] { { 1, 3, 2 } }).RequiresGrad_();
        var (y, indices) = F.MaxPool2dWithIndices(x, [1, 2], [1, 1]);
        Assert.Equal(new long[] { 1, 1 }, indices.ToArray<long>());
        y.Sum().Backward();
        Assert.Equal(new float[] { 0, 2, 0 }, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void NaNWindowGradientGoesToTheRecordedIndex()
    {
        var x = Plane(new float[,] { { NaN, 1 }, { NaN, 2 } }).RequiresGrad_();
        F.MaxPool2d(x, 2).Sum().Backward();
        Assert.Equal(new float[] { 0, 0, 1, 0 }, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void MaxPool1dExamples()
    {
        var (a, ia) = F.MaxPool1dWithIndices(Row(3, 1, 3, 2), 4);
        Assert.Equal((3f, 0L), (a.Item<float>(), ia.Item<long>()));
        var (b, ib) = F.MaxPool1dWithIndices(Row(NaN, 1, NaN, 2), 4);
        Assert.Equal((NaN, 2L), (b.Item<float>(), ib.Item<long>()));
        var (c, ic) = F.MaxPool1dWithIndices(Row(5, 1, 2, 7, 3, 0, 4), 2, 1, dilation: 2);
        Assert.Equal(new float[] { 5, 7, 3, 7, 4 }, c.ToArray<float>());
        Assert.Equal(new long[] { 0, 3, 4, 3, 6 }, ic.ToArray<long>());
        foreach (var ceil in new[] { false, true })
        {
            var (d, id) = F.MaxPool1dWithIndices(Row(-5, -1, -2), 2, 2, 1, ceilMode: ceil);
            Assert.Equal(new float[] { -5, -1 }, d.ToArray<float>());
            Assert.Equal(new long[] { 0, 1 }, id.ToArray<long>());
        }
        Assert.Equal(new float[] { 5, 7, 3, 7, 4 }, F.MaxPool1d(Row(5, 1, 2, 7, 3, 0, 4), 2, 1, dilation: 2).ToArray<float>());
    }

    [Fact]
    public void MaxPoolPaddingMessages()
    {
        const string pool1d = "max_pool1d() padding should be at most half of kernel size, but got padding=2 and kernel_size=3";
        Assert.Equal(pool1d, Message(() => F.MaxPool1d(Tensor.Ones(1, 8), 3, 1, 2, 2)));
        Assert.Equal(pool1d, Message(() => F.MaxPool1d(Tensor.Ones([1, 8], requiresGrad: true), 3, 1, 2, 2)));
        const string pool2d = "pad should be smaller than or equal to half of kernel size, but got padW = 2, padH = 0, kW = 3, kH = 1";
        Assert.Equal(pool2d, Message(() => F.MaxPool1dWithIndices(Tensor.Ones(1, 8), 3, 1, 2, 2)));
        Assert.Equal(pool2d, Message(() => F.MaxPool2d(Tensor.Ones(1, 1, 8), [1, 3], [1, 1], [0, 2], [1, 2])));
    }

    [Fact]
    public void MaxPoolMessages()
    {
        Assert.Equal("Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small",
            Message(() => F.MaxPool2d(Tensor.Ones(1, 2, 2), 3)));
        Assert.Equal("max_pool1d() Invalid computed output size: 0", Message(() => F.MaxPool1d(Tensor.Ones(1, 2), 3)));
        Assert.Equal("non-empty 3D or 4D (batch mode) tensor expected for input", Message(() => F.MaxPool2d(Tensor.Ones(4, 4), 2)));
        Assert.Equal("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:[4]",
            Message(() => F.MaxPool1d(Tensor.Ones(4), 2)));
        Assert.Equal("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:[0, 6]",
            Message(() => F.MaxPool1d(Tensor.Ones(0, 6), 2)));
        Assert.Equal("Expected 2 to 3 dimensions, but got 1-dimensional tensor for argument #1 'self' (while checking arguments for max_pool1d)",
            Message(() => F.MaxPool1dWithIndices(Tensor.Ones(4), 2)));
        Assert.Equal("kernel size should be greater than zero, but got kH: 0 kW: 2", Message(() => F.MaxPool2d(Tensor.Ones(1, 4, 4), [0, 2], [1, 1])));
        Assert.Equal("dilation should be greater than zero, but got dilationH: 1 dilationW: 0",
            Message(() => F.MaxPool2d(Tensor.Ones(1, 4, 4), [2, 2], dilation: [1, 0])));
        Assert.Equal("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[2, 0, 4, 4]",
            Message(() => F.MaxPool2d(Tensor.Ones(2, 0, 4, 4), 2)));
        Assert.Equal(new[] { 0, 3, 2, 2 }, F.MaxPool2d(Tensor.Ones(0, 3, 4, 4), 2).Shape);
    }

    [Fact]
    public void MaxPoolOnIntegersUsesTheLowestValueAsStart()
    {
        var x = Tensor.From(new long[,,] { { { -7, -3, long.MinValue, long.MinValue } } });
        var (y, indices) = F.MaxPool2dWithIndices(x, [1, 2]);
        Assert.Equal(new long[] { -3, long.MinValue }, y.ToArray<long>());
        Assert.Equal(new long[] { 1, 2 }, indices.ToArray<long>());
    }

    // ---- batches, non-contiguous inputs, gradcheck -----------------------------------------------------------

    [Fact]
    public void BatchedPlanesMatchUnbatchedPlanes()
    {
        Tensor.ManualSeed(7);
        var x = Tensor.Randn([2, 3, 5, 6], DType.Float64);
        var (max, indices) = F.MaxPool2dWithIndices(x, [3, 2], [2, 2], [1, 1], ceilMode: true);
        var avg = F.AvgPool2d(x, [3, 2], [2, 1], [1, 0], ceilMode: true, countIncludePad: false);
        var adaptive = F.AdaptiveAvgPool2d(x, [4, 7]);
        for (int n = 0; n < 2; n++)
        {
            for (int c = 0; c < 3; c++)
            {
                var plane = x.Select(0, n).Select(0, c).Unsqueeze(0);
                var (m, i) = F.MaxPool2dWithIndices(plane, [3, 2], [2, 2], [1, 1], ceilMode: true);
                Assert.Equal(m.ToArray<double>(), max.Select(0, n).Select(0, c).ToArray<double>());
                Assert.Equal(i.ToArray<long>(), indices.Select(0, n).Select(0, c).ToArray<long>());
                Assert.Equal(F.AvgPool2d(plane, [3, 2], [2, 1], [1, 0], ceilMode: true, countIncludePad: false).ToArray<double>(),
                    avg.Select(0, n).Select(0, c).ToArray<double>());
                Assert.Equal(F.AdaptiveAvgPool2d(plane, [4, 7]).ToArray<double>(), adaptive.Select(0, n).Select(0, c).ToArray<double>());
            }
        }
    }

    [Fact]
    public void MaxPoolMatchesABruteForceReference()
    {
        Tensor.ManualSeed(8);
        var x = Tensor.Randn([2, 3, 7, 6], DType.Float64);
        var (y, indices) = F.MaxPool2dWithIndices(x, [3, 2], [2, 1], [1, 1], [2, 3]);
        var data = x.ToArray<double>();
        var values = y.ToArray<double>();
        var idx = indices.ToArray<long>();
        int oh = y.Size(2), ow = y.Size(3), cell = 0;
        Assert.Equal(new[] { 2, 3, 3, 5 }, y.Shape);
        for (int plane = 0; plane < 6; plane++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++, cell++)
                {
                    double best = double.NegativeInfinity;
                    for (int a = 0; a < 3; a++)
                        for (int b = 0; b < 2; b++)
                        {
                            int h = i * 2 - 1 + a * 2, w = j - 1 + b * 3;
                            if (h >= 0 && h < 7 && w >= 0 && w < 6) best = Math.Max(best, data[plane * 42 + h * 6 + w]);
                        }
                    Assert.Equal(best, values[cell]);
                    Assert.Equal(best, data[plane * 42 + idx[cell]]);
                }
    }

    [Fact]
    public void NonContiguousInputsGiveTheSameResultsAndGradients()
    {
        Tensor.ManualSeed(9);
        var baseTensor = Tensor.Randn([2, 5, 6, 3], DType.Float64).RequiresGrad_();
        var view = baseTensor.Permute(0, 3, 1, 2); // (2, 3, 5, 6), channels-last strides
        Assert.False(view.IsContiguous());
        var dense = view.Detach().Contiguous().RequiresGrad_();
        Func<Tensor, Tensor>[] ops =
        [
            t => F.MaxPool2d(t, 2, 1),
            t => F.AvgPool2d(t, 3, 2, 1, ceilMode: true),
            t => F.AdaptiveAvgPool2d(t, [3, 4]),
            t => F.AdaptiveMaxPool2d(t, [4, 3]),
            t => F.MaxPool1d(t.Select(2, 1), 2),
        ];
        foreach (var op in ops)
        {
            baseTensor.Grad = null;
            dense.Grad = null;
            var a = op(view);
            var b = op(dense);
            Assert.Equal(b.ToArray<double>(), a.ToArray<double>());
            var weights = Tensor.Randn(a.Shape, DType.Float64);
            (a * weights).Sum().Backward();
            (b * weights).Sum().Backward();
            Assert.Equal(dense.Grad!.ToArray<double>(), baseTensor.Grad!.Permute(0, 3, 1, 2).ToArray<double>());
        }
    }

    private static Tensor Distinct(params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        return (Tensor.Randperm(n).To(DType.Float64) / n + Tensor.Rand([n], DType.Float64) * 0.1 / n).Reshape(shape).RequiresGrad_();
    }

    [Fact]
    public void GradCheckAverages()
    {
        Tensor.ManualSeed(10);
        var x = Tensor.Rand([2, 2, 5, 6], DType.Float64).RequiresGrad_();
        Assert.True(GradCheck.Check(t => F.AvgPool2d(t, [3, 2], [2, 2], [1, 1], ceilMode: true), x));
        Assert.True(GradCheck.Check(t => F.AvgPool2d(t, 3, 2, 1, countIncludePad: false), x));
        Assert.True(GradCheck.Check(t => F.AvgPool2d(t, 2, 1, divisorOverride: 3), x));
        Assert.True(GradCheck.Check(t => F.AvgPool1d(t.Select(2, 0), 3, 2, 1, ceilMode: true), x));
        Assert.True(GradCheck.Check(t => F.AdaptiveAvgPool2d(t, [3, 4]), x));
        Assert.True(GradCheck.Check(t => F.AdaptiveAvgPool2d(t, [7, 9]), x));
        Assert.True(GradCheck.Check(t => F.AdaptiveAvgPool1d(t.Select(2, 0), 8), x));
        Assert.True(GradCheck.GradGradCheck(xs => [F.AvgPool2d(xs[0], 3, 2, 1)], [x]));
        Assert.True(GradCheck.GradGradCheck(xs => [F.AdaptiveAvgPool2d(xs[0], [3, 4])], [x]));
    }

    [Fact]
    public void GradCheckMaxima()
    {
        Tensor.ManualSeed(11);
        var x = Distinct(2, 2, 5, 6);
        Assert.True(GradCheck.Check(t => F.MaxPool2d(t, 2), x));
        Assert.True(GradCheck.Check(t => F.MaxPool2d(t, [3, 2], [1, 2], [1, 1], [1, 2], ceilMode: true), x));
        Assert.True(GradCheck.Check(t => F.MaxPool1d(t.Select(2, 1), 3, 2, 1), x));
        Assert.True(GradCheck.Check(t => F.AdaptiveMaxPool2d(t, [3, 4]), x));
        Assert.True(GradCheck.Check(t => F.AdaptiveMaxPool1d(t.Select(2, 1), 4), x));
        Assert.True(GradCheck.GradGradCheck(xs => [F.MaxPool2d(xs[0], 3, 1, 1)], [x]));
        Assert.True(GradCheck.GradGradCheck(xs => [F.AdaptiveMaxPool2d(xs[0], [4, 4])], [x]));
    }

    [Fact]
    public void MaxPoolDoubleBackwardGathersAtTheIndices()
    {
        var x = Plane(new float[,] { { 1, 3, 2 } }).RequiresGrad_();
        var y = F.MaxPool2d(x, [1, 2], [1, 1]);
        var v = Tensor.Ones([1, 1, 2], requiresGrad: true);
        var gx = Autograd.Grad(y, x, v, createGraph: true)!;
        Assert.Equal("MaxPool2DWithIndicesBackwardBackward0", gx.GradFn!.Name);
        var w = Tensor.From(new float[,,] { { { 10, 20, 30 } } });
        var gv = Autograd.Grad((gx * w).Sum(), v)!;
        Assert.Equal(new float[] { 20, 20 }, gv.ToArray<float>());
    }

    // ---- adaptive pooling ------------------------------------------------------------------------------------

    [Fact]
    public void AdaptiveAvgPool1dUpsamplesWithOverlappingWindows()
    {
        var x = Row(1, 2, 3, 4, 5, 6).RequiresGrad_();
        var y = F.AdaptiveAvgPool1d(x, 8);
        Close([1, 1.5, 2.5, 3, 4, 4.5, 5.5, 6], y);
        y.Sum().Backward();
        Close([1.5, 1, 1.5, 1.5, 1, 1.5], x.Grad!);
        Assert.Equal("AdaptiveAvgPool2DBackward0", y.GradFn!.NextFunctions[0]!.Value.Node.Name);
    }

    [Theory]
    [InlineData(new float[] { 1, 2, 3, 4, 5 }, 3, new double[] { 1.5, 3, 4.5 })]
    [InlineData(new float[] { 2, 6 }, 3, new double[] { 2, 4, 6 })]
    [InlineData(new float[] { 1, 2, 3 }, 5, new double[] { 1, 1.5, 2, 2.5, 3 })]
    [InlineData(new float[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 4, new double[] { 1, 3, 6, 8 })]
    public void AdaptiveAvgPool1dTable(float[] input, int output, double[] expected) =>
        Close(expected, F.AdaptiveAvgPool1d(Row(input), output));

    [Fact]
    public void AdaptiveMaxPoolFirstMaximumLastNaN()
    {
        var (y, indices) = F.AdaptiveMaxPool2dWithIndices(Plane(new float[,] { { 3, 3, 1, NaN, 2, NaN } }), [1, 2]);
        Assert.Equal(new float[] { 3, NaN }, y.ToArray<float>());
        Assert.Equal(new long[] { 0, 5 }, indices.ToArray<long>());
        var (y1, i1) = F.AdaptiveMaxPool1dWithIndices(Row(3, 3, 1, NaN, 2, NaN), 2);
        Assert.Equal(new float[] { 3, NaN }, y1.ToArray<float>());
        Assert.Equal(new long[] { 0, 5 }, i1.ToArray<long>());
    }

    [Fact]
    public void AdaptiveOutputOneIsAMean()
    {
        var x = Tensor.Rand([2, 3, 4], DType.Float64).RequiresGrad_();
        var y = F.AdaptiveAvgPool2d(x, 1);
        Assert.Equal("MeanBackward1", y.GradFn!.Name);
        Close(x.Mean([-1, -2], keepdim: true).ToArray<double>(), y, 1e-12);
        Assert.Equal(new[] { 2, 3, 4 }, F.AdaptiveAvgPool2d(x, [null, 4]).Shape);
        Assert.Equal(new[] { 2, 1, 4 }, F.AdaptiveMaxPool2d(x, [1, null]).Shape);
    }

    [Fact]
    public void AdaptiveZeroSizes()
    {
        Assert.Equal(new[] { 0, 2, 2 }, F.AdaptiveAvgPool2d(Tensor.Ones(0, 4, 4), 2).Shape);
        Assert.Equal(new[] { 2, 0, 2, 2 }, F.AdaptiveAvgPool2d(Tensor.Ones(2, 0, 4, 4), 2).Shape);
        Assert.Equal(new[] { 0, 3, 2, 2 }, F.AdaptiveAvgPool2d(Tensor.Ones(0, 3, 4, 4), 2).Shape);
        Assert.Equal("adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [1, 3, 0, 4] with dimension 2 being empty",
            Message(() => F.AdaptiveAvgPool2d(Tensor.Ones(1, 3, 0, 4), 2)));
        Assert.Equal(new[] { 0, 2, 2 }, F.AdaptiveMaxPool2d(Tensor.Ones(0, 4, 4), 2).Shape);
        Assert.Equal(new[] { 0, 3, 2, 2 }, F.AdaptiveMaxPool2d(Tensor.Ones(0, 3, 4, 4), 2).Shape);
        Assert.Equal("adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [2, 0, 4, 4] with dimension 1 being empty",
            Message(() => F.AdaptiveMaxPool2d(Tensor.Ones(2, 0, 4, 4), 2)));
        Assert.Equal("adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [1, 3, 0, 4] with dimension 2 being empty",
            Message(() => F.AdaptiveMaxPool2d(Tensor.Ones(1, 3, 0, 4), 2)));
        Assert.Equal(new[] { 1, 3, 0, 2 }, F.AdaptiveAvgPool2d(Tensor.Ones(1, 3, 4, 4), [0, 2]).Shape);
    }

    [Fact]
    public void AdaptiveMessages()
    {
        Assert.Equal("adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {-1, 2}",
            Message(() => F.AdaptiveAvgPool2d(Tensor.Ones(1, 4, 4), [-1, 2])));
        Assert.Equal("adaptive_avg_pool2d: output_size must be 2", Message(() => F.AdaptiveAvgPool2d(Tensor.Ones(1, 1, 4, 4), [1, 2, 3])));
        Assert.Equal("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [4, 4]", Message(() => F.AdaptiveAvgPool2d(Tensor.Ones(4, 4), 2)));
        Assert.Equal("adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [4, 4]", Message(() => F.AdaptiveMaxPool2d(Tensor.Ones(4, 4), 2)));
        Assert.Equal("Expected 2 to 3 dimensions, but got 1-dimensional tensor for argument #1 'self' (while checking arguments for adaptive_avg_pool1d)",
            Message(() => F.AdaptiveAvgPool1d(Tensor.Ones(4), 2)));
    }

    // ---- max unpooling ---------------------------------------------------------------------------------------

    [Fact]
    public void MaxUnpoolPlacesValuesAtTheirIndices()
    {
        var x = Tensor.Arange(1.0, 17.0).Reshape(1, 1, 4, 4).RequiresGrad_();
        var (pooled, indices) = F.MaxPool2dWithIndices(x, 2);
        var restored = F.MaxUnpool2d(pooled, indices, 2);
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 6, 0, 8, 0, 0, 0, 0, 0, 14, 0, 16 }, restored.ToArray<float>());
        Assert.Equal("MaxUnpool2DBackward0", restored.GradFn!.Name);
        var weights = Tensor.Arange(0.0, 16.0).Reshape(1, 1, 4, 4);
        (restored * weights).Sum().Backward();
        var expected = new float[16];
        foreach (var i in new[] { 5, 7, 13, 15 }) expected[i] = i;
        Assert.Equal(expected, x.Grad!.ToArray<float>());

        Assert.Equal(new[] { 1, 1, 5, 5 }, F.MaxUnpool2d(pooled, indices, 2, outputSize: [5, 5]).Shape);
        Assert.Equal(new[] { 1, 1, 5, 4 }, F.MaxUnpool2d(pooled, indices, 2, outputSize: [1, 1, 5, 4]).Shape);
    }

    [Fact]
    public void MaxUnpoolMessages()
    {
        var x = Tensor.Ones(1, 2, 2);
        var indices = Tensor.From(new long[,,] { { { 0, 3 }, { 9, 16 } } });
        Assert.Equal("Found an invalid max index: 16 (output volumes are of size 4x4)", Message(() => F.MaxUnpool2d(x, indices, 2)));
        // the last invalid index in (plane, position) order is reported, as libtorch does on one thread
        var twoBad = Tensor.From(new long[,,] { { { 17, 3 } }, { { -2, 1 } } });
        Assert.Equal("Found an invalid max index: -2 (output volumes are of size 2x4)", Message(() => F.MaxUnpool2d(Tensor.Ones(2, 1, 2), twoBad, 2)));
        Assert.Equal("\"max_unpool2d\" not implemented for 'Long'",
            Assert.Throws<NotSupportedException>(() => F.MaxUnpool2d(Tensor.Ones([1, 2, 2], DType.Int64), indices.Remainder(Tensor.From(16L)), 2)).Message);
        Assert.Equal(new[] { 1, 4, 0 }, F.MaxUnpool2d(Tensor.Ones(1, 2, 1), Tensor.From(new long[,,] { { { 5 }, { 9 } } }), [2, 2], [2, 1], [0, 1]).Shape);
        Assert.Equal("elements in indices should be type int64 but got: Int", Message(() => F.MaxUnpool2d(x, indices.To(DType.Int32), 2)));
        Assert.Equal("output_size should be a sequence containing 2 or 4 elements, but it has a length of '3'",
            Message(() => F.MaxUnpool2d(x, indices, 2, outputSize: [1, 4, 4])));
        Assert.Equal("invalid output_size \"[6, 4]\" (dim 0 must be between 2 and 6)", Message(() => F.MaxUnpool2d(x, indices, 2, outputSize: [6, 4])));
        Assert.Equal("Expected shape of indices to be same as that of the input tensor ([1, 2, 2]) but got indices tensor with shape: [1, 4]",
            Message(() => F.MaxUnpool2d(x, indices.Reshape(1, 4), 2)));
    }

    [Fact]
    public void ParallelResultsMatchSerialPlanes()
    {
        // enough planes to cross the parallel grain: every plane must equal its own serial result
        Tensor.ManualSeed(12);
        var x = Tensor.Randn([64, 8, 16, 16]);
        var y = F.AvgPool2d(x, 3, 2, 1);
        var first = F.AvgPool2d(x.Narrow(0, 0, 1), 3, 2, 1);
        var last = F.AvgPool2d(x.Narrow(0, 63, 1), 3, 2, 1);
        Assert.Equal(first.ToArray<float>(), y.Narrow(0, 0, 1).ToArray<float>());
        Assert.Equal(last.ToArray<float>(), y.Narrow(0, 63, 1).ToArray<float>());
    }
}
