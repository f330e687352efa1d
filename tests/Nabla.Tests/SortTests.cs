namespace Nabla.Tests;

/// <summary>sort / argsort / topk / kthvalue / unique / searchsorted / bucketize / nonzero / unravel_index.</summary>
public class SortTests
{
    private static Tensor F64(params double[] v) => Tensor.From(v);
    private static Tensor I64(params long[] v) => Tensor.From(v);

    // ---- sort / argsort -----------------------------------------------------------------------------------------

    [Fact]
    public void SortIsStableWithTies()
    {
        var x = F64(3, 1, 2, 1, 3, 2);
        var (v, i) = x.Sort();
        Assert.Equal(new double[] { 1, 1, 2, 2, 3, 3 }, v.ToArray<double>());
        Assert.Equal(new long[] { 1, 3, 2, 5, 0, 4 }, i.ToArray<long>());
        Assert.Equal(DType.Int64, i.DType);
        var (vd, id) = x.Sort(descending: true);
        Assert.Equal(new double[] { 3, 3, 2, 2, 1, 1 }, vd.ToArray<double>());
        Assert.Equal(new long[] { 0, 4, 2, 5, 1, 3 }, id.ToArray<long>());
        Assert.Equal(new long[] { 0, 4, 2, 5, 1, 3 }, x.Argsort(descending: true, stable: true).ToArray<long>());
    }

    [Fact]
    public void StableOnLongRowsOfTies()
    {
        var x = Tensor.From(Enumerable.Range(0, 1000).Select(i => (long)(i % 3)).ToArray());
        var idx = x.Argsort().ToArray<long>();
        var expected = Enumerable.Range(0, 1000).OrderBy(i => i % 3).Select(i => (long)i).ToArray();
        Assert.Equal(expected, idx);
        var desc = x.Argsort(descending: true).ToArray<long>();
        Assert.Equal(Enumerable.Range(0, 1000).OrderBy(i => -(i % 3)).Select(i => (long)i).ToArray(), desc);
    }

    [Fact]
    public void NanSortsAboveEveryNumber()
    {
        var x = F64(double.NaN, 1, double.NaN, double.NegativeInfinity, double.PositiveInfinity, 0);
        var (v, i) = x.Sort();
        Assert.Equal(new double[] { double.NegativeInfinity, 0, 1, double.PositiveInfinity, double.NaN, double.NaN }, v.ToArray<double>());
        Assert.Equal(new long[] { 3, 5, 1, 4, 0, 2 }, i.ToArray<long>());
        var (vd, id) = x.Sort(descending: true);
        Assert.Equal(new double[] { double.NaN, double.NaN, double.PositiveInfinity, 1, 0, double.NegativeInfinity }, vd.ToArray<double>());
        Assert.Equal(new long[] { 0, 2, 4, 1, 5, 3 }, id.ToArray<long>());
    }

    [Fact]
    public void SignedZerosTieAndExtremesOrder()
    {
        var z = F64(0.0, -0.0, 0.0, -1e-300, double.Epsilon);
        Assert.Equal(new long[] { 3, 0, 1, 2, 4 }, z.Argsort().ToArray<long>()); // -0.0 == 0.0 keeps input order
        var f = Tensor.From(new[] { float.NaN, -0f, float.NegativeInfinity, 0f, -2.5f, float.MaxValue });
        Assert.Equal(new long[] { 2, 4, 1, 3, 5, 0 }, f.Argsort().ToArray<long>());
        Assert.Equal(new long[] { 0, 5, 1, 3, 4, 2 }, f.Argsort(descending: true).ToArray<long>());
        Assert.Equal(new long[] { 2, 1, 3, 4, 0 }, I64(long.MaxValue, -1, long.MinValue, 0, 1).Argsort().ToArray<long>());
        Assert.Equal(new long[] { 2, 1, 3, 0 }, Tensor.From(new[] { 5, -7, int.MinValue, 0 }).Argsort().ToArray<long>());
        Assert.Equal(new long[] { 1, 2, 0 }, Tensor.From(new byte[] { 200, 255, 201 }).Argsort(descending: true).ToArray<long>());
    }

