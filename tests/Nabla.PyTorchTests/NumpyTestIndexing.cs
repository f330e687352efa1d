using static Nabla.PyTorchTests.Check;
using static Nabla.PyTorchTests.Keys;

namespace Nabla.PyTorchTests;

/// <summary>
/// Ports of numpy/_core/tests/test_indexing.py where PyTorch's indexing agrees with NumPy's (no negative
/// steps, no object/void/string dtypes, no float indices; those are listed in NOT_PORTED.md).
/// </summary>
public class NumpyTestIndexing
{
    private const string P = "numpy/_core/tests/test_indexing.py::";

    [Fact(DisplayName = P + "TestIndexing::test_none_index")]
    public void test_none_index()
    {
        var a = L([1, 2, 3]);
        Eq(a.Unsqueeze(0), a[None]);
        Assert.Equal(a.Dim + 1, a[None].Dim);
    }

    [Fact(DisplayName = P + "TestIndexing::test_same_kind_index_casting")]
    public void test_same_kind_index_casting()
    {
        // uintp has no PyTorch counterpart; int32 indices play the other integer kind.
        var index = Tensor.Arange(5);
        var uIndex = index.To(DType.Int32);
        var arr = Tensor.Arange(10);
        Eq(arr[index], arr[uIndex]);
        arr[uIndex] = Tensor.Arange(5);
        Eq(Tensor.Arange(10), arr);
        arr = Tensor.Arange(10).Reshape(5, 2);
        Eq(arr[index], arr[uIndex]);
        arr[uIndex] = Tensor.Arange(5)[All, None];
        Eq(Tensor.Arange(5)[All, None].Repeat(1, 2), arr);
        arr = Tensor.Arange(25).Reshape(5, 5);
        Eq(arr[index, index], arr[uIndex, uIndex]);
    }

    [Fact(DisplayName = P + "TestIndexing::test_empty_fancy_index")]
    public void test_empty_fancy_index()
    {
        var a = L([1, 2, 3]);
        var r = a[Tensor.Zeros([0], DType.Int64)];
        Assert.Equal(0, r.Numel);
        Assert.Equal(a.DType, r.DType);
        Assert.Throws<IndexException>(() => a[Tensor.Zeros([0])]);
    }

    [Fact(DisplayName = P + "TestIndexing::test_gh_26542")]
    public void test_gh_26542()
    {
        var a = L([0, 1, 2]);
        a[Idx(2, 1, 0)] = a;
        Eq(L([2, 1, 0]), a);
    }

    [Fact(DisplayName = P + "TestIndexing::test_gh_26542_2d")]
    public void test_gh_26542_2d()
    {
        var a = L([0, 1, 2], 1, 3);
        a[Tensor.Zeros([3], DType.Int64), Idx(2, 1, 0)] = a;
        Eq(L([2, 1, 0], 1, 3), a);
    }

    [Fact(DisplayName = P + "TestIndexing::test_gh_26542_index_overlap")]
    public void test_gh_26542_index_overlap()
    {
        // NumPy copies through a buffer here; PyTorch's copy_ refuses a source that partly overlaps its destination.
        var arr = Tensor.Arange(100);
        var e = Assert.Throws<ArgumentException>(() => arr[S(10, null)] = arr[S(null, -10)]);
        Assert.StartsWith("unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location.", e.Message);
    }

    [Fact(DisplayName = P + "TestIndexing::test_gh_26844")]
    public void test_gh_26844()
    {
        var a = Tensor.Arange(5);
        a[S(2, null)][a[S(null, -2)]] = Tensor.From(3L);
        Eq(L([0, 1, 3, 3, 3]), a);
    }

    [Fact(DisplayName = P + "TestIndexing::test_gh_26844_segfault")]
    public void test_gh_26844_segfault()
    {
        var a = Tensor.Arange(5);
        a[S(2, null)][None, a[S(null, -2)]] = Tensor.From(3L);
        Eq(L([0, 1, 3, 3, 3]), a);
    }

