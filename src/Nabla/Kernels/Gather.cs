using System.Numerics.Tensors;
using System.Numerics;

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
}

/// <summary>output[c] = source[c with c[dim] = index[c]]. Operands: 0 output, 1 index, 2 source with no stride along dim.</summary>
internal struct GatherRow<T>(T[] output, T[] source, long[] index, int dimStride) : IRowKernel where T : unmanaged
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
}

/// <summary>target[c with c[dim] = index[c]] op= src[c]. Operands: 0 target with no stride along dim, 1 index, 2 src.</summary>
internal struct ScatterRow<T, TOp>(T[] target, T[] src, long[] index, int dimStride) : IRowKernel
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
}

/// <summary>
/// The index-along-dim kernels behind gather, scatter, scatter_add, scatter_reduce and the index_* ops.
/// The loop runs over the index tensor's shape; the index replaces the coordinate along <c>dim</c> on the
/// indexed side, every other coordinate is shared. Index tensors are Int64 and already bounds-checked;
/// 0-d operands act as 1-d of size 1. Any operand may be strided (transposed, sliced, expanded).
/// </summary>
internal static class IndexAlongDim
{
    public static void Gather(Tensor source, int dim, Tensor index, Tensor output)
    {
        int rank = Math.Max(index.Dim, 1);
        var sizes = SizesOf(index);
        var sourceStrides = StridesOf(source, rank);
        int dimStride = sourceStrides[dim];
        sourceStrides[dim] = 0;
        var outputStrides = StridesOf(output, rank);
        var indexStrides = StridesOf(index, rank);
        var idx = index.Data<long>();
        switch (output.DType)
        {
            case DType.Bool or DType.UInt8: Run(new GatherRow<byte>(output.Data<byte>(), source.Data<byte>(), idx, dimStride)); break;
            case DType.Int32: Run(new GatherRow<int>(output.Data<int>(), source.Data<int>(), idx, dimStride)); break;
            case DType.Int64: Run(new GatherRow<long>(output.Data<long>(), source.Data<long>(), idx, dimStride)); break;
            case DType.Float32: Run(new GatherRow<float>(output.Data<float>(), source.Data<float>(), idx, dimStride)); break;
            default: Run(new GatherRow<double>(output.Data<double>(), source.Data<double>(), idx, dimStride)); break;
        }

        void Run<TK>(TK kernel) where TK : struct, IRowKernel =>
            StridedLoop.Run(sizes, outputStrides, output.Layout.Offset, indexStrides, index.Layout.Offset,
                sourceStrides, source.Layout.Offset, kernel);
    }

    /// <summary>Combines <paramref name="src"/> (same dtype as <paramref name="target"/>, or 0-d) into target in place.</summary>
    public static void Scatter(Tensor target, int dim, Tensor index, Tensor src, ScatterMode mode)
    {
        // Bool storage holds 0/1 bytes: sums are logical or, products logical and.
        bool logical = target.DType == DType.Bool;
        switch (mode)
        {
            case ScatterMode.Assign: Scatter<AssignOp>(target, dim, index, src); break;
            case ScatterMode.Add when logical: Scatter<LogicalOrOp>(target, dim, index, src); break;
            case ScatterMode.Add: Scatter<AddOp>(target, dim, index, src); break;
            case ScatterMode.Multiply when logical: Scatter<LogicalAndOp>(target, dim, index, src); break;
            case ScatterMode.Multiply: Scatter<MulOp>(target, dim, index, src); break;
            case ScatterMode.Maximum: Scatter<MaximumOp>(target, dim, index, src); break;
            default: Scatter<MinimumOp>(target, dim, index, src); break;
        }
    }

    private static void Scatter<TOp>(Tensor target, int dim, Tensor index, Tensor src) where TOp : IBinaryOp
    {
        int rank = Math.Max(index.Dim, 1);
        // dim goes innermost: the strided loop splits work between threads by rows, so every run along dim
        // (the only elements that can share a target) stays on one thread, in order. Duplicates then combine
        // serially and deterministically, the last write winning for Assign.
        int[] order = [.. Enumerable.Range(0, rank).Where(d => d != dim), dim];
        var targetStrides = StridesOf(target, rank);
        int dimStride = targetStrides[dim];
        targetStrides[dim] = 0;
        var sizes = Permuted(SizesOf(index), order);
        var s0 = Permuted(targetStrides, order);
        var s1 = Permuted(StridesOf(index, rank), order);
        var s2 = Permuted(StridesOf(src, rank), order);
        var idx = index.Data<long>();
        switch (target.DType)
        {
            case DType.Bool or DType.UInt8: Run(new ScatterRow<byte, TOp>(target.Data<byte>(), src.Data<byte>(), idx, dimStride)); break;
            case DType.Int32: Run(new ScatterRow<int, TOp>(target.Data<int>(), src.Data<int>(), idx, dimStride)); break;
            case DType.Int64: Run(new ScatterRow<long, TOp>(target.Data<long>(), src.Data<long>(), idx, dimStride)); break;
            case DType.Float32: Run(new ScatterRow<float, TOp>(target.Data<float>(), src.Data<float>(), idx, dimStride)); break;
            default: Run(new ScatterRow<double, TOp>(target.Data<double>(), src.Data<double>(), idx, dimStride)); break;
        }

        void Run<TK>(TK kernel) where TK : struct, IRowKernel =>
            StridedLoop.Run(sizes, s0, target.Layout.Offset, s1, index.Layout.Offset, s2, src.Layout.Offset, kernel);
    }

    /// <summary>The first index value (row-major) outside [<paramref name="low"/>, <paramref name="high"/>), if any.</summary>
    public static long? FirstOutOfRange(Tensor index, long low, long high)
    {
        if (index.Numel == 0) return null;
        if (index.DType == DType.Int64 && index.IsContiguous())
        {
            // Read in place: a vectorised min/max answers the common case; only a bad index needs the scan.
            var values = new ReadOnlySpan<long>(index.Data<long>(), index.Layout.Offset, index.Numel);
            if (TensorPrimitives.Min(values) >= low && TensorPrimitives.Max(values) < high) return null;
            foreach (var v in values)
                if (v < low || v >= high) return v;
            return null;
        }
        foreach (var v in index.ToArray<long>())
            if (v < low || v >= high) return v;
        return null;
    }

    private static int[] SizesOf(Tensor t) => t.Dim == 0 ? [1] : t.Layout.Sizes;

    /// <summary>The strides over <paramref name="rank"/> dims; a 0-d (or broadcast scalar) operand gets all zeros.</summary>
    private static int[] StridesOf(Tensor t, int rank) => t.Dim == 0 ? new int[rank] : (int[])t.Layout.Strides.Clone();

    private static int[] Permuted(int[] values, int[] order) => Array.ConvertAll(order, d => values[d]);
}
