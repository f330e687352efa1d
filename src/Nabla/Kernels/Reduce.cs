using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>Reduces one contiguous row to a value of the row's type.</summary>
internal interface IReducer
{
    static abstract T Reduce<T>(ReadOnlySpan<T> row) where T : unmanaged, INumber<T>;
}

/// <summary>
/// Where <see cref="Reduce.SumLeading{T, TRows}"/> gets a row of <c>width</c> values: <c>at</c> is the row's first
/// element in the (outer, rows, k) block, <c>column</c> its position in the (outer, k) result. A source that
/// computes its values (<see cref="Computed"/>) writes them into <c>scratch</c>.
/// </summary>
internal interface ILeadingRows<T> where T : unmanaged
{
    static abstract bool Computed { get; }
    ReadOnlySpan<T> Row(int at, int column, int width, Span<T> scratch);
}

/// <summary>Picks one position of a contiguous row (argmax / argmin).</summary>
internal interface IArgReducer
{
    static abstract int Reduce<T>(ReadOnlySpan<T> row) where T : unmanaged, INumber<T>;
}

internal static class Accumulate
{
    public static bool IsFloat<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);
}

/// <summary>Sum; float32 accumulates in double so long rows lose no digits.</summary>
internal struct SumReducer : IReducer
{
    public static T Reduce<T>(ReadOnlySpan<T> row) where T : unmanaged, INumber<T>
    {
        if (Accumulate.IsFloat<T>()) return T.CreateTruncating(SumAsDouble(row));
        T sum = T.Zero;
        foreach (var v in row) sum += v;
        return sum;
    }

    /// <summary>The sum of float32 or float64 values, accumulated in double.</summary>
    public static double SumAsDouble<T>(ReadOnlySpan<T> row) where T : unmanaged, INumber<T> =>
        typeof(T) == typeof(float) ? WideSum(MemoryMarshal.Cast<T, float>(row)) : TensorPrimitives.Sum(MemoryMarshal.Cast<T, double>(row));

    /// <summary>Float32 values summed in double, eight lanes at a time.</summary>
    private static double WideSum(ReadOnlySpan<float> row)
    {
        var acc0 = Vector256<double>.Zero;
        var acc1 = Vector256<double>.Zero;
        int i = 0;
        for (; i + 8 <= row.Length; i += 8)
        {
            var v = Vector256.Create(row.Slice(i, 8));
            var (lo, hi) = Vector256.Widen(v);
            acc0 += lo;
            acc1 += hi;
        }
        double sum = Vector256.Sum(acc0 + acc1);
        for (; i < row.Length; i++) sum += row[i];
        return sum;
    }
}

internal struct ProdReducer : IReducer
{
    public static T Reduce<T>(ReadOnlySpan<T> row) where T : unmanaged, INumber<T>
    {
        if (Accumulate.IsFloat<T>())
        {
            double acc = 1;
            foreach (var v in row) acc *= double.CreateTruncating(v);
            return T.CreateTruncating(acc);
        }
        T p = T.One;
        foreach (var v in row) p *= v;
        return p;
    }
}

/// <summary>Maximum; any NaN makes the result NaN.</summary>
internal struct MaxReducer : IReducer
{
    public static T Reduce<T>(ReadOnlySpan<T> row) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) return (T)(object)TensorPrimitives.Max(MemoryMarshal.Cast<T, float>(row));
        if (typeof(T) == typeof(double)) return (T)(object)TensorPrimitives.Max(MemoryMarshal.Cast<T, double>(row));
        return row[ArgMaxReducer.Reduce(row)];
    }
}

internal struct MinReducer : IReducer
{
    public static T Reduce<T>(ReadOnlySpan<T> row) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) return (T)(object)TensorPrimitives.Min(MemoryMarshal.Cast<T, float>(row));
        if (typeof(T) == typeof(double)) return (T)(object)TensorPrimitives.Min(MemoryMarshal.Cast<T, double>(row));
        return row[ArgMinReducer.Reduce(row)];
    }
}

/// <summary>First position of the maximum; the first NaN beats every number.</summary>
internal struct ArgMaxReducer : IArgReducer
{
    public static int Reduce<T>(ReadOnlySpan<T> row) where T : unmanaged, INumber<T>
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++)
        {
            if (T.IsNaN(row[best])) break;
            if (T.IsNaN(row[i]) || row[i] > row[best]) best = i;
        }
        return best;
    }
}

