using static Nabla.PyTorchTests.Check;
using static Nabla.PyTorchTests.Keys;

namespace Nabla.PyTorchTests;

/// <summary>Ports of pytorch/test/test_indexing.py, class NumpyTests (NumPy's indexing tests adapted by PyTorch).</summary>
public class TestIndexingNumpyTests
{
    private const string P = "test_indexing.py::NumpyTests::";
    private static readonly Tensor True = Tensor.From(true);
    private static readonly Tensor False = Tensor.From(false);

    [Fact(DisplayName = P + "test_none_index")]
    public void test_none_index()
    {
        var a = L([1, 2, 3]);
        Assert.Equal(a.Dim + 1, a[None].Dim);
    }

    [Fact(DisplayName = P + "test_empty_tuple_index")]
    public void test_empty_tuple_index()
    {
        var a = L([1, 2, 3]);
        var v = a[Array.Empty<TensorIndex>()];
        Eq(a, v);
        v[0] = Tensor.From(9L); // a view: writes reach a
        Assert.Equal(9L, a[0].Item<long>());
    }

    [Fact(DisplayName = P + "test_empty_fancy_index")]
    public void test_empty_fancy_index()
    {
        var a = L([1, 2, 3]);
        Eq(Tensor.Zeros([0], DType.Int64), a[Tensor.Zeros([0], DType.Int64)], exactDType: true);
        Assert.Throws<IndexException>(() => a[Tensor.Zeros([0], DType.Float32)]);
    }

    [Fact(DisplayName = P + "test_ellipsis_index")]
    public void test_ellipsis_index()
    {
        var a = A33();
        Eq(a, a[E]);
        Eq(a[0], a[0, E]);
        Eq(a[0, All], a[0, E]);
        Eq(a[All, 0], a[E, 0]);
        Eq(Tensor.From(2L), a[0, E, 1]);
        Assert.Equal(0, a[0, E, 1].Dim);
        var b = Tensor.From(1L);
        b[E] = Tensor.From(2L);
        Assert.Equal(2L, b.Item<long>());
    }

    [Fact(DisplayName = P + "test_ellipsis_index (a[...] is not a)", Skip = "issue 7: a[...] returns a itself instead of a new view")]
    public void test_ellipsis_index_is_not_a()
    {
        var a = A33();
        Assert.NotSame(a, a[E]);
    }

    [Fact(DisplayName = P + "test_single_int_index")]
    public void test_single_int_index()
    {
        var a = A33();
        Assert.Equal(new long[] { 1, 2, 3 }, Ls(a[0]));
        Assert.Equal(new long[] { 7, 8, 9 }, Ls(a[-1]));
        Assert.Throws<IndexException>(() => a[1 << 30]);
    }

    [Fact(DisplayName = P + "test_single_bool_index")]
    public void test_single_bool_index()
    {
        var a = A33();
        Eq(a[None], a[True]);
        Eq(a[None][TensorIndex.Slice(0, 0)], a[False]);
    }

    [Fact(DisplayName = P + "test_boolean_shape_mismatch")]
    public void test_boolean_shape_mismatch()
    {
        var arr = Tensor.Ones(5, 4, 3);
        Assert.Contains("mask", Assert.Throws<IndexException>(() => arr[B([true])]).Message);
        Assert.Contains("mask", Assert.Throws<IndexException>(() => arr[Tensor.Zeros([6], DType.Bool)]).Message);
        var index = Tensor.Zeros([4, 4], DType.UInt8);
        Assert.Contains("mask", Assert.Throws<IndexException>(() => arr[index]).Message);
        Assert.Contains("mask", Assert.Throws<IndexException>(() => arr[All, index]).Message);
    }

    [Fact(DisplayName = P + "test_boolean_indexing_onedim")]
    public void test_boolean_indexing_onedim()
    {
        var a = D([0, 0, 0], 1, 3);
        var b = B([true]);
        Eq(a, a[b]);
        a[b] = Tensor.From(1.0);
        Eq(D([1, 1, 1], 1, 3), a);
    }

    [Fact(DisplayName = P + "test_boolean_assignment_value_mismatch")]
    public void test_boolean_assignment_value_mismatch()
    {
        var a = Tensor.Arange(0, 4);
        void F(Tensor target, long[] v) => target[target > -1] = Tensor.From(v);
        Assert.Contains("shape mismatch", Assert.ThrowsAny<Exception>(() => F(a, [])).Message);
        Assert.Contains("shape mismatch", Assert.ThrowsAny<Exception>(() => F(a, [1, 2, 3])).Message);
        Assert.Contains("shape mismatch", Assert.ThrowsAny<Exception>(() => F(a[..1], [1, 2, 3])).Message);
    }

    [Fact(DisplayName = P + "test_boolean_indexing_twodim")]
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

