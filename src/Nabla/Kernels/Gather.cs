using Nabla.Core;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>How a scattered value combines with the element already at its target.</summary>
internal enum ScatterMode
{
    Assign,
    Add,
    Multiply,
    Maximum,
    Minimum,
}

/// <summary>Overwrites: the scattered value wins.</summary>
internal struct AssignOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => b;
    public static bool Vectorizes<T>() where T : unmanaged, INumber<T> => true;
    public static Vector256<T> Apply<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => b;
    public static Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => b;
}

/// <summary>output[c] = source[c with c[dim] = index[c]]. Operands: 0 output, 1 index, 2 source with no stride along dim.</summary>
internal struct GatherRow<T>(T[] output, T[] source, long[] index, int dimStride) : IIndexRunKernel where T : unmanaged
{
    public void Row(int n, int o0, int s0, int o1, int s1, int o2, int s2)
    {
        if (s0 == 1 && s1 == 1 && s2 == 1)
        {
            // the common contiguous row (gather along an outer dim): spans drop the bounds checks but the index's own
            Span<T> dst = output.AsSpan(o0, n);
            ReadOnlySpan<long> at = index.AsSpan(o1, n);
            ReadOnlySpan<T> src = source.AsSpan(o2);
            for (int i = 0; i < dst.Length; i++) dst[i] = src[i + (int)at[i] * dimStride];
            return;
        }
        for (int i = 0; i < n; i++)
            output[o0 + i * s0] = source[o2 + i * s2 + (int)index[o1 + i * s1] * dimStride];
    }

    /// <summary>A run with one index value: a copy of n source elements from one shifted row.</summary>
    public void Run(int n, int o0, int s0, long index, int o2, int s2)
    {
        int from = o2 + (int)index * dimStride;
        if (s0 == 1 && s2 == 1)
        {
            source.AsSpan(from, n).CopyTo(output.AsSpan(o0, n));
            return;
        }
        for (int i = 0; i < n; i++) output[o0 + i * s0] = source[from + i * s2];
    }
}

/// <summary>target[c with c[dim] = index[c]] op= src[c]. Operands: 0 target with no stride along dim, 1 index, 2 src.</summary>
internal struct ScatterRow<T, TOp>(T[] target, T[] src, long[] index, int dimStride) : IIndexRunKernel
    where T : unmanaged, INumber<T>
    where TOp : IBinaryOp
{
    public void Row(int n, int o0, int s0, int o1, int s1, int o2, int s2)
    {
        for (int i = 0; i < n; i++)
        {
            int p = o0 + i * s0 + (int)index[o1 + i * s1] * dimStride;
            target[p] = TOp.Apply(target[p], src[o2 + i * s2]);
        }
    }

    /// <summary>A run with one index value: n elements combined into one shifted target row (vectorised when contiguous).</summary>
    public void Run(int n, int o0, int s0, long index, int o2, int s2)
    {
        int to = o0 + (int)index * dimStride;
        if (TOp.Vectorizes<T>() && s0 == 1 && (uint)s2 <= 1)
        {
            // each element is combined once, lane by lane as the scalar op would: the same values in the same order
            var dst = target.AsSpan(to, n);
            if (s2 == 1) VectorLoop.Binary<T, TOp, RunLane<T>, RunLane<T>>(dst, new(dst), new(src.AsSpan(o2, n)));
            else VectorLoop.Binary<T, TOp, RunLane<T>, ScalarLane<T>>(dst, new(dst), new(src[o2]));
            return;
        }
        for (int i = 0; i < n; i++)
        {
            int p = to + i * s0;
            target[p] = TOp.Apply(target[p], src[o2 + i * s2]);
        }
    }
}