/// <summary>First position of the minimum; the first NaN beats every number.</summary>
internal struct ArgMinReducer : IArgReducer
{
    public static int Reduce<T>(ReadOnlySpan<T> row) where T : unmanaged, INumber<T>
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++)
        {
            if (T.IsNaN(row[best])) break;
            if (T.IsNaN(row[i]) || row[i] < row[best]) best = i;
        }
        return best;
    }
}

/// <summary>
/// Row-wise reductions over a contiguous (outer, k) arrangement: reduced dims are moved to the end first,
/// so each output element reduces one contiguous run.
/// </summary>
internal static class Reduce
{
    /// <summary>The input with <paramref name="dims"/> moved last, contiguous, and the (outer, k) split.</summary>
    public static Tensor Rows(Tensor x, int[] dims, out int outer, out int k)
    {
        var keep = Enumerable.Range(0, x.Dim).Where(d => !dims.Contains(d)).ToArray();
        k = 1;
        foreach (var d in dims) k *= x.Size(d);
        outer = 1;
        foreach (var d in keep) outer *= x.Size(d);
        using var _ = GradMode.NoGrad();
        var moved = x.Detach().Permute([.. keep, .. dims]);
        return moved.IsContiguous() ? moved : moved.CloneRaw();
    }

    public static void Values<TR>(Tensor rows, int outer, int k, Tensor y) where TR : IReducer =>
        DTypeDispatch.Run(rows.DType, new ValuesKernel<TR>(rows, outer, k, y));

