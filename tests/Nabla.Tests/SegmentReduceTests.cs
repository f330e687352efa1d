using Nabla.NN;

namespace Nabla.Tests;

/// <summary>Tensor.SegmentReduce against torch.segment_reduce's docs and test_segment_reductions.py cases.</summary>
public class SegmentReduceTests
{
    private const double Nan = double.NaN, Inf = double.PositiveInfinity;

    public static TheoryData<SegmentReduceMode> Reductions => new() { SegmentReduceMode.Sum, SegmentReduceMode.Mean, SegmentReduceMode.Max, SegmentReduceMode.Min, SegmentReduceMode.Prod };

    internal static void AssertClose(double[] expected, Tensor actual, double rtol = 1e-6)
    {
        var a = actual.ToArray<double>();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            if (double.IsNaN(expected[i])) Assert.True(double.IsNaN(a[i]), $"element {i}: expected NaN, got {a[i]}");
            else if (double.IsInfinity(expected[i])) Assert.Equal(expected[i], a[i]);
            else Assert.True(Math.Abs(a[i] - expected[i]) <= 1e-6 + rtol * Math.Abs(expected[i]), $"element {i}: expected {expected[i]}, got {a[i]}");
        }
    }

    /// <summary>Offsets from lengths along the last dim: a leading 0, then the running sum.</summary>
    private static Tensor OffsetsOf(Tensor lengths)
    {
        var zeros = Tensor.Zeros([.. lengths.Shape[..^1], 1], lengths.DType);
        return Tensor.Cat([zeros, lengths], -1).Cumsum(-1).To(lengths.DType);
    }

    [Fact]
    public void DocsExampleMaxOverLengths()
    {
        var data = Tensor.From(new float[,] { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } });
        var y = Tensor.SegmentReduce(data, SegmentReduceMode.Max, lengths: Tensor.From(new long[] { 2, 1 }));
        Assert.Equal(DType.Float32, y.DType);
        Assert.Equal(new[] { 2, 4 }, y.Shape);
        Assert.Equal(new float[] { 5, 6, 7, 8, 9, 10, 11, 12 }, y.ToArray<float>());
    }

    /// <summary>test_simple_1d: data [1, nan, 3, 4, 5, 5], lengths [1, 2, 3, 0], every mode, axis, dtype and flag.</summary>
    [Theory]
    [MemberData(nameof(Reductions))]
    public void Simple1d(SegmentReduceMode reduce)
    {
        foreach (bool withInitial in new[] { false, true })
        {
            double? initial = !withInitial ? null : reduce switch { SegmentReduceMode.Min => 1000, SegmentReduceMode.Prod => 2, _ => 0 };
            var (expected, grad) = Simple1dExpected(reduce, initial);
            foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (var lengthType in new[] { DType.Int32, DType.Int64 })
            foreach (bool useOffsets in new[] { false, true })
            foreach (int axis in new[] { 0, -1 })
            foreach (bool unsafeMode in new[] { false, true })
            {
                var data = Tensor.From(new[] { 1, Nan, 3, 4, 5, 5 }, dtype).RequiresGrad_();
                var lengths = Tensor.From(new long[] { 1, 2, 3, 0 }, lengthType);
                var y = Tensor.SegmentReduce(data, reduce, useOffsets ? null : lengths, useOffsets ? OffsetsOf(lengths) : null,
                    axis, unsafeMode, initial is { } v ? v : null);
                Assert.Equal(dtype, y.DType);
                AssertClose(expected, y, 1e-3);
                y.Sum().Backward();
                AssertClose(grad, data.Grad!, 1e-3);
            }
        }
    }

    private static (double[] Result, double[] Grad) Simple1dExpected(SegmentReduceMode reduce, double? initial) => reduce switch
    {
        SegmentReduceMode.Max => ([1, Nan, 5, initial ?? -Inf], [1, 1, 0, 0, 0.5, 0.5]),
        SegmentReduceMode.Mean => ([1, Nan, (4 + 5 + 5 + (initial ?? 0)) / 3, initial ?? Nan], [1, 0.5, 0.5, 1 / 3.0, 1 / 3.0, 1 / 3.0]),
        SegmentReduceMode.Min => ([1, Nan, 4, initial ?? Inf], [1, 1, 0, 1, 0, 0]),
        SegmentReduceMode.Sum => ([1, Nan, 14 + (initial ?? 0), initial ?? 0], [1, 1, 1, 1, 1, 1]),
        _ => initial is null
            ? ([1, Nan, 100, 1], [1, 3, Nan, 25, 20, 20])
            : ([2, Nan, 200, 2], [2, 6, Nan, 50, 40, 40]),
    };

    /// <summary>test_simple_zero_length: no data, two empty segments give the initial value or the reduction's default.</summary>
    [Theory]
    [MemberData(nameof(Reductions))]
    public void ZeroLengthSegmentsGiveInitialOrDefault(SegmentReduceMode reduce)
    {
        double fallback = reduce switch { SegmentReduceMode.Max => -Inf, SegmentReduceMode.Min => Inf, SegmentReduceMode.Mean => Nan, SegmentReduceMode.Prod => 1, _ => 0 };
        var lengths = Tensor.From(new long[] { 0, 0 });
        foreach (bool useOffsets in new[] { false, true })
        {
            var data = Tensor.Zeros([0], DType.Float64).RequiresGrad_();
            var y = Tensor.SegmentReduce(data, reduce, useOffsets ? null : lengths, useOffsets ? OffsetsOf(lengths) : null);
            AssertClose([fallback, fallback], y);
            AssertClose([7, 7], Tensor.SegmentReduce(data, reduce, useOffsets ? null : lengths, useOffsets ? OffsetsOf(lengths) : null, initial: 7));
            y.Sum().Backward();
            Assert.Equal(new[] { 0 }, data.Grad!.Shape);
        }
    }

    /// <summary>test_multi_d_simple: (6, 2) data with NaNs, lengths [1, 2, 3, 0] on axis 0.</summary>
    [Theory]
    [MemberData(nameof(Reductions))]
    public void MultiDSimple(SegmentReduceMode reduce)
    {
        double[,] values = { { 1, 1 }, { Nan, 1 }, { 3, Nan }, { 4, 1 }, { 3, 2 }, { 2, 3 } };
        double? initial = reduce switch { SegmentReduceMode.Min => 1000, SegmentReduceMode.Prod => 2, _ => 0 };
        var d = initial!.Value;
        var (expected, grad) = reduce switch
        {
            SegmentReduceMode.Max => (new[] { 1, 1, Nan, Nan, 4, 3, d, d }, new double[] { 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1 }),
            SegmentReduceMode.Mean => ([1, 1, Nan, Nan, 3, 2, d, d], [1, 1, .5, .5, .5, .5, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0]),
            SegmentReduceMode.Min => ([1, 1, Nan, Nan, 2, 1, d, d], [1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0]),
            SegmentReduceMode.Sum => ([1, 1, Nan, Nan, 9, 6, d, d], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
            _ => ([2, 2, Nan, Nan, 48, 12, d, d], [2, 2, 6, Nan, Nan, 2, 12, 12, 16, 6, 24, 4]),
        };
        foreach (bool useOffsets in new[] { false, true })
        {
            var data = Tensor.From(values).RequiresGrad_();
            var lengths = Tensor.From(new int[] { 1, 2, 3, 0 });
            var y = Tensor.SegmentReduce(data, reduce, useOffsets ? null : lengths, useOffsets ? OffsetsOf(lengths) : null, initial: d);
            Assert.Equal(new[] { 4, 2 }, y.Shape);
            AssertClose(expected, y);
            y.Sum().Backward();
            AssertClose(grad, data.Grad!);
        }
    }

    /// <summary>test_pytorch_scatter_test_cases: batched offsets (indptr) and their lengths, axis = indptr.dim() - 1.</summary>
    [Theory]
    [MemberData(nameof(Reductions))]
    public void PytorchScatterCases(SegmentReduceMode reduce)
    {
        foreach (var (src, indptr, results) in ScatterCases())
        {
            int axis = indptr.Dim - 1;
            var lengths = indptr.Diff(dim: axis);
            var expected = results[reduce];
            AssertClose(expected, Tensor.SegmentReduce(src, reduce, lengths: lengths, axis: axis, unsafeMode: true));
            AssertClose(expected, Tensor.SegmentReduce(src, reduce, offsets: indptr, axis: axis, unsafeMode: true));

            // Finite initial values keep empty segments finite for gradcheck.
            double initial = reduce switch { SegmentReduceMode.Min => 1000, SegmentReduceMode.Max => -1000, _ => 1 };
            GradCheck.Check(x => Tensor.SegmentReduce(x, reduce, lengths: lengths, axis: axis, initial: initial), src.Detach().Clone().RequiresGrad_());
            GradCheck.Check(x => Tensor.SegmentReduce(x, reduce, offsets: indptr, axis: axis, initial: initial), src.Detach().Clone().RequiresGrad_());
        }
    }

    private static IEnumerable<(Tensor Src, Tensor Indptr, Dictionary<SegmentReduceMode, double[]> Results)> ScatterCases()
    {
        yield return (Tensor.From(new double[] { 1, 2, 3, 4, 5, 6 }), Tensor.From(new long[] { 0, 2, 5, 5, 6 }), new()
        {
            [SegmentReduceMode.Sum] = [3, 12, 0, 6], [SegmentReduceMode.Prod] = [2, 60, 1, 6], [SegmentReduceMode.Mean] = [1.5, 4, Nan, 6],
            [SegmentReduceMode.Min] = [1, 3, Inf, 6], [SegmentReduceMode.Max] = [2, 5, -Inf, 6],
        });
        yield return (Tensor.From(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 }, { 9, 10 }, { 11, 12 } }), Tensor.From(new long[] { 0, 2, 5, 5, 6 }), new()
        {
            [SegmentReduceMode.Sum] = [4, 6, 21, 24, 0, 0, 11, 12], [SegmentReduceMode.Prod] = [3, 8, 315, 480, 1, 1, 11, 12],
            [SegmentReduceMode.Mean] = [2, 3, 7, 8, Nan, Nan, 11, 12], [SegmentReduceMode.Min] = [1, 2, 5, 6, Inf, Inf, 11, 12],
            [SegmentReduceMode.Max] = [3, 4, 9, 10, -Inf, -Inf, 11, 12],
        });
        yield return (Tensor.From(new double[,] { { 1, 3, 5, 7, 9, 11 }, { 2, 4, 6, 8, 10, 12 } }), Tensor.From(new long[,] { { 0, 2, 5, 5, 6 }, { 0, 3, 5, 6, 6 } }), new()
        {
            [SegmentReduceMode.Sum] = [4, 21, 0, 11, 12, 18, 12, 0], [SegmentReduceMode.Prod] = [3, 315, 1, 11, 48, 80, 12, 1],
            [SegmentReduceMode.Mean] = [2, 7, Nan, 11, 4, 9, 12, Nan], [SegmentReduceMode.Min] = [1, 5, Inf, 11, 2, 8, 12, Inf],
            [SegmentReduceMode.Max] = [3, 9, -Inf, 11, 6, 10, 12, -Inf],
        });
        yield return (Tensor.From(new double[,,] { { { 1, 2 }, { 3, 4 }, { 5, 6 } }, { { 7, 9 }, { 10, 11 }, { 12, 13 } } }), Tensor.From(new long[,] { { 0, 2, 3, 3 }, { 0, 1, 1, 3 } }), new()
        {
            [SegmentReduceMode.Sum] = [4, 6, 5, 6, 0, 0, 7, 9, 0, 0, 22, 24], [SegmentReduceMode.Prod] = [3, 8, 5, 6, 1, 1, 7, 9, 1, 1, 120, 143],
            [SegmentReduceMode.Mean] = [2, 3, 5, 6, Nan, Nan, 7, 9, Nan, Nan, 11, 12], [SegmentReduceMode.Min] = [1, 2, 5, 6, Inf, Inf, 7, 9, Inf, Inf, 10, 11],
            [SegmentReduceMode.Max] = [3, 4, 5, 6, -Inf, -Inf, 7, 9, -Inf, -Inf, 12, 13],
        });
        yield return (Tensor.From(new double[,] { { 1, 3 }, { 2, 4 } }), Tensor.From(new long[,] { { 0, 2 }, { 0, 2 } }), new()
        {
            [SegmentReduceMode.Sum] = [4, 6], [SegmentReduceMode.Prod] = [3, 8], [SegmentReduceMode.Mean] = [2, 3], [SegmentReduceMode.Min] = [1, 2], [SegmentReduceMode.Max] = [3, 4],
        });
        yield return (Tensor.From(new double[,,] { { { 1, 1 }, { 3, 3 } }, { { 2, 2 }, { 4, 4 } } }), Tensor.From(new long[,] { { 0, 2 }, { 0, 2 } }), new()
        {
            [SegmentReduceMode.Sum] = [4, 4, 6, 6], [SegmentReduceMode.Prod] = [3, 3, 8, 8], [SegmentReduceMode.Mean] = [2, 2, 3, 3], [SegmentReduceMode.Min] = [1, 1, 2, 2], [SegmentReduceMode.Max] = [3, 3, 4, 4],
        });
    }

    /// <summary>test_multi_d: (5, 2, 5) data, lengths [0, 2, 3, 0], compared with per-segment reductions of slices.</summary>
    [Theory]
    [MemberData(nameof(Reductions))]
    public void MultiDMatchesSliceReductions(SegmentReduceMode reduce)
    {
        double initial = reduce switch { SegmentReduceMode.Min => 1000, SegmentReduceMode.Prod => 1, _ => 0 };
        var data = Tensor.Arange(0, 50).Reshape(5, 2, 5).To(DType.Float64);
        var y = Tensor.SegmentReduce(data, reduce, lengths: Tensor.From(new long[] { 0, 2, 3, 0 }), initial: initial);
        // Data is non-negative, so these initial values never change a non-empty segment.
        var fill = Tensor.Full([2, 5], initial, DType.Float64);
        var expected = Tensor.Stack([fill, SliceReduce(data.Narrow(0, 0, 2), reduce), SliceReduce(data.Narrow(0, 2, 3), reduce), fill]);
        AssertClose(expected.ToArray<double>(), y);
    }

    /// <summary>Reduces a slice along dim 0, as torch's sum/mean/amax/amin/prod would.</summary>
    internal static Tensor SliceReduce(Tensor slice, SegmentReduceMode reduce, int dim = 0) => reduce switch
    {
        SegmentReduceMode.Sum => slice.Sum(dim),
        SegmentReduceMode.Mean => slice.Mean(dim),
        SegmentReduceMode.Max => slice.Amax(dim),
        SegmentReduceMode.Min => slice.Amin(dim),
        _ => slice.Prod(dim),
    };

    [Fact]
    public void AxisOneWithBatchedLengthsAndGradCheck()
    {
        var lengths = Tensor.From(new long[,] { { 2, 0, 4 }, { 1, 3, 2 } });
        foreach (var reduce in new[] { SegmentReduceMode.Sum, SegmentReduceMode.Mean, SegmentReduceMode.Max, SegmentReduceMode.Min, SegmentReduceMode.Prod })
        {
            var x = (Tensor.Randn([2, 6, 3], DType.Float64) + 0.5).RequiresGrad_();
            var y = Tensor.SegmentReduce(x, reduce, lengths: lengths, axis: 1, initial: reduce == SegmentReduceMode.Max ? -100 : reduce == SegmentReduceMode.Min ? 100 : 1);
            Assert.Equal(new[] { 2, 3, 3 }, y.Shape);
            // Row 1, segment 1 covers rows 1..3 of batch 1.
            var expected = SliceReduce(x.Detach().Select(0, 1).Narrow(0, 1, 3), reduce);
            if (reduce == SegmentReduceMode.Sum) expected += 1;
            if (reduce == SegmentReduceMode.Mean) expected = (x.Detach().Select(0, 1).Narrow(0, 1, 3).Sum(0) + 1) / 3;
            AssertClose(expected.ToArray<double>(), y.Detach().Select(0, 1).Select(0, 1));
            Assert.True(GradCheck.Check(t => Tensor.SegmentReduce(t, reduce, lengths: lengths, axis: 1, initial: reduce == SegmentReduceMode.Max ? -100 : reduce == SegmentReduceMode.Min ? 100 : 1), x));
            Assert.True(GradCheck.Check(t => Tensor.SegmentReduce(t, reduce, offsets: OffsetsOf(lengths), axis: -2, initial: reduce == SegmentReduceMode.Max ? -100 : reduce == SegmentReduceMode.Min ? 100 : 1), x));
        }
    }

    [Fact]
    public void AxisOneWithInnerDimsKeepsTrailingShape()
    {
        var data = Tensor.Arange(0, 24).Reshape(2, 4, 3).To(DType.Float32);
        var y = Tensor.SegmentReduce(data, SegmentReduceMode.Sum, lengths: Tensor.From(new long[,] { { 1, 3 }, { 4, 0 } }), axis: 1);
        Assert.Equal(new[] { 2, 2, 3 }, y.Shape);
        Assert.Equal(new float[] { 0, 1, 2, 3 + 6 + 9, 4 + 7 + 10, 5 + 8 + 11, 12 + 15 + 18 + 21, 13 + 16 + 19 + 22, 14 + 17 + 20 + 23, 0, 0, 0 }, y.ToArray<float>());
    }

    [Fact]
    public void ProdGradientIsExactWithZeros()
    {
        var x = Tensor.From(new double[] { 2, 0, 3, 0, 0, 5, 4, 0.5 }).RequiresGrad_();
        var lengths = Tensor.From(new long[] { 3, 3, 2 });
        Tensor.SegmentReduce(x, SegmentReduceMode.Prod, lengths: lengths).Sum().Backward();
        // One zero: it gets the product of the others; two zeros: every gradient is 0.
        AssertClose([0, 6, 0, 0, 0, 0, 0.5, 4], x.Grad!);
        Assert.True(GradCheck.Check(t => Tensor.SegmentReduce(t, SegmentReduceMode.Prod, lengths: lengths), x.Detach().Clone().RequiresGrad_()));
    }

    /// <summary>
    /// torch's CPU kernel splits a tie's gradient only when it is positive; a negative one goes whole to each tied
    /// element (libtorch 2.10 gives exactly these numbers).
    /// </summary>
    [Fact]
    public void MaxTieSplitsOnlyPositiveGradients()
    {
        var lengths = Tensor.From(new long[] { 3, 2 });
        var x = Tensor.From(new double[] { 5, 1, 5, 7, 7 }).RequiresGrad_();
        var y = Tensor.SegmentReduce(x, SegmentReduceMode.Max, lengths: lengths);
        y.Backward(Tensor.From(new double[] { 3, -2 }));
        AssertClose([1.5, 0, 1.5, -2, -2], x.Grad!);
    }

    /// <summary>Initial joins non-empty means before the division and fills empty ones (libtorch 2.10: [3, 3, 7]).</summary>
    [Fact]
    public void MeanWithInitial()
    {
        var y = Tensor.SegmentReduce(Tensor.From(new double[] { 1, 2, 4 }), SegmentReduceMode.Mean, lengths: Tensor.From(new long[] { 2, 0, 1 }), initial: 3.0);
        AssertClose([3, 3, 7], y);
    }

    [Fact]
    public void NonContiguousDataAndRecordedNode()
    {
        var data = Tensor.Arange(0, 12).Reshape(3, 4).To(DType.Float64).T.RequiresGrad_(); // (4, 3), non-contiguous
        var y = Tensor.SegmentReduce(data, SegmentReduceMode.Mean, lengths: Tensor.From(new long[] { 1, 3 }));
        Assert.Equal("SegmentReduceBackward0", y.GradFn!.Name);
        AssertClose([0, 4, 8, 2, 6, 10], y);
        y.Sum().Backward();
        AssertClose([1, 1, 1, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0], data.Grad!);
    }

    [Fact]
    public void DoubleBackwardIsNotImplementedLikeTorch()
    {
        var x = Tensor.From(new double[] { 1, 2, 3 }).RequiresGrad_();
        var y = Tensor.SegmentReduce(x, SegmentReduceMode.Sum, lengths: Tensor.From(new long[] { 1, 2 }));
        var g = Autograd.Grad([y.Sum()], [x], createGraph: true)[0]!;
        var e = Assert.Throws<NotSupportedException>(() => g.Sum().Backward());
        Assert.Equal("derivative for aten::_segment_reduce_backward is not implemented", e.Message);
    }

    [Fact]
    public void ErrorsMatchTorch()
    {
        var data = Tensor.Arange(0, 6).To(DType.Float32);
        var lengths = Tensor.From(new long[] { 0, 2, 3, 0 });
        Assert.Equal("segment_reduce(): Expected all rows of lengths along axis to sum to data.size(lengths.dim()-1) when !unsafe.",
            Assert.Throws<ArgumentException>(() => Tensor.SegmentReduce(data, SegmentReduceMode.Sum, lengths: lengths)).Message);
        var nd = Tensor.Arange(0, 12).Reshape(2, 6).To(DType.Float32);
        Assert.StartsWith("segment_reduce(): Expected all rows of lengths along axis",
            Assert.Throws<ArgumentException>(() => Tensor.SegmentReduce(nd, SegmentReduceMode.Sum, lengths: Tensor.From(new long[,] { { 0, 3, 3, 0 }, { 2, 3, 0, 0 } }), axis: 1)).Message);
        Assert.Equal("lengths contains negative value!",
            Assert.Throws<ArgumentException>(() => Tensor.SegmentReduce(data, SegmentReduceMode.Sum, lengths: Tensor.From(new long[] { -1, 7 }))).Message);
        Assert.Equal("segment_reduce(): Either lengths or offsets must be defined.",
            Assert.Throws<ArgumentException>(() => Tensor.SegmentReduce(data, SegmentReduceMode.Sum)).Message);
        Assert.Equal("segment_reduce(): Expected axis to be the last dimension of lengths but got 1.",
            Assert.Throws<ArgumentException>(() => Tensor.SegmentReduce(nd, SegmentReduceMode.Sum, lengths: Tensor.From(new long[] { 1, 1 }), axis: 1)).Message);
        Assert.Equal("segment_reduce(): Expected axis to be the last dimension of offsets but got 0.",
            Assert.Throws<ArgumentException>(() => Tensor.SegmentReduce(nd, SegmentReduceMode.Sum, offsets: Tensor.From(new long[,] { { 0, 6 }, { 0, 6 } }))).Message);
        Assert.Equal("\"_segment_reduce_cpu\" not implemented for 'Long'",
            Assert.Throws<NotSupportedException>(() => Tensor.SegmentReduce(Tensor.Arange(0, 6), SegmentReduceMode.Sum, lengths: Tensor.From(new long[] { 6 }))).Message);
        Assert.Equal("\"_segment_reduce_lengths_cpu_kernel1\" not implemented for 'Float'",
            Assert.Throws<NotSupportedException>(() => Tensor.SegmentReduce(data, SegmentReduceMode.Sum, lengths: Tensor.From(new float[] { 6 }))).Message);
        Assert.Equal("\"_segment_reduce_offsets_cpu_kernel1\" not implemented for 'Float'",
            Assert.Throws<NotSupportedException>(() => Tensor.SegmentReduce(data, SegmentReduceMode.Sum, offsets: Tensor.From(new float[] { 0, 6 }))).Message);
        Assert.Throws<IndexException>(() => Tensor.SegmentReduce(data, SegmentReduceMode.Sum, lengths: lengths, axis: 1));
    }

    [Fact]
    public void RangesOutsideDataAreRejectedEvenWhenUnsafe()
    {
        var data = Tensor.Arange(0, 6).To(DType.Float32);
        var over = Assert.Throws<IndexException>(() => Tensor.SegmentReduce(data, SegmentReduceMode.Sum, lengths: Tensor.From(new long[] { 4, 4 }), unsafeMode: true));
        Assert.Equal("segment_reduce(): segment 1 is [4, 8), but expected 0 <= start <= end <= data.size(0) = 6 (data of shape [6])", over.Message);
        var negative = Assert.Throws<ArgumentException>(() => Tensor.SegmentReduce(data, SegmentReduceMode.Sum, lengths: Tensor.From(new long[] { 3, -1 }), unsafeMode: true));
        Assert.Equal("segment_reduce(): segment 1 is [3, 2), but expected 0 <= start <= end <= data.size(0) = 6 (data of shape [6])", negative.Message);
        Assert.Throws<ArgumentException>(() => Tensor.SegmentReduce(data, SegmentReduceMode.Sum, offsets: Tensor.From(new long[] { 0, 4, 2 })));
        Assert.Throws<IndexException>(() => Tensor.SegmentReduce(data, SegmentReduceMode.Sum, offsets: Tensor.From(new long[] { 0, 7 })));
        var batch = Assert.Throws<ArgumentException>(() => Tensor.SegmentReduce(Tensor.Zeros(2, 6), SegmentReduceMode.Sum, lengths: Tensor.From(new long[,] { { 6 }, { 6 }, { 6 } }), axis: 1));
        Assert.Equal("segment_reduce(): Expected the leading dims of lengths to match data's, but got lengths of shape [3, 1] and data of shape [2, 6] with axis 1", batch.Message);
        // Lengths summing to less than the axis are fine when unsafe: the tail is ignored.
        AssertClose([1], Tensor.SegmentReduce(data, SegmentReduceMode.Sum, lengths: Tensor.From(new long[] { 2 }), unsafeMode: true));
    }
}