    [Theory]
    [InlineData(DType.Bool)]
    [InlineData(DType.UInt8)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SortsEveryDType(DType dtype)
    {
        var x = F64(1, 0, 1, 0, 1).To(dtype);
        var (v, i) = x.Sort();
        Assert.Equal(dtype, v.DType);
        Assert.Equal(new double[] { 0, 0, 1, 1, 1 }, v.ToArray<double>());
        Assert.Equal(new long[] { 1, 3, 0, 2, 4 }, i.ToArray<long>());
        Assert.Equal(new long[] { 0, 2, 4, 1, 3 }, x.Argsort(descending: true).ToArray<long>());
    }

    [Fact]
    public void SortAlongAnyDimOfNonContiguousInputs()
    {
        var x = Tensor.From(new double[,] { { 5, 1, 4 }, { 2, 6, 3 }, { 9, 0, 7 }, { 8, 8, 1 } });
        var t = x.T; // (3, 4), transposed strides
        var (v, i) = t.Sort(-1);
        var (vc, ic) = t.Contiguous().Sort(-1);
        Assert.Equal(vc.ToArray<double>(), v.ToArray<double>());
        Assert.Equal(ic.ToArray<long>(), i.ToArray<long>());
        Assert.Equal(new double[] { 2, 5, 8, 9, 0, 1, 6, 8, 1, 3, 4, 7 }, v.ToArray<double>());

        var (v0, i0) = x.Sort(0, descending: true);
        Assert.Equal(new[] { 4, 3 }, v0.Shape);
        Assert.Equal(new double[] { 9, 8, 7, 8, 6, 4, 5, 1, 3, 2, 0, 1 }, v0.ToArray<double>());
        Assert.Equal(new long[] { 2, 3, 2, 3, 1, 0, 0, 0, 1, 1, 2, 3 }, i0.ToArray<long>());

        var stepped = x.Slice(0, 0, null, 2); // rows 0 and 2
        Assert.Equal(new long[] { 1, 2, 0, 1, 2, 0 }, stepped.Argsort(-1).ToArray<long>());
        Assert.Equal(new long[] { 0, 1, 0, 1, 0, 1 }, stepped.Argsort(-2).ToArray<long>());
    }

    [Fact]
    public void ZeroDimAndEmptyInputs()
    {
        var s = Tensor.From(4.0);
        var (v, i) = s.Sort();
        Assert.Empty(v.Shape);
        Assert.Empty(i.Shape);
        Assert.Equal(4.0, v.Item<double>());
        Assert.Equal(0L, i.Item<long>());
        Assert.Equal(0L, s.Argsort(0).Item<long>());

        var e = Tensor.Zeros([2, 0]);
        var (ve, ie) = e.Sort(1);
        Assert.Equal(new[] { 2, 0 }, ve.Shape);
        Assert.Equal(new[] { 2, 0 }, ie.Shape);
        Assert.Equal(new[] { 2, 0 }, e.Sort(0).Indices.Shape);
    }

    [Fact]
    public void SortRejectsBadDims()
    {
        var x = Tensor.Zeros(2, 3);
        var err = Assert.Throws<IndexException>(() => x.Sort(2));
        Assert.Equal("Dimension out of range (expected to be in range of [-2, 1], but got 2)", err.Message);
        var scalar = Assert.Throws<IndexException>(() => Tensor.From(1.0).Argsort(1));
        Assert.Equal("Dimension out of range (expected to be in range of [-1, 0], but got 1)", scalar.Message);
    }

    [Fact]
    public void MaeArgsortPatternRestoresTheIdentity()
    {
        Tensor.ManualSeed(0);
        const int n = 3, l = 50;
        var noise = Tensor.Rand(n, l);
        var shuffle = noise.Argsort(1);
        var restore = shuffle.Argsort(1);
        var s = shuffle.ToArray<long>();
        var r = restore.ToArray<long>();
        var z = noise.ToArray<float>();
        for (int b = 0; b < n; b++)
            for (int j = 0; j < l; j++)
            {
                Assert.Equal(j, s[b * l + r[b * l + j]]); // gather(shuffle, 1, restore) is the identity
                if (j > 0) Assert.True(z[b * l + s[b * l + j - 1]] <= z[b * l + s[b * l + j]]);
            }
    }

    // ---- gradients ----------------------------------------------------------------------------------------------

    [Fact]
    public void SortBackwardRoutesGradientsToTheIndices()
    {
        var x = Tensor.From(new double[,] { { 0.3, -1.2, 2.5 }, { 1.1, 0.7, -0.4 } }).RequiresGrad_();
        var (v, i) = x.Sort(1, descending: true);
        Assert.Equal("SortBackward0", v.GradFn!.Name);
        Assert.False(i.RequiresGrad);
        var g = Tensor.From(new double[,] { { 1, 10, 100 }, { 2, 20, 200 } });
        v.Backward(g);
        Assert.Equal(new double[] { 10, 100, 1, 2, 20, 200 }, x.Grad!.ToArray<double>());
    }

    [Fact]
    public void SortGradCheckAndDoubleBackward()
    {
        var x = Tensor.From(new double[,] { { 0.3, -1.2, 2.5, 0.9 }, { 1.1, 0.7, -0.4, 3.0 }, { -2.0, 0.1, 0.2, 0.05 } }).RequiresGrad_();
        Assert.True(GradCheck.Check(t => t.Sort(0).Values, x));
        Assert.True(GradCheck.Check(t => t.T.Sort(-1, descending: true).Values, x));
        Assert.True(GradCheck.GradGradCheck(xs => [xs[0].Sort(1).Values.Pow(2)], [x]));
        Assert.True(GradCheck.GradGradCheck(xs => [xs[0].Sort(0, descending: true).Values * xs[0]], [x]));
    }

    [Fact]
    public void TopkAndKthvalueGradients()
    {
        var x = Tensor.From(new double[,] { { 0.3, -1.2, 2.5, 0.9 }, { 1.1, 0.7, -0.4, 3.0 } }).RequiresGrad_();
        Assert.Equal("TopkBackward0", x.Topk(2).Values.GradFn!.Name);
        Assert.Equal("KthvalueBackward0", x.Kthvalue(2).Values.GradFn!.Name);
        Assert.True(GradCheck.Check(t => t.Topk(2).Values, x));
        Assert.True(GradCheck.Check(t => t.Topk(1, dim: 0, largest: false).Values, x));
        Assert.True(GradCheck.Check(t => t.Kthvalue(3, 1).Values, x));
        Assert.True(GradCheck.Check(t => t.Kthvalue(2, 0, keepdim: true).Values, x));
        Assert.True(GradCheck.GradGradCheck(xs => [xs[0].Topk(3).Values.Pow(3)], [x]));
        Assert.True(GradCheck.GradGradCheck(xs => [xs[0].Kthvalue(1, 0).Values.Pow(2)], [x]));

        var y = F64(1, 5, 3).RequiresGrad_();
        y.Kthvalue(2).Values.Backward();
        Assert.Equal(new double[] { 0, 0, 1 }, y.Grad!.ToArray<double>());
    }

    [Fact]
    public void ZeroDimSortGradient()
    {
        var x = Tensor.From(2.0).RequiresGrad_();
        (x.Sort().Values * 3).Backward();
        Assert.Equal(3.0, x.Grad!.Item<double>());
    }

    // ---- topk / kthvalue ----------------------------------------------------------------------------------------

    [Fact]
    public void TopkValuesAndIndices()
    {
        var x = F64(1, 3, 3, 2, 5);
        var (v, i) = x.Topk(3);
        Assert.Equal(new double[] { 5, 3, 3 }, v.ToArray<double>());
        Assert.Equal(new long[] { 4, 2, 1 }, i.ToArray<long>()); // libtorch's tie order (std::nth_element, then std::sort)
        Assert.Equal(new long[] { 2, 4, 1 }, x.Topk(3, sorted: false).Indices.ToArray<long>());
        Assert.Equal(new long[] { 2, 4 }, F64(1, 3, 1, 2, 1).Topk(2, largest: false).Indices.ToArray<long>());
        var (vs, idx) = x.Topk(2, largest: false);
        Assert.Equal(new double[] { 1, 2 }, vs.ToArray<double>());
        Assert.Equal(new long[] { 0, 3 }, idx.ToArray<long>());

        var n = F64(1, double.NaN, 3);
        Assert.Equal(1L, n.Topk(1).Indices.Item<long>());
        Assert.Equal(new long[] { 0, 2, 1 }, n.Topk(3, largest: false).Indices.ToArray<long>());

        var m = Tensor.From(new int[,] { { 4, 9, 1 }, { 7, 2, 8 } });
        var (mv, mi) = m.Topk(1, dim: 0);
        Assert.Equal(new[] { 1, 3 }, mv.Shape);
        Assert.Equal(DType.Int32, mv.DType);
        Assert.Equal(new int[] { 7, 9, 8 }, mv.ToArray<int>());
        Assert.Equal(new long[] { 1, 0, 1 }, mi.ToArray<long>());
        Assert.Equal(new[] { 2, 0 }, m.Topk(0).Values.Shape);
        Assert.Equal(5.0, Tensor.From(5.0).Topk(1).Values.Item<double>());
    }

    [Fact]
    public void TopkAndKthvalueTieOrderMatchesLibtorch()
    {
        // Expected positions were produced by libtorch 2.10 (CPU) on the same inputs.
        var x = Tensor.From(Enumerable.Range(0, 200).Select(i => (double)(i * 7 % 5)).ToArray());
        Assert.Equal(new long[] { 12, 7, 2 }, x.Topk(3).Indices.ToArray<long>()); // k * 64 <= n: std::partial_sort
        Assert.Equal(new long[] { 10, 5, 0 }, x.Topk(3, largest: false).Indices.ToArray<long>());
        Assert.Equal(new long[] { 167, 177, 72, 152, 87, 27, 172, 47, 132, 67 }, x.Topk(100).Indices.ToArray<long>()[..10]);
        var y = Tensor.From(Enumerable.Range(0, 1000).Select(i => (double)(i % 3)).ToArray());
        Assert.Equal(751L, y.Kthvalue(500).Indices.Item<long>());
        Assert.Equal(501L, y.Kthvalue(1).Indices.Item<long>());
        Assert.Equal(251L, y.Kthvalue(1000).Indices.Item<long>());
    }

    [Fact]
    public void TopkErrors()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Equal("selected index k out of range", Assert.Throws<ArgumentException>(() => x.Topk(4)).Message);
        Assert.Equal("selected index k out of range", Assert.Throws<ArgumentException>(() => x.Topk(-1)).Message);
        Assert.Equal("selected index k out of range", Assert.Throws<ArgumentException>(() => Tensor.From(1.0).Topk(2)).Message);
        Assert.Throws<IndexException>(() => x.Topk(1, dim: -3));
        Assert.Equal("topk does not support bool dtypes on CPU",
            Assert.Throws<ArgumentException>(() => Tensor.Ones([3], DType.Bool).Topk(1)).Message);
        Assert.Equal("topk does not support bool dtypes on CPU",
            Assert.Throws<ArgumentException>(() => Tensor.From(true).Topk(1)).Message);
    }

