namespace Nabla.Kernels;

/// <summary>
/// A gather / scatter kernel that, besides the per-element row of <see cref="IRowKernel"/> (operands 0, 1 = index,
/// 2), can take a whole run over which the index holds one value: then the indexed side moves by one fixed offset
/// and the run is a plain (vectorisable) copy or combine of n elements.
/// </summary>
internal interface IIndexRunKernel : IRowKernel
{
    void Run(int n, int o0, int s0, long index, int o2, int s2);
}

/// <summary>How a run loop ended.</summary>
internal enum RunResult
{
    /// <summary>The shape does not suit the run loop; nothing was done.</summary>
    NotApplicable,
    /// <summary>Every element was handled.</summary>
    Done,
    /// <summary>An index value outside the limit stopped the loop.</summary>
    OutOfRange,
}

/// <summary>
/// The row-major loop of gather and scatter when <c>dim</c> is not the innermost dim (the MAE pattern: an index of
/// shape (N, K, 1) expanded or repeated to (N, K, D) picks whole rows of D elements). It walks the index's shape in
/// row-major order, rows along the innermost (merged) dim, and inside each row finds the runs where the index does
/// not change (a stride-0 index is one run; a contiguous one is scanned with a vectorised compare) and hands them to
/// the kernel whole; short runs go element by element.
/// <para>
/// Row-major order keeps scatter's accumulation order: every element that can reach a given target shares its
/// coordinates off <c>dim</c>, and those elements are visited in ascending order along <c>dim</c>, as the general
/// loop (which puts <c>dim</c> innermost) visits them. For scatter (<c>orderAlongDim</c>) the work splits across
/// threads only by the coordinates before <c>dim</c>, or by column ranges of the rows, so all the elements that
/// can meet at one target stay on one thread, in that order, whatever the thread count.
/// </para>
/// </summary>
internal static class IndexRuns
{
    /// <summary>Rows shorter than this after merging take the general loop.</summary>
    public const int MinRow = 8;

    /// <summary>A run shorter than this goes element by element (a varying index), for the next <see cref="ElementBlock"/> elements.</summary>
    private const int MinRun = 4;

    private const int ElementBlock = 64;

    /// <summary>Column splits start at multiples of this (whole cache lines for every dtype).</summary>
    private const int ColumnAlign = 16;

    /// <summary>
    /// Runs <paramref name="kernel"/> over the index shape <paramref name="sizes"/> when that suits it; returns
    /// <see cref="RunResult.NotApplicable"/> (having done nothing) when <paramref name="dim"/> is innermost or the rows
    /// are too short. With a <paramref name="limit"/>, every index value is tested against [0, limit) before it is
    /// used, and a value outside stops the loop with <see cref="RunResult.OutOfRange"/> (the operands then hold partial
    /// results; the caller reports the first bad value from its own scan). Without one the index is already checked.
    /// </summary>
    public static RunResult TryRun<TK>(int[] sizes, int[] strides0, int offset0, int[] strides1, int offset1, int[] strides2, int offset2,
        long[] index, int dim, bool orderAlongDim, TK kernel, long limit = long.MaxValue) where TK : struct, IIndexRunKernel
    {
        int rank = sizes.Length;
        if (dim >= rank - 1) return RunResult.NotApplicable;
        var sz = new int[rank];
        var a = new int[rank];
        var b = new int[rank];
        var c = new int[rank];
        int r = 0;
        for (int j = 0; j < rank; j++)
        {
            int n = sizes[j];
            if (j > dim && n == 1) continue;
            // dims after dim merge where all three operands step over them as one longer dim
            if (j > dim && r - 1 > dim
                && a[r - 1] == strides0[j] * n && b[r - 1] == strides1[j] * n && c[r - 1] == strides2[j] * n)
            {
                sz[r - 1] *= n;
                (a[r - 1], b[r - 1], c[r - 1]) = (strides0[j], strides1[j], strides2[j]);
                continue;
            }
            (sz[r], a[r], b[r], c[r]) = (n, strides0[j], strides1[j], strides2[j]);
            r++;
        }
        if (r - 1 == dim || sz[r - 1] < MinRow) return RunResult.NotApplicable;

        var plan = new Plan(sz[..(r - 1)], a, b, c, offset0, offset1, offset2, sz[r - 1], index, limit);
        long rows = 1;
        for (int j = 0; j < r - 1; j++) rows *= sz[j];
        long splittable = 1; // groups of whole rows that may go to different threads
        if (orderAlongDim) for (int j = 0; j < dim; j++) splittable *= sz[j];
        else splittable = rows;
        long rowsPerGroup = splittable == 0 ? 0 : rows / splittable;
        int width = plan.Width;
        long numel = rows * width;
        if (numel == 0) return RunResult.Done;

        int threads = Parallelism.NumThreads;
        if (numel < StridedLoop.ParallelGrain || threads < 2)
        {
            Rows(plan, 0, rows, 0, width, kernel);
            return plan.Result;
        }
        int maxChunks = (int)Math.Min(threads * 4L, numel / (StridedLoop.ParallelGrain / 4));
        if (splittable >= 2)
        {
            int chunks = (int)Math.Min(splittable, maxChunks);
            Parallel.For(0, chunks, k => Rows(plan, splittable * k / chunks * rowsPerGroup, splittable * (k + 1) / chunks * rowsPerGroup, 0, width, kernel));
            return plan.Result;
        }
        // One group (nothing before dim): split the columns instead; each thread walks every row over its columns.
        int columnChunks = Math.Min(maxChunks, width / ColumnAlign);
        if (columnChunks < 2) return RunResult.NotApplicable; // rows too narrow to split: the general loop splits across them
        int units = (width + ColumnAlign - 1) / ColumnAlign;
        Parallel.For(0, columnChunks, k => Rows(plan, 0, rows,
            Math.Min(width, units * k / columnChunks * ColumnAlign), Math.Min(width, units * (k + 1) / columnChunks * ColumnAlign), kernel));
        return plan.Result;
    }

