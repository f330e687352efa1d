using static Nabla.PyTorchTests.Check;

namespace Nabla.PyTorchTests;

/// <summary>Ports of pytorch/test/test_scatter_gather_ops.py (the CPU cases; the file the brief calls test_scatter_gather.py).</summary>
public class TestScatterGather
{
    private const string P = "test_scatter_gather_ops.py::TestScatterGather::";
    private static readonly DType[] AllTypes = [DType.UInt8, DType.Int32, DType.Int64, DType.Float32, DType.Float64];

    /// <summary>make_tensor: values in [-9, 9) (UInt8 [0, 9), Bool random) of the given dtype.</summary>
    private static Tensor Make(int[] shape, DType dtype)
    {
        if (dtype == DType.Bool) return Tensor.Rand(shape) > 0.5;
        var t = Tensor.Rand(shape, DType.Float64) * (dtype == DType.UInt8 ? 9 : 18) - (dtype == DType.UInt8 ? 0 : 9);
        return dtype.IsFloatingPoint() ? t.To(dtype) : t.To(DType.Int64).To(dtype);
    }

    /// <summary>The original's _fill_indices: each row along dim gets distinct (randperm) or random indices.</summary>
    private static Tensor FillIndices(int[] idxSize, int dim, int dimSize, bool unique, Random rng)
    {
        var idx = new long[idxSize[0] * idxSize[1] * idxSize[2]];
        int n = idxSize[dim];
        int[] strides = [idxSize[1] * idxSize[2], idxSize[2], 1];
        var others = Enumerable.Range(0, 3).Where(d => d != dim).ToArray();
        for (int a = 0; a < idxSize[others[0]]; a++)
            for (int b = 0; b < idxSize[others[1]]; b++)
            {
                var perm = Enumerable.Range(0, dimSize).OrderBy(_ => rng.Next()).ToArray();
                for (int e = 0; e < n; e++)
                    idx[a * strides[others[0]] + b * strides[others[1]] + e * strides[dim]] = unique ? perm[e] : rng.Next(dimSize);
            }
        return Tensor.From(idx).Reshape(idxSize);
    }