    [Fact]
    public void KthvalueValuesIndicesAndErrors()
    {
        var (v, i) = F64(3, 1, 2, 5, 4).Kthvalue(2);
        Assert.Equal(2.0, v.Item<double>());
        Assert.Equal(2L, i.Item<long>());
        Assert.Equal(2L, F64(2, 1, 2, 1).Kthvalue(3).Indices.Item<long>()); // where libtorch's quickselect lands
        Assert.True(double.IsNaN(F64(double.NaN, 1, 2).Kthvalue(3).Values.Item<double>()));

        var m = Tensor.From(new long[,] { { 4, 9, 1 }, { 7, 2, 8 } });
        var (mv, mi) = m.Kthvalue(2, 1, keepdim: true);
        Assert.Equal(new[] { 2, 1 }, mv.Shape);
        Assert.Equal(new long[] { 4, 7 }, mv.ToArray<long>());
        Assert.Equal(new long[] { 0, 0 }, mi.ToArray<long>());
        Assert.Equal(new[] { 3 }, m.Kthvalue(1, 0).Values.Shape);
        Assert.Empty(Tensor.From(7L).Kthvalue(1, keepdim: true).Values.Shape);

        Assert.Equal("kthvalue(): selected number k out of range for dimension 1",
            Assert.Throws<ArgumentException>(() => m.Kthvalue(4)).Message);
        Assert.Equal("kthvalue(): selected number k out of range for dimension 0",
            Assert.Throws<ArgumentException>(() => m.Kthvalue(0, -2)).Message);
        Assert.Equal("kthvalue(): Expected reduction dim 1 to have non-zero size.",
            Assert.Throws<IndexException>(() => Tensor.Zeros(2, 0).Kthvalue(1)).Message);
        Assert.Equal(new[] { 0 }, Tensor.Zeros(0, 3).Kthvalue(1).Values.Shape);
        Assert.Equal("\"kthvalue_cpu\" not implemented for 'Bool'",
            Assert.Throws<NotSupportedException>(() => Tensor.Ones([3], DType.Bool).Kthvalue(1)).Message);
    }

