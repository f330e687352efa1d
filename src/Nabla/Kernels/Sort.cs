using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <summary>
/// Unsigned keys whose order is PyTorch's CPU sort order: NaN above +inf (all NaNs equal), -0.0 equal to +0.0,
/// integers by value. Sorting plain ulong keys lets the runtime's primitive sort do the work.
/// </summary>
internal static class SortKey
{
    private const ulong SignBit = 1UL << 63;

    public static ulong Of<T>(T x) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(double))
        {
            double d = Unsafe.As<T, double>(ref x);
            if (double.IsNaN(d)) return ulong.MaxValue;
            ulong bits = BitConverter.DoubleToUInt64Bits(d == 0 ? 0.0 : d);
            return (bits & SignBit) != 0 ? ~bits : bits | SignBit;
        }
        if (typeof(T) == typeof(float)) return T.IsNaN(x) ? ulong.MaxValue : Of32(x);
        if (typeof(T) == typeof(byte)) return Unsafe.As<T, byte>(ref x);
        return (ulong)long.CreateTruncating(x) ^ SignBit; // Int32 and Int64
    }

    /// <summary>
    /// Whether <see cref="Of32{T}"/> serves the row: float32, Int32, UInt8 and Bool always, Int64 when every value fits
    /// Int32 (indices, as argsort of an argsort sorts).
    /// </summary>
    public static bool Fits32<T>(ReadOnlySpan<T> row) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float) || typeof(T) == typeof(int) || typeof(T) == typeof(byte)) return true;
        if (typeof(T) != typeof(long)) return false;
        foreach (long v in MemoryMarshal.Cast<T, long>(row))
            if (v != (int)v) return false;
        return true;
    }

    /// <summary>
    /// A 32-bit key in the order of <see cref="Of{T}"/> (equal exactly where it is equal): float32 takes the same
    /// flipped bits (no finite value or infinity reaches 0xFFFFFFFF, which NaN takes), Int32 (and Int64 within its
    /// range) flips its sign bit.
    /// </summary>
    public static uint Of32<T>(T x) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
        {
            float f = Unsafe.As<T, float>(ref x);
            if (float.IsNaN(f)) return uint.MaxValue;
            uint bits = BitConverter.SingleToUInt32Bits(f == 0 ? 0f : f);
            return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        }
        if (typeof(T) == typeof(byte)) return Unsafe.As<T, byte>(ref x);
        if (typeof(T) == typeof(long)) return (uint)(int)Unsafe.As<T, long>(ref x) ^ 0x8000_0000u;
        return (uint)Unsafe.As<T, int>(ref x) ^ 0x8000_0000u;
    }
}

/// <summary>
/// Lexicographic order of contiguous rows of <c>width</c> elements, as unique(dim) compares slices (a NaN compares
/// equal to everything there); ties break by row number.
/// </summary>
internal readonly struct LexOrder<T>(T[] data, int offset, int width) : IComparer<int> where T : unmanaged, INumber<T>
{
    public int Compare(int a, int b)
    {
        for (int i = 0; i < width; i++)
        {
            T x = data[offset + a * width + i], y = data[offset + b * width + i];
            if (x < y) return -1;
            if (x > y) return 1;
        }
        return a.CompareTo(b);
    }
}

/// <summary>How <see cref="Sorting.Select"/> orders a row.</summary>
internal enum Selection
{
    /// <summary>A stable sort (Nabla's sort and argsort).</summary>
    StableSort,
    /// <summary>libtorch's topk with sorted=True.</summary>
    TopK,
    /// <summary>libtorch's topk with sorted=False (the selection in the order it is left in).</summary>
    TopKUnsorted,
    /// <summary>libtorch's kthvalue quickselect; <c>first</c> is k - 1.</summary>
    KthValue,
}

/// <summary>
/// Sorting-family kernels on contiguous row arrangements (the sorted dim moved last, as <see cref="Reduce.Rows"/>
/// makes them): stable row sorts and libtorch's selections, gather/scatter along rows, run detection for unique,
/// and binary search.
/// </summary>
internal static class Sorting
{
    /// <summary>
    /// Orders each row of <paramref name="rows"/> (outer × n) by <paramref name="how"/> and keeps the ordered
    /// positions [first, first + count): their values into <paramref name="values"/> and their source positions
    /// into <paramref name="indices"/> (both outer × count, contiguous from 0). <paramref name="descending"/> also
    /// means "largest" for topk.
    /// </summary>
    public static void Select(Tensor rows, int outer, int n, Selection how, bool descending, int first, int count, Tensor values, long[] indices) =>
        DTypeDispatch.Run(rows.DType, new SelectKernel(rows, outer, n, how, descending, first, count, values, indices));

