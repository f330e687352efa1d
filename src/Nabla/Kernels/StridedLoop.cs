namespace Nabla.Kernels;

/// <summary>The body of a strided loop: one innermost run of <c>count</c> elements for up to three operands.</summary>
internal interface IRowKernel
{
    void Row(int count, int o0, int s0, int o1, int s1, int o2, int s2);
}

/// <summary>
/// The one loop every elementwise kernel runs on (PyTorch's TensorIterator is the model): walks an iteration
/// shape over up to three strided operands, merges dims that are contiguous with each other, and hands the
/// innermost runs to a kernel struct (which the JIT specialises, so there is no per-element call).
/// <para>
/// Large loops split over threads. By default the split is by rows (innermost runs stay whole on one thread,
/// which scatter needs: duplicates inside a run combine in order). Kernels whose elements are independent pass
/// <c>independentElements</c>, and then the flat element range is split, so one long contiguous run (a
/// contiguous op merges into a single row) also uses every core. Each element is computed by exactly one
/// thread either way, so results do not depend on the thread count. An exception thrown inside a parallel
/// loop surfaces as itself, not wrapped in an AggregateException.
/// </para>
/// </summary>
internal static class StridedLoop
{
    public const int ParallelGrain = 1 << 16;

    /// <summary>Chunks of a split flat range start at multiples of this (whole cache lines for every dtype).</summary>
    private const int ChunkAlign = 64;

    public static void Run<TK>(ReadOnlySpan<int> sizes,
        ReadOnlySpan<int> strides0, int offset0,
        ReadOnlySpan<int> strides1, int offset1,
        ReadOnlySpan<int> strides2, int offset2,
        TK kernel, bool independentElements = false) where TK : struct, IRowKernel
    {
        int rank = sizes.Length;
        Span<int> shape = stackalloc int[Math.Max(rank, 1)];
        Span<int> st0 = stackalloc int[Math.Max(rank, 1)], st1 = stackalloc int[Math.Max(rank, 1)], st2 = stackalloc int[Math.Max(rank, 1)];
        int merged = 0;
        long numel = 1;
        for (int d = 0; d < rank; d++)
        {
            numel *= sizes[d];
            if (sizes[d] == 1) continue;
            int a = Get(strides0, d), b = Get(strides1, d), c = Get(strides2, d);
            if (merged > 0 && st0[merged - 1] == a * sizes[d] && st1[merged - 1] == b * sizes[d] && st2[merged - 1] == c * sizes[d])
            {
                shape[merged - 1] *= sizes[d];
                (st0[merged - 1], st1[merged - 1], st2[merged - 1]) = (a, b, c);
                continue;
            }
            (shape[merged], st0[merged], st1[merged], st2[merged]) = (sizes[d], a, b, c);
            merged++;
        }
        if (numel == 0) return;
        if (merged == 0) { kernel.Row(1, offset0, 0, offset1, 0, offset2, 0); return; }

        var plan = new Plan(shape[..merged].ToArray(), st0[..merged].ToArray(), st1[..merged].ToArray(), st2[..merged].ToArray(),
            offset0, offset1, offset2);
        int inner = plan.Sizes[^1];
        long rows = numel / inner;
        int threads = Parallelism.NumThreads;
        if (numel < ParallelGrain || threads < 2 || (!independentElements && rows < 2))
        {
            plan.RunElements(kernel, 0, numel);
            return;
        }
        // Rows split at row boundaries; independent elements split anywhere (aligned), so a single long row splits too.
        long units = independentElements ? (numel + ChunkAlign - 1) / ChunkAlign : rows;
        long unitElements = independentElements ? ChunkAlign : inner;
        int chunks = (int)Math.Min(units, Math.Min(threads * 4L, numel / (ParallelGrain / 4)));
        if (chunks < 2) { plan.RunElements(kernel, 0, numel); return; }
        // Kernels.Parallel rethrows a body's exception as itself.
        Parallel.For(0, chunks, c => plan.RunElements(kernel,
            Math.Min(numel, units * c / chunks * unitElements), Math.Min(numel, units * (c + 1) / chunks * unitElements)));
    }

    /// <summary>The coalesced loop: sizes and strides per merged dim (innermost last) and the operands' offsets.</summary>
    private sealed record Plan(int[] Sizes, int[] S0, int[] S1, int[] S2, int Offset0, int Offset1, int Offset2)
    {
        /// <summary>Runs the flat (row-major) elements [first, last) of the iteration shape.</summary>
        public void RunElements<TK>(TK kernel, long first, long last) where TK : struct, IRowKernel
        {
            if (first >= last) return;
            int outerRank = Sizes.Length - 1, inner = Sizes[^1];
            int is0 = S0[^1], is1 = S1[^1], is2 = S2[^1];
            Span<int> idx = stackalloc int[Math.Max(outerRank, 1)];
            long row = first / inner;
            int col = (int)(first % inner);
            int o0 = Offset0, o1 = Offset1, o2 = Offset2;
            long r = row;
            for (int d = outerRank - 1; d >= 0; d--)
            {
                idx[d] = (int)(r % Sizes[d]);
                r /= Sizes[d];
                o0 += idx[d] * S0[d]; o1 += idx[d] * S1[d]; o2 += idx[d] * S2[d];
            }
            long remaining = last - first;
            while (remaining > 0)
            {
                int n = (int)Math.Min(inner - col, remaining);
                kernel.Row(n, o0 + col * is0, is0, o1 + col * is1, is1, o2 + col * is2, is2);
                remaining -= n;
                col = 0;
                if (remaining == 0) break;
                for (int d = outerRank - 1; d >= 0; d--)
                {
                    if (++idx[d] < Sizes[d]) { o0 += S0[d]; o1 += S1[d]; o2 += S2[d]; break; }
                    o0 -= S0[d] * (idx[d] - 1); o1 -= S1[d] * (idx[d] - 1); o2 -= S2[d] * (idx[d] - 1);
                    idx[d] = 0;
                }
            }
        }
    }

    private static int Get(ReadOnlySpan<int> strides, int d) => strides.IsEmpty ? 0 : strides[d];
}