    [Fact]
    public void MsortSortsDimZero()
    {
        var x = Tensor.From(new double[,] { { 3, 1 }, { 1, 2 } });
        Assert.Equal(new double[] { 1, 1, 3, 2 }, x.Msort().ToArray<double>());
    }

    // ---- unique -------------------------------------------------------------------------------------------------

    [Fact]
    public void UniqueWithInverseAndCounts()
    {
        var x = Tensor.From(new long[,] { { 2, 1, 2 }, { 3, 1, 1 } });
        var (output, inverse, counts) = x.Unique(returnInverse: true, returnCounts: true);
        Assert.Equal(new long[] { 1, 2, 3 }, output.ToArray<long>());
        Assert.Equal(new[] { 2, 3 }, inverse!.Shape);
        Assert.Equal(new long[] { 1, 0, 1, 2, 0, 0 }, inverse.ToArray<long>());
        Assert.Equal(new long[] { 3, 2, 1 }, counts!.ToArray<long>());
        Assert.Equal(DType.Int64, inverse.DType);
        Assert.Equal(DType.Int64, counts.DType);

        var (plain, none, noCounts) = Tensor.From(new int[] { 5, 5, 4 }).Unique();
        Assert.Equal(DType.Int32, plain.DType);
        Assert.Equal(new int[] { 4, 5 }, plain.ToArray<int>());
        Assert.Null(none);
        Assert.Null(noCounts);
    }