    private readonly struct ValuesKernel<TR>(Tensor rows, int outer, int k, Tensor y) : INumericKernel where TR : IReducer
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var src = rows.Data<T>();
            var dst = y.Data<T>();
            int offset = rows.StorageOffset, kk = k;
            if (typeof(TR) == typeof(SumReducer) && Accumulate.IsFloat<T>() && outer == 1 && k >= 4 * StridedLoop.ParallelGrain)
                dst[0] = ChunkedSum(src, offset, k);
            else
                ForRows(outer, k, i => dst[i] = TR.Reduce(new ReadOnlySpan<T>(src, offset + i * kk, kk)));
        }
    }

    /// <summary>
    /// Row sums of any input dtype into a wider output, Int64 (for Bool and integer inputs) or Float64, converting one
    /// element at a time: a UInt8 sum or a float32 mean never makes a widened copy of its whole input first.
    /// </summary>
    public static void WideningSums(Tensor rows, int outer, int k, Tensor y) =>
        DTypeDispatch.Run(rows.DType, new WideningSumsKernel(rows, outer, k, y));

    private readonly struct WideningSumsKernel(Tensor rows, int outer, int k, Tensor y) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var src = rows.Data<T>();
            int offset = rows.StorageOffset, kk = k;
            if (y.DType == DType.Int64)
            {
                var dst = y.Data<long>();
                ForRows(outer, k, i =>
                {
                    long sum = 0;
                    foreach (var v in new ReadOnlySpan<T>(src, offset + i * kk, kk)) sum += long.CreateTruncating(v);
                    dst[i] = sum;
                });
                return;
            }
            var dstF = y.Data<double>();
            ForRows(outer, k, i =>
            {
                var row = new ReadOnlySpan<T>(src, offset + i * kk, kk);
                if (Accumulate.IsFloat<T>()) { dstF[i] = SumReducer.SumAsDouble(row); return; }
                double sum = 0;
                foreach (var v in row) sum += double.CreateTruncating(v);
                dstF[i] = sum;
            });
        }
    }

    public static void Indices<TR>(Tensor rows, int outer, int k, long[] indices) where TR : IArgReducer =>
        DTypeDispatch.Run(rows.DType, new IndicesKernel<TR>(rows, outer, k, indices));

    private readonly struct IndicesKernel<TR>(Tensor rows, int outer, int k, long[] indices) : INumericKernel where TR : IArgReducer
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var (src, result) = (rows.Data<T>(), indices);
            int offset = rows.StorageOffset, kk = k;
            ForRows(outer, k, i => result[i] = TR.Reduce(new ReadOnlySpan<T>(src, offset + i * kk, kk)));
        }
    }

    /// <summary>
    /// Sums a contiguous (outer, rows, k) block over its rows into y ((outer, k) elements, zero on entry), walking
    /// memory in order instead of transposing: the reduction over leading dims that every broadcast backward needs
    /// (outer = 1), and over a middle block of dims (x.sum(1, keepdim) of (A, B, C)). Float32 accumulates in
    /// double; (slab, column block) pieces run in parallel, each column summed in row order whatever the thread count.
    /// </summary>
    public static void SumLeading(Tensor x, int outer, int rows, int k, Tensor y) => DTypeDispatch.Run(x.DType, new SumLeadingKernel(x, outer, rows, k, y));

    private readonly struct SumLeadingKernel(Tensor x, int outer, int rows, int k, Tensor y) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T> =>
            SumLeading(new InputRows<T>(x.Data<T>(), x.StorageOffset), outer, rows, k, y.Data<T>());
    }

    /// <summary>The rows of a contiguous input, read in place.</summary>
    private readonly struct InputRows<T>(T[] src, int offset) : ILeadingRows<T> where T : unmanaged
    {
        public static bool Computed => false;
        public ReadOnlySpan<T> Row(int at, int column, int width, Span<T> scratch) => src.AsSpan(offset + at, width);
    }

    /// <summary>
    /// <see cref="SumLeading(Tensor, int, int, int, Tensor)"/> over rows that <paramref name="source"/> reads or
    /// computes, into dst ((outer, k) elements from 0, zero on entry): the same accumulation, in the same order,
    /// whatever the rows are made of.
    /// </summary>
    public static void SumLeading<T, TRows>(TRows source, int outer, int rows, int k, T[] dst)
        where T : unmanaged, INumber<T> where TRows : struct, ILeadingRows<T>
    {
        int rowCount = rows, cols = k;
        const int block = 1024;
        int blocks = (cols + block - 1) / block, pieces = outer * blocks;
        void Columns(int piece)
        {
            int slab = piece / blocks, j0 = piece % blocks * block, width = Math.Min(block, cols - j0);
            int first = slab * rowCount * cols + j0, into = slab * cols + j0;
            Span<T> scratch = TRows.Computed ? stackalloc T[width] : default;
            if (typeof(T) == typeof(float))
            {
                Span<double> acc = stackalloc double[width];
                for (int r = 0; r < rowCount; r++)
                    WidenAdd(MemoryMarshal.Cast<T, float>(source.Row(first + r * cols, into, width, scratch)), acc);
                var outF = MemoryMarshal.Cast<T, float>(dst.AsSpan(into, width));
                for (int j = 0; j < width; j++) outF[j] = (float)acc[j];
            }
            else
            {
                var acc = dst.AsSpan(into, width);
                for (int r = 0; r < rowCount; r++)
                {
                    var row = source.Row(first + r * cols, into, width, scratch);
                    for (int j = 0; j < width; j++) acc[j] += row[j];
                }
            }
        }
        if ((long)outer * rowCount * cols < StridedLoop.ParallelGrain || pieces < 2) for (int p = 0; p < pieces; p++) Columns(p);
        else Parallel.For(0, pieces, Columns);
    }

    /// <summary>acc[j] += row[j], float32 widened to double sixteen or eight lanes at a time (each lane's add is the scalar one).</summary>
    private static void WidenAdd(ReadOnlySpan<float> row, Span<double> acc)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j + 16 <= row.Length; j += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.Create(row.Slice(j, 16)));
                (Vector512.Create((ReadOnlySpan<double>)acc.Slice(j, 8)) + lo).CopyTo(acc.Slice(j, 8));
                (Vector512.Create((ReadOnlySpan<double>)acc.Slice(j + 8, 8)) + hi).CopyTo(acc.Slice(j + 8, 8));
            }
        for (; j + 8 <= row.Length; j += 8)
        {
            var (lo, hi) = Vector256.Widen(Vector256.Create(row.Slice(j, 8)));
            (Vector256.Create((ReadOnlySpan<double>)acc.Slice(j, 4)) + lo).CopyTo(acc.Slice(j, 4));
            (Vector256.Create((ReadOnlySpan<double>)acc.Slice(j + 4, 4)) + hi).CopyTo(acc.Slice(j + 4, 4));
        }
        for (; j < row.Length; j++) acc[j] += row[j];
    }

    /// <summary>A long float sum split into fixed chunks summed in parallel (in double), then added in order.</summary>
    private static T ChunkedSum<T>(T[] values, int offset, int length) where T : unmanaged, INumber<T>
    {
        const int chunk = 1 << 16;
        int chunks = (length + chunk - 1) / chunk;
        var partial = new double[chunks];
        Parallel.For(0, chunks, c =>
            partial[c] = SumReducer.SumAsDouble(new ReadOnlySpan<T>(values, offset + c * chunk, Math.Min(chunk, length - c * chunk))));
        double total = 0;
        foreach (var p in partial) total += p;
        return T.CreateTruncating(total);
    }

    private static void ForRows(int outer, int k, Action<int> body)
    {
        if ((long)outer * k < StridedLoop.ParallelGrain || outer < 2)
            for (int i = 0; i < outer; i++) body(i);
        else
            Parallel.For(0, outer, body);
    }
}
