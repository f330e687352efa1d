namespace Nabla.Kernels;

/// <summary>The body of a strided loop: one innermost run of <c>count</c> elements for up to three operands.</summary>
internal interface IRowKernel
{
    void Row(int count, int o0, int s0, int o1, int s1, int o2, int s2);
}

/// <summary>
/// The one loop every elementwise kernel runs on: walks an iteration shape over up to three strided operands,
/// merges dims that are contiguous with each other, and hands the innermost runs to a kernel struct
/// (which the JIT specialises, so there is no per-element call). Large loops split over threads by rows;
/// each element is still computed by exactly one thread, so results do not depend on the thread count.
/// </summary>
internal static class StridedLoop
{
    public const int ParallelGrain = 1 << 16;

    public static void Run<TK>(ReadOnlySpan<int> sizes,
        ReadOnlySpan<int> strides0, int offset0,
        ReadOnlySpan<int> strides1, int offset1,
        ReadOnlySpan<int> strides2, int offset2,
        TK kernel) where TK : struct, IRowKernel
    {
        int rank = sizes.Length;
        var shape = new List<int>(rank);
        var st = new List<(int a, int b, int c)>(rank);
        long numel = 1;
        for (int d = 0; d < rank; d++)
        {
            numel *= sizes[d];
            if (sizes[d] == 1) continue;
            var s = (Get(strides0, d), Get(strides1, d), Get(strides2, d));
            if (shape.Count > 0)
            {
                var p = st[^1];
                if (p.Item1 == s.Item1 * sizes[d] && p.Item2 == s.Item2 * sizes[d] && p.Item3 == s.Item3 * sizes[d])
                {
                    shape[^1] *= sizes[d];
                    st[^1] = s;
                    continue;
                }
            }
            shape.Add(sizes[d]);
            st.Add(s);
        }
        if (numel == 0) return;
        if (shape.Count == 0) { kernel.Row(1, offset0, 0, offset1, 0, offset2, 0); return; }

        int inner = shape[^1];
        var (is0, is1, is2) = st[^1];
        int outerRank = shape.Count - 1;
        var outerSizes = shape.GetRange(0, outerRank).ToArray();
        var outerStrides = st.GetRange(0, outerRank).ToArray();
        long rows = numel / inner;

        void RunRows(long first, long last)
        {
            Span<int> idx = stackalloc int[Math.Max(outerRank, 1)];
            long r = first;
            int o0 = offset0, o1 = offset1, o2 = offset2;
            for (int d = outerRank - 1; d >= 0; d--)
            {
                idx[d] = (int)(r % outerSizes[d]);
                r /= outerSizes[d];
                o0 += idx[d] * outerStrides[d].a; o1 += idx[d] * outerStrides[d].b; o2 += idx[d] * outerStrides[d].c;
            }
            for (long row = first; row < last; row++)
            {
                kernel.Row(inner, o0, is0, o1, is1, o2, is2);
                for (int d = outerRank - 1; d >= 0; d--)
                {
                    var (a, b, c) = outerStrides[d];
                    if (++idx[d] < outerSizes[d]) { o0 += a; o1 += b; o2 += c; break; }
                    o0 -= a * (idx[d] - 1); o1 -= b * (idx[d] - 1); o2 -= c * (idx[d] - 1);
                    idx[d] = 0;
                }
            }
        }

        int threads = Environment.ProcessorCount;
        if (numel < ParallelGrain || rows < 2 || threads < 2) { RunRows(0, rows); return; }
        int chunks = (int)Math.Min(rows, threads * 4L);
        Parallel.For(0, chunks, c => RunRows(rows * c / chunks, rows * (c + 1) / chunks));
    }

    private static int Get(ReadOnlySpan<int> strides, int d) => strides.IsEmpty ? 0 : strides[d];
}