    [Fact]
    public void UniqueNanBoolScalarAndEmpty()
    {
        var (o, _, c) = F64(double.NaN, 1, double.NaN, 1).Unique(returnCounts: true);
        Assert.Equal(new double[] { 1, double.NaN, double.NaN }, o.ToArray<double>());
        Assert.Equal(new long[] { 2, 1, 1 }, c!.ToArray<long>());

        var (b, bi, bc) = Tensor.From(new[] { true, false, true }).Unique(returnInverse: true, returnCounts: true);
        Assert.Equal(DType.Bool, b.DType);
        Assert.Equal(new[] { false, true }, b.ToArray<bool>());
        Assert.Equal(new long[] { 1, 0, 1 }, bi!.ToArray<long>());
        Assert.Equal(new long[] { 1, 2 }, bc!.ToArray<long>());

        var (so, si, _) = Tensor.From(3.0).Unique(returnInverse: true);
        Assert.Equal(new[] { 1 }, so.Shape);
        Assert.Empty(si!.Shape);

        var (eo, ei, ec) = Tensor.Zeros(2, 0).Unique(returnInverse: true, returnCounts: true);
        Assert.Equal(new[] { 0 }, eo.Shape);
        Assert.Equal(new[] { 2, 0 }, ei!.Shape);
        Assert.Equal(new[] { 0 }, ec!.Shape);
    }