    /// <summary>
    /// The merged loop: outer sizes (every dim but the innermost), the strides of all dims, the row width, the index
    /// and its limit; <see cref="OutOfRange"/> is raised by whichever thread meets a value outside it.
    /// </summary>
    private sealed record Plan(int[] Outer, int[] S0, int[] S1, int[] S2, int O0, int O1, int O2, int Width, long[] Index, long Limit)
    {
        public volatile bool OutOfRange;
        public RunResult Result => OutOfRange ? RunResult.OutOfRange : RunResult.Done;
    }

    /// <summary>Rows [first, last) of the outer shape (row-major), columns [c0, c1) of each.</summary>
    private static void Rows<TK>(Plan p, long first, long last, int c0, int c1, TK kernel) where TK : struct, IIndexRunKernel
    {
        if (first >= last || c0 >= c1) return;
        int outer = p.Outer.Length, inner = outer; // the innermost dim's strides sit at position `outer`
        int k0 = p.S0[inner], k1 = p.S1[inner], k2 = p.S2[inner];
        Span<int> idx = stackalloc int[Math.Max(outer, 1)];
        int o0 = p.O0, o1 = p.O1, o2 = p.O2;
        long rest = first;
        for (int d = outer - 1; d >= 0; d--)
        {
            idx[d] = (int)(rest % p.Outer[d]);
            rest /= p.Outer[d];
            o0 += idx[d] * p.S0[d]; o1 += idx[d] * p.S1[d]; o2 += idx[d] * p.S2[d];
        }
        for (long row = first; row < last; row++)
        {
            if (!Row(p, c1 - c0, o0 + c0 * k0, k0, o1 + c0 * k1, k1, o2 + c0 * k2, k2, kernel))
            {
                p.OutOfRange = true;
                return;
            }
            for (int d = outer - 1; d >= 0; d--)
            {
                if (++idx[d] < p.Outer[d]) { o0 += p.S0[d]; o1 += p.S1[d]; o2 += p.S2[d]; break; }
                o0 -= p.S0[d] * (idx[d] - 1); o1 -= p.S1[d] * (idx[d] - 1); o2 -= p.S2[d] * (idx[d] - 1);
                idx[d] = 0;
            }
        }
    }

    /// <summary>
    /// One row of <paramref name="n"/> elements: whole runs of one index value, short runs element by element. Returns
    /// false, at the first value outside [0, limit), before that value is used.
    /// </summary>
    private static bool Row<TK>(Plan p, int n, int o0, int s0, int o1, int s1, int o2, int s2, TK kernel) where TK : struct, IIndexRunKernel
    {
        long[] index = p.Index;
        ulong limit = (ulong)p.Limit;
        if (s1 == 0)
        {
            if ((ulong)index[o1] >= limit) return false;
            kernel.Run(n, o0, s0, index[o1], o2, s2);
            return true;
        }
        int k = 0;
        while (k < n)
        {
            long value = index[o1 + k * s1];
            if ((ulong)value >= limit) return false;
            int end = RunEnd(index, value, o1, s1, k, n);
            if (end - k >= MinRun || end == n)
            {
                kernel.Run(end - k, o0 + k * s0, s0, value, o2 + k * s2, s2);
                k = end;
                continue;
            }
            int m = Math.Min(ElementBlock, n - k);
            if (limit != long.MaxValue && !InRange(index, o1 + k * s1, s1, m, p.Limit)) return false;
            kernel.Row(m, o0 + k * s0, s0, o1 + k * s1, s1, o2 + k * s2, s2);
            k += m;
        }
        return true;
    }

    /// <summary>Whether the <paramref name="m"/> values from <paramref name="at"/> (step <paramref name="step"/>) lie in [0, limit).</summary>
    private static bool InRange(long[] index, int at, int step, int m, long limit)
    {
        if (step == 1) return IndexAlongDim.AllInRange(index.AsSpan(at, m), 0, limit);
        for (int j = 0; j < m; j++)
            if ((ulong)index[at + j * step] >= (ulong)limit) return false;
        return true;
    }

    /// <summary>The first position after <paramref name="k"/> whose index differs from <paramref name="value"/> (or n).</summary>
    private static int RunEnd(long[] index, long value, int o1, int s1, int k, int n)
    {
        if (s1 == 1)
        {
            int at = index.AsSpan(o1 + k + 1, n - k - 1).IndexOfAnyExcept(value);
            return at < 0 ? n : k + 1 + at;
        }
        int end = k + 1;
        while (end < n && index[o1 + end * s1] == value) end++;
        return end;
    }
}
