using static Nabla.PyTorchTests.Check;

namespace Nabla.PyTorchTests;

/// <summary>
/// Ports of pytorch/test/test_reductions.py: the generic ReductionOpInfo tests run over Nabla's reductions with
/// the facts PyTorch's op database declares for each (identity, multi-dim support, dtype promotion, NaN policy),
/// then the legacy tests with their own expected values.
/// </summary>
public class TestReductions
{
    private const string P = "test_reductions.py::TestReductions::";

    /// <summary>One reduction as PyTorch's ReductionOpInfo describes it; Fn takes dims (null: all) and keepdim.</summary>
    public sealed record ROp(string Name, bool Multi, double? Identity, bool IntToFloat, bool IntToInt64, DType? ResultDType,
        bool NanPropagate, bool FloatOnly, Func<Tensor, int[]?, bool, Tensor> Fn)
    {
        public override string ToString() => Name;
    }

    private static int? One(int[]? d) => d is null ? null : d.Length == 1 ? d[0] : throw new ArgumentException("one dim only");

    public static readonly ROp[] Ops =
    [
        new("sum", true, 0, false, true, null, true, false, (t, d, k) => t.Sum(d, k)),
        new("prod", false, 1, false, true, null, true, false, (t, d, k) => t.Prod(One(d), k)),
        new("mean", true, null, true, false, null, true, true, (t, d, k) => t.Mean(d, k)),
        new("amax", true, null, false, false, null, true, false, (t, d, k) => t.Amax(d, k)),
        new("amin", true, null, false, false, null, true, false, (t, d, k) => t.Amin(d, k)),
        new("argmax", false, null, false, false, DType.Int64, false, false, (t, d, k) => t.Argmax(One(d), k)),
        new("argmin", false, null, false, false, DType.Int64, false, false, (t, d, k) => t.Argmin(One(d), k)),
        new("any", false, 0, false, false, DType.Bool, false, false, (t, d, k) => t.Any(One(d), k)),
        new("all", false, 1, false, false, DType.Bool, false, false, (t, d, k) => t.All(One(d), k)),
        new("var", true, null, true, false, null, true, true, (t, d, k) => t.Var(d, 1, k)),
        new("std", true, null, true, false, null, true, true, (t, d, k) => t.Std(d, 1, k)),
    ];

    public static TheoryData<string> AllOps() => [.. Ops.Select(o => o.Name)];
    public static TheoryData<string> MultiOps() => [.. Ops.Where(o => o.Multi).Select(o => o.Name)];
    private static ROp Op(string name) => Ops.Single(o => o.Name == name);

    private static int[] ReducedShape(int[] shape, int[]? dim, bool keepdim)
    {
        if (dim is null) return keepdim ? Enumerable.Repeat(1, shape.Length).ToArray() : [];
        var set = dim.Select(d => d < 0 ? d + shape.Length : d).ToHashSet();
        return shape.Select((s, i) => set.Contains(i) ? (keepdim ? 1 : -1) : s).Where(s => s >= 0).ToArray();
    }

    private static void DimKeepdim(ROp op, int ndim, int[]? dim, bool keepdim)
    {
        var shape = Enumerable.Range(0, ndim).Select(i => 2 + (i * 7 + 3) % 3).ToArray();
        var t = Tensor.Randn(shape);
        Assert.Equal(ReducedShape(shape, dim, keepdim), op.Fn(t, dim, keepdim).Shape);
    }

    [Theory(DisplayName = P + "test_dim_default")]
    [MemberData(nameof(AllOps))]
    public void test_dim_default(string name)
    {
        for (int ndim = 0; ndim < 3; ndim++) DimKeepdim(Op(name), ndim, null, false);
    }

    [Theory(DisplayName = P + "test_dim_default_keepdim")]
    [MemberData(nameof(AllOps))]
    public void test_dim_default_keepdim(string name)
    {
        for (int ndim = 0; ndim < 3; ndim++) DimKeepdim(Op(name), ndim, null, true);
    }

    [Theory(DisplayName = P + "test_dim_single")]
    [MemberData(nameof(AllOps))]
    public void test_dim_single(string name)
    {
        var op = Op(name);
        DimKeepdim(op, 0, [0], false);
        DimKeepdim(op, 1, [0], false);
        DimKeepdim(op, 2, [-1], false);
        DimKeepdim(op, 3, [1], false);
    }