    [Fact]
    public void UniqueAlongADim()
    {
        var x = Tensor.From(new long[,] { { 1, 2 }, { 1, 2 }, { 0, 5 } });
        var (o, i, c) = x.Unique(returnInverse: true, returnCounts: true, dim: 0);
        Assert.Equal(new[] { 2, 2 }, o.Shape);
        Assert.Equal(new long[] { 0, 5, 1, 2 }, o.ToArray<long>());
        Assert.Equal(new long[] { 1, 1, 0 }, i!.ToArray<long>());
        Assert.Equal(new long[] { 1, 2 }, c!.ToArray<long>());

        var (o1, i1, _) = x.T.Unique(returnInverse: true, dim: -1);
        Assert.Equal(new long[] { 0, 1, 5, 2 }, o1.ToArray<long>());
        Assert.Equal(new long[] { 1, 1, 0 }, i1!.ToArray<long>());

        Assert.Equal("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(0, 2).Unique(dim: 1)).Message);
        Assert.Equal(new[] { 0, 2 }, Tensor.Zeros(0, 2).Unique(dim: 0).Output.Shape);
    }

    [Fact]
    public void UniqueConsecutiveCollapsesRuns()
    {
        var x = I64(1, 1, 2, 2, 3, 1, 1, 2);
        var (o, i, c) = x.UniqueConsecutive(returnInverse: true, returnCounts: true);
        Assert.Equal(new long[] { 1, 2, 3, 1, 2 }, o.ToArray<long>());
        Assert.Equal(new long[] { 0, 0, 1, 1, 2, 3, 3, 4 }, i!.ToArray<long>());
        Assert.Equal(new long[] { 2, 2, 1, 2, 1 }, c!.ToArray<long>());

        var m = Tensor.From(new long[,] { { 1, 1 }, { 1, 1 }, { 0, 5 }, { 1, 1 } });
        var (mo, mi, mc) = m.UniqueConsecutive(returnInverse: true, returnCounts: true, dim: 0);
        Assert.Equal(new long[] { 1, 1, 0, 5, 1, 1 }, mo.ToArray<long>());
        Assert.Equal(new long[] { 0, 0, 1, 2 }, mi!.ToArray<long>());
        Assert.Equal(new long[] { 2, 1, 1 }, mc!.ToArray<long>());
        Assert.Equal(new double[] { 1, double.NaN, double.NaN }, F64(1, 1, double.NaN, double.NaN).UniqueConsecutive().Output.ToArray<double>());
    }

    // ---- searchsorted / bucketize -------------------------------------------------------------------------------

    [Fact]
    public void SearchsortedLeftAndRight()
    {
        var seq = Tensor.From(new long[,] { { 1, 3, 5, 7, 9 }, { 2, 4, 6, 8, 10 } });
        var values = Tensor.From(new long[,] { { 3, 6, 9 }, { 3, 6, 9 } });
        Assert.Equal(new long[] { 1, 3, 4, 1, 2, 4 }, Tensor.Searchsorted(seq, values).ToArray<long>());
        Assert.Equal(new long[] { 2, 3, 5, 1, 3, 4 }, Tensor.Searchsorted(seq, values, right: true).ToArray<long>());
        Assert.Equal(new long[] { 2, 3, 5, 1, 3, 4 }, Tensor.Searchsorted(seq, values, side: SearchSide.Right).ToArray<long>());

        var one = I64(1, 3, 5, 7, 9);
        var r = Tensor.Searchsorted(one, values, outInt32: true);
        Assert.Equal(DType.Int32, r.DType);
        Assert.Equal(new[] { 2, 3 }, r.Shape);
        Assert.Equal(new int[] { 1, 3, 4, 1, 3, 4 }, r.ToArray<int>());

        var s = Tensor.Searchsorted(one, 4);
        Assert.Empty(s.Shape);
        Assert.Equal(2L, s.Item<long>());
        // Mixed dtypes compare after promotion; NaN lands past every boundary.
        Assert.Equal(new long[] { 2, 5, 0 }, Tensor.Searchsorted(one, F64(3.5, double.NaN, -1)).ToArray<long>());
        // Non-contiguous operands.
        var t = Tensor.From(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }).T; // rows [1,3,5] and [2,4,6]
        Assert.Equal(new long[] { 2, 1, 3, 0 }, Tensor.Searchsorted(t, Tensor.From(new double[,] { { 3, 9 }, { 1, 1 } }).T, right: true).ToArray<long>());
    }