/// <summary>
/// The index-along-dim kernels behind gather, scatter, scatter_add, scatter_reduce and the index_* ops.
/// The loop runs over the index tensor's shape; the index replaces the coordinate along <c>dim</c> on the
/// indexed side, every other coordinate is shared. Index tensors are Int64 and already bounds-checked;
/// 0-d operands act as 1-d of size 1. Any operand may be strided (transposed, sliced, expanded).
/// </summary>
internal static class IndexAlongDim
{
    /// <summary>
    /// output = source gathered along <paramref name="dim"/> at <paramref name="index"/> (already range-checked). When dim
    /// is not innermost the row-major run loop (<see cref="IndexRuns"/>) copies whole runs of one index value;
    /// <paramref name="general"/> forces the per-element loop (tests compare the two).
    /// </summary>
    public static void Gather(Tensor source, int dim, Tensor index, Tensor output, bool general = false) =>
        Gather(source, dim, index, output, general, runsOnly: false, long.MaxValue);

    /// <summary>
    /// Gather through the run loop with the range test folded in (the index is read once, not twice): true when done.
    /// False, with output partly written, when the run loop does not suit the shape or met a value outside
    /// [0, <paramref name="size"/>): the caller then checks the index itself (reporting the first bad value in order)
    /// and runs <see cref="Gather(Tensor, int, Tensor, Tensor, bool)"/>.
    /// </summary>
    public static bool TryGatherCheckingRange(Tensor source, int dim, Tensor index, Tensor output, long size) =>
        Gather(source, dim, index, output, general: false, runsOnly: true, size) == RunResult.Done;

    private static RunResult Gather(Tensor source, int dim, Tensor index, Tensor output, bool general, bool runsOnly, long limit)
    {
        int rank = Math.Max(index.Dim, 1);
        var sizes = SizesOf(index);
        var sourceStrides = StridesOf(source, rank);
        int dimStride = sourceStrides[dim];
        sourceStrides[dim] = 0;
        var outputStrides = StridesOf(output, rank);
        var indexStrides = StridesOf(index, rank);
        var idx = index.Data<long>();
        return output.DType switch
        {
            DType.Bool or DType.UInt8 => Run(new GatherRow<byte>(output.Data<byte>(), source.Data<byte>(), idx, dimStride)),
            DType.Int32 => Run(new GatherRow<int>(output.Data<int>(), source.Data<int>(), idx, dimStride)),
            DType.Int64 => Run(new GatherRow<long>(output.Data<long>(), source.Data<long>(), idx, dimStride)),
            DType.Float32 => Run(new GatherRow<float>(output.Data<float>(), source.Data<float>(), idx, dimStride)),
            _ => Run(new GatherRow<double>(output.Data<double>(), source.Data<double>(), idx, dimStride)),
        };

        RunResult Run<TK>(TK kernel) where TK : struct, IIndexRunKernel
        {
            if (!general)
            {
                var result = IndexRuns.TryRun(sizes, outputStrides, output.Layout.Offset, indexStrides, index.Layout.Offset,
                    sourceStrides, source.Layout.Offset, idx, dim, orderAlongDim: false, kernel, limit);
                if (result != RunResult.NotApplicable || runsOnly) return result;
            }
            StridedLoop.Run(sizes, outputStrides, output.Layout.Offset, indexStrides, index.Layout.Offset,
                sourceStrides, source.Layout.Offset, kernel);
            return RunResult.Done;
        }
    }

    /// <summary>
    /// Combines <paramref name="src"/> (same dtype as <paramref name="target"/>, or 0-d) into target in place. When dim is
    /// not innermost the row-major run loop (<see cref="IndexRuns"/>) combines whole runs of one index value, in the
    /// same per-target order; <paramref name="general"/> forces the per-element loop (tests compare the two).
    /// </summary>
    public static void Scatter(Tensor target, int dim, Tensor index, Tensor src, ScatterMode mode, bool general = false)
    {
        // Bool storage holds 0/1 bytes: sums are logical or, products logical and.
        bool logical = target.DType == DType.Bool;
        switch (mode)
        {
            case ScatterMode.Assign: Scatter<AssignOp>(target, dim, index, src, general); break;
            case ScatterMode.Add when logical: Scatter<LogicalOrOp>(target, dim, index, src, general); break;
            case ScatterMode.Add: Scatter<AddOp>(target, dim, index, src, general); break;
            case ScatterMode.Multiply when logical: Scatter<LogicalAndOp>(target, dim, index, src, general); break;
            case ScatterMode.Multiply: Scatter<MulOp>(target, dim, index, src, general); break;
            case ScatterMode.Maximum: Scatter<MaximumOp>(target, dim, index, src, general); break;
            default: Scatter<MinimumOp>(target, dim, index, src, general); break;
        }
    }