    [Theory(DisplayName = P + "test_gather")]
    [InlineData(DType.Bool)]
    [InlineData(DType.UInt8)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_gather(DType dtype)
    {
        var rng = new Random((int)dtype + 1);
        int m = rng.Next(10, 21), n = rng.Next(10, 21), o = rng.Next(10, 21);
        int elems = rng.Next(1, 11), dim = rng.Next(3);
        var src = Make([m, n, o], dtype);
        int[] idxSize = [m, n, o];
        idxSize[dim] = elems;
        var idx = FillIndices(idxSize, dim, src.Size(dim), true, rng);
        var actual = src.Gather(dim, idx);
        var sv = V(src);
        var iv = Ls(idx);
        var expected = new double[iv.Length];
        for (int i = 0; i < idxSize[0]; i++)
            for (int j = 0; j < idxSize[1]; j++)
                for (int k = 0; k < idxSize[2]; k++)
                {
                    int flat = (i * idxSize[1] + j) * idxSize[2] + k;
                    int[] ii = [i, j, k];
                    ii[dim] = (int)iv[flat];
                    expected[flat] = sv[(ii[0] * n + ii[1]) * o + ii[2]];
                }
        Assert.Equal(expected, V(actual));
        Assert.Equal(dtype, actual.DType);

        if (dtype != DType.Bool)
        {
            src = Make([3, 4, 5], dtype);
            var (maxv, maxi) = src.Max(2, true);
            Eq(maxv, src.Gather(2, maxi), 0, 0);
        }
    }

    [Fact(DisplayName = P + "test_gather_large (CPU shapes scaled down)")]
    public void test_gather_large()
    {
        // The original's (4096, 3072, 4096) shapes need gigabytes; the same checks on (64, 48, 64) and (64, 48, 68).
        foreach (var (m, n, k) in new[] { (64, 48, 64), (64, 48, 68), (4, 4, 4096) })
        {
            var src = Make([m, k], DType.Float32);
            var discontig = Tensor.Zeros(m, 2 * k)[.., TensorIndex.Slice(null, null, 2)];
            discontig.Copy_(src);
            for (int dim = 0; dim < 2; dim++)
            {
                var ind0 = Tensor.Randint(src.Size(dim), [n]);
                int[] shapeInd = [1, 1];
                shapeInd[dim] = n;
                int[] shapeOut = [m, k];
                shapeOut[dim] = n;
                var ind = ind0.View(shapeInd).Expand(shapeOut);
                var reference = dim == 0 ? src[ind0] : src[.., ind0];
                Eq(reference, src.Gather(dim, ind), 0, 0);
                var indDiscontig0 = Tensor.Zeros([n * 2], DType.Int64)[TensorIndex.Slice(null, null, 2)];
                indDiscontig0.Copy_(ind0);
                Eq(reference, src.Gather(dim, indDiscontig0.View(shapeInd).Expand(shapeOut)), 0, 0);
                Eq(reference, dim == 0 ? src[indDiscontig0] : src[.., indDiscontig0], 0, 0);
                Eq(reference, dim == 0 ? src[ind0 - src.Size(0)] : src[.., ind0 - src.Size(1)], 0, 0);
                Eq(reference, discontig.Gather(dim, ind), 0, 0);
                Eq(reference, dim == 0 ? discontig[ind0] : discontig[.., ind0], 0, 0);
            }
        }
        var s = Make([16, 2, 16], DType.Float32);
        var i2 = Tensor.Randint(2, [16, 1]).View(16, 1, 1).Expand(16, 1, 16);
        Eq(s.Gather(1, i2.Contiguous()), s.Gather(1, i2), 0, 0);
    }

    [Fact(DisplayName = P + "test_gather_bool")]
    public void test_gather_bool()
    {
        var src = B([false, true, true, true], 2, 2);
        var idx = L([0, 0, 1, 0], 2, 2);
        Eq(B([false, false, true, true], 2, 2), src.Gather(1, idx), 0, 0, exactDType: true);
    }

    [Theory(DisplayName = P + "test_gather_backward_with_empty_index_tensor (sparse_grad=False)")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_gather_backward_with_empty_index_tensor(DType dtype)
    {
        var input = Tensor.Rand([10, 5], dtype, requiresGrad: true);
        var index = Tensor.Randint(0, 2, [3, 0]);
        input.Gather(-1, index).Sum().Backward();
        Eq(Tensor.ZerosLike(input), input.Grad!, 0, 0);
    }

    private enum Method { Scatter, ScatterScalar, ScatterAdd, ScatterReduce }

    /// <summary>The original's _test_scatter_base: a reference loop over every index element, then the empty-index case.</summary>
    private static void ScatterBase(Method fn, DType dtype, ScatterReduceMode? reduction, bool uniqueIndices = true, bool includeSelf = true, int seed = 0)
    {
        var rng = new Random(seed * 31 + (int)dtype);
        int m = rng.Next(10, 21), n = rng.Next(10, 21), o = rng.Next(10, 21);
        int elems = rng.Next(1, 11), dim = rng.Next(3);
        int[] idxSize = [m, n, o];
        idxSize[dim] = elems;
        var idx = FillIndices(idxSize, dim, new[] { m, n, o }[dim], uniqueIndices, rng);
        double scalar = rng.NextDouble();
        int[] srcSize = idxSize.Select(s => s + rng.Next(1, 6)).ToArray();
        var src = Make(srcSize, dtype);
        var b = Make([m, n, o], dtype);
        var expected = V(b);
        var counts = new int[expected.Length];
        if (includeSelf) Array.Fill(counts, 1);
        var sv = V(src);
        var iv = Ls(idx);
        for (int i = 0; i < idxSize[0]; i++)
            for (int j = 0; j < idxSize[1]; j++)
                for (int k = 0; k < idxSize[2]; k++)
                {
                    int[] ii = [i, j, k];
                    ii[dim] = (int)iv[(i * idxSize[1] + j) * idxSize[2] + k];
                    int t = (ii[0] * n + ii[1]) * o + ii[2];
                    double value = fn == Method.ScatterScalar ? scalar : sv[(i * srcSize[1] + j) * srcSize[2] + k];
                    if (fn == Method.ScatterAdd) { expected[t] += value; continue; }
                    if (!includeSelf && counts[t] == 0) expected[t] = value;
                    else expected[t] = reduction switch
                    {
                        ScatterReduceMode.Sum or ScatterReduceMode.Mean => expected[t] + value,
                        ScatterReduceMode.Prod => expected[t] * value,
                        ScatterReduceMode.Amax => Math.Max(expected[t], value),
                        ScatterReduceMode.Amin => Math.Min(expected[t], value),
                        _ => value,
                    };
                    expected[t] = Wrap(expected[t], dtype);
                    counts[t]++;
                }
        if (reduction == ScatterReduceMode.Mean)
            for (int t = 0; t < expected.Length; t++)
            {
                int c = Math.Max(counts[t], 1);
                expected[t] = dtype.IsFloatingPoint() ? expected[t] / c : Math.Floor(expected[t] / c);
            }
        var expectedT = Tensor.From(expected).Reshape(m, n, o).To(dtype == DType.Bool ? DType.Float64 : dtype);
        if (dtype == DType.Bool) expectedT = expectedT != 0;
        Tensor actual = fn switch
        {
            Method.Scatter => b.Clone().Scatter_(dim, idx, src),
            Method.ScatterScalar => b.Clone().Scatter_(dim, idx, scalar),
            Method.ScatterAdd => b.Clone().ScatterAdd_(dim, idx, src),
            _ => b.Clone().ScatterReduce_(dim, idx, src, reduction!.Value, includeSelf),
        };
        if (dtype == DType.Float32 && reduction is ScatterReduceMode.Prod or ScatterReduceMode.Mean or ScatterReduceMode.Sum || fn == Method.ScatterAdd && dtype == DType.Float32)
            Eq(expectedT, actual, 1e-5, 1e-5);
        else Eq(expectedT, actual, 0, 0);

        var dst = Make([2, 2], dtype);
        var empty = Tensor.Zeros([0], DType.Int64);
        var src2 = Make([2, 2], dtype);
        Tensor res = fn switch
        {
            Method.ScatterAdd => dst.Clone().ScatterAdd_(0, empty, src2),
            Method.ScatterReduce => dst.Clone().ScatterReduce_(0, empty, src2, reduction!.Value),
            _ => dst.Clone().Scatter_(0, empty, src2),
        };
        Eq(dst, res, 0, 0);
    }

    /// <summary>Integer results wrap around like the dtype's own arithmetic (the original keeps uint8 in uint8).</summary>
    private static double Wrap(double v, DType dtype) => dtype switch
    {
        DType.UInt8 => (byte)(long)v,
        DType.Int32 => unchecked((int)(long)v),
        _ => v,
    };

    [Theory(DisplayName = P + "test_scatter_")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_scatter_(DType dtype)
    {
        for (int seed = 0; seed < 2; seed++) ScatterBase(Method.Scatter, dtype, null, seed: seed);
    }

    [Theory(DisplayName = P + "test_scatter__scalar")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_scatter__scalar(DType dtype) => ScatterBase(Method.ScatterScalar, dtype, null);

    [Theory(DisplayName = P + "test_scatter_add_")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_scatter_add_(DType dtype)
    {
        for (int seed = 0; seed < 2; seed++) ScatterBase(Method.ScatterAdd, dtype, null, seed: seed);
    }

    [Fact(DisplayName = P + "test_scatter_add_mult_index_base")]
    public void test_scatter_add_mult_index_base()
    {
        int m = 30, n = 40;
        var idx = Tensor.Zeros([m, n], DType.Int64);
        var src = Tensor.Ones(m, n);
        var res0 = Tensor.Zeros(m, n).ScatterAdd_(0, idx, src);
        var res1 = Tensor.Zeros(m, n).ScatterAdd_(1, idx, src);
        Eq(Tensor.Ones(n) * m, res0[0, ..], 0, 0);
        Eq(Tensor.Ones(m) * n, res1[.., 0], 0, 0);
    }

    public static TheoryData<DType, bool> ReduceCases(bool withBool)
    {
        var d = new TheoryData<DType, bool>();
        foreach (var t in withBool ? [.. AllTypes, DType.Bool] : AllTypes)
            foreach (var inc in new[] { true, false }) d.Add(t, inc);
        return d;
    }

    [Theory(DisplayName = P + "test_scatter_reduce_sum")]
    [MemberData(nameof(ReduceCases), false)]
    public void test_scatter_reduce_sum(DType dtype, bool includeSelf) =>
        ScatterBase(Method.ScatterReduce, dtype, ScatterReduceMode.Sum, uniqueIndices: false, includeSelf: includeSelf);

    [Theory(DisplayName = P + "test_scatter_reduce_prod")]
    [MemberData(nameof(ReduceCases), true)]
    public void test_scatter_reduce_prod(DType dtype, bool includeSelf) =>
        ScatterBase(Method.ScatterReduce, dtype, ScatterReduceMode.Prod, uniqueIndices: false, includeSelf: includeSelf);

    [Theory(DisplayName = P + "test_scatter_reduce_mean")]
    [MemberData(nameof(ReduceCases), false)]
    public void test_scatter_reduce_mean(DType dtype, bool includeSelf) =>
        ScatterBase(Method.ScatterReduce, dtype, ScatterReduceMode.Mean, uniqueIndices: false, includeSelf: includeSelf);

    [Theory(DisplayName = P + "test_scatter_reduce_amax")]
    [MemberData(nameof(ReduceCases), true)]
    public void test_scatter_reduce_amax(DType dtype, bool includeSelf)
    {
        ScatterBase(Method.ScatterReduce, dtype, ScatterReduceMode.Amax, uniqueIndices: false, includeSelf: includeSelf);
        if (!dtype.IsFloatingPoint()) return;
        var input = Tensor.Zeros([3], dtype);
        var src = D([1, double.NaN, double.NegativeInfinity, double.NegativeInfinity, 2, double.PositiveInfinity]).To(dtype);
        input.ScatterReduce_(0, Idx(0, 0, 1, 1, 2, 2), src, ScatterReduceMode.Amax, includeSelf);
        Eq(D([double.NaN, includeSelf ? 0 : double.NegativeInfinity, double.PositiveInfinity]).To(dtype), input);
    }

    [Theory(DisplayName = P + "test_scatter_reduce_amin")]
    [MemberData(nameof(ReduceCases), true)]
    public void test_scatter_reduce_amin(DType dtype, bool includeSelf)
    {
        ScatterBase(Method.ScatterReduce, dtype, ScatterReduceMode.Amin, uniqueIndices: false, includeSelf: includeSelf);
        if (!dtype.IsFloatingPoint()) return;
        var input = Tensor.Zeros([3], dtype);
        var src = D([1, double.NaN, -2, double.NegativeInfinity, double.PositiveInfinity, double.PositiveInfinity]).To(dtype);
        input.ScatterReduce_(0, Idx(0, 0, 1, 1, 2, 2), src, ScatterReduceMode.Amin, includeSelf);
        Eq(D([double.NaN, double.NegativeInfinity, includeSelf ? 0 : double.PositiveInfinity]).To(dtype), input);
    }

    [Theory(DisplayName = P + "test_scatter_expanded_index")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_scatter_expanded_index(DType dtype)
    {
        foreach (var (inputSize, idxSize) in new[] { (new[] { 50, 17 }, 100), ([50, 1], 100), ([50, 8, 7], 100), ([50, 3, 4, 5], 100) })
        {
            var input = Tensor.Randn(inputSize).To(dtype);
            var input2 = input.Clone();
            int[] shape = Enumerable.Repeat(1, inputSize.Length).ToArray();
            shape[0] = idxSize;
            var idx = Tensor.Randint(0, inputSize[0], shape);
            idx = Tensor.Where((idx > 1) & (idx < 4), Tensor.From(0L), idx);
            int[] expanded = (int[])inputSize.Clone();
            expanded[0] = idxSize;
            idx = idx.Expand(expanded);
            var idx2 = idx.Contiguous();
            var src = Tensor.Randn(expanded).To(dtype);
            Eq(input2.ScatterAdd(0, idx2, src), input.ScatterAdd(0, idx, src));
            foreach (var reduce in Enum.GetValues<ScatterReduceMode>())
                foreach (var includeSelf in new[] { true, false })
                    Eq(input2.ScatterReduce(0, idx2, src, reduce, includeSelf), input.ScatterReduce(0, idx, src, reduce, includeSelf));
        }
    }

    [Fact(DisplayName = P + "test_scatter_add_broadcasted_index_deterministic")]
    public void test_scatter_add_broadcasted_index_deterministic()
    {
        for (int d = 0; d < 2; d++)
        {
            var inp = Tensor.Randn(3, 4, 5);
            var idx1d = Tensor.Randint(3, [10]);
            int[] srcShape = [3, 4, 5];
            srcShape[d] = 10;
            var src = Tensor.Randn(srcShape);
            int[] view = [1, 1, 1];
            view[d] = 10;
            var idx = idx1d.View(view).Expand(srcShape);
            Eq(inp.Clone().ScatterAdd_(d, idx.Contiguous(), src), inp.Clone().ScatterAdd_(d, idx, src));
        }
    }

    [Theory(DisplayName = P + "test_gather_expanded_index")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_gather_expanded_index(DType dtype)
    {
        var input = Tensor.Arange(25).View(5, 5);
        var idx0 = Tensor.Arange(5).View(5, 1);
        Eq(input.Gather(0, idx0).To(dtype), input.To(dtype).Gather(0, idx0), 0, 0);
        foreach (var (inputSize, idxSize) in new[] { (new[] { 50, 17 }, 100), ([50, 1], 100), ([50, 8, 7], 100), ([50, 3, 4, 5], 100) })
        {
            var inp = Tensor.Randn(inputSize).To(dtype);
            int[] shape = Enumerable.Repeat(1, inputSize.Length).ToArray();
            shape[0] = idxSize;
            var idx = Tensor.Randint(0, inputSize[0], shape);
            int[] expanded = (int[])inputSize.Clone();
            expanded[0] = idxSize;
            idx = idx.Expand(expanded);
            Eq(inp.Gather(0, idx.Contiguous()), inp.Gather(0, idx), 0, 0);

            // an unsqueezed index: size > 1 with stride 1 at dim 1, stride 0 elsewhere
            var u = Tensor.Randint(0, inputSize[0], [inputSize[1]]).Unsqueeze(1).T;
            for (int k = 3; k <= inputSize.Length; k++) u = u.Unsqueeze(k - 1);
            expanded[0] = 1;
            u = u.Expand(expanded);
            Eq(inp.Gather(0, u.Contiguous()), inp.Gather(0, u), 0, 0);
        }
    }
}