    [Fact(DisplayName = P + "TestIndexing::test_ellipsis_index")]
    public void test_ellipsis_index()
    {
        var a = A33();
        Eq(a, a[E]);
        Eq(a[0], a[0, E]);
        Eq(a[0, All], a[0, E]);
        Eq(a[All, 0], a[E, 0]);
        Eq(Tensor.From(2L), a[0, E, 1]);
        var b = Tensor.From(1L);
        b[E] = Tensor.From(2L);
        Assert.Equal(2L, b.Item<long>());
    }

    [Fact(DisplayName = P + "TestIndexing::test_single_int_index")]
    public void test_single_int_index()
    {
        var a = A33();
        Assert.Equal(new long[] { 1, 2, 3 }, Ls(a[0]));
        Assert.Equal(new long[] { 7, 8, 9 }, Ls(a[-1]));
        Assert.Throws<IndexException>(() => a[1 << 30]);
    }

    [Fact(DisplayName = P + "TestIndexing::test_single_bool_index")]
    public void test_single_bool_index()
    {
        var a = A33();
        Eq(a[None], a[Tensor.From(true)]);
        Eq(a[None][S(0, 0)], a[Tensor.From(false)]);
    }

    [Fact(DisplayName = P + "TestIndexing::test_boolean_shape_mismatch")]
    public void test_boolean_shape_mismatch()
    {
        var arr = Tensor.Ones(5, 4, 3);
        Assert.Throws<IndexException>(() => arr[B([true])]);
        Assert.Throws<IndexException>(() => arr[Tensor.Zeros([6], DType.Bool)]);
        var index = Tensor.Zeros([4, 4], DType.Bool);
        Assert.Throws<IndexException>(() => arr[index]);
        Assert.Throws<IndexException>(() => arr[All, index]);
    }

    [Fact(DisplayName = P + "TestIndexing::test_boolean_indexing_onedim")]
    public void test_boolean_indexing_onedim()
    {
        var a = D([0, 0, 0], 1, 3);
        var b = B([true]);
        Eq(a, a[b]);
        a[b] = Tensor.From(1.0);
        Eq(D([1, 1, 1], 1, 3), a);
    }

    [Fact(DisplayName = P + "TestIndexing::test_boolean_assignment_value_mismatch")]
    public void test_boolean_assignment_value_mismatch()
    {
        var a = Tensor.Arange(4);
        Assert.ThrowsAny<ArgumentException>(() => a[a > -1] = Tensor.Zeros([0], DType.Int64));
        Assert.ThrowsAny<ArgumentException>(() => a[a > -1] = L([1, 2, 3]));
        var a1 = a[S(null, 1)];
        Assert.ThrowsAny<ArgumentException>(() => a1[a1 > -1] = L([1, 2, 3]));
    }

    [Fact(DisplayName = P + "TestIndexing::test_boolean_assignment_needs_api")]
    public void test_boolean_assignment_needs_api()
    {
        var arr = Tensor.Zeros([1000], DType.Float64);
        var indx = Tensor.Zeros([1000], DType.Bool);
        indx[S(null, 100)] = Tensor.From(true);
        arr[indx] = Tensor.Ones([100], DType.Float64);
        var expected = Tensor.Zeros([1000], DType.Float64);
        expected[S(null, 100)] = Tensor.From(1.0);
        Eq(expected, arr);
    }

    [Fact(DisplayName = P + "TestIndexing::test_boolean_indexing_twodim")]
    public void test_boolean_indexing_twodim()
    {
        var a = A33();
        var b = B([true, false, true, false, true, false, true, false, true], 3, 3);
        Eq(L([1, 3, 5, 7, 9]), a[b]);
        Eq(L([4, 5, 6], 1, 3), a[b[1]]);
        Eq(a[b[2]], a[b[0]]);
        a[b] = Tensor.From(0L);
        Eq(L([0, 2, 0, 4, 0, 6, 0, 8, 0], 3, 3), a);
    }

