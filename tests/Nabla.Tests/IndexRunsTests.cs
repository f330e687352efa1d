using Nabla.Kernels;

namespace Nabla.Tests;

/// <summary>
/// The run loop of gather / scatter (<see cref="IndexRuns"/>: dim not innermost, whole runs of one index value)
/// against the general per-element loop, bit for bit, on contiguous, strided, expanded and edge shapes; and the
/// range check of expanded indices against the same index materialised.
/// </summary>
// Changes the process-wide thread count in one test: a test running beside it could see two counts.
[Collection(nameof(Nabla.Tests.Train.DefaultGeneratorAlone))]
public class IndexRunsTests
{
    /// <summary>How the index varies along its innermost dim.</summary>
    public enum Pattern { Rows, Expanded, Random, MixedRuns }

    /// <summary>An index of shape (a, k, w) with values in [0, size) along dim 1, laid out as <paramref name="pattern"/> says.</summary>
    private static Tensor Index(int a, int k, int w, int size, Pattern pattern, int seed)
    {
        var rng = new Random(seed);
        if (pattern == Pattern.Expanded)
        {
            var column = new long[a * k];
            for (int i = 0; i < column.Length; i++) column[i] = rng.Next(size);
            return Tensor.From(column).Reshape(a, k, 1).Expand(a, k, w);
        }
        var values = new long[a * k * w];
        for (int row = 0; row < a * k; row++)
        {
            long v = rng.Next(size);
            int left = 0;
            for (int j = 0; j < w; j++)
            {
                switch (pattern)
                {
                    case Pattern.Random: v = rng.Next(size); break;
                    case Pattern.MixedRuns when left-- <= 0: v = rng.Next(size); left = rng.Next(0, 12); break;
                }
                values[row * w + j] = v;
            }
        }
        return Tensor.From(values).Reshape(a, k, w);
    }

    /// <summary>Values whose float sums depend on the order of the additions (mixed magnitudes).</summary>
    private static Tensor Values(int[] shape, DType dtype, int seed)
    {
        var g = new Generator((ulong)seed);
        var x = Tensor.Randn(shape, DType.Float64, g) * Tensor.Randn(shape, DType.Float64, g).Mul(6).Exp();
        return dtype == DType.Bool ? x.Gt(0) : x.To(dtype);
    }