/// <summary>Tensor.RaggedSliceReduce: direct reductions of arbitrary [start, end) row slices.</summary>
public class RaggedSliceReduceTests
{
    private static readonly long[,] SeedSlices = RaggedSeed.Slices;

    [Fact]
    public void SeedMeansAndExactGradient()
    {
        var sample = Tensor.Arange(0, 40).Reshape(10, -1).To(DType.Float32).RequiresGrad_();
        var pools = Tensor.RaggedSliceReduce(sample, Tensor.From(SeedSlices));
        Assert.Equal(new[] { 4, 4 }, pools.Shape);
        Assert.Equal(DType.Float32, pools.DType);
        Assert.Equal("RaggedSliceReduceBackward0", pools.GradFn!.Name);
        Assert.Equal(new float[] { 14, 15, 16, 17, 16, 17, 18, 19, 22, 23, 24, 25, 28, 29, 30, 31 }, pools.ToArray<float>());

        pools.Sum().Backward();
        var grad = sample.Grad!.ToArray<float>();
        var expected = RaggedSeed.RowGradient();
        for (int r = 0; r < 10; r++)
            for (int c = 0; c < 4; c++)
                Assert.Equal((float)expected[r], grad[r * 4 + c]);
        for (int c = 0; c < 4; c++)
        {
            Assert.Equal(0f, grad[c]);
            Assert.Equal(0f, grad[9 * 4 + c]);
        }
    }