    [Fact(DisplayName = P + "TestIndexing::test_boolean_indexing_list")]
    public void test_boolean_indexing_list()
    {
        var a = L([1, 2, 3]);
        bool[] b = [true, false, true];
        Eq(L([1, 3]), a[b]);
        Eq(L([1, 3], 1, 2), a[None, b]);
    }

    [Fact(DisplayName = P + "TestIndexing::test_reverse_strides_and_subspace_bufferinit (flipped instead of ::-1)")]
    public void test_reverse_strides_and_subspace_bufferinit()
    {
        // PyTorch has no negative steps; Flip gives the same reversed values.
        var a = Tensor.Ones([5], DType.Int64);
        var b = Tensor.Zeros([5], DType.Int64).Flip(0);
        var c = Tensor.Arange(5).Flip(0);
        a[b] = c;
        // PyTorch leaves the order of duplicate writes unspecified; the CPU kernel, like NumPy, writes in order.
        Assert.Equal(0L, a[0].Item<long>());
        a = Tensor.Ones([5, 2], DType.Int64);
        c = Tensor.Arange(10).Reshape(5, 2).Flip(0);
        a[b, All] = c;
        Assert.Equal(new long[] { 0, 1 }, Ls(a[0]));
    }

    [Fact(DisplayName = P + "TestIndexing::test_reversed_strides_result_allocation")]
    public void test_reversed_strides_result_allocation()
    {
        var a = Tensor.Arange(10)[All, None];
        var i = Tensor.Arange(10).Flip(0);
        Eq(a[i.Contiguous()], a[i]);
    }

    [Fact(DisplayName = P + "TestIndexing::test_uncontiguous_subspace_assignment")]
    public void test_uncontiguous_subspace_assignment()
    {
        var a = Tensor.Full([3, 4, 2], -1L, DType.Int64);
        var b = Tensor.Full([3, 4, 2], -1L, DType.Int64);
        a[Idx(0, 1)] = Tensor.Arange(16).Reshape(2, 4, 2).Permute(2, 1, 0);
        b[Idx(0, 1)] = Tensor.Arange(16).Reshape(2, 4, 2).Permute(2, 1, 0).Contiguous();
        Eq(b, a);
    }

    [Fact(DisplayName = P + "TestIndexing::test_too_many_fancy_indices_special_case")]
    public void test_too_many_fancy_indices_special_case()
    {
        // The original's 64 is NumPy's dim limit; any count above the rank shows the same rule.
        var a = Tensor.Ones(Enumerable.Repeat(1, 8).ToArray());
        var key = Enumerable.Repeat((TensorIndex)Idx(0), 9).ToArray();
        Assert.Throws<IndexException>(() => a[key]);
    }

    [Fact(DisplayName = P + "TestIndexing::test_scalar_array_bool")]
    public void test_scalar_array_bool()
    {
        var a = Tensor.From(1L);
        Eq(a.Unsqueeze(0), a[Tensor.From(true)]);
        Assert.Equal(new[] { 0 }, a[Tensor.From(false)].Shape);
    }

    [Fact(DisplayName = P + "TestIndexing::test_everything_returns_views (a[:])")]
    public void test_everything_returns_views()
    {
        var a = Tensor.Arange(5);
        Assert.NotSame(a, a[All]);
    }

    [Fact(DisplayName = P + "TestIndexing::test_everything_returns_views (a[()], a[...])", Skip = "issue 7: a[...] (and a[()], same path) returns a itself instead of a new view")]
    public void test_everything_returns_views_ellipsis()
    {
        var a = Tensor.Arange(5);
        Assert.NotSame(a, a[Array.Empty<TensorIndex>()]);
        Assert.NotSame(a, a[E]);
    }

    [Fact(DisplayName = P + "TestIndexing::test_broaderrors_indexing")]
    public void test_broaderrors_indexing()
    {
        var a = Tensor.Zeros([5, 5], DType.Float64);
        Assert.Throws<IndexException>(() => a[Idx(0, 1), Idx(0, 1, 2)]);
        Assert.Throws<IndexException>(() => a[Idx(0, 1), Idx(0, 1, 2)] = Tensor.From(0.0));
    }