    [Fact(DisplayName = P + "test_boolean_indexing_weirdness")]
    public void test_boolean_indexing_weirdness()
    {
        var a = Tensor.Ones(2, 3, 4);
        Assert.Equal(new[] { 0, 2, 3, 4 }, a[False, True, E].Shape);
        Eq(Tensor.Ones(1, 2), a[True, Idx(0, 1), True, True, Idx(1), L([2], 1, 1)]);
        Assert.Throws<IndexException>(() => a[False, Idx(0, 1), E]);
    }

    [Fact(DisplayName = P + "test_boolean_indexing_weirdness_tensors")]
    public void test_boolean_indexing_weirdness_tensors()
    {
        var f = Tensor.From(false);
        var t = Tensor.From(true);
        var a = Tensor.Ones(2, 3, 4);
        Assert.Equal(new[] { 0, 2, 3, 4 }, a[f, t, E].Shape);
        Eq(Tensor.Ones(1, 2), a[t, Idx(0, 1), t, t, Idx(1), L([2], 1, 1)]);
        Assert.Throws<IndexException>(() => a[f, Idx(0, 1), E]);
    }

    [Fact(DisplayName = P + "test_boolean_indexing_alldims")]
    public void test_boolean_indexing_alldims()
    {
        var a = Tensor.Ones(2, 3);
        Assert.Equal(new[] { 1, 2, 3 }, a[True, True].Shape);
    }

    [Fact(DisplayName = P + "test_boolean_list_indexing")]
    public void test_boolean_list_indexing()
    {
        var a = A33();
        bool[] b = [true, false, false];
        bool[] c = [true, true, false];
        Eq(L([1, 2, 3], 1, 3), a[b]);
        Eq(L([1]), a[b, b]);
        Eq(L([1, 2, 3, 4, 5, 6], 2, 3), a[c]);
        Eq(L([1, 5]), a[c, c]);
    }

    [Fact(DisplayName = P + "test_everything_returns_views (a[:])")]
    public void test_everything_returns_views()
    {
        var a = L([5]);
        Assert.NotSame(a, a[All]);
    }

    [Fact(DisplayName = P + "test_everything_returns_views (a[...], a[()])", Skip = "issue 7: a[...] (and the empty key a[()], same path) returns a itself instead of a new view")]
    public void test_everything_returns_views_ellipsis()
    {
        var a = L([5]);
        Assert.NotSame(a, a[E]);
        Assert.NotSame(a, a[Array.Empty<TensorIndex>()]);
    }

    [Fact(DisplayName = P + "test_broaderrors_indexing")]
    public void test_broaderrors_indexing()
    {
        var a = Tensor.Zeros(5, 5);
        Assert.Contains("shape mismatch", Assert.Throws<IndexException>(() => a[Idx(0, 1), Idx(0, 1, 2)]).Message);
        Assert.Contains("shape mismatch", Assert.Throws<IndexException>(() => a[Idx(0, 1), Idx(0, 1, 2)] = Tensor.From(0f)).Message);
    }

    [Fact(DisplayName = P + "test_trivial_fancy_out_of_bounds")]
    public void test_trivial_fancy_out_of_bounds()
    {
        var a = Tensor.Zeros(5);
        var ind = Tensor.Ones([20], DType.Int64);
        ind[-1] = Tensor.From(10L);
        Assert.Throws<IndexException>(() => a[ind]);
        Assert.Throws<IndexException>(() => a[ind] = Tensor.From(0f));
        ind = Tensor.Ones([20], DType.Int64);
        ind[0] = Tensor.From(11L);
        Assert.Throws<IndexException>(() => a[ind]);
        Assert.Throws<IndexException>(() => a[ind] = Tensor.From(0f));
    }

    [Fact(DisplayName = P + "test_index_is_larger")]
    public void test_index_is_larger()
    {
        var a = Tensor.Zeros(5, 5);
        a[L([0, 1, 2], 3, 1), Idx(0, 1, 2)] = Fl([2, 3, 4]);
        Assert.True((a[..3, ..3] == Fl([2, 3, 4])).All().Item<bool>());
    }

    [Fact(DisplayName = P + "test_broadcast_subspace")]
    public void test_broadcast_subspace()
    {
        var a = Tensor.Zeros(100, 100);
        var v = Tensor.Arange(0.0, 100.0)[All, None];
        var b = Tensor.Arange(99, -1, -1);
        a[b] = v;
        Eq(b.To(DType.Float32).Unsqueeze(1).Expand(100, 100), a);
    }

    [Fact(DisplayName = P + "test_truncate_leading_1s")]
    public void test_truncate_leading_1s()
    {
        var colMax = Tensor.Randn(1, 4);
        var kernel = colMax.T * colMax;
        var kernel2 = kernel.Clone();
        kernel[Tensor.Arange(4), Tensor.Arange(4)] = colMax * colMax;
        kernel2.Diagonal().Copy_((colMax * colMax).View(4));
        Eq(kernel2, kernel);
    }
}