    /// <summary>Every reduce equals stacking data.narrow(dim, start, len).reduce(dim) per slice, for dims 0, 1 and -1.</summary>
    [Theory]
    [MemberData(nameof(SegmentReduceTests.Reductions), MemberType = typeof(SegmentReduceTests))]
    public void MatchesPerSliceReductionsAndGradCheck(SegmentReduceMode reduce)
    {
        var slices = Tensor.From(new long[,] { { 0, 3 }, { 2, 5 }, { 4, 5 }, { 1, 5 }, { 2, 4 } });
        foreach (int dim in new[] { 0, 1, -1 })
        {
            var shape = dim == 0 ? new[] { 5, 3 } : dim == 1 ? new[] { 2, 5, 3 } : new[] { 3, 5 };
            var x = Tensor.Randn(shape, DType.Float64).RequiresGrad_();
            var y = Tensor.RaggedSliceReduce(x, slices, reduce, dim);
            int d = dim < 0 ? dim + x.Dim : dim;
            var bounds = slices.ToArray<long>();
            var parts = Enumerable.Range(0, 5).Select(s =>
                SegmentReduceTests.SliceReduce(x.Detach().Narrow(d, (int)bounds[2 * s], (int)(bounds[2 * s + 1] - bounds[2 * s])), reduce, d)).ToArray();
            var expected = Tensor.Stack(parts, d);
            Assert.Equal(expected.Shape, y.Shape);
            SegmentReduceTests.AssertClose(expected.ToArray<double>(), y, 1e-12);
            Assert.True(GradCheck.Check(t => Tensor.RaggedSliceReduce(t, slices, reduce, dim), x));
        }
    }