    private static void Scatter<TOp>(Tensor target, int dim, Tensor index, Tensor src, bool general) where TOp : IBinaryOp
    {
        int rank = Math.Max(index.Dim, 1);
        var targetStrides = StridesOf(target, rank);
        int dimStride = targetStrides[dim];
        targetStrides[dim] = 0;
        var idx = index.Data<long>();
        switch (target.DType)
        {
            case DType.Bool or DType.UInt8: Run(new ScatterRow<byte, TOp>(target.Data<byte>(), src.Data<byte>(), idx, dimStride)); break;
            case DType.Int32: Run(new ScatterRow<int, TOp>(target.Data<int>(), src.Data<int>(), idx, dimStride)); break;
            case DType.Int64: Run(new ScatterRow<long, TOp>(target.Data<long>(), src.Data<long>(), idx, dimStride)); break;
            case DType.Float32: Run(new ScatterRow<float, TOp>(target.Data<float>(), src.Data<float>(), idx, dimStride)); break;
            default: Run(new ScatterRow<double, TOp>(target.Data<double>(), src.Data<double>(), idx, dimStride)); break;
        }

        void Run<TK>(TK kernel) where TK : struct, IIndexRunKernel
        {
            if (!general && TargetSeparatesOffDim(target, dim, index)
                && IndexRuns.TryRun(SizesOf(index), targetStrides, target.Layout.Offset, StridesOf(index, rank), index.Layout.Offset,
                    StridesOf(src, rank), src.Layout.Offset, idx, dim, orderAlongDim: true, kernel) != RunResult.NotApplicable)
                return;
            // dim goes innermost: the strided loop splits work between threads by rows, so every run along dim
            // (the only elements that can share a target) stays on one thread, in order. Duplicates then combine
            // serially and deterministically, the last write winning for Assign.
            int[] order = [.. Enumerable.Range(0, rank).Where(d => d != dim), dim];
            StridedLoop.Run(Permuted(SizesOf(index), order), Permuted(targetStrides, order), target.Layout.Offset,
                Permuted(StridesOf(index, rank), order), index.Layout.Offset, Permuted(StridesOf(src, rank), order), src.Layout.Offset, kernel);
        }
    }

    /// <summary>
    /// Whether index positions with different coordinates off <paramref name="dim"/> always reach different target
    /// elements (no stride-0 target dim): then the run loop may reorder and split across those coordinates.
    /// </summary>
    private static bool TargetSeparatesOffDim(Tensor target, int dim, Tensor index)
    {
        if (target.Dim == 0) return false;
        var strides = target.Layout.Strides;
        for (int d = 0; d < strides.Length; d++)
            if (d != dim && strides[d] == 0 && SizesOf(index)[d] > 1) return false;
        return true;
    }

    /// <summary>The first index value (row-major) outside [<paramref name="low"/>, <paramref name="high"/>), if any.</summary>
    public static long? FirstOutOfRange(Tensor index, long low, long high)
    {
        if (index.Numel == 0) return null;
        index = WithoutRepeats(index);
        if (index.DType == DType.Int64 && index.IsContiguous())
        {
            // Read in place: a vectorised range test answers the common case; only a bad index needs the scan.
            var data = index.Data<long>();
            int offset = index.Layout.Offset, n = index.Numel;
            if (AllInRange(data, offset, n, low, high)) return null;
            foreach (var v in new ReadOnlySpan<long>(data, offset, n))
                if (v < low || v >= high) return v;
            return null;
        }
        foreach (var v in index.ToArray<long>())
            if (v < low || v >= high) return v;
        return null;
    }

