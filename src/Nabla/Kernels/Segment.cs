using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>The reductions of torch.segment_reduce.</summary>
internal enum SegmentReduction { Sum, Mean, Max, Min, Prod }

/// <summary>How max/min backward shares a gradient among the elements that hit the extreme.</summary>
internal enum TieRule
{
    /// <summary>
    /// torch.segment_reduce's CPU kernel: NaN elements count as hits; with two or more hits a positive gradient
    /// is split evenly, while a zero or negative (or NaN) gradient goes whole to every hit.
    /// </summary>
    SegmentReduce,

    /// <summary>torch.amax/amin: the gradient is split evenly among equal elements; a NaN extreme gives NaN gradients.</summary>
    Amax,
}

/// <summary>
/// Row ranges [start, end) along the middle axis of a contiguous (Outer, M, Inner) block, <see cref="Count"/> of
/// them for each outer index. Range k (= outer index * Count + segment) reduces to output row k of (Outer, Count, Inner).
/// Ranges may be empty and may overlap.
/// </summary>
internal sealed class SegmentPlan(int outer, int m, int inner, int count, int[] starts, int[] ends)
{
    public int Outer { get; } = outer;
    public int M { get; } = m;
    public int Inner { get; } = inner;
    public int Count { get; } = count;
    public int[] Starts { get; } = starts;
    public int[] Ends { get; } = ends;

    /// <summary>Elements read by one pass over every range: the cost of forward and backward.</summary>
    public long Work
    {
        get
        {
            long rows = 0;
            for (int k = 0; k < Starts.Length; k++) rows += Ends[k] - Starts[k] + 1;
            return rows * Inner;
        }
    }

    /// <summary>Flat index of element (row j, column i) of outer block o in the (Outer, M, Inner) data.</summary>
    public int DataIndex(int o, int j, int i) => (o * M + j) * Inner + i;
}

/// <summary>Folds one value into a running double accumulator, one lane or four at a time.</summary>
internal interface ISegmentFold
{
    static abstract double Fold(double acc, double x);
    static abstract Vector256<double> Fold(Vector256<double> acc, Vector256<double> x);
}

internal struct SumFold : ISegmentFold
{
    public static double Fold(double acc, double x) => acc + x;
    public static Vector256<double> Fold(Vector256<double> acc, Vector256<double> x) => acc + x;
}

internal struct ProdFold : ISegmentFold
{
    public static double Fold(double acc, double x) => acc * x;
    public static Vector256<double> Fold(Vector256<double> acc, Vector256<double> x) => acc * x;
}

/// <summary>A NaN element wins and then stays, as in torch's kernel (isnan(x) ? x : max(acc, x)).</summary>
internal struct MaxFold : ISegmentFold
{
    public static double Fold(double acc, double x) => double.IsNaN(x) || acc < x ? x : acc;
    public static Vector256<double> Fold(Vector256<double> acc, Vector256<double> x) =>
        Vector256.ConditionalSelect(Vector256.LessThan(acc, x) | ~Vector256.Equals(x, x), x, acc);
}

internal struct MinFold : ISegmentFold
{
    public static double Fold(double acc, double x) => double.IsNaN(x) || x < acc ? x : acc;
    public static Vector256<double> Fold(Vector256<double> acc, Vector256<double> x) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, acc) | ~Vector256.Equals(x, x), x, acc);
}