    /// <summary>
    /// Wide rows (the vector path), enough work to run in parallel, ties, zeros and NaNs: values and gradients (for a
    /// random cotangent) equal those of the per-slice composition, in float32 and float64.
    /// </summary>
    [Theory]
    [MemberData(nameof(SegmentReduceTests.Reductions), MemberType = typeof(SegmentReduceTests))]
    public void WideParallelInputsMatchComposition(SegmentReduceMode reduce)
    {
        const int rows = 600, cols = 67, n = 120; // about 90k elements read: above the parallel grain
        var rng = new Random(7);
        var bounds = new long[n, 2];
        for (int s = 0; s < n; s++)
        {
            int start = rng.Next(rows - 20), len = rng.Next(1, 21);
            (bounds[s, 0], bounds[s, 1]) = (start, start + len);
        }
        var values = new double[rows * cols];
        for (int i = 0; i < values.Length; i++) values[i] = rng.Next(-3, 4) * 0.5;
        values[5 * cols + 3] = double.NaN;
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.From(values).Reshape(rows, cols).To(dtype).RequiresGrad_();
            var reference = x.Detach().Clone().RequiresGrad_();
            var cotangent = Tensor.Randn([n, cols], dtype);
            var y = Tensor.RaggedSliceReduce(x, Tensor.From(bounds), reduce);
            var expected = Tensor.Stack(Enumerable.Range(0, n).Select(s =>
                SegmentReduceTests.SliceReduce(reference.Narrow(0, (int)bounds[s, 0], (int)(bounds[s, 1] - bounds[s, 0])), reduce)).ToArray());
            SegmentReduceTests.AssertClose(expected.Detach().ToArray<double>(), y, 1e-6);
            (y * cotangent).Sum().Backward();
            (expected * cotangent).Sum().Backward();
            SegmentReduceTests.AssertClose(reference.Grad!.ToArray<double>(), x.Grad!, 1e-5);
        }
    }

    [Fact]
    public void GradientsMatchTorchCompositions()
    {
        // Ties in max: split evenly like amax; overlapping slices add up.
        var x = Tensor.From(new double[] { 1, 4, 4, 2, 4 }).RequiresGrad_();
        var slices = Tensor.From(new long[,] { { 0, 3 }, { 1, 5 }, { 3, 4 } });
        Tensor.RaggedSliceReduce(x, slices, SegmentReduceMode.Max).Backward(Tensor.From(new double[] { 1, -3, 5 }));
        var reference = x.Detach().Clone().RequiresGrad_();
        var parts = new[] { reference.Narrow(0, 0, 3).Amax(0), reference.Narrow(0, 1, 4).Amax(0), reference.Narrow(0, 3, 1).Amax(0) };
        (Tensor.Stack(parts) * Tensor.From(new double[] { 1, -3, 5 })).Sum().Backward();
        SegmentReduceTests.AssertClose(reference.Grad!.ToArray<double>(), x.Grad!);
        SegmentReduceTests.AssertClose([0, 0.5 - 1, 0.5 - 1, 5, -1], x.Grad!);
    }

    [Fact]
    public void EmptySlicesFollowTorchReductionsOfEmptySelections()
    {
        var x = Tensor.Arange(0, 12).Reshape(4, 3).To(DType.Float64).RequiresGrad_();
        var slices = Tensor.From(new long[,] { { 2, 2 }, { 0, 4 } });
        SegmentReduceTests.AssertClose([0, 0, 0, 18, 22, 26], Tensor.RaggedSliceReduce(x, slices, SegmentReduceMode.Sum));
        SegmentReduceTests.AssertClose([1, 1, 1, 0, 280, 880], Tensor.RaggedSliceReduce(x, slices, SegmentReduceMode.Prod));
        var mean = Tensor.RaggedSliceReduce(x, slices, SegmentReduceMode.Mean);
        SegmentReduceTests.AssertClose([double.NaN, double.NaN, double.NaN, 4.5, 5.5, 6.5], mean);
        mean.Narrow(0, 1, 1).Sum().Backward();
        SegmentReduceTests.AssertClose(Enumerable.Repeat(0.25, 12).ToArray(), x.Grad!);
        var e = Assert.Throws<IndexException>(() => Tensor.RaggedSliceReduce(x, slices, SegmentReduceMode.Max));
        Assert.Equal("RaggedSliceReduce(): slice 0 is empty ([2, 2)), and max of an empty slice is undefined (torch.amax/amin raise on an empty reduction dim)", e.Message);
    }

    [Fact]
    public void ValidationNamesOpArgumentAndShapes()
    {
        var x = Tensor.Zeros(10, 4);
        Assert.Equal("RaggedSliceReduce(): expected slices of shape (N, 2), but got slices of shape [2, 3]",
            Assert.Throws<ArgumentException>(() => Tensor.RaggedSliceReduce(x, Tensor.Zeros([2, 3], DType.Int64))).Message);
        Assert.Equal("RaggedSliceReduce(): expected slices of shape (N, 2), but got slices of shape [2]",
            Assert.Throws<ArgumentException>(() => Tensor.RaggedSliceReduce(x, Tensor.Zeros([2], DType.Int64))).Message);
        Assert.Equal("RaggedSliceReduce(): expected slices of dtype Long (or Int), but got slices of dtype Float",
            Assert.Throws<ArgumentException>(() => Tensor.RaggedSliceReduce(x, Tensor.Zeros(1, 2))).Message);
        Assert.Equal("RaggedSliceReduce(): slice 1 is [5, 11), but expected 0 <= start <= end <= data.size(0) = 10 (data of shape [10, 4])",
            Assert.Throws<IndexException>(() => Tensor.RaggedSliceReduce(x, Tensor.From(new long[,] { { 0, 1 }, { 5, 11 } }))).Message);
        Assert.Throws<IndexException>(() => Tensor.RaggedSliceReduce(x, Tensor.From(new long[,] { { -1, 1 } })));
        Assert.Equal("RaggedSliceReduce(): slice 0 is [5, 3), but expected 0 <= start <= end <= data.size(1) = 4 (data of shape [10, 4])",
            Assert.Throws<ArgumentException>(() => Tensor.RaggedSliceReduce(x, Tensor.From(new long[,] { { 5, 3 } }), dim: 1)).Message);
        Assert.Equal("RaggedSliceReduce(): expected data of a floating point dtype, but got data of dtype Long",
            Assert.Throws<ArgumentException>(() => Tensor.RaggedSliceReduce(Tensor.Arange(10), Tensor.From(new long[,] { { 0, 1 } }))).Message);
        Assert.Throws<IndexException>(() => Tensor.RaggedSliceReduce(x, Tensor.From(new long[,] { { 0, 1 } }), dim: 2));
        Assert.Equal(new[] { 0, 4 }, Tensor.RaggedSliceReduce(x, Tensor.Zeros([0, 2], DType.Int64)).Shape);
    }

    /// <summary>
    /// A long float32 axis: the cumsum route subtracts two prefix sums near 1e9, where float32's spacing is 64, so a
    /// short slice's mean is off by whole units; the direct route sums the slice alone in double.
    /// </summary>
    [Fact]
    public void DirectRouteKeepsDigitsWhereCumsumRouteCancels()
    {
        const int rows = 1_000_000;
        var values = new float[rows];
        for (int i = 0; i < rows; i++) values[i] = 1000f + (i % 97) * 0.001f;
        var x = Tensor.From(values).Reshape(rows, 1);
        var slices = Tensor.From(new long[,] { { rows - 10, rows - 7 }, { rows - 4, rows } });

        var bounds = slices.ToArray<long>();
        var reference = new double[2];
        for (int s = 0; s < 2; s++)
        {
            for (long i = bounds[2 * s]; i < bounds[2 * s + 1]; i++) reference[s] += values[i];
            reference[s] /= bounds[2 * s + 1] - bounds[2 * s];
        }

        var direct = Tensor.RaggedSliceReduce(x, slices).ToArray<float>();
        var padded = F.Pad(x.Cumsum(0), [0, 0, 1, 0]);
        var viaCumsum = (padded[slices].Diff(dim: 1).Squeeze() / slices.Diff(dim: 1).Squeeze()).ToArray<float>();
        for (int s = 0; s < 2; s++)
        {
            Assert.Equal((float)reference[s], direct[s]);
            Assert.True(Math.Abs(viaCumsum[s] - reference[s]) > 1, $"cumsum route unexpectedly accurate: {viaCumsum[s]} vs {reference[s]}");
        }
    }
}
