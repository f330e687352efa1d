using static Nabla.PyTorchTests.Check;

namespace Nabla.PyTorchTests;

/// <summary>Ports of pytorch/test/test_sort_and_select.py (CPU, the dtypes Nabla has).</summary>
public class TestSortAndSelect
{
    private const string P = "test_sort_and_select.py::TestSortAndSelect::";
    /// <summary>The original's all_types for the dtypes Nabla has.</summary>
    public static TheoryData<DType> NablaTypes => [DType.UInt8, DType.Int32, DType.Int64, DType.Float32, DType.Float64];

    /// <summary>The original's assertIsOrdered: each row ordered (NaN last ascending, first descending), indices a permutation giving the values.</summary>
    private static void AssertIsOrdered(bool descending, Tensor x, Tensor values, Tensor indices)
    {
        int rows = x.Size(0), size = x.Size(1);
        var xv = V(x);
        var mv = V(values);
        var iv = Ls(indices);
        for (int r = 0; r < rows; r++)
        {
            var seen = new HashSet<long>();
            for (int j = 0; j < size; j++)
            {
                double m = mv[r * size + j];
                if (j > 0)
                {
                    double prev = mv[r * size + j - 1];
                    Assert.True(descending ? double.IsNaN(prev) || prev >= m : double.IsNaN(m) || prev <= m, $"unordered at row {r}, column {j}");
                }
                double picked = xv[r * size + iv[r * size + j]];
                Assert.True(picked.Equals(m), $"index wrong at row {r}, column {j}");
                seen.Add(iv[r * size + j]);
            }
            Assert.Equal(size, seen.Count);
        }
    }

    [Theory(DisplayName = P + "test_sort")]
    [InlineData(4)]
    [InlineData(2049)]
    public void test_sort(int size)
    {
        var x = Tensor.Rand(4, size);
        var (v1, i1) = x.Sort();
        Eq(i1, x.Argsort(), 0, 0);
        AssertIsOrdered(false, x, v1, i1);
        Eq(Fl([10, 20, 30, 40, 50]), Fl([50, 40, 30, 20, 10]).Sort().Values, 0, 0);

        x = (Tensor.Rand(4, size) * 10).To(DType.Int64).To(DType.Float32); // floor of non-negative values
        var (v2, i2) = x.Sort();
        AssertIsOrdered(false, x, v2, i2);

        x = Tensor.Rand(4, size);
        (v1, i1) = x.Sort(x.Dim - 1, true);
        Eq(i1, x.Argsort(x.Dim - 1, true), 0, 0);
        AssertIsOrdered(true, x, v1, i1);
        Eq(Fl([50, 40, 30, 20, 10]), Fl([10, 20, 30, 40, 50]).Sort(0, true).Values, 0, 0);

        var y = Tensor.From(Enumerable.Repeat(new long[] { 1, 10, 2, 2, 3, 7, 7, 8, 9, 9 }, 3).SelectMany(a => a).ToArray());
        Eq(y.Sort(stable: true).Indices, y.Argsort(stable: true), 0, 0);
        Eq(y.Sort(stable: false).Indices, y.Argsort(stable: false), 0, 0);
        Eq(y.Sort().Indices, y.Argsort(), 0, 0);

        x = Tensor.Rand(4, size);
        x[1, 2] = Tensor.From(float.NaN);
        x[3, 0] = Tensor.From(float.NaN);
        (v2, i2) = x.Sort();
        AssertIsOrdered(false, x, v2, i2);
        (v2, i2) = x.Sort(descending: true);
        AssertIsOrdered(true, x, v2, i2);
    }

    [Fact(DisplayName = P + "test_sort_stable_none")]
    public void test_sort_stable_none()
    {
        var y = Tensor.Ones(10).Sort().Values;
        Assert.True((y == Tensor.Ones(10)).All().Item<bool>());
    }

    [Theory(DisplayName = P + "test_stable_sort")]
    [MemberData(nameof(NablaTypes))]
    public void test_stable_sort(DType dtype)
    {
        foreach (var ncopies in new[] { 100, 1000, 10000 })
        {
            var x = Tensor.From(Enumerable.Range(0, 2 * ncopies).Select(i => (long)(i % 2)).ToArray()).To(dtype);
            var idx = x.Sort(stable: true).Indices;
            Eq(Tensor.Arange(0, 2 * ncopies, 2), idx[..ncopies], 0, 0);
            Eq(Tensor.Arange(1, 2 * ncopies, 2), idx[ncopies..], 0, 0);
        }
    }

