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

    private static void Reduce<T, TFold>(ReadOnlyMemory<T> src, T[] dst, SegmentPlan plan, SegmentReduction reduction, double? initial)
        where T : unmanaged, IFloatingPointIeee754<T> where TFold : ISegmentFold
    {
        double identity = initial ?? Identity(reduction);
        ForUnits(plan, (o, lo, hi) =>
        {
            var acc = new double[hi - lo];
            var data = src.Span;
            for (int s = 0; s < plan.Count; s++)
            {
                int k = o * plan.Count + s;
                acc.AsSpan().Fill(identity);
                for (int j = plan.Starts[k]; j < plan.Ends[k]; j++)
                    FoldRow<T, TFold>(acc, data.Slice(plan.DataIndex(o, j, lo), hi - lo));
                int len = plan.Ends[k] - plan.Starts[k];
                var outRow = dst.AsSpan(k * plan.Inner + lo, hi - lo);
                for (int i = 0; i < acc.Length; i++) outRow[i] = T.CreateTruncating(Finish(reduction, acc[i], len, initial.HasValue));
            }
        });
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
    /// Adds the gradient of the reduction to <paramref name="gradInput"/>. All tensors are contiguous Float64:
    /// <paramref name="grad"/> and <paramref name="output"/> are (Outer, Count, Inner), <paramref name="data"/> and
    /// <paramref name="gradInput"/> are (Outer, M, Inner); output and data may be null when
    /// <see cref="BackwardNeedsValues"/> is false.
    /// </summary>
    public static void Backward(Tensor grad, Tensor? output, Tensor? data, SegmentPlan plan, SegmentReduction reduction,
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
                    case SegmentReduction.Sum or SegmentReduction.Mean: SpreadBackward(range, g.Span, reduction, gx); break;
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

    /// <summary>Sum sends the gradient to every row of the range; mean sends gradient / length.</summary>
    private static void SpreadBackward(UnitRange r, ReadOnlySpan<double> g, SegmentReduction reduction, double[] gx)
    {
        var share = g.Slice(r.Out(r.Lo), r.Hi - r.Lo).ToArray();
        if (reduction == SegmentReduction.Mean)
            for (int i = 0; i < share.Length; i++) share[i] /= r.Length;
        for (int j = r.Start; j < r.End; j++)
        {
            var row = gx.AsSpan(r.In(j, r.Lo), share.Length);
            TensorPrimitives.Add(row, share, row);
        }
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