    private static void SameBits(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.DType, actual.DType);
        if (expected.DType is DType.Float32 or DType.Float64)
            Assert.Equal(expected.To(DType.Float64).ToArray<double>().Select(BitConverter.DoubleToInt64Bits),
                actual.To(DType.Float64).ToArray<double>().Select(BitConverter.DoubleToInt64Bits));
        else Assert.Equal(expected.To(DType.Int64).ToArray<long>(), actual.To(DType.Int64).ToArray<long>());
    }

    private static Tensor GatherBy(Tensor source, int dim, Tensor index, bool general)
    {
        var y = Tensor.Zeros(index.Shape, source.DType);
        IndexAlongDim.Gather(source, dim, index, y, general);
        return y;
    }

    private static Tensor ScatterBy(Tensor target, int dim, Tensor index, Tensor src, ScatterMode mode, bool general)
    {
        var y = target.Clone();
        IndexAlongDim.Scatter(y, dim, index, src, mode, general);
        return y;
    }

    public static TheoryData<Pattern, DType> PatternsAndTypes()
    {
        var data = new TheoryData<Pattern, DType>();
        foreach (var p in Enum.GetValues<Pattern>())
            foreach (var t in new[] { DType.Float32, DType.Float64, DType.Int64, DType.Int32, DType.Bool })
                data.Add(p, t);
        return data;
    }

    [Theory]
    [MemberData(nameof(PatternsAndTypes))]
    public void GatherRunsMatchTheGeneralLoop(Pattern pattern, DType dtype)
    {
        var source = Values([3, 7, 40], dtype, 1);
        var index = Index(3, 5, 40, 7, pattern, 2);
        SameBits(GatherBy(source, 1, index, general: true), GatherBy(source, 1, index, general: false));
        // gather along dim 0 (nothing before dim: one group) and into a narrower index
        var along0 = Index(1, 4, 33, 3, pattern, 3).Reshape(4, 33);
        var source0 = Values([3, 40], dtype, 4);
        SameBits(GatherBy(source0, 0, along0, general: true), GatherBy(source0, 0, along0, general: false));
    }

    [Theory]
    [MemberData(nameof(PatternsAndTypes))]
    public void ScatterRunsMatchTheGeneralLoopInEveryMode(Pattern pattern, DType dtype)
    {
        var target = Values([3, 6, 40], dtype, 5);
        var index = Index(3, 9, 40, 6, pattern, 6); // more index rows than target rows: duplicates meet
        var src = Values([3, 9, 40], dtype, 7);
        foreach (var mode in Enum.GetValues<ScatterMode>())
        {
            SameBits(ScatterBy(target, 1, index, src, mode, general: true), ScatterBy(target, 1, index, src, mode, general: false));
            var scalar = Values([], dtype, 8); // a 0-d src (scatter of a value, index_fill)
            SameBits(ScatterBy(target, 1, index, scalar, mode, general: true), ScatterBy(target, 1, index, scalar, mode, general: false));
        }
    }

    [Theory]
    [InlineData(Pattern.Rows)]
    [InlineData(Pattern.Expanded)]
    [InlineData(Pattern.MixedRuns)]
    public void StridedOperandsMatchTheGeneralLoop(Pattern pattern)
    {
        // a transposed source, an index sliced with a step along its rows, a permuted src and a target with a gap
        var source = Values([40, 7, 3], DType.Float32, 9).Permute(2, 1, 0);
        var wide = Index(3, 5, 80, 7, pattern, 10);
        var index = pattern == Pattern.Expanded ? wide.Slice(2, 0, 40) : wide.Slice(2, step: 2);
        SameBits(GatherBy(source, 1, index, general: true), GatherBy(source, 1, index, general: false));

        var target = Values([3, 7, 50], DType.Float32, 11).Slice(2, 5, 45);
        var src = Values([40, 5, 3], DType.Float32, 12).Permute(2, 1, 0);
        foreach (var mode in new[] { ScatterMode.Add, ScatterMode.Assign })
            SameBits(ScatterBy(target, 1, index, src, mode, general: true), ScatterBy(target, 1, index, src, mode, general: false));
    }

    [Fact]
    public void TrailingDimsMergeIntoOneRow()
    {
        // (N, K, H, W) along dim 1 with an index expanded over H and W: rows of H * W once merged
        var source = Values([2, 6, 5, 8], DType.Float64, 13);
        var index = Index(2, 4, 1, 6, Pattern.Rows, 14).Reshape(2, 4, 1, 1).Expand(2, 4, 5, 8);
        SameBits(GatherBy(source, 1, index, general: true), GatherBy(source, 1, index, general: false));
        var src = Values([2, 4, 5, 8], DType.Float64, 15);
        SameBits(ScatterBy(source, 1, index, src, ScatterMode.Add, general: true), ScatterBy(source, 1, index, src, ScatterMode.Add, general: false));
    }

    [Fact]
    public void EdgeShapes()
    {
        // one row; rows shorter than the run loop's minimum; an empty index; a size-1 innermost dim
        foreach (var (shape, sourceShape) in new (int[], int[])[] { ([1, 1, 64], [1, 3, 64]), ([2, 3, 5], [2, 4, 5]), ([2, 0, 9], [2, 4, 9]), ([2, 3, 1], [2, 4, 1]) })
        {
            var source = Values(sourceShape, DType.Float32, 16);
            var index = Tensor.Randint(sourceShape[1], shape, generator: new Generator(17));
            SameBits(GatherBy(source, 1, index, general: true), GatherBy(source, 1, index, general: false));
            var src = Values(shape, DType.Float32, 18);
            SameBits(ScatterBy(source, 1, index, src, ScatterMode.Add, general: true), ScatterBy(source, 1, index, src, ScatterMode.Add, general: false));
        }
    }

    [Fact]
    public void LargeRunsMatchTheGeneralLoopAndDoNotDependOnTheThreadCount()
    {
        // big enough to split over threads: by the dims before dim (64 groups), and by columns (nothing before dim)
        var x = Values([64, 20, 96], DType.Float32, 19);
        var index = Index(64, 30, 96, 20, Pattern.MixedRuns, 20);
        var src = Values([64, 30, 96], DType.Float32, 21);
        var x0 = Values([20, 4096], DType.Float32, 22);
        var index0 = Index(1, 30, 4096, 20, Pattern.MixedRuns, 23).Reshape(30, 4096);
        var src0 = Values([30, 4096], DType.Float32, 24);
        Tensor[] Run(bool general) =>
        [
            GatherBy(x, 1, index, general), ScatterBy(x, 1, index, src, ScatterMode.Add, general),
            GatherBy(x0, 0, index0, general), ScatterBy(x0, 0, index0, src0, ScatterMode.Add, general),
            ScatterBy(x0, 0, index0, src0, ScatterMode.Assign, general),
        ];
        int saved = Parallelism.NumThreads;
        try
        {
            Parallelism.NumThreads = 1;
            var one = Run(general: false);
            Parallelism.NumThreads = 3;
            var three = Run(general: false);
            var reference = Run(general: true);
            for (int i = 0; i < one.Length; i++)
            {
                SameBits(reference[i], one[i]);
                SameBits(reference[i], three[i]);
            }
        }
        finally { Parallelism.NumThreads = saved; }
    }

    [Fact]
    public void GatherAndItsGradientThroughThePublicOpUseTheRuns()
    {
        // the MAE pattern: whole rows kept, the gradient scatter-added back into zeros
        var x = Values([4, 12, 32], DType.Float32, 25).RequiresGrad_();
        var keep = Tensor.Randint(12, [4, 5, 1], generator: new Generator(26)).Expand(4, 5, 32);
        var kept = x.Gather(1, keep);
        SameBits(GatherBy(x.Detach(), 1, keep, general: true), kept);
        var cot = Values([4, 5, 32], DType.Float32, 27);
        var grad = Autograd.Grad([kept], [x], [cot])[0]!;
        SameBits(ScatterBy(Tensor.Zeros(4, 12, 32), 1, keep.Contiguous(), cot, ScatterMode.Add, general: true), grad);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(12L)]
    public void ExpandedIndicesAreRefusedWithTheMessageOfTheMaterialisedIndex(long bad)
    {
        var x = Values([4, 12, 32], DType.Float32, 28);
        var column = Tensor.Randint(12, [4, 5, 1], generator: new Generator(29));
        column[2, 3, 0] = Tensor.From(bad);
        column[1, 4, 0] = Tensor.From(bad < 0 ? -7L : 40L); // an earlier bad value in row-major order
        var expanded = column.Expand(4, 5, 32);
        var fromExpanded = Assert.Throws<ArgumentException>(() => x.Gather(1, expanded)).Message;
        var fromDense = Assert.Throws<ArgumentException>(() => x.Gather(1, expanded.Contiguous())).Message;
        Assert.Equal(fromDense, fromExpanded);
        Assert.Contains($"index {(bad < 0 ? -7 : 40)} is out of bounds for dimension 1 with size 12", fromExpanded);
        var src = Values([4, 5, 32], DType.Float32, 30);
        Assert.Equal(Assert.Throws<ArgumentException>(() => x.ScatterAdd(1, expanded.Contiguous(), src)).Message,
            Assert.Throws<ArgumentException>(() => x.ScatterAdd(1, expanded, src)).Message);
    }

    [Theory]
    [InlineData(Pattern.Rows)]
    [InlineData(Pattern.MixedRuns)]
    [InlineData(Pattern.Random)]
    public void GatherTestsTheRangeInsideTheRunLoopWithTheGeneralMessage(Pattern pattern)
    {
        // big enough to split over threads; the bad values sit in a run, in a short-run block, or one per element
        var x = Values([64, 20, 96], DType.Float32, 31);
        var good = Index(64, 30, 96, 20, pattern, 32);
        SameBits(GatherBy(x, 1, good, general: true), x.Gather(1, good));
        foreach (var (first, second) in new[] { ((5, 7, 40), (50, 2, 3)), ((63, 29, 94), (63, 29, 95)), ((0, 0, 0), (40, 1, 1)) })
            foreach (long bad in new[] { -3L, 20L, long.MinValue })
            {
                var index = good.Clone();
                index[first.Item1, first.Item2, first.Item3] = Tensor.From(bad);
                index[second.Item1, second.Item2, second.Item3] = Tensor.From(99L);
                var message = Assert.Throws<ArgumentException>(() => x.Gather(1, index)).Message;
                Assert.Contains($"index {bad} is out of bounds for dimension 1 with size 20", message);
            }
    }

    [Fact]
    public void TheRangeTestFindsABadValueAnywhere()
    {
        // long enough for the vector loop, its tail and the split over threads; values at both ends of the range
        foreach (int n in new[] { 5, 8, 37, (1 << 21) + 3 })
        {
            var values = new long[n];
            for (int i = 0; i < n; i++) values[i] = i % 2 == 0 ? 0 : 9;
            Assert.Null(IndexAlongDim.FirstOutOfRange(Tensor.From(values), 0, 10));
            foreach (int at in new[] { 0, n / 2, n - 1 })
                foreach (long bad in new[] { -1L, 10L, long.MinValue, long.MaxValue })
                {
                    var copy = (long[])values.Clone();
                    copy[at] = bad;
                    Assert.Equal(bad, IndexAlongDim.FirstOutOfRange(Tensor.From(copy), 0, 10));
                    Assert.Equal(bad is -1 or 10 ? null : (long?)bad, IndexAlongDim.FirstOutOfRange(Tensor.From(copy), -10, 11));
                }
        }
    }
}