    [Fact(DisplayName = P + "test_sort_restride")]
    public void test_sort_restride()
    {
        var tensor = Tensor.Randn(3, 5)[.., 0];
        var (values, indices) = tensor.Sort();
        Assert.Equal(new[] { 1 }, values.Stride());
        Assert.Equal(new[] { 1 }, indices.Stride());
        Eq(values, tensor[indices]);
    }

    [Fact(DisplayName = P + "test_sort_discontiguous (shapes of 5, 7 and 49)")]
    public void test_sort_discontiguous()
    {
        // The original (slowTest on CPU) uses 2049 for the long side; 49 keeps the permutations quick.
        int[] sizes = [5, 7, 49];
        foreach (var shape in Permutations(sizes))
            foreach (var perm in Permutations([0, 1, 2]))
                for (int dim = 0; dim < 3; dim++)
                {
                    var t = Tensor.Randn(shape).Permute(perm);
                    var r1 = t.Sort(dim);
                    var r2 = t.Contiguous().Sort(dim);
                    Eq(r2.Values, r1.Values, 0, 0);
                    Eq(r2.Indices, r1.Indices, 0, 0);
                    int n = t.Size(dim);
                    Assert.True((r1.Values.Narrow(dim, 1, n - 1) >= r1.Values.Narrow(dim, 0, n - 1)).All().Item<bool>());
                }
    }

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1) { yield return items; yield break; }
        for (int i = 0; i < items.Length; i++)
            foreach (var rest in Permutations(items.Where((_, j) => j != i).ToArray()))
                yield return [items[i], .. rest];
    }

    [Fact(DisplayName = P + "test_sort_1d_output_discontiguous")]
    public void test_sort_1d_output_discontiguous()
    {
        var tensor = Tensor.Randn(12)[..6];
        var (values, indices) = tensor.Sort();
        var (vc, ic) = tensor.Contiguous().Sort();
        Eq(ic, indices, 0, 0);
        Eq(vc, values, 0, 0);
    }

    [Theory(DisplayName = P + "test_sort_1d_parallel")]
    [InlineData(DType.UInt8)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    public void test_sort_1d_parallel(DType dtype)
    {
        long low = dtype == DType.UInt8 ? 0 : -128;
        var tensor = Tensor.Randint(low, 127, [100000], dtype);
        var vals = tensor.Sort(stable: true).Values;
        Assert.True((vals[..^1] <= vals[1..]).All().Item<bool>());
    }

    [Fact(DisplayName = P + "test_topk_1d_output_discontiguous")]
    public void test_topk_1d_output_discontiguous()
    {
        var tensor = Tensor.Randn(12);
        foreach (var sorted in new[] { true, false })
        {
            var (v, i) = tensor.Topk(6, sorted: sorted);
            var (vc, ic) = tensor.Contiguous().Topk(6, sorted: sorted);
            Eq(ic, i, 0, 0);
            Eq(vc, v, 0, 0);
        }
    }

    [Theory(DisplayName = P + "test_stable_sort_against_numpy")]
    [MemberData(nameof(NablaTypes))]
    public void test_stable_sort_against_numpy(DType dtype)
    {
        // np.argsort(kind='stable') written out: positions ordered by (value, position), NaN after everything.
        bool floating = dtype.IsFloatingPoint();
        double inf = floating ? double.PositiveInfinity : dtype == DType.UInt8 ? 255 : dtype == DType.Int32 ? int.MaxValue : long.MaxValue;
        double negInf = floating ? double.NegativeInfinity : dtype == DType.UInt8 ? 0 : dtype == DType.Int32 ? int.MinValue : long.MinValue;
        double nan = floating ? double.NaN : inf;

        var samples = new List<(Tensor, int)>();
        foreach (var size in new[] { 1025, 10000, 100 })
            samples.Add((Tensor.From(Enumerable.Range(0, 2 * size).Select(i => (long)(i % 2)).ToArray()).To(dtype), 0));
        var rng = new Random(5);
        foreach (var sizes in new[] { new[] { 1, 10 }, [10, 1], [10, 10], [10, 10, 10] })
        {
            int size = sizes.Min();
            var x = (Tensor.Randn(sizes) * size).To(dtype);
            samples.Add((x, 0));
            for (int dim = 0; dim < sizes.Length; dim++)
            {
                var fills = new[] { inf, negInf, nan };
                var idxs = fills.Select(_ => Tensor.From(Enumerable.Range(0, size / 10).Select(_ => (long)rng.Next(size)).ToArray())).ToArray();
                for (int mask = 1; mask < 8; mask++)
                {
                    var res = x;
                    for (int k = 0; k < 3; k++)
                        if ((mask & (1 << k)) != 0) res = res.IndexFill(dim, idxs[k], fills[k]);
                    samples.Add((res, dim));
                }
            }
        }
        foreach (var (sample, dim) in samples)
        {
            var idx = sample.Sort(dim, stable: true).Indices;
            var moved = sample.Transpose(dim, -1).Contiguous();
            var expected = moved.Reshape(-1, moved.Size(-1));
            var rows = expected.Size(0);
            int n = expected.Size(1);
            var vals = V(expected);
            var want = new long[rows * n];
            for (int r = 0; r < rows; r++)
            {
                var order = Enumerable.Range(0, n).OrderBy(j => double.IsNaN(vals[r * n + j]) ? 1 : 0).ThenBy(j => double.IsNaN(vals[r * n + j]) ? 0 : vals[r * n + j]).ThenBy(j => j).ToArray();
                for (int j = 0; j < n; j++) want[r * n + j] = order[j];
            }
            Assert.Equal(want, Ls(idx.Transpose(dim, -1).Contiguous()));
        }
    }

    [Theory(DisplayName = P + "test_msort")]
    [MemberData(nameof(NablaTypes))]
    public void test_msort(DType dtype)
    {
        foreach (var shape in new[] { Array.Empty<int>(), [0], [20], [1, 20], [30, 30], [10, 20, 30] })
        {
            var tensor = (Tensor.Rand(shape) * 18 - 9).To(dtype);
            var result = tensor.Msort();
            if (shape.Length == 0 || tensor.Numel == 0) { Eq(tensor, result, 0, 0); continue; }
            // np.msort: sort along the first axis
            var expected = tensor.Transpose(0, -1).Contiguous();
            var rows = V(expected.Reshape(-1, expected.Size(-1)));
            int n = expected.Size(-1);
            for (int r = 0; n > 0 && r < rows.Length / n; r++) Array.Sort(rows, r * n, n);
            Eq(Tensor.From(rows).Reshape(expected.Shape).Transpose(0, -1), result, 0, 0);
        }
    }

    [Fact(DisplayName = P + "test_sort_expanded_tensor")]
    public void test_sort_expanded_tensor()
    {
        var data = Tensor.From(1f).Expand(1, 1, 1);
        var r = Tensor.Ones(1, 1, 1);
        var o = data.Sort(1, true, true);
        var e = r.Sort(1, true, true);
        Eq(e.Values, o.Values);
        Eq(e.Indices, o.Indices);
        data = Tensor.Randn(4, 1, 10).Expand(4, 8, 10);
        o = data.Sort(1, true, true);
        e = data.Contiguous().Sort(1, true, true);
        Eq(e.Values, o.Values);
        Eq(e.Indices, o.Indices);
    }

    [Fact(DisplayName = P + "test_topk")]
    public void test_topk()
    {
        var rng = new Random(11);
        void Compare(Tensor t, int k, int dim, bool dir)
        {
            var (tv, ti) = t.Topk(k, dim, dir, true);
            var (sv, si) = t.Sort(dim, dir);
            var sortK = sv.Narrow(dim, 0, k);
            Eq(sortK, tv, 0, 0);
            if (!(si.Narrow(dim, 0, k) == ti).All().Item<bool>()) Eq(sortK, t.Gather(dim, ti), 0, 0);
        }
        var t = Tensor.Rand(rng.Next(1, 100), rng.Next(1, 100), rng.Next(1, 100));
        for (int tries = 0; tries < 9; tries++)
            foreach (var transpose in new[] { true, false })
                foreach (var dir in new[] { true, false })
                {
                    var test = t;
                    if (transpose)
                    {
                        int d1 = rng.Next(3), d2 = d1;
                        while (d1 == d2) d2 = rng.Next(3);
                        test = t.Transpose(d1, d2);
                    }
                    int dim = rng.Next(3);
                    Compare(test, rng.Next(1, test.Size(dim) + 1), dim, dir);
                }
        t = Tensor.Randn(2, 100000);
        Compare(t, 2000, 1, true);
        Compare(t, 2000, 1, false);
        t = Tensor.Randn(2, 10000);
        Compare(t, 2000, 1, true);
        Compare(t, 2000, 1, false);
    }

    [Fact(DisplayName = P + "test_unique_dim")]
    public void test_unique_dim()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int64, DType.UInt8, DType.Bool })
        {
            bool isBool = dtype == DType.Bool;
            var x = D([1, 1, 0, 1, 2, 1, 0, 1, 1, 1, 0, 1, 2, 1, 0, 1], 2, 4, 2).To(dtype);
            var uDim0 = D([1, 1, 0, 1, 2, 1, 0, 1], 1, 4, 2).To(dtype);
            var uDim1 = isBool ? B([false, true, true, true, false, true, true, true], 2, 2, 2) : D([0, 1, 1, 1, 2, 1, 0, 1, 1, 1, 2, 1], 2, 3, 2).To(dtype);
            var invDim1 = isBool ? Idx(1, 0, 1, 0) : Idx(1, 0, 2, 0);
            var cntDim1 = isBool ? Idx(2, 2) : Idx(2, 1, 1);

            var (u, inv, cnt) = x.Unique(returnInverse: true, returnCounts: true, dim: 0);
            Eq(uDim0, u, 0, 0, exactDType: true);
            Eq(Idx(0, 0), inv!, 0, 0);
            Eq(Idx(2), cnt!, 0, 0);
            (u, inv, cnt) = x.Unique(returnInverse: true, returnCounts: true, dim: 1);
            Eq(uDim1, u, 0, 0);
            Eq(invDim1, inv!, 0, 0);
            Eq(cntDim1, cnt!, 0, 0);
            (u, inv, cnt) = x.Unique(returnInverse: true, returnCounts: true, dim: 2);
            Eq(x, u, 0, 0);
            Eq(Idx(0, 1), inv!, 0, 0);
            Eq(Idx(1, 1), cnt!, 0, 0);
            Assert.Null(x.Unique(dim: 2).Inverse);

            (u, inv, cnt) = Tensor.Zeros([5, 0], dtype).Unique(returnInverse: true, returnCounts: true, dim: 1);
            Assert.Equal(new[] { 5, 0 }, u.Shape);
            Assert.Equal(0, inv!.Numel);
            Assert.Equal(0, cnt!.Numel);

            if (dtype.IsFloatingPoint())
            {
                var xNan = D([double.NaN, 0, 0, double.NaN, double.NaN, 1]).To(dtype);
                (u, inv, cnt) = xNan.Unique(returnInverse: true, returnCounts: true, dim: 0);
                Eq(D([double.NaN, 0, double.NaN, double.NaN, 1]).To(dtype), u, 0, 0);
                Eq(Idx(0, 1, 1, 2, 3, 4), inv!, 0, 0);
                Eq(Idx(1, 2, 1, 1, 1), cnt!, 0, 0);
                (u, inv, cnt) = xNan.UniqueConsecutive(returnInverse: true, returnCounts: true, dim: 0);
                Eq(D([double.NaN, 0, double.NaN, double.NaN, 1]).To(dtype), u, 0, 0);
                Eq(Idx(0, 1, 1, 2, 3, 4), inv!, 0, 0);
                Eq(Idx(1, 2, 1, 1, 1), cnt!, 0, 0);
            }

            Assert.ThrowsAny<ArgumentException>(() => Tensor.Zeros([5, 0, 0], dtype).Unique(returnInverse: true, returnCounts: true, dim: 1));
            Assert.ThrowsAny<ArgumentException>(() => Tensor.Zeros([5, 0, 5], dtype).Unique(returnInverse: true, returnCounts: true, dim: 2));

            var y = D([0, 1, 0, 1, 0, 1, 1, 2, 1, 2, 3, 4, 0, 1, 0, 1, 3, 4, 1, 2], 10, 2).To(dtype);
            var (_, yInv, yCnt) = y.UniqueConsecutive(returnInverse: true, returnCounts: true, dim: 0);
            Eq(isBool ? Idx(0, 0, 0, 1, 1, 1, 2, 2, 3, 3) : Idx(0, 0, 0, 1, 1, 2, 3, 3, 4, 5), yInv!, 0, 0);
            Eq(isBool ? Idx(3, 3, 2, 2) : Idx(3, 2, 1, 2, 1, 1), yCnt!, 0, 0);

            // Dims >= 3 sorted like np.unique(axis=d): slices in lexicographic order
            var x4 = D([1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0,
                        0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0], 2, 2, 2, 6).To(dtype);
            for (int d = 0; d < 4; d++)
            {
                var t = x4.Unique(dim: d).Output;
                var slices = Enumerable.Range(0, x4.Size(d)).Select(i => V(x4.Select(d, i).Contiguous())).ToList();
                var distinct = slices.Distinct(new SeqEq()).OrderBy(s => s, new LexCmp()).ToList();
                Assert.Equal(distinct.Count, t.Size(d));
                for (int i = 0; i < distinct.Count; i++) Assert.Equal(distinct[i], V(t.Select(d, i).Contiguous()));
            }
        }
    }

    private sealed class SeqEq : IEqualityComparer<double[]>
    {
        public bool Equals(double[]? a, double[]? b) => a!.SequenceEqual(b!);
        public int GetHashCode(double[] a) => a.Aggregate(17, (h, v) => h * 31 + v.GetHashCode());
    }

    private sealed class LexCmp : IComparer<double[]>
    {
        public int Compare(double[]? a, double[]? b)
        {
            for (int i = 0; i < a!.Length; i++) if (a[i] != b![i]) return a[i].CompareTo(b[i]);
            return 0;
        }
    }

    [Theory(DisplayName = P + "test_topk_integral")]
    [InlineData(DType.UInt8)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    public void test_topk_integral(DType dtype)
    {
        long lo = dtype == DType.UInt8 ? 0 : dtype == DType.Int32 ? int.MinValue : long.MinValue / 2;
        long hi = dtype == DType.UInt8 ? 255 : dtype == DType.Int32 ? int.MaxValue : long.MaxValue / 2;
        foreach (var size in new[] { 10, 4096, 8192 })
        {
            var a = Tensor.Randint(lo, hi, [size], dtype);
            var sortTopk = a.Sort().Values[(size - size / 2)..].Flip(0);
            var topk = a.Topk(size / 2);
            Eq(sortTopk, topk.Values, 0, 0);
            Eq(sortTopk, a[topk.Indices], 0, 0);
        }
    }

    [Theory(DisplayName = P + "test_topk_nonfinite")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_topk_nonfinite(DType dtype)
    {
        var x = D([double.NaN, double.PositiveInfinity, 1e4, 0, -1e4, double.NegativeInfinity]).To(dtype);
        var (val, idx) = x.Topk(4);
        Eq(D([double.NaN, double.PositiveInfinity, 1e4, 0]).To(dtype), val, 0, 0);
        Assert.Equal(new long[] { 0, 1, 2, 3 }, Ls(idx));
        (val, idx) = x.Topk(4, largest: false);
        Eq(D([double.NegativeInfinity, -1e4, 0, 1e4]).To(dtype), val, 0, 0);
        Assert.Equal(new long[] { 5, 4, 3, 2 }, Ls(idx));
    }

    [Fact(DisplayName = P + "test_topk_4d")]
    public void test_topk_4d()
    {
        foreach (var size in new[] { 128, 8192 })
        {
            var x = Tensor.Ones(2, size, 2, 2);
            x[.., 1] = x[.., 1] * 2;
            x[.., 10] = x[.., 10] * 1.5;
            var (val, ind) = x.Topk(2, 1);
            var expectedInd = Tensor.Ones([2, 2, 2, 2], DType.Int64);
            expectedInd[.., 1] = Tensor.From(10L);
            var expectedVal = Tensor.Ones(2, 2, 2, 2);
            expectedVal[.., 0] = Tensor.From(2f);
            expectedVal[.., 1] = Tensor.From(1.5f);
            Eq(expectedVal, val, 0, 0);
            Eq(expectedInd, ind, 0, 0);
        }
    }

    [Theory(DisplayName = P + "test_topk_zero")]
    [MemberData(nameof(NablaTypes))]
    public void test_topk_zero(DType dtype)
    {
        var t = Tensor.Rand(2, 2).To(dtype);
        var (val, idx) = t.Topk(0, largest: false);
        Assert.Equal(new[] { 2, 0 }, val.Shape);
        Assert.Equal(new[] { 2, 0 }, idx.Shape);
    }

    private static void UniqueScalarEmpty(DType dtype, Func<Tensor, (Tensor, Tensor?, Tensor?)> f)
    {
        var (u, inv, cnt) = f(Tensor.Full([], 0, dtype));
        Eq(Tensor.Zeros([1], dtype), u, 0, 0, exactDType: true);
        Eq(Tensor.From(0L), inv!, 0, 0);
        Assert.Equal(0, inv!.Dim);
        Eq(Idx(1), cnt!, 0, 0);
        (u, inv, cnt) = f(Tensor.Zeros([0, 0, 3], dtype));
        Assert.Equal(new[] { 0 }, u.Shape);
        Assert.Equal(new[] { 0, 0, 3 }, inv!.Shape);
        Assert.Equal(DType.Int64, inv.DType);
        Assert.Equal(new[] { 0 }, cnt!.Shape);
    }

    private static void UniqueWithExpects(Func<Tensor, bool, bool, (Tensor, Tensor?, Tensor?)> f, Tensor x,
        Tensor expectedUnique, Tensor expectedInverse, Tensor expectedCounts, int[] additionalShape)
    {
        foreach (var returnInverse in new[] { true, false })
            foreach (var returnCounts in new[] { true, false })
            {
                var (u, inv, cnt) = f(x, returnInverse, returnCounts);
                Eq(expectedUnique, u, 0, 0, exactDType: true);
                Assert.Equal(returnInverse, inv is not null);
                Assert.Equal(returnCounts, cnt is not null);
                if (returnInverse) Eq(expectedInverse, inv!, 0, 0);
                if (returnCounts) Eq(expectedCounts, cnt!, 0, 0);
            }
        var (yu, yi, yc) = f(x.View(additionalShape), true, true);
        Eq(expectedUnique, yu, 0, 0);
        Eq(expectedInverse.View(additionalShape), yi!, 0, 0);
        Eq(expectedCounts, yc!, 0, 0);
    }

    [Theory(DisplayName = P + "test_unique")]
    [InlineData(DType.Bool)]
    [MemberData(nameof(NablaTypes))]
    public void test_unique(DType dtype)
    {
        Tensor x, eu, ei, ec;
        if (dtype == DType.Bool)
        {
            x = B([true, false, false, false, true, false, true, false]);
            eu = B([false, true]);
            ei = Idx(1, 0, 0, 0, 1, 0, 1, 0);
            ec = Idx(5, 3);
        }
        else
        {
            x = L([1, 2, 3, 2, 8, 5, 2, 3]).To(dtype);
            eu = L([1, 2, 3, 5, 8]).To(dtype);
            ei = Idx(0, 1, 2, 1, 4, 3, 1, 2);
            ec = Idx(1, 3, 2, 1, 1);
        }
        var xSliced = Tensor.Zeros([x.Size(0) * 2], dtype)[TensorIndex.Slice(null, null, 2)];
        xSliced.Copy_(x);
        foreach (var sorted in new[] { true, false })
            foreach (var input in new[] { x, xSliced })
            {
                UniqueWithExpects((t, i, c) => t.Unique(sorted, i, c), input, eu, ei, ec, [2, 2, 2]);
                UniqueScalarEmpty(dtype, t => t.Unique(sorted, true, true));
            }
    }

    [Theory(DisplayName = P + "test_unique_consecutive")]
    [InlineData(DType.Bool)]
    [MemberData(nameof(NablaTypes))]
    public void test_unique_consecutive(DType dtype)
    {
        Tensor x, eu, ei, ec;
        if (dtype == DType.Bool)
        {
            x = B([true, false, false, false, true, true, false, false, false]);
            eu = B([true, false, true, false]);
            ei = Idx(0, 1, 1, 1, 2, 2, 3, 3, 3);
            ec = Idx(1, 3, 2, 3);
        }
        else
        {
            x = L([1, 2, 2, 2, 5, 5, 2, 2, 3]).To(dtype);
            eu = L([1, 2, 5, 2, 3]).To(dtype);
            ei = Idx(0, 1, 1, 1, 2, 2, 3, 3, 4);
            ec = Idx(1, 3, 2, 2, 1);
        }
        UniqueWithExpects((t, i, c) => t.UniqueConsecutive(i, c), x, eu, ei, ec, [3, 3]);
        UniqueScalarEmpty(dtype, t => t.UniqueConsecutive(true, true));
    }

    [Fact(DisplayName = P + "test_kthvalue")]
    public void test_kthvalue()
    {
        const int SIZE = 50;
        var rng = new Random(13);
        var x = Tensor.Rand([SIZE, SIZE, SIZE], DType.Float64);
        var x0 = x.Clone();
        int k = rng.Next(1, SIZE + 1);
        var (v1, i1) = x.Kthvalue(k);
        var (v2, i2) = x.Sort();
        Eq(v2[.., .., k - 1], v1, 0, 0);
        Eq(i2[.., .., k - 1], i1, 0, 0);
        k = rng.Next(1, SIZE + 1);
        (v1, i1) = x.Kthvalue(k, 0);
        (v2, i2) = x.Sort(0);
        Eq(v2[k - 1], v1, 0, 0);
        Eq(i2[k - 1], i1, 0, 0);

        var y = x.Narrow(1, 0, 1);
        k = rng.Next(1, SIZE + 1);
        (v1, i1) = y.Kthvalue(k);
        (v2, i2) = y.Contiguous().Kthvalue(k);
        Eq(v2, v1, 0, 0);
        Eq(i2, i1, 0, 0);

        var nonContig = D([0, -1, 1, -2, 2])[TensorIndex.Slice(null, null, 2)];
        var (ev, ei) = nonContig.Contiguous().Kthvalue(2);
        var (ov, oi) = nonContig.Kthvalue(2);
        Eq(ev, ov, 0, 0);
        Eq(ei, oi, 0, 0);
        Eq(x0, x, 0, 0);

        var z = D([3, 5, 4, 1, 1, 5]);
        Assert.Equal(3.0, z.Kthvalue(3).Values.Item<double>());
        Assert.Equal(1.0, z.Kthvalue(2).Values.Item<double>());

        x = Tensor.Rand([SIZE, SIZE, SIZE], DType.Float64);
        x[Tensor.Arange(SIZE), .., Tensor.Randint(SIZE, [SIZE])] = Tensor.From(double.NaN);
        (v2, i2) = x.Sort();
        foreach (var kk in new[] { rng.Next(1, SIZE + 1), 1, SIZE, SIZE - 1 })
        {
            (v1, i1) = x.Kthvalue(kk);
            Eq(v2[.., .., kk - 1], v1, 0, 0);
            Eq(i2[.., .., kk - 1], i1, 0, 0);
        }
    }

    [Fact(DisplayName = P + "test_kthvalue_scalar")]
    public void test_kthvalue_scalar()
    {
        var res = Tensor.From(2f).Kthvalue(1);
        var reference = Fl([2]).Kthvalue(1);
        Eq(reference.Values.Squeeze(), res.Values);
        Assert.Equal(0, res.Values.Dim);
        Eq(reference.Indices.Squeeze(), res.Indices);
    }

    [Theory(DisplayName = P + "test_sort_overflow")]
    [InlineData(DType.UInt8)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    public void test_sort_overflow(DType dtype)
    {
        long low = dtype == DType.UInt8 ? 0 : -1;
        long max = dtype == DType.UInt8 ? 255 : dtype == DType.Int32 ? int.MaxValue : long.MaxValue;
        var x = Tensor.Full([32768], low, dtype);
        x[..100] = Tensor.Full([], max, dtype);
        var uv = x.Sort().Values.Unique().Output;
        Assert.Equal(2, uv.Size(0));
    }
}