/// <summary>
/// Segment reductions (torch.segment_reduce and ragged slices). Forward reads each range row by row into a double
/// accumulator per column, so the cost is the total range length and float32 loses no digits on long ranges.
/// Backward works in float64 on float64 copies and accumulates, so overlapping ranges add up.
/// Work is split over (outer index, column block) units: every output and gradient element belongs to one unit,
/// so results do not depend on the number of threads.
/// </summary>
internal static class Segment
{
    /// <summary>Reduces <paramref name="data"/> (contiguous, Float32 or Float64) into <paramref name="output"/> (Outer, Count, Inner).</summary>
    public static void Forward(Tensor data, SegmentPlan plan, SegmentReduction reduction, double? initial, Tensor output)
    {
        switch (data.DType)
        {
            case DType.Float32: Run<float>(); break;
            default: Run<double>(); break;
        }

        void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var src = data.Data<T>().AsMemory(data.StorageOffset);
            var dst = output.Data<T>();
            switch (reduction)
            {
                case SegmentReduction.Sum or SegmentReduction.Mean: Reduce<T, SumFold>(src, dst, plan, reduction, initial); break;
                case SegmentReduction.Prod: Reduce<T, ProdFold>(src, dst, plan, reduction, initial); break;
                case SegmentReduction.Max: Reduce<T, MaxFold>(src, dst, plan, reduction, initial); break;
                default: Reduce<T, MinFold>(src, dst, plan, reduction, initial); break;
            }
        }
    }

    /// <summary>Columns folded at once: eight Vector256&lt;double&gt; accumulators held in registers down a range.</summary>
    private const int BlockColumns = 32;

    private static void Reduce<T, TFold>(ReadOnlyMemory<T> src, T[] dst, SegmentPlan plan, SegmentReduction reduction, double? initial)
        where T : unmanaged, IFloatingPointIeee754<T> where TFold : ISegmentFold
    {
        double identity = initial ?? Identity(reduction);
        ForRanges(plan, (first, last) =>
        {
            Span<double> acc = stackalloc double[BlockColumns];
            var data = src.Span;
            for (int k = first; k < last; k++)
            {
                int o = k / plan.Count, len = plan.Ends[k] - plan.Starts[k];
                for (int lo = 0; lo < plan.Inner; lo += BlockColumns)
                {
                    var a = acc[..Math.Min(BlockColumns, plan.Inner - lo)];
                    a.Fill(identity);
                    if (len > 0) FoldRange<T, TFold>(a, data[plan.DataIndex(o, plan.Starts[k], lo)..], plan.Inner, len);
                    var outRow = dst.AsSpan(k * plan.Inner + lo, a.Length);
                    for (int i = 0; i < a.Length; i++) outRow[i] = T.CreateTruncating(Finish(reduction, a[i], len, initial.HasValue));
                }
            }
        });
    }

    /// <summary>
    /// Folds <paramref name="rows"/> rows (<paramref name="stride"/> apart, from the start of <paramref name="data"/>) into
    /// <paramref name="acc"/>, row after row as <see cref="FoldRow"/> does; a full block keeps its accumulators in registers.
    /// </summary>
    private static void FoldRange<T, TFold>(Span<double> acc, ReadOnlySpan<T> data, int stride, int rows)
        where T : unmanaged, INumberBase<T> where TFold : ISegmentFold
    {
        if (acc.Length != BlockColumns || !Vector256.IsHardwareAccelerated || (typeof(T) != typeof(float) && typeof(T) != typeof(double)))
        {
            for (int r = 0; r < rows; r++) FoldRow<T, TFold>(acc, data.Slice(r * stride, acc.Length));
            return;
        }
        _ = data[(rows - 1) * stride + BlockColumns - 1]; // the whole block is inside data
        ref double a = ref MemoryMarshal.GetReference(acc);
        var a0 = Vector256.LoadUnsafe(ref a, 0); var a1 = Vector256.LoadUnsafe(ref a, 4);
        var a2 = Vector256.LoadUnsafe(ref a, 8); var a3 = Vector256.LoadUnsafe(ref a, 12);
        var a4 = Vector256.LoadUnsafe(ref a, 16); var a5 = Vector256.LoadUnsafe(ref a, 20);
        var a6 = Vector256.LoadUnsafe(ref a, 24); var a7 = Vector256.LoadUnsafe(ref a, 28);
        if (typeof(T) == typeof(float))
        {
            ref float x = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(data));
            for (int r = 0; r < rows; r++, x = ref Unsafe.Add(ref x, stride))
            {
                var (l0, u0) = Vector256.Widen(Vector256.LoadUnsafe(ref x, 0)); a0 = TFold.Fold(a0, l0); a1 = TFold.Fold(a1, u0);
                var (l1, u1) = Vector256.Widen(Vector256.LoadUnsafe(ref x, 8)); a2 = TFold.Fold(a2, l1); a3 = TFold.Fold(a3, u1);
                var (l2, u2) = Vector256.Widen(Vector256.LoadUnsafe(ref x, 16)); a4 = TFold.Fold(a4, l2); a5 = TFold.Fold(a5, u2);
                var (l3, u3) = Vector256.Widen(Vector256.LoadUnsafe(ref x, 24)); a6 = TFold.Fold(a6, l3); a7 = TFold.Fold(a7, u3);
            }
        }
        else
        {
            ref double x = ref Unsafe.As<T, double>(ref MemoryMarshal.GetReference(data));
            for (int r = 0; r < rows; r++, x = ref Unsafe.Add(ref x, stride))
            {
                a0 = TFold.Fold(a0, Vector256.LoadUnsafe(ref x, 0)); a1 = TFold.Fold(a1, Vector256.LoadUnsafe(ref x, 4));
                a2 = TFold.Fold(a2, Vector256.LoadUnsafe(ref x, 8)); a3 = TFold.Fold(a3, Vector256.LoadUnsafe(ref x, 12));
                a4 = TFold.Fold(a4, Vector256.LoadUnsafe(ref x, 16)); a5 = TFold.Fold(a5, Vector256.LoadUnsafe(ref x, 20));
                a6 = TFold.Fold(a6, Vector256.LoadUnsafe(ref x, 24)); a7 = TFold.Fold(a7, Vector256.LoadUnsafe(ref x, 28));
            }
        }
        a0.StoreUnsafe(ref a, 0); a1.StoreUnsafe(ref a, 4); a2.StoreUnsafe(ref a, 8); a3.StoreUnsafe(ref a, 12);
        a4.StoreUnsafe(ref a, 16); a5.StoreUnsafe(ref a, 20); a6.StoreUnsafe(ref a, 24); a7.StoreUnsafe(ref a, 28);
    }

    /// <summary>The value an empty range gives without an initial value (torch: -inf for max, +inf for min).</summary>
    private static double Identity(SegmentReduction reduction) => reduction switch
    {
        SegmentReduction.Max => double.NegativeInfinity,
        SegmentReduction.Min => double.PositiveInfinity,
        SegmentReduction.Prod => 1,
        _ => 0,
    };

    /// <summary>Mean divides by the length; an empty mean is NaN, or the initial value when one is given.</summary>
    private static double Finish(SegmentReduction reduction, double acc, int len, bool hasInitial)
    {
        if (reduction != SegmentReduction.Mean) return acc;
        if (len > 0) return acc / len;
        return hasInitial ? acc : double.NaN;
    }

    /// <summary>acc[i] = fold(acc[i], row[i]) for one data row, four double lanes at a time (float32 widened).</summary>
    private static void FoldRow<T, TFold>(Span<double> acc, ReadOnlySpan<T> row) where T : unmanaged, INumberBase<T> where TFold : ISegmentFold
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double a = ref MemoryMarshal.GetReference(acc);
            if (typeof(T) == typeof(double))
            {
                ref double x = ref Unsafe.As<T, double>(ref MemoryMarshal.GetReference(row));
                for (; i + 4 <= acc.Length; i += 4)
                    TFold.Fold(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref a, (nuint)i);
            }
            else if (typeof(T) == typeof(float))
            {
                ref float x = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(row));
                for (; i + 8 <= acc.Length; i += 8)
                {
                    var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref x, (nuint)i));
                    TFold.Fold(Vector256.LoadUnsafe(ref a, (nuint)i), lower).StoreUnsafe(ref a, (nuint)i);
                    TFold.Fold(Vector256.LoadUnsafe(ref a, (nuint)(i + 4)), upper).StoreUnsafe(ref a, (nuint)(i + 4));
                }
            }
        }
        for (; i < acc.Length; i++) acc[i] = TFold.Fold(acc[i], double.CreateTruncating(row[i]));
    }

    /// <summary>Whether backward reads the forward's input and output (sum and mean need only the gradient).</summary>
    public static bool BackwardNeedsValues(SegmentReduction reduction) => reduction is not (SegmentReduction.Sum or SegmentReduction.Mean);

    /// <summary>
    /// Adds the gradient of a prod, max or min reduction (<see cref="BackwardNeedsValues"/>; sum and mean go through
    /// <see cref="SpreadBackward(Tensor, SegmentPlan, SegmentReduction, Tensor)"/>) to <paramref name="gradInput"/>. All
    /// tensors are contiguous Float64: <paramref name="grad"/> and <paramref name="output"/> are (Outer, Count, Inner),
    /// <paramref name="data"/> and <paramref name="gradInput"/> are (Outer, M, Inner).
    /// </summary>
    public static void Backward(Tensor grad, Tensor output, Tensor data, SegmentPlan plan, SegmentReduction reduction,
        double? initial, TieRule ties, Tensor gradInput)
    {
        var g = Values(grad);
        var y = Values(output);
        var x = Values(data);
        var gx = gradInput.Data<double>();
        ForUnits(plan, (o, lo, hi) =>
        {
            for (int s = 0; s < plan.Count; s++)
            {
                int k = o * plan.Count + s;
                if (plan.Ends[k] == plan.Starts[k]) continue;
                var range = new UnitRange(plan, o, k, lo, hi);
                switch (reduction)
                {
                    case SegmentReduction.Prod: ProdBackward(range, g.Span, y.Span, x.Span, initial ?? 1, gx); break;
                    default: ExtremeBackward(range, g.Span, y.Span, x.Span, ties, gx); break;
                }
            }
        });
    }

    private static ReadOnlyMemory<double> Values(Tensor? t) => t is null ? default : t.Data<double>().AsMemory(t.StorageOffset);

    /// <summary>One range k of outer block o, restricted to columns [Lo, Hi).</summary>
    private readonly record struct UnitRange(SegmentPlan Plan, int O, int K, int Lo, int Hi)
    {
        public int Start => Plan.Starts[K];
        public int End => Plan.Ends[K];
        public int Length => End - Start;
        public int Out(int i) => K * Plan.Inner + i;
        public int In(int j, int i) => Plan.DataIndex(O, j, i);
    }

    /// <summary>Max/min: the gradient goes to the elements that hit the extreme, shared as <paramref name="ties"/> says.</summary>
    private static void ExtremeBackward(UnitRange r, ReadOnlySpan<double> g, ReadOnlySpan<double> y, ReadOnlySpan<double> x, TieRule ties, double[] gx)
    {
        bool nanHits = ties == TieRule.SegmentReduce;
        for (int i = r.Lo; i < r.Hi; i++)
        {
            double extreme = y[r.Out(i)], gi = g[r.Out(i)];
            int hits = 0;
            for (int j = r.Start; j < r.End; j++)
                if (IsHit(x[r.In(j, i)], extreme, nanHits)) hits++;
            double share = ties == TieRule.SegmentReduce
                ? (hits >= 2 && gi > 0 ? gi / hits : gi)
                : gi / hits;
            // amax's (g / count) * mask: with no equal element (a NaN extreme) every row gets NaN.
            bool everyRow = ties == TieRule.Amax && hits == 0;
            for (int j = r.Start; j < r.End; j++)
                if (everyRow || IsHit(x[r.In(j, i)], extreme, nanHits)) gx[r.In(j, i)] += everyRow ? double.NaN : share;
        }
    }

    private static bool IsHit(double v, double extreme, bool nanHits) => v == extreme || (nanHits && double.IsNaN(v));

    /// <summary>
    /// g * output / x where x is a non-zero number (torch's formula); where x is 0 or NaN the product of the other
    /// elements (times the initial value) instead, from prefix and suffix products, so zeros get exact gradients.
    /// </summary>
    private static void ProdBackward(UnitRange r, ReadOnlySpan<double> g, ReadOnlySpan<double> y, ReadOnlySpan<double> x, double initial, double[] gx)
    {
        double[]? prefix = null;
        for (int i = r.Lo; i < r.Hi; i++)
        {
            double gi = g[r.Out(i)], scaled = gi * y[r.Out(i)];
            bool anySingular = false;
            for (int j = r.Start; j < r.End; j++)
            {
                double v = x[r.In(j, i)];
                if (v == 0 || double.IsNaN(v)) anySingular = true;
                else gx[r.In(j, i)] += scaled / v;
            }
            if (!anySingular) continue;
            prefix ??= new double[r.Length];
            double running = initial;
            for (int j = r.Start; j < r.End; j++) { prefix[j - r.Start] = running; running *= x[r.In(j, i)]; }
            double suffix = 1;
            for (int j = r.End - 1; j >= r.Start; j--)
            {
                double v = x[r.In(j, i)];
                if (v == 0 || double.IsNaN(v)) gx[r.In(j, i)] += gi * prefix[j - r.Start] * suffix;
                suffix *= v;
            }
        }
    }

    /// <summary>Doubles in one row tile of the sum/mean backward: 64 KiB, so a tile stays in L2 while its ranges add up.</summary>
    private const int TileDoubles = 8192;

    /// <summary>
    /// Sum and mean backward straight into <paramref name="gradInput"/> ((Outer, M, Inner), data's dtype, contiguous) from
    /// <paramref name="grad"/> ((Outer, Count, Inner), the same dtype, contiguous). The rows are cut into tiles; each tile
    /// sums, in float64 and in range order, the share of every range that covers it, then rounds once into gradInput, so
    /// every element gets the same additions in the same order as a range-by-range pass, whatever the thread count.
    /// Rows outside every range get exactly 0.
    /// </summary>
    public static void SpreadBackward(Tensor grad, SegmentPlan plan, SegmentReduction reduction, Tensor gradInput)
    {
        if (grad.DType == DType.Float32) Spread<float>(grad, plan, reduction == SegmentReduction.Mean, gradInput);
        else Spread<double>(grad, plan, reduction == SegmentReduction.Mean, gradInput);
    }

    private static void Spread<T>(Tensor grad, SegmentPlan plan, bool mean, Tensor gradInput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inner = plan.Inner, tileRows = Math.Max(1, TileDoubles / Math.Max(inner, 1));
        int tilesPerOuter = (plan.M + tileRows - 1) / tileRows, tiles = plan.Outer * tilesPerOuter;
        if (tiles == 0 || inner == 0) return;
        // The ranges covering each tile, in range order (compressed rows: tile t's are entries[first[t]..first[t + 1]]).
        var first = new int[tiles + 1];
        void Cover(Action<int, int> visit)
        {
            for (int k = 0; k < plan.Starts.Length; k++)
            {
                if (plan.Ends[k] == plan.Starts[k]) continue;
                int o = k / plan.Count;
                for (int t = plan.Starts[k] / tileRows; t <= (plan.Ends[k] - 1) / tileRows; t++) visit(o * tilesPerOuter + t, k);
            }
        }
        Cover((t, _) => first[t + 1]++);
        for (int t = 0; t < tiles; t++) first[t + 1] += first[t];
        var entries = new int[first[tiles]];
        var next = first[..tiles];
        Cover((t, k) => entries[next[t]++] = k);

        var g = grad.Data<T>().AsMemory(grad.StorageOffset);
        var gx = gradInput.Data<T>();
        long work = (long)plan.Outer * plan.M * inner + plan.Work;
        int chunks = work < StridedLoop.ParallelGrain ? 1 : Math.Min(tiles, Parallelism.NumThreads * 8);
        void Chunk(int c)
        {
            var tile = ArrayPool<double>.Shared.Rent(tileRows * inner);
            var share = ArrayPool<double>.Shared.Rent(inner);
            for (int t = (int)((long)tiles * c / chunks); t < (long)tiles * (c + 1) / chunks; t++)
            {
                int o = t / tilesPerOuter, r0 = t % tilesPerOuter * tileRows, rows = Math.Min(tileRows, plan.M - r0);
                var acc = tile.AsSpan(0, rows * inner);
                acc.Clear();
                for (int e = first[t]; e < first[t + 1]; e++)
                {
                    int k = entries[e], len = plan.Ends[k] - plan.Starts[k];
                    var gk = g.Span.Slice(k * inner, inner);
                    for (int i = 0; i < inner; i++) share[i] = mean ? double.CreateTruncating(gk[i]) / len : double.CreateTruncating(gk[i]);
                    int lo = Math.Max(plan.Starts[k], r0), hi = Math.Min(plan.Ends[k], r0 + rows);
                    AddToRows(acc[((lo - r0) * inner)..], inner, hi - lo, share.AsSpan(0, inner));
                }
                Narrow(acc, gx.AsSpan(plan.DataIndex(o, r0, 0), rows * inner));
            }
            ArrayPool<double>.Shared.Return(share);
            ArrayPool<double>.Shared.Return(tile);
        }
        if (chunks < 2) Chunk(0);
        else Parallel.For(0, chunks, Chunk);
    }

    /// <summary>rows[r, i] += share[i] for <paramref name="rows"/> rows of <paramref name="stride"/>; 16 columns in registers at a time.</summary>
    private static void AddToRows(Span<double> dst, int stride, int rows, ReadOnlySpan<double> share)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && rows > 0)
        {
            _ = dst[(rows - 1) * stride + share.Length - 1];
            for (; i + 16 <= share.Length; i += 16)
            {
                ref double s = ref Unsafe.Add(ref MemoryMarshal.GetReference(share), i);
                var s0 = Vector256.LoadUnsafe(ref s, 0); var s1 = Vector256.LoadUnsafe(ref s, 4);
                var s2 = Vector256.LoadUnsafe(ref s, 8); var s3 = Vector256.LoadUnsafe(ref s, 12);
                ref double d = ref Unsafe.Add(ref MemoryMarshal.GetReference(dst), i);
                for (int r = 0; r < rows; r++, d = ref Unsafe.Add(ref d, stride))
                {
                    (Vector256.LoadUnsafe(ref d, 0) + s0).StoreUnsafe(ref d, 0);
                    (Vector256.LoadUnsafe(ref d, 4) + s1).StoreUnsafe(ref d, 4);
                    (Vector256.LoadUnsafe(ref d, 8) + s2).StoreUnsafe(ref d, 8);
                    (Vector256.LoadUnsafe(ref d, 12) + s3).StoreUnsafe(ref d, 12);
                }
            }
        }
        for (int r = 0; r < rows; r++)
        {
            var row = dst.Slice(r * stride, share.Length);
            for (int j = i; j < share.Length; j++) row[j] += share[j];
        }
    }

    /// <summary>dst[i] = (T)src[i], rounding to nearest as a scalar cast does.</summary>
    private static void Narrow<T>(ReadOnlySpan<double> src, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double)) { src.CopyTo(MemoryMarshal.Cast<T, double>(dst)); return; }
        int i = 0;
        if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated)
        {
            var f = MemoryMarshal.Cast<T, float>(dst);
            for (; i + 8 <= src.Length; i += 8)
                Vector256.Narrow(Vector256.Create(src.Slice(i, 4)), Vector256.Create(src.Slice(i + 4, 4))).CopyTo(f.Slice(i, 8));
        }
        for (; i < src.Length; i++) dst[i] = T.CreateTruncating(src[i]);
    }

    /// <summary>Runs <paramref name="body"/>(first range, end range) over chunks of the ranges, in parallel when the work is large.</summary>
    private static void ForRanges(SegmentPlan plan, Action<int, int> body)
    {
        int ranges = plan.Starts.Length;
        int chunks = plan.Work < StridedLoop.ParallelGrain ? 1 : Math.Min(ranges, Parallelism.NumThreads * 8);
        if (chunks < 2) { body(0, ranges); return; }
        Parallel.For(0, chunks, c => body((int)((long)ranges * c / chunks), (int)((long)ranges * (c + 1) / chunks)));
    }

    /// <summary>
    /// Runs <paramref name="body"/>(outer index, first column, end column) over units that split the outer blocks
    /// and, for large problems, the columns; in parallel when the work is large.
    /// </summary>
    private static void ForUnits(SegmentPlan plan, Action<int, int, int> body)
    {
        bool parallel = plan.Work >= StridedLoop.ParallelGrain;
        int blocks = parallel ? Math.Clamp(plan.Inner / 16, 1, Parallelism.NumThreads) : 1;
        int units = plan.Outer * blocks;
        void Unit(int u)
        {
            int o = u / blocks, b = u % blocks;
            body(o, (int)((long)plan.Inner * b / blocks), (int)((long)plan.Inner * (b + 1) / blocks));
        }
        if (!parallel || units < 2)
            for (int u = 0; u < units; u++) Unit(u);
        else
            Parallel.For(0, units, Unit);
    }
}