    [Fact(DisplayName = P + "TestIndexing::test_trivial_fancy_out_of_bounds")]
    public void test_trivial_fancy_out_of_bounds()
    {
        var a = Tensor.Zeros([5], DType.Float64);
        var ind = Tensor.Ones([20], DType.Int64);
        ind[-1] = Tensor.From(10L);
        Assert.Throws<IndexException>(() => a[ind]);
        Assert.Throws<IndexException>(() => a[ind] = Tensor.From(0.0));
        ind = Tensor.Ones([20], DType.Int64);
        ind[0] = Tensor.From(11L);
        Assert.Throws<IndexException>(() => a[ind]);
        Assert.Throws<IndexException>(() => a[ind] = Tensor.From(0.0));
    }

    [Fact(DisplayName = P + "TestIndexing::test_trivial_fancy_not_possible")]
    public void test_trivial_fancy_not_possible()
    {
        var a = Tensor.Arange(6);
        var idx = Tensor.Arange(6).Reshape(2, 1, 3)[All, All, 0];
        Eq(idx, a[idx]);
        a[idx] = Tensor.From(-1L);
        Eq(L([-1, 1, 2, -1, 4, 5]), a);
    }

    [Fact(DisplayName = P + "TestIndexing::test_indexing_array_weird_strides")]
    public void test_indexing_array_weird_strides()
    {
        var x = Tensor.Ones([10], DType.Float64);
        var x2 = Tensor.Ones([10, 2], DType.Float64);
        var ind = Tensor.Arange(10)[All, None, None, None].Expand(10, 55, 4, 4);
        Eq(x[ind.Contiguous()], x[ind]);
        var zind = Tensor.Zeros([4], DType.Int64);
        Eq(x2[ind.Contiguous(), zind], x2[ind, zind]);
    }

    [Fact(DisplayName = P + "TestIndexing::test_indexing_array_negative_strides (flipped view)")]
    public void test_indexing_array_negative_strides()
    {
        // arro[::-1, ::-1] has negative strides in NumPy; PyTorch has no such views, so a transposed view stands in.
        var arro = Tensor.Zeros([4, 4], DType.Float64);
        var arr = arro.T;
        arr[All, Idx(0, 1, 2, 3)] = Tensor.From(10.0);
        Eq(Tensor.Full([4, 4], 10.0, DType.Float64), arr);
    }

    [Theory(DisplayName = P + "TestIndexing::test_too_many_advanced_indices")]
    [InlineData("true", 10, 1)]
    [InlineData("[0]", 10, 1)]
    [InlineData("[0]", 12, 8)]
    public void test_too_many_advanced_indices(string index, int num, int originalNdim)
    {
        // NumPy's limits are 64 arguments; here num exceeds the rank for ints (bools always fit, see test_boolean).
        var arr = Tensor.Ones(Enumerable.Repeat(1, originalNdim).ToArray());
        TensorIndex item = index == "true" ? Tensor.From(true) : Idx(0);
        var key = Enumerable.Repeat(item, num).ToArray();
        if (index == "true")
        {
            Assert.Equal(originalNdim + 1, arr[key].Dim); // all 0-d bools broadcast into one new dim
            return;
        }
        Assert.Throws<IndexException>(() => arr[key]);
        Assert.Throws<IndexException>(() => arr[key] = Tensor.From(1f));
    }

    [Fact(DisplayName = P + "TestIndexing::test_nontuple_ndindex")]
    public void test_nontuple_ndindex()
    {
        var a = Tensor.Arange(25).Reshape(5, 5);
        Eq(Tensor.Stack([a[0], a[1]]), a[Idx(0, 1)]);
        Eq(L([0, 6]), a[Idx(0, 1), Idx(0, 1)]);
    }