    [Theory(DisplayName = P + "test_dim_single_keepdim")]
    [MemberData(nameof(AllOps))]
    public void test_dim_single_keepdim(string name)
    {
        var op = Op(name);
        DimKeepdim(op, 0, [0], true);
        DimKeepdim(op, 1, [0], true);
        DimKeepdim(op, 2, [-1], true);
        DimKeepdim(op, 3, [1], true);
    }

    [Theory(DisplayName = P + "test_dim_multi")]
    [MemberData(nameof(MultiOps))]
    public void test_dim_multi(string name)
    {
        DimKeepdim(Op(name), 1, [0], false);
        DimKeepdim(Op(name), 3, [0, 2], false);
    }

    [Theory(DisplayName = P + "test_dim_multi_keepdim")]
    [MemberData(nameof(MultiOps))]
    public void test_dim_multi_keepdim(string name)
    {
        DimKeepdim(Op(name), 1, [0], true);
        DimKeepdim(Op(name), 3, [0, 2], true);
    }

    [Theory(DisplayName = P + "test_dim_multi_unsorted")]
    [MemberData(nameof(MultiOps))]
    public void test_dim_multi_unsorted(string name) => DimKeepdim(Op(name), 4, [3, 0, 2], false);

    [Theory(DisplayName = P + "test_dim_multi_unsorted_keepdim")]
    [MemberData(nameof(MultiOps))]
    public void test_dim_multi_unsorted_keepdim(string name) => DimKeepdim(Op(name), 4, [3, 0, 2], true);

    [Theory(DisplayName = P + "test_dim_multi_duplicate")]
    [MemberData(nameof(MultiOps))]
    public void test_dim_multi_duplicate(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => DimKeepdim(Op(name), 3, [0, 1, 1, 2], false));

    [Theory(DisplayName = P + "test_dim_offbounds")]
    [MemberData(nameof(AllOps))]
    public void test_dim_offbounds(string name) =>
        Assert.Throws<IndexException>(() => DimKeepdim(Op(name), 2, [2], false));

    [Theory(DisplayName = P + "test_identity")]
    [InlineData("sum", DType.Float32)]
    [InlineData("sum", DType.Int64)]
    [InlineData("sum", DType.UInt8)]
    [InlineData("prod", DType.Float64)]
    [InlineData("prod", DType.Int32)]
    [InlineData("any", DType.Bool)]
    [InlineData("any", DType.Float32)]
    [InlineData("all", DType.Bool)]
    [InlineData("all", DType.Int64)]
    public void test_identity(string name, DType dtype)
    {
        var op = Op(name);
        var t = (Tensor.Randn([10], DType.Float64) * 4).To(dtype);
        t[TensorIndex.Slice(1, null, 2)] = Tensor.Full([], op.Identity!.Value, dtype);
        Eq(op.Fn(t, null, false), op.Fn(t[TensorIndex.Slice(null, null, 2)], null, false));
    }