    [Fact]
    public void SearchsortedErrors()
    {
        var one = I64(1, 3, 5);
        Assert.Equal("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True",
            Assert.Throws<ArgumentException>(() => Tensor.Searchsorted(one, I64(2), right: true, side: SearchSide.Left)).Message);
        Assert.Equal("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension",
            Assert.Throws<ArgumentException>(() => Tensor.Searchsorted(Tensor.From(1L), I64(2))).Message);
        Assert.Equal("torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim(2) and input value's dim(0) numel(1)",
            Assert.Throws<ArgumentException>(() => Tensor.Searchsorted(Tensor.Zeros(2, 3), Tensor.From(1f))).Message);
        Assert.Equal("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor [2, 5] and input value tensor [3, 3]",
            Assert.Throws<ArgumentException>(() => Tensor.Searchsorted(Tensor.Zeros(2, 5), Tensor.Zeros(3, 3))).Message);
        Assert.Equal("\"searchsorted_out_cpu\" not implemented for 'Bool'",
            Assert.Throws<NotSupportedException>(() => Tensor.Searchsorted(Tensor.Ones([2], DType.Bool), Tensor.Ones([2], DType.Bool))).Message);
    }

    [Fact]
    public void SearchsortedWithSorter()
    {
        var seq = I64(1, 3, 2, 4, 6);
        var values = I64(3, 6, 9);
        Assert.Equal(new long[] { 2, 4, 5 }, Tensor.Searchsorted(seq, values, sorter: seq.Argsort()).ToArray<long>());
        Assert.Equal(new long[] { 3, 5, 5 }, Tensor.Searchsorted(seq, values, side: SearchSide.Right, sorter: seq.Argsort()).ToArray<long>());
        var rows = Tensor.From(new double[,] { { 5, 1, 3 }, { 2, 8, 4 } });
        Assert.Equal(new long[] { 1, 3, 0, 2 },
            Tensor.Searchsorted(rows, Tensor.From(new double[,] { { 2, 9 }, { 2, 5 } }), sorter: rows.Argsort()).ToArray<long>());

        Assert.Equal("torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor [5]and got sorter tensor [4]",
            Assert.Throws<ArgumentException>(() => Tensor.Searchsorted(seq, values, sorter: I64(0, 1, 2, 3))).Message);
        Assert.Equal("torch.searchsorted(): sorter must be a tensor of long dtype but got dtype Int",
            Assert.Throws<ArgumentException>(() => Tensor.Searchsorted(seq, values, sorter: Tensor.From(new[] { 0, 1, 2, 3, 4 }))).Message);
        Assert.Equal("torch.searchsorted(): sorter index out of range",
            Assert.Throws<ArgumentException>(() => Tensor.Searchsorted(seq, values, sorter: I64(0, 1, 2, 3, -1))).Message);
    }

    [Fact]
    public void BucketizeLeftAndRight()
    {
        var boundaries = I64(1, 3, 5, 7, 9);
        var v = Tensor.From(new long[,] { { 3, 6, 9 }, { 3, 6, 1 } });
        Assert.Equal(new long[] { 1, 3, 4, 1, 3, 0 }, Tensor.Bucketize(v, boundaries).ToArray<long>());
        Assert.Equal(new long[] { 2, 3, 5, 2, 3, 1 }, Tensor.Bucketize(v, boundaries, right: true).ToArray<long>());
        Assert.Equal(DType.Int32, Tensor.Bucketize(v, boundaries, outInt32: true).DType);
        Assert.Equal(3L, Tensor.Bucketize(6, boundaries).Item<long>());
        Assert.Equal("boundaries tensor must be 1 dimension, but got dim(2)",
            Assert.Throws<ArgumentException>(() => Tensor.Bucketize(v, v)).Message);
    }

    // ---- nonzero / argwhere / unravel_index ---------------------------------------------------------------------