    [Fact(DisplayName = P + "TestBroadcastedAssignments::test_prepending_ones")]
    public void test_prepending_ones()
    {
        var a = Tensor.Zeros(3, 2);
        a[E] = Tensor.Ones(1, 3, 2);
        a[Idx(0, 1, 2), All] = Tensor.Ones(1, 3, 2);
        a[All, Idx(0, 1)] = Tensor.Ones(1, 3, 2);
        a[L([0, 1, 2], 3, 1), Idx(0, 1)] = Tensor.Ones(1, 3, 2);
        Eq(Tensor.Ones(3, 2), a);
    }

    [Fact(DisplayName = P + "TestBroadcastedAssignments::test_prepend_not_one")]
    public void test_prepend_not_one()
    {
        var a = Tensor.Zeros(5);
        Assert.ThrowsAny<ArgumentException>(() => a[E] = Tensor.Ones(2, 1));
        Assert.ThrowsAny<ArgumentException>(() => a[Idx(1, 2, 3)] = Tensor.Ones(2, 1));
        Assert.ThrowsAny<ArgumentException>(() => a[L([1, 2], 2, 1)] = Tensor.Ones(2, 2, 1));
    }

    [Fact(DisplayName = P + "TestBroadcastedAssignments::test_simple_broadcasting_errors")]
    public void test_simple_broadcasting_errors()
    {
        var a = Tensor.Zeros(5, 1);
        Assert.ThrowsAny<ArgumentException>(() => a[E] = Tensor.Zeros(5, 2));
        Assert.ThrowsAny<ArgumentException>(() => a[E] = Tensor.Zeros(5, 0));
        Assert.ThrowsAny<ArgumentException>(() => a[All, Idx(0)] = Tensor.Zeros(5, 2));
        Assert.ThrowsAny<ArgumentException>(() => a[All, Idx(0)] = Tensor.Zeros(5, 0));
        Assert.ThrowsAny<ArgumentException>(() => a[Idx(0), All] = Tensor.Zeros(2, 1));
    }

    [Theory(DisplayName = P + "TestBroadcastedAssignments::test_broadcast_error_reports_correct_shape")]
    [InlineData(0, "[3, 4, 5, 2, 7]")]
    [InlineData(1, "[2, 4, 5, 6]")]
    [InlineData(2, "[3, 4, 5, 2]")]
    public void test_broadcast_error_reports_correct_shape(int which, string shape)
    {
        // NumPy prints the indexing result's shape last; PyTorch's message names it too, in its own format.
        var values = Tensor.Zeros(100, 100);
        var arr = Tensor.Zeros(3, 4, 5, 6, 7);
        TensorIndex[] index = which switch
        {
            0 => [E, Idx(1, 2), All],
            1 => [Idx(0, 1), E, 0],
            _ => [E, Idx(1, 2), Idx(1, 2)],
        };
        Assert.Equal(shape, "[" + string.Join(", ", arr[index].Shape) + "]");
        var e = Assert.ThrowsAny<ArgumentException>(() => arr[index] = values);
        Assert.EndsWith(shape, e.Message);
    }

    [Fact(DisplayName = P + "TestBroadcastedAssignments::test_index_is_larger")]
    public void test_index_is_larger()
    {
        var a = Tensor.Zeros(5, 5);
        a[L([0, 1, 2], 3, 1), Idx(0, 1, 2)] = Fl([2, 3, 4]);
        Assert.True((a[S(null, 3), S(null, 3)] == Fl([2, 3, 4])).All().Item<bool>());
    }

    [Fact(DisplayName = P + "TestBroadcastedAssignments::test_broadcast_subspace")]
    public void test_broadcast_subspace()
    {
        var a = Tensor.Zeros(100, 100);
        var v = Tensor.Arange(100)[All, None];
        var b = Tensor.Arange(100).Flip(0);
        a[b] = v.To(DType.Float32);
        Assert.True((a.Flip(0) == v).All().Item<bool>());
    }