    private readonly struct SelectKernel(Tensor rows, int outer, int n, Selection how, bool descending, int first, int count,
        Tensor values, long[] indices) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var src = rows.Data<T>();
            var dst = values.Data<T>();
            int offset = rows.StorageOffset;
            // Locals, because the parallel body cannot capture the struct.
            var (len, by, desc, from, take, idx) = (n, how, descending, first, count, indices);
            // a row sort costs about n log n: rows of a few hundred split over threads well before a linear pass would
            ForRows(outer, len * Math.Max(1, BitOperations.Log2((uint)len)), o =>
            {
                var row = new ReadOnlySpan<T>(src, offset + o * len, len);
                var order = by switch
                {
                    Selection.StableSort => StableOrder(row, desc),
                    Selection.KthValue => LibtorchOrder(row, s => SortAlgorithms<T, LargerFirst>.QuickSelect(s, from)),
                    _ => LibtorchOrder(row, s => TopK(s, desc, from + take, sorted: by == Selection.TopK)),
                };
                for (int j = 0; j < take; j++)
                {
                    int p = order[from + j];
                    dst[o * take + j] = row[p];
                    idx[o * take + j] = p;
                }
            });
        }
    }

    /// <summary>Positions of a row in stable sorted order: ulong keys on the primitive sort, ties put back in input order.</summary>
    private static int[] StableOrder<T>(ReadOnlySpan<T> row, bool descending) where T : unmanaged, INumber<T>
    {
        if (SortKey.Fits32(row)) return PackedStableOrder(row, descending);
        var keys = new ulong[row.Length];
        var perm = new int[row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            ulong key = SortKey.Of(row[i]);
            keys[i] = descending ? ~key : key;
            perm[i] = i;
        }
        keys.AsSpan().Sort(perm.AsSpan());
        for (int i = 0; i < keys.Length;)
        {
            int j = i + 1;
            while (j < keys.Length && keys[j] == keys[i]) j++;
            if (j - i > 1) perm.AsSpan(i, j - i).Sort();
            i = j;
        }
        return perm;
    }

    /// <summary>
    /// <see cref="StableOrder{T}"/> for 32-bit keys: key and position packed into one ulong, so one primitive sort
    /// gives the (key, position) order, ties in input order, with no second pass. The 32-bit keys order the values
    /// exactly as the 64-bit ones do (the same comparisons, NaN largest), so the order is the same.
    /// </summary>
    private static int[] PackedStableOrder<T>(ReadOnlySpan<T> row, bool descending) where T : unmanaged, INumber<T>
    {
        var packed = new ulong[row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            uint key = SortKey.Of32(row[i]);
            packed[i] = ((ulong)(descending ? ~key : key) << 32) | (uint)i;
        }
        packed.AsSpan().Sort();
        var perm = new int[row.Length];
        for (int i = 0; i < perm.Length; i++) perm[i] = (int)(uint)packed[i];
        return perm;
    }

    /// <summary>Runs one of libtorch's in-place selections on (value, position) pairs and returns the positions.</summary>
    private static int[] LibtorchOrder<T>(ReadOnlySpan<T> row, SpanAction<T> select) where T : unmanaged, INumber<T>
    {
        var ranked = new Ranked<T>[row.Length];
        for (int i = 0; i < row.Length; i++) ranked[i] = new Ranked<T>(row[i], i);
        select(ranked);
        return Array.ConvertAll(ranked, r => r.Position);
    }

    private static void TopK<T>(Span<Ranked<T>> s, bool largest, int k, bool sorted) where T : unmanaged, INumber<T>
    {
        if (largest) SortAlgorithms<T, LargerFirst>.TopK(s, k, sorted);
        else SortAlgorithms<T, SmallerFirst>.TopK(s, k, sorted);
    }

    private delegate void SpanAction<T>(Span<Ranked<T>> s) where T : unmanaged;

    /// <summary>The stable lexicographic order of <paramref name="count"/> contiguous rows of <paramref name="width"/> elements.</summary>
    public static int[] LexSort(Tensor rows, int count, int width)
    {
        var perm = new int[count];
        for (int i = 0; i < count; i++) perm[i] = i;
        DTypeDispatch.Run(rows.DType, new LexSortKernel(rows, width, perm));
        return perm;
    }

    private readonly struct LexSortKernel(Tensor rows, int width, int[] perm) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T> =>
            perm.AsSpan().Sort(new LexOrder<T>(rows.Data<T>(), rows.StorageOffset, width));
    }

    /// <summary>
    /// Where runs of equal rows start in <paramref name="count"/> contiguous rows of <paramref name="width"/>
    /// elements; rows differ when any element compares unequal, so a NaN always starts a new run (as torch.unique).
    /// </summary>
    public static List<int> RunStarts(Tensor rows, int count, int width)
    {
        var starts = new List<int>();
        DTypeDispatch.Run(rows.DType, new RunStartsKernel(rows, count, width, starts));
        return starts;
    }

    private readonly struct RunStartsKernel(Tensor rows, int count, int width, List<int> starts) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var data = rows.Data<T>();
            int offset = rows.StorageOffset;
            for (int r = 0; r < count; r++)
                if (r == 0 || Differs(data, offset + (r - 1) * width, offset + r * width)) starts.Add(r);
        }

        private bool Differs<T>(T[] data, int a, int b) where T : unmanaged, INumber<T>
        {
            for (int i = 0; i < width; i++)
                if (data[a + i] != data[b + i]) return true;
            return false;
        }
    }

    /// <summary>
    /// Gather: <c>dst[o, j] = src[o, index[o, j]]</c>. Scatter-add: <c>dst[o, index[o, j]] += src[o, j]</c> into a
    /// zeroed <paramref name="dst"/>. Rows are contiguous; index rows hold <paramref name="indexLength"/> entries and
    /// the indexed rows <paramref name="rowLength"/>. Each row is handled by one thread, so sums are deterministic.
    /// </summary>
    public static void Route(Tensor src, Tensor index, int outer, int indexLength, int rowLength, Tensor dst, bool scatter) =>
        DTypeDispatch.Run(src.DType, new RouteKernel(src, index, outer, indexLength, rowLength, dst, scatter));

    private readonly struct RouteKernel(Tensor src, Tensor index, int outer, int indexLength, int rowLength, Tensor dst, bool scatter)
        : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            bool scatterAdd = scatter;
            var s = src.Data<T>();
            var d = dst.Data<T>();
            var idx = index.Data<long>();
            int so = src.StorageOffset, io = index.StorageOffset, m = indexLength, n = rowLength;
            ForRows(outer, m, o =>
            {
                for (int j = 0; j < m; j++)
                {
                    int p = (int)idx[io + o * m + j];
                    if (scatterAdd) d[o * n + p] += s[so + o * m + j];
                    else d[o * m + j] = s[so + o * n + p];
                }
            });
        }
    }

    /// <summary>
    /// searchsorted on contiguous operands of one dtype: for value i, the insertion point in its boundary row
    /// (the only row when <paramref name="sharedRow"/>; else row i / valueRowLength), visiting the row in the order
    /// <paramref name="sorter"/> gives when there is one. The tests are PyTorch's <c>!(b &gt;= v)</c> (left) and
    /// <c>!(b &gt; v)</c> (right), so a NaN value lands past every boundary.
    /// </summary>
    public static void Search(Tensor boundaries, Tensor values, Tensor? sorter, int boundaryLength, int valueRowLength,
        bool sharedRow, bool right, long[] result) =>
        DTypeDispatch.Run(values.DType, new SearchKernel(boundaries, values, sorter, boundaryLength, valueRowLength, sharedRow, right, result));

    private readonly struct SearchKernel(Tensor boundaries, Tensor values, Tensor? sorter, int boundaryLength, int valueRowLength,
        bool sharedRow, bool right, long[] result) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var bd = boundaries.Data<T>();
            var v = values.Data<T>();
            var order = sorter?.Data<long>();
            int bo = boundaries.StorageOffset, vo = values.StorageOffset, so = sorter?.StorageOffset ?? 0;
            for (int i = 0; i < result.Length; i++)
            {
                int start = sharedRow ? 0 : i / valueRowLength * boundaryLength;
                int lo = start, hi = start + boundaryLength;
                T x = v[vo + i];
                while (lo < hi)
                {
                    int mid = lo + ((hi - lo) >> 1);
                    T b = order is null ? bd[bo + mid] : bd[bo + start + (int)order[so + mid]];
                    bool goRight = right ? !(b > x) : !(b >= x);
                    if (goRight) lo = mid + 1;
                    else hi = mid;
                }
                result[i] = lo - start;
            }
        }
    }

    private static void ForRows(int outer, int n, Action<int> body)
    {
        if ((long)outer * n < StridedLoop.ParallelGrain || outer < 2)
            for (int i = 0; i < outer; i++) body(i);
        else
            Parallel.For(0, outer, body);
    }
}