    [Fact]
    public void NonzeroAndArgwhere()
    {
        Assert.Equal(new long[] { 0, 1, 2, 4 }, F64(1, 1, 1, 0, 1).Nonzero().ToArray<long>());
        Assert.Equal(new[] { 4, 1 }, F64(1, 1, 1, 0, 1).Nonzero().Shape);
        var m = Tensor.From(new double[,] { { 0.6, 0, 0, 0 }, { 0, 0.4, 0, 0 }, { 0, 0, 1.2, 0 }, { 0, 0, 0, -0.4 } });
        var nz = m.Nonzero();
        Assert.Equal(new[] { 4, 2 }, nz.Shape);
        Assert.Equal(DType.Int64, nz.DType);
        Assert.Equal(new long[] { 0, 0, 1, 1, 2, 2, 3, 3 }, nz.ToArray<long>());
        var tuple = m.NonzeroTuple();
        Assert.Equal(2, tuple.Length);
        Assert.Equal(new long[] { 0, 1, 2, 3 }, tuple[1].ToArray<long>());
        Assert.Equal(nz.ToArray<long>(), m.Argwhere().ToArray<long>());
        // NaN is nonzero; transposed input gives row-major order of the transposed view.
        Assert.Equal(new long[] { 0, 1, 1, 0 }, Tensor.From(new double[,] { { 0, 1 }, { double.NaN, 0 } }).T.Nonzero().ToArray<long>());
        Assert.Equal(new[] { 1, 0 }, Tensor.From(5).Nonzero().Shape);
        Assert.Equal(new[] { 0, 0 }, Tensor.From(0.0).Nonzero().Shape);
        Assert.Equal(new long[] { 0 }, Tensor.From(true).NonzeroTuple()[0].ToArray<long>());
        Assert.Equal(new[] { 0, 3 }, Tensor.Zeros(2, 0, 4).Nonzero().Shape);
        // A view with a storage offset (regression: the offset of the view was applied to the converted copy).
        Assert.Equal(new long[] { 0, 2 }, F64(0, 5, 0, 7).Slice(0, 1).Nonzero().ToArray<long>());
        Assert.Equal(new long[] { 1 }, Tensor.From(new[] { true, false, false, true }).Slice(0, 1, null, 2).NonzeroTuple()[0].ToArray<long>());
    }

    [Theory]
    [InlineData(7, new[] { 3, 2 }, new long[] { 0, 1 })]   // wraps modulo the first size
    [InlineData(-1, new[] { 3, 2 }, new long[] { 2, 1 })]  // negatives count from the end
    [InlineData(5, new[] { 3, 2 }, new long[] { 2, 1 })]
    [InlineData(1234, new[] { 10, 10, 10, 10 }, new long[] { 1, 2, 3, 4 })]
    public void UnravelIndexExamples(long index, int[] shape, long[] expected)
    {
        var coordinates = Tensor.UnravelIndex(Tensor.From(index), shape);
        Assert.Equal(expected.Length, coordinates.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.Empty(coordinates[k].Shape);
            Assert.Equal(DType.Int64, coordinates[k].DType);
            Assert.Equal(expected[k], coordinates[k].Item<long>());
        }
    }

    [Fact]
    public void UnravelIndexShapesDtypesAndErrors()
    {
        var idx = Tensor.From(new int[,] { { 4, 1 }, { 5, 0 } });
        var (rows, cols) = (Tensor.UnravelIndex(idx, 2, 3)[0], Tensor.UnravelIndex(idx, 2, 3)[1]);
        Assert.Equal(new[] { 2, 2 }, rows.Shape);
        Assert.Equal(DType.Int64, rows.DType);
        Assert.Equal(new long[] { 1, 0, 1, 0 }, rows.ToArray<long>());
        Assert.Equal(new long[] { 1, 1, 2, 0 }, cols.ToArray<long>());
        Assert.Equal(new long[] { 2 }, Tensor.UnravelIndex(Tensor.From(new byte[] { 7 }), 5)[0].ToArray<long>());

        Assert.Equal("expected 'indices' to be integer dtype, but got torch.float32",
            Assert.Throws<ArgumentException>(() => Tensor.UnravelIndex(Tensor.From(0.5f), 2, 2)).Message);
        Assert.Equal("expected 'indices' to be integer dtype, but got torch.bool",
            Assert.Throws<ArgumentException>(() => Tensor.UnravelIndex(Tensor.From(true), 2)).Message);
        Assert.Equal("'shape' cannot have negative values, but got (2, -3)",
            Assert.Throws<ArgumentException>(() => Tensor.UnravelIndex(Tensor.From(0L), 2, -3)).Message);
        Assert.Equal("'shape' cannot have negative values, but got (-3,)",
            Assert.Throws<ArgumentException>(() => Tensor.UnravelIndex(Tensor.From(0L), -3)).Message);
    }
}