    [Fact(DisplayName = P + "TestFancyIndexingCast::test_boolean_index_cast_assign (real part)")]
    public void test_boolean_index_cast_assign()
    {
        var boolIndex = Tensor.Zeros([8, 63], DType.Bool);
        boolIndex[0, 1] = Tensor.From(true);
        var zeroArray = Tensor.Zeros([8, 63], DType.Float64);
        zeroArray[boolIndex] = D([1]);
        Assert.Equal(1.0, zeroArray[0, 1].Item<double>());
    }

    [Fact(DisplayName = P + "TestFancyIndexingEquivalence::test_cast_equivalence (numbers instead of strings)")]
    public void test_cast_equivalence()
    {
        var a = Tensor.Arange(5);
        var b = a.Clone();
        a[S(null, 3)] = L([2, -3, -1]);
        b[Idx(0, 2, 1)] = L([2, -1, -3]);
        Eq(a, b);
        b = Tensor.Arange(5)[None, All];
        b[Idx(0), S(null, 3)] = L([2, -3, -1], 1, 3);
        Eq(a, b[0]);
    }

    [Fact(DisplayName = P + "TestMultiIndexingAutomated::test_boolean")]
    public void test_multi_indexing_boolean()
    {
        var a = Tensor.From(5L);
        Assert.Equal(5L, a[Tensor.From(true)].Item<long>());
        a[Tensor.From(true)] = Tensor.From(1L);
        Assert.Equal(1L, a.Item<long>());
        var arr = Tensor.Arange(90).Reshape(3, 1, 5, 6);
        Assert.Equal(new[] { 0 }, arr[Tensor.ZerosLike(arr, DType.Bool)].Shape);
        Assert.Equal(new[] { 0, 6 }, arr[Tensor.ZerosLike(arr, DType.Bool)[E, 0]].Shape);
        Assert.Throws<IndexException>(() => arr[Tensor.ZerosLike(arr, DType.Bool)[None, E]]);
    }

    [Fact(DisplayName = P + "TestMultiIndexingAutomated::test_multidim (simple item and too many indices)")]
    public void test_multidim_simple()
    {
        var a = Tensor.Arange(90).Reshape(3, 1, 5, 6);
        Assert.Equal(0L, a[0, 0, 0, 0].Item<long>());
        Assert.Throws<IndexException>(() => a[0, 0, 0, 0, 0]);
        Assert.Throws<IndexException>(() => a[0, 0, 0, 0, 0] = Tensor.From(0L));
        Assert.Throws<IndexException>(() => a[0, 0, Idx(1), 0, 0]);
        Assert.Throws<IndexException>(() => a[0, 0, Idx(1), 0, 0] = Tensor.From(0L));
        var b = Tensor.Zeros(3, 0, 5, 6);
        Assert.Throws<IndexException>(() => b[0, 0, 0, 0]);
    }

    // The complex index kinds of TestMultiIndexingAutomated that PyTorch shares (no negative steps), each placed
    // at dim 1 of a (3, 1, 5, 6) arange with a simple index at another spot, checked against the NumPy-rule oracle.
    public static TheoryData<string> MultiIndexKeys()
    {
        var data = new TheoryData<string>();
        string[] complex = ["...", "[0, 1, -2]", "[[0], [1]]", "[[[0, 1], [0, 0]]]"];
        string[] simple = ["...", "[-1]", "[1]", ":"];
        foreach (var c in complex)
            foreach (var s in simple)
            {
                data.Add($":, {c}, :, {s}");
                data.Add($"{s}, {c}");
            }
        return data;
    }