    [Theory(DisplayName = P + "test_nan_policy_propagate")]
    [MemberData(nameof(AllOps))]
    public void test_nan_policy_propagate(string name)
    {
        var op = Op(name);
        if (!op.NanPropagate) return;
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var t = Tensor.Randn([5], dtype);
            t[2] = Tensor.Full([], double.NaN, dtype);
            Assert.True(op.Fn(t, null, false).IsNan().Item<bool>());
        }
    }

    [Theory(DisplayName = P + "test_result_dtype")]
    [MemberData(nameof(AllOps))]
    public void test_result_dtype(string name)
    {
        var op = Op(name);
        foreach (var dtype in new[] { DType.Bool, DType.UInt8, DType.Int32, DType.Int64, DType.Float32, DType.Float64 })
        {
            if (op.FloatOnly && !dtype.IsFloatingPoint()) continue;
            if (name is "argmax" or "argmin" && dtype == DType.Bool) continue; // not supported for bool in PyTorch
            var t = (Tensor.Randn([5], DType.Float64) * 4).To(dtype);
            var result = op.Fn(t, null, false);
            bool integral = !dtype.IsFloatingPoint();
            if (op.IntToFloat && integral) Assert.True(result.IsFloatingPoint);
            else if (op.IntToInt64 && integral) Assert.Equal(DType.Int64, result.DType);
            else if (op.ResultDType is { } r) Assert.Equal(name is "any" or "all" && dtype == DType.UInt8 ? DType.UInt8 : r, result.DType);
            else Assert.Equal(dtype, result.DType);
        }
    }

    [Theory(DisplayName = P + "test_empty_tensor_empty_slice")]
    [MemberData(nameof(AllOps))]
    public void test_empty_tensor_empty_slice(string name)
    {
        var op = Op(name);
        var t = Tensor.Zeros(0, 2, 3);
        foreach (var dim in op.Multi ? new[] { new[] { 0 }, [0, 2] } : [[0]])
        {
            if (op.Identity is { } id) Eq(Tensor.Full(op.Fn(t, dim, false).Shape, id, DType.Float64), op.Fn(t, dim, false));
            else if (op.IntToFloat) Assert.True(op.Fn(t, dim, false).IsNan().All().Item<bool>());
            else Assert.Throws<IndexException>(() => op.Fn(t, dim, false));
        }
    }

    [Theory(DisplayName = P + "test_empty_tensor_nonempty_slice")]
    [MemberData(nameof(AllOps))]
    public void test_empty_tensor_nonempty_slice(string name)
    {
        var op = Op(name);
        var t = Tensor.Zeros(0, 2, 3);
        foreach (var dim in op.Multi ? new[] { new[] { 1 }, [1, 2] } : [[1]])
            Assert.Equal(ReducedShape(t.Shape, dim, false), op.Fn(t, dim, false).Shape);
    }

    private static void Noncontiguous(ROp op, Tensor t, int[]? dim)
    {
        Assert.False(t.IsContiguous());
        Eq(op.Fn(t.Contiguous(), dim, false), op.Fn(t, dim, false));
    }

    private static IEnumerable<DType> DTypesFor(ROp op) =>
        op.FloatOnly ? [DType.Float32, DType.Float64] : [DType.UInt8, DType.Int32, DType.Int64, DType.Float32, DType.Float64];

    private static Tensor MakeLowHigh(int[] shape, DType dtype) =>
        dtype.IsFloatingPoint() ? (Tensor.Rand(shape, dtype) * 2 - 1) : Tensor.Randint(dtype == DType.UInt8 ? 0 : -1, 2, shape, dtype);

    [Theory(DisplayName = P + "test_noncontiguous_innermost")]
    [MemberData(nameof(AllOps))]
    public void test_noncontiguous_innermost(string name)
    {
        foreach (var dt in DTypesFor(Op(name))) Noncontiguous(Op(name), MakeLowHigh([10, 10], dt)[.., TensorIndex.Slice(null, null, 2)], [1]);
    }

    [Theory(DisplayName = P + "test_noncontiguous_outermost")]
    [MemberData(nameof(AllOps))]
    public void test_noncontiguous_outermost(string name)
    {
        foreach (var dt in DTypesFor(Op(name))) Noncontiguous(Op(name), MakeLowHigh([10, 10], dt)[TensorIndex.Slice(null, null, 2), ..], [0]);
    }

    [Theory(DisplayName = P + "test_noncontiguous_all")]
    [MemberData(nameof(AllOps))]
    public void test_noncontiguous_all(string name)
    {
        foreach (var dt in DTypesFor(Op(name)))
            Noncontiguous(Op(name), MakeLowHigh([5, 5, 5], dt)[TensorIndex.Slice(null, null, 2), TensorIndex.Slice(null, null, 3), TensorIndex.Slice(1, -1, 2)], null);
    }

    [Theory(DisplayName = P + "test_noncontiguous_transposed")]
    [MemberData(nameof(AllOps))]
    public void test_noncontiguous_transposed(string name)
    {
        foreach (var dt in DTypesFor(Op(name))) Noncontiguous(Op(name), MakeLowHigh([5, 5], dt).T, null);
    }

    [Theory(DisplayName = P + "test_noncontiguous_expanded")]
    [MemberData(nameof(AllOps))]
    public void test_noncontiguous_expanded(string name)
    {
        foreach (var dt in DTypesFor(Op(name))) Noncontiguous(Op(name), MakeLowHigh([2, 3], dt).Unsqueeze(1).Expand(-1, 5, -1), null);
    }

    [Fact(DisplayName = P + "test_var_unbiased")]
    public void test_var_unbiased()
    {
        var tensor = Tensor.Randn(100);
        Eq(tensor.Var(0, correction: 1), tensor.Var(0));
        Eq(tensor.Var(correction: 1), tensor.Var());
        Eq(tensor.Var(0, correction: 0), tensor.Var(correction: 0));
        Assert.Equal(0.5, Fl([1, 2]).Var().Item<double>(), 6);
        Assert.Equal(0.25, Fl([1, 2]).Var(correction: 0).Item<double>(), 6);
        Assert.Equal(1.0, Fl([1, 2, 3]).Var().Item<double>(), 6);
        Assert.Equal(2.0 / 3.0, Fl([1, 2, 3]).Var(correction: 0).Item<double>(), 6);
        Eq(tensor.Std(0, correction: 1), tensor.Std(0));
        Eq(tensor.Std(correction: 0), tensor.Std(0, correction: 0));
    }

    [Fact(DisplayName = P + "test_var_stability")]
    public void test_var_stability()
    {
        var tensor = Fl([2281.5, 2281.25]);
        Assert.Equal(0.03125, tensor.Var(0).Item<double>());
        Assert.Equal(0.03125, tensor.Var().Item<double>());
    }

    [Fact(DisplayName = P + "test_sum_dim_reduction_uint8_overflow")]
    public void test_sum_dim_reduction_uint8_overflow()
    {
        // [[-1, 2, 1], [5, 3, 6]] as uint8: -1 is 255
        var x = Tensor.From(new byte[,] { { 255, 2, 1 }, { 5, 3, 6 } });
        Assert.Equal(16L, x.Sum(DType.UInt8).Item<long>());
        Eq(Tensor.From(new byte[] { 4, 5, 7 }), x.Sum(0, dtype: DType.UInt8), exactDType: true);
        Eq(Tensor.From(new byte[] { 2, 14 }), x.Sum(1, dtype: DType.UInt8), exactDType: true);
    }

    [Fact(DisplayName = P + "test_dim_reduction_lastdim (argmax, argmin)")]
    public void test_dim_reduction_lastdim()
    {
        var x = Tensor.Randn(3, 5, 40)[.., .., TensorIndex.Slice(0, 40, 2)];
        var x2 = x.Contiguous();
        Eq(x2.Argmax(-1), x.Argmax(-1), 0, 0);
        Eq(x2.Argmin(-1), x.Argmin(-1), 0, 0);
    }

    /// <summary>scipy.special.logsumexp written out in doubles: max + log(sum(exp(x - max))), -inf rows give -inf.</summary>
    private static double[] RefLogsumexp(Tensor a, int dim)
    {
        var moved = a.Transpose(dim, -1).Contiguous();
        int n = moved.Size(-1);
        var v = V(moved);
        var result = new double[v.Length / Math.Max(n, 1)];
        for (int r = 0; r < result.Length; r++)
        {
            double m = double.NegativeInfinity;
            for (int j = 0; j < n; j++) m = Math.Max(m, v[r * n + j]);
            if (double.IsNegativeInfinity(m)) { result[r] = m; continue; }
            double s = 0;
            for (int j = 0; j < n; j++) s += Math.Exp(v[r * n + j] - m);
            result[r] = m + Math.Log(s);
        }
        return result;
    }

    [Theory(DisplayName = P + "test_logsumexp")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_logsumexp(DType dtype)
    {
        var a = Tensor.Randn([5, 4], dtype);
        a[1, ..] = Tensor.Full([], double.NegativeInfinity, dtype);
        var actual = a.Logsumexp(1);
        Assert.Equal(new[] { 5 }, actual.Shape);
        Eq(Tensor.From(RefLogsumexp(a, 1)), actual, 1e-5, 1e-5);
    }

    [Fact(DisplayName = P + "test_logsumexp_integral_promotion")]
    public void test_logsumexp_integral_promotion()
    {
        var e = Tensor.Randint(-100, 100, [5, 4]);
        var actual = e.Logsumexp(1);
        Assert.True(actual.IsFloatingPoint);
        Eq(Tensor.From(RefLogsumexp(e.To(DType.Float64), 1)), actual.To(DType.Float64), 1e-4, 1e-5);
    }

    [Theory(DisplayName = P + "test_logsumexp_all_dims")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_logsumexp_all_dims(DType dtype)
    {
        var a = Tensor.Randn([3, 4, 5], dtype);
        a[1] = Tensor.Full([], double.NegativeInfinity, dtype);
        var actual = a.Logsumexp([0, 1, 2]);
        Assert.Equal(Array.Empty<int>(), actual.Shape);
        Eq(Tensor.From(RefLogsumexp(a.Reshape(-1), 0)).Reshape(), actual, 1e-5, 1e-5);
    }

    [Theory(DisplayName = P + "test_logsumexp_dim_none_keepdim (all dims listed)")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_logsumexp_dim_none_keepdim(DType dtype)
    {
        var a = Tensor.Randn([3, 4], dtype);
        Assert.Equal(Array.Empty<int>(), a.Logsumexp([0, 1]).Shape);
        Assert.Equal(new[] { 1, 1 }, a.Logsumexp([0, 1], keepdim: true).Shape);
        Eq(Tensor.From(RefLogsumexp(a.Reshape(-1), 0)).Reshape(1, 1), a.Logsumexp([0, 1], keepdim: true), 1e-5, 1e-5);
        var b = Tensor.Randn([2, 3, 4], dtype);
        Assert.Equal(new[] { 1, 1, 1 }, b.Logsumexp([0, 1, 2], keepdim: true).Shape);
        var c = Tensor.Randn([2, 3], dtype);
        Assert.Equal(new[] { 3 }, c.Logsumexp(0).Shape);
        Assert.Equal(new[] { 1, 3 }, c.Logsumexp(0, keepdim: true).Shape);
    }

    [Theory(DisplayName = P + "test_logsumexp_edge_cases_dim_none")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_logsumexp_edge_cases_dim_none(DType dtype)
    {
        Assert.Equal(double.NegativeInfinity, Tensor.Zeros([0], dtype).Logsumexp(0).Item<double>());
        Assert.Equal(5.0, D([5]).To(dtype).Logsumexp(0).Item<double>());
        Assert.Equal(double.NegativeInfinity, Tensor.Full([2, 3], double.NegativeInfinity, dtype).Logsumexp([0, 1]).Item<double>());
        Assert.Equal(double.PositiveInfinity, Tensor.Full([2, 3], double.PositiveInfinity, dtype).Logsumexp([0, 1]).Item<double>());
    }

    [Fact(DisplayName = P + "test_sum_parallel")]
    public void test_sum_parallel()
    {
        foreach (var size in new[] { new[] { 2, 3, 3, 3, 3, 2, 2, 3, 2, 3, 2, 3, 3 }, [4, 4, 4, 4, 4, 4, 4, 4], [1, 32 * 8 * 32 * 8], [1, 32770] /* the original's second shape has 4 more dims of 4 */ })
        {
            var tv = (Tensor.Rand(size, DType.Float64) + 0.5).To(DType.Int64).To(DType.Float64); // 0s and 1s
            Assert.True(tv.Numel > 32768);
            var v = V(tv);
            Assert.Equal(v.Sum(), tv.Sum().Item<double>());
            // every dim in the original; the first, middle and last here, for suite time
            foreach (var dim in new[] { 0, size.Length / 2, size.Length - 1 }.Distinct())
            {
                var perm = Enumerable.Range(0, size.Length).Where(i => i != dim).Append(dim).ToArray();
                var moved = V(tv.Permute(perm).Contiguous());
                int n = size[dim];
                var expected = Enumerable.Range(0, moved.Length / n).Select(r => moved.AsSpan(r * n, n).ToArray().Sum()).ToArray();
                Assert.Equal(expected, V(tv.Sum(dim)));
            }
        }
    }

    [Fact(DisplayName = P + "test_max_elementwise")]
    public void test_max_elementwise()
    {
        var a = Tensor.Rand(100, 100);
        var b = Tensor.Rand(100, 100);
        var av = V(a);
        var bv = V(b);
        Assert.Equal(av.Zip(bv, Math.Max).ToArray(), V(a.Maximum(b)));
    }

    [Fact(DisplayName = P + "test_min_elementwise")]
    public void test_min_elementwise()
    {
        var a = Tensor.Rand(100, 100);
        var b = Tensor.Rand(100, 100);
        var av = V(a);
        var bv = V(b);
        Assert.Equal(av.Zip(bv, Math.Min).ToArray(), V(a.Minimum(b)));
    }

    [Fact(DisplayName = P + "test_all_any")]
    public void test_all_any()
    {
        foreach (var size in new[] { new[] { 10 }, [5, 5] })
        {
            var x = Tensor.Ones(size).To(DType.UInt8);
            Assert.True(x.All().Item<bool>());
            Assert.True(x.Any().Item<bool>());
            x[3] = Tensor.From((byte)0);
            Assert.False(x.All().Item<bool>());
            Assert.True(x.Any().Item<bool>());
            x.Zero_();
            Assert.False(x.All().Item<bool>());
            Assert.False(x.Any().Item<bool>());
            x.Fill_(2);
            Assert.True(x.All().Item<bool>());
            Assert.True(x.Any().Item<bool>());
            x = Tensor.Ones(size).To(DType.Bool);
            Assert.True(x.All().Item<bool>());
            Assert.True(x.Any().Item<bool>());
            x[3] = Tensor.From(false);
            Assert.False(x.All().Item<bool>());
            Assert.True(x.Any().Item<bool>());
        }
    }

    [Fact(DisplayName = P + "test_all_any_with_dim")]
    public void test_all_any_with_dim()
    {
        var x = Tensor.From(new byte[,] { { 0, 0, 0 }, { 0, 0, 1 }, { 0, 1, 1 }, { 1, 1, 1 } });
        var r1 = x.Prod(0).To(DType.UInt8);
        var r2 = x.All(0);
        Assert.Equal(r1.Shape, r2.Shape);
        Assert.True((r1 == r2).All().Item<bool>());
        var r3 = x.Sum(1, keepdim: true).Clamp(0, 1).To(DType.UInt8);
        var r4 = x.Any(1, keepdim: true);
        Assert.Equal(r3.Shape, r4.Shape);
        Assert.True((r3 == r4).All().Item<bool>());
    }

    /// <summary>The original's _test_dim_ops: contiguous, non-contiguous and sliced inputs of each dtype against a NumPy-like reference.</summary>
    private static void DimOps(Func<Tensor, int[], Tensor> op, Func<double[], double> reference, bool useIntegral, double rtol)
    {
        var types = new List<DType> { DType.Float64, DType.Float32 };
        if (useIntegral) types.AddRange([DType.Int64, DType.Int32]);
        var cases = new (int[] Shape, int[] Dim)[]
        {
            // The original's (5, 400000), (100000,) and (50, 50, 50) scaled down to keep the suite fast.
            ([5, 400], [1]), ([3, 5, 7], [0]), ([3, 5, 7], [1]), ([3, 5, 7], [2]), ([1000], [-1]),
            ([8, 8, 8], [0]), ([8, 8, 8], [1, 2]), ([8, 8, 8], [1, -1]), ([8, 8, 8], [0, 2]), ([8, 8, 8], [0, 2, 1]),
        };
        foreach (var (shape, dim) in cases)
            foreach (var dtype in types)
            {
                var contig = dtype.IsFloatingPoint()
                    ? (Tensor.Randn(shape, dtype) * (200 / (Math.PI * 2)) + 100).Clamp(-100, 100)
                    : Tensor.Randint(-100, 101, shape, dtype);
                var nonContig = Tensor.Zeros([.. shape, 2, 2], dtype)[TensorIndex.Ellipsis, 0].Select(-1, -1);
                nonContig.Copy_(contig);
                Assert.False(nonContig.IsContiguous());
                foreach (var t in new[] { contig, nonContig })
                {
                    var actual = op(t, dim);
                    var norm = dim.Select(d => d < 0 ? d + shape.Length : d).Distinct().ToArray();
                    var kept = Enumerable.Range(0, shape.Length).Where(i => !norm.Contains(i)).ToArray();
                    var perm = kept.Concat(norm).ToArray();
                    var moved = t.Permute(perm).Contiguous();
                    int inner = norm.Aggregate(1, (a, d) => a * shape[d]);
                    var v = V(moved);
                    var expected = Enumerable.Range(0, v.Length / inner).Select(r => reference(v[(r * inner)..((r + 1) * inner)])).ToArray();
                    Assert.Equal(kept.Select(i => shape[i]).ToArray(), actual.Shape);
                    Eq(Tensor.From(expected).Reshape(actual.Shape), actual.To(DType.Float64), rtol * 100, rtol);
                }
            }
    }

    [Fact(DisplayName = P + "test_sum_dim")]
    public void test_sum_dim() => DimOps((t, d) => t.Sum(d), v => v.Sum(), true, 1e-5);

    [Fact(DisplayName = P + "test_mean_dim")]
    public void test_mean_dim() => DimOps((t, d) => t.Mean(d), v => v.Average(), false, 1e-5);

    private static double RefVar(double[] v, int ddof)
    {
        double m = v.Average();
        return v.Sum(x => (x - m) * (x - m)) / (v.Length - ddof);
    }

    [Fact(DisplayName = P + "test_std_dim")]
    public void test_std_dim()
    {
        foreach (var unbiased in new[] { false, true })
            DimOps((t, d) => t.Std(d, unbiased ? 1 : 0), v => Math.Sqrt(RefVar(v, unbiased ? 1 : 0)), false, 1e-4);
    }

    [Fact(DisplayName = P + "test_var_dim")]
    public void test_var_dim()
    {
        foreach (var unbiased in new[] { false, true })
            DimOps((t, d) => t.Var(d, unbiased ? 1 : 0), v => RefVar(v, unbiased ? 1 : 0), false, 1e-4);
    }

    [Fact(DisplayName = P + "test_logsumexp_dim")]
    public void test_logsumexp_dim() =>
        DimOps((t, d) => t.Logsumexp(d), v => { double m = v.Max(); return m + Math.Log(v.Sum(x => Math.Exp(x - m))); }, false, 1e-5);

    [Fact(DisplayName = P + "test_mean_int_with_optdtype")]
    public void test_mean_int_with_optdtype()
    {
        var a = Tensor.Randint(-9, 10, [3, 4, 5]);
        Eq(a.To(DType.Float32).Mean(), a.Mean(dtype: DType.Float32), exactDType: true);
    }

    [Fact(DisplayName = P + "test_mean_out_is_alias_of_return (values)")]
    public void test_mean_out_is_alias_of_return()
    {
        var a = Fl([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], 3, 1, 4);
        Eq(Fl([2, 2, 2, 2], 1, 1, 4), a.Mean(0, keepdim: true));
    }

    private static void ReduceIntegerUpcast(Func<Tensor, DType?, Tensor> fn)
    {
        int[] shape = [3, 4, 5];
        foreach (var dtype in new[] { DType.UInt8, DType.Int32, DType.Int64, DType.Float32, DType.Float64, DType.Bool })
        {
            var x = Tensor.Ones(shape, dtype);
            var expectedDtype = dtype.IsFloatingPoint() ? dtype : DType.Int64;
            Assert.Equal(expectedDtype, fn(x, null).DType);
            Eq(fn(x.To(expectedDtype), null), fn(x, null));
            var other = dtype.IsFloatingPoint() ? (dtype == DType.Float64 ? DType.Float32 : DType.Float64) : (dtype != DType.Int32 ? DType.Int32 : DType.Int64);
            Assert.Equal(other, fn(x, other).DType);
            Eq(fn(x.To(other), null).To(other), fn(x, other));
            var mixed = dtype.IsFloatingPoint() ? DType.Int32 : DType.Float32;
            Assert.Equal(mixed, fn(x, mixed).DType);
            Eq(fn(x.To(mixed), null).To(mixed), fn(x, mixed));
        }
    }

    [Fact(DisplayName = P + "test_sum_integer_upcast")]
    public void test_sum_integer_upcast()
    {
        ReduceIntegerUpcast((x, d) => x.Sum(d));
        ReduceIntegerUpcast((x, d) => x.Sum(0, dtype: d));
    }

    [Fact(DisplayName = P + "test_prod_integer_upcast")]
    public void test_prod_integer_upcast()
    {
        ReduceIntegerUpcast((x, d) => x.Prod(dtype: d));
        ReduceIntegerUpcast((x, d) => x.Prod(0, dtype: d));
    }

    [Fact(DisplayName = P + "test_cumsum_integer_upcast")]
    public void test_cumsum_integer_upcast() => ReduceIntegerUpcast((x, d) => x.Cumsum(0, d));

    [Fact(DisplayName = P + "test_cumprod_integer_upcast")]
    public void test_cumprod_integer_upcast() => ReduceIntegerUpcast((x, d) => x.Cumprod(0, d));
}

/// <summary>More legacy tests of test_reductions.py: empty all/any, inf handling and the min/max helper.</summary>
public class TestReductionsMinMax
{
    private const string P = "test_reductions.py::TestReductions::";

    [Fact(DisplayName = P + "test_accreal_type")]
    public void test_accreal_type()
    {
        var x = Tensor.Ones(2, 3, 4);
        Assert.True(x.To(DType.Float64).Sum().IsFloatingPoint);
        Assert.True(x.Sum().IsFloatingPoint);
        foreach (var d in new[] { DType.Int64, DType.Int32, DType.UInt8 })
            Assert.Equal(DType.Int64, x.To(d).Sum().DType);
    }

    [Fact(DisplayName = P + "test_all_any_empty")]
    public void test_all_any_empty()
    {
        foreach (var d in new[] { DType.UInt8, DType.Bool })
        {
            var x = Tensor.Zeros([0], d);
            Assert.True(x.All().Item<bool>());
            Assert.False(x.Any().Item<bool>());
        }
    }

    [Fact(DisplayName = P + "test_all_issue117215")]
    public void test_all_issue117215()
    {
        var a = Tensor.Randint(0, 255, [73, 11, 3, 17], DType.UInt8);
        var b = a.All(0);
        var c = a.To(DType.Bool).All(0);
        Assert.Equal(0L, b.Ne(c).Sum().Item<long>());
    }

    private static Tensor Infs(DType dtype) =>
        D([double.NegativeInfinity, double.NegativeInfinity, double.PositiveInfinity, 3, double.PositiveInfinity, double.PositiveInfinity, double.NegativeInfinity, -1], 2, 4).To(dtype);

    [Theory(DisplayName = P + "test_max_with_inf")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_max_with_inf(DType dtype)
    {
        var a = Infs(dtype);
        Assert.True((a.Max(1).Values == double.PositiveInfinity).All().Item<bool>());
        Assert.True((a.Amax(1) == double.PositiveInfinity).All().Item<bool>());
        Assert.Equal(double.PositiveInfinity, a.Max().Item<double>());
        Assert.Equal(double.PositiveInfinity, a.Amax().Item<double>());
    }

    [Theory(DisplayName = P + "test_min_with_inf")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_min_with_inf(DType dtype)
    {
        var a = Infs(dtype);
        Assert.True((a.Min(1).Values == double.NegativeInfinity).All().Item<bool>());
        Assert.True((a.Amin(1) == double.NegativeInfinity).All().Item<bool>());
        Assert.Equal(double.NegativeInfinity, a.Min().Item<double>());
        Assert.Equal(double.NegativeInfinity, a.Amin().Item<double>());
    }

    /// <summary>The original's _test_minmax_helper with np.amax/np.amin written out over doubles.</summary>
    private static void MinMaxHelper(bool isMax, bool amaxForm, DType dtype)
    {
        static Tensor Create(int[] shape, DType dtype) => dtype.IsFloatingPoint()
            ? Tensor.Randn(shape, dtype)
            : dtype == DType.Bool ? Tensor.Randint(0, 2, shape).To(DType.Bool) : Tensor.Randint(-1000, 1000, shape, dtype);
        Tensor Full(Tensor x) => amaxForm ? (isMax ? x.Amax() : x.Amin()) : (isMax ? x.Max() : x.Min());
        double Ref(double[] v) => isMax ? v.Max() : v.Min();
        foreach (var x in new[] { Create([100, 100], dtype), Create([10, 10, 10], dtype)[.., 4] })
            Assert.Equal(Ref(V(x)), Full(x).Item<double>());
        const int size = 5;
        var y = Create([size, size], dtype);
        foreach (var xin in new[] { y, y.T })
            for (int d = 0; d < 2; d++)
            {
                var moved = V(xin.Transpose(d, 1).Contiguous());
                var expected = Enumerable.Range(0, size).Select(r => Ref(moved[(r * size)..((r + 1) * size)])).ToArray();
                if (amaxForm) { Assert.Equal(expected, V(isMax ? xin.Amax(d) : xin.Amin(d))); continue; }
                var (v, i) = isMax ? xin.Max(d) : xin.Min(d);
                Assert.Equal(expected, V(v));
                Eq(v, d == 1 ? xin[Tensor.Arange(size), i] : xin[i, Tensor.Arange(size)], 0, 0);
            }
        if (!dtype.IsFloatingPoint()) return;
        foreach (var index in new[] { 0, 4, 99 })
        {
            var x = Create([100], dtype);
            x[index] = Tensor.Full([], double.NaN, dtype);
            if (!amaxForm)
            {
                var (v, i) = isMax ? x.Max(0) : x.Min(0);
                Assert.True(double.IsNaN(v.Item<double>()));
                Assert.Equal(index, i.Item<long>());
            }
            Assert.True(double.IsNaN(Full(x).Item<double>()));
        }
    }

    public static TheoryData<DType> MinMaxTypes => [DType.Float32, DType.Float64, DType.Int32, DType.Int64, DType.Bool];

    [Theory(DisplayName = P + "test_max")]
    [MemberData(nameof(MinMaxTypes))]
    public void test_max(DType dtype) => MinMaxHelper(true, false, dtype);

    [Theory(DisplayName = P + "test_min")]
    [MemberData(nameof(MinMaxTypes))]
    public void test_min(DType dtype) => MinMaxHelper(false, false, dtype);

    [Theory(DisplayName = P + "test_amax")]
    [MemberData(nameof(MinMaxTypes))]
    public void test_amax(DType dtype) => MinMaxHelper(true, true, dtype);

    [Theory(DisplayName = P + "test_amin")]
    [MemberData(nameof(MinMaxTypes))]
    public void test_amin(DType dtype) => MinMaxHelper(false, true, dtype);
}