    /// <summary>
    /// The tensor with every stride-0 (expanded) dim cut to size 1: the same values, each once. The first bad value in
    /// row-major order is unchanged: the first element of the full tensor that holds it is one with coordinate 0 on
    /// every expanded dim, and those elements keep their row-major order.
    /// </summary>
    private static Tensor WithoutRepeats(Tensor t)
    {
        if (t.Dim == 0) return t;
        var sizes = t.Layout.Sizes;
        var strides = t.Layout.Strides;
        if (!strides.Where((s, d) => s == 0 && sizes[d] > 1).Any()) return t;
        var cut = sizes.Select((n, d) => strides[d] == 0 ? 1 : n).ToArray();
        return new Tensor(t.Storage, new Layout(cut, strides, t.Layout.Offset), t.DType);
    }

    /// <summary>Below this many values the range test stays on the calling thread.</summary>
    private const int ParallelRangeTest = 1 << 20;

    /// <summary>Whether every value of data[offset, offset + n) lies in [low, high); large spans split over threads.</summary>
    private static bool AllInRange(long[] data, int offset, int n, long low, long high)
    {
        int chunks = n < ParallelRangeTest ? 1 : Math.Min(Parallelism.NumThreads, n / (ParallelRangeTest / 2));
        if (chunks < 2) return AllInRange(new ReadOnlySpan<long>(data, offset, n), low, high);
        int bad = 0;
        Parallel.For(0, chunks, c =>
        {
            int first = (int)((long)n * c / chunks), last = (int)((long)n * (c + 1) / chunks);
            if (!AllInRange(new ReadOnlySpan<long>(data, offset + first, last - first), low, high)) Volatile.Write(ref bad, 1);
        });
        return bad == 0;
    }

    /// <summary>One pass: v lies in [low, high) exactly when v - low, read unsigned, is below high - low (wrap-around included).</summary>
    internal static bool AllInRange(ReadOnlySpan<long> values, long low, long high)
    {
        ulong range = (ulong)(high - low);
        ref long start = ref MemoryMarshal.GetReference(values);
        int n = values.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<long>.Count)
        {
            Vector512<long> lo = Vector512.Create(low);
            Vector512<ulong> r = Vector512.Create(range), outside = Vector512<ulong>.Zero;
            for (; i <= n - Vector512<long>.Count; i += Vector512<long>.Count)
                outside |= Vector512.GreaterThanOrEqual((Vector512.LoadUnsafe(ref start, (nuint)i) - lo).AsUInt64(), r);
            if (outside != Vector512<ulong>.Zero) return false;
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<long>.Count)
        {
            Vector256<long> lo = Vector256.Create(low);
            Vector256<ulong> r = Vector256.Create(range), outside = Vector256<ulong>.Zero;
            for (; i <= n - Vector256<long>.Count; i += Vector256<long>.Count)
                outside |= Vector256.GreaterThanOrEqual((Vector256.LoadUnsafe(ref start, (nuint)i) - lo).AsUInt64(), r);
            if (outside != Vector256<ulong>.Zero) return false;
        }
        for (; i < n; i++)
            if ((ulong)(values[i] - low) >= range) return false;
        return true;
    }

    private static int[] SizesOf(Tensor t) => t.Dim == 0 ? [1] : t.Layout.Sizes;

    /// <summary>The strides over <paramref name="rank"/> dims; a 0-d (or broadcast scalar) operand gets all zeros.</summary>
    private static int[] StridesOf(Tensor t, int rank) => t.Dim == 0 ? new int[rank] : (int[])t.Layout.Strides.Clone();

    private static int[] Permuted(int[] values, int[] order) => Array.ConvertAll(order, d => values[d]);
}