    [Theory(DisplayName = P + "TestMultiIndexingAutomated::test_multidim (NumPy-rule oracle)")]
    [MemberData(nameof(MultiIndexKeys))]
    public void test_multidim(string key)
    {
        int[] shape = [3, 1, 5, 6];
        var items = KeyText.Parse(key);
        if (items.Count(i => ReferenceEquals(i, NumpyIndexOracle.Ellipsis)) > 1) return; // two ellipses: TestMultipleEllipsisError
        var oracle = new NumpyIndexOracle(shape, items);
        var a = Tensor.Arange(90).View(shape);
        if (!oracle.InBounds)
        {
            Assert.Throws<IndexException>(() => a[KeyText.ToNabla(items)]);
            Assert.Throws<IndexException>(() => a[KeyText.ToNabla(items)] = Tensor.From(0L));
            return;
        }
        var r = a[KeyText.ToNabla(items)];
        Assert.Equal(oracle.ResultShape, r.Shape);
        Assert.Equal(oracle.SourceOffsets(), Ls(r));
        // item setting: every selected element +1000, as the original's _check_multi_index does through arr.flat
        var b = a.Clone();
        b[KeyText.ToNabla(items)] = r + 1000;
        var expected = Ls(a);
        foreach (var o in oracle.SourceOffsets()) expected[o] = o + 1000;
        Assert.Equal(expected, Ls(b));
    }

    [Fact(DisplayName = P + "TestMultiIndexingAutomated::test_1d")]
    public void test_1d()
    {
        var a = Tensor.Arange(10);
        Eq(a, a[E]);
        Assert.Equal(0L, a[0].Item<long>());
        Assert.Throws<IndexException>(() => a[B([true, false, false])]);
        Assert.Equal(0, a[S(-5, 5, 2)].Numel); // -5 is 5 here: an empty slice
        Assert.Equal(0, a[S(1, 1, 100)].Numel);
        Assert.Equal(new[] { 0, 1, 1 }, a[Tensor.Zeros([0, 1, 1], DType.Int64)].Shape);
        Eq(L([0, 1, 8]), a[Idx(0, 1, -2)]);
    }

    [Fact(DisplayName = P + "TestBooleanIndexing::test_boolean_indexing_weirdness")]
    public void test_boolean_indexing_weirdness()
    {
        var a = Tensor.Ones(2, 3, 4);
        Assert.Equal(new[] { 0, 2, 3, 4 }, a[Tensor.From(false), Tensor.From(true), E].Shape);
        Assert.Equal(new[] { 1, 2 }, a[Tensor.From(true), Idx(0, 1), Tensor.From(true), Tensor.From(true), Idx(1), L([2], 1, 1)].Shape);
        Assert.Throws<IndexException>(() => a[Tensor.From(false), Idx(0, 1), E]);
    }

    [Fact(DisplayName = P + "TestBooleanIndexing::test_boolean_indexing_fast_path")]
    public void test_boolean_indexing_fast_path()
    {
        // NumPy's wording differs; PyTorch raises IndexError naming the mask and the indexed shapes.
        var a = Tensor.Ones(3, 3);
        foreach (var n in new[] { 9, 10 })
            Assert.Contains("mask", Assert.Throws<IndexException>(() => a[Tensor.Zeros([1, n], DType.Bool)]).Message);
        var idx2 = Tensor.Zeros([1, 9], DType.Bool);
        idx2[0, 8] = Tensor.From(true);
        Assert.Contains("mask", Assert.Throws<IndexException>(() => a[idx2]).Message);
        a = Tensor.Ones(1, 1, 2);
        var idx = B([true, false], 1, 2, 1);
        Assert.Equal("The shape of the mask [1, 2, 1] at index 1 does not match the shape of the indexed tensor [1, 1, 2] at index 1",
            Assert.Throws<IndexException>(() => a[idx]).Message);
    }

    [Fact(DisplayName = P + "TestNonIntegerArrayLike::test_basic")]
    public void test_non_integer_array_like()
    {
        var a = Tensor.Arange(10);
        Assert.Throws<IndexException>(() => a[Fl([0.5, 1.5])]);
        Assert.Equal(0, a[Tensor.Zeros([0], DType.Int64)].Numel);
    }

    [Fact(DisplayName = P + "TestMultipleEllipsisError::test_basic", Skip = "issue 7: two ellipses are accepted; PyTorch raises IndexError")]
    public void test_multiple_ellipsis()
    {
        var a = Tensor.Arange(10);
        Assert.Throws<IndexException>(() => a[E, E]);
        Assert.Throws<IndexException>(() => a[E, E, E]);
    }
}
