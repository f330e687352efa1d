namespace Nabla.Kernels;

/// <summary>The body of a strided loop: one innermost run of <c>count</c> elements for up to three operands.</summary>
internal interface IRowKernel
{
    void Row(int count, int o0, int s0, int o1, int s1, int o2, int s2);
}

/// <summary>
/// The one loop every elementwise kernel runs on (PyTorch's TensorIterator is the model): walks an iteration
/// shape over up to three strided operands, merges dims that are contiguous with each other (a broadcast operand
/// of shape (1, C, 1, 1) against (N, C, H, W) leaves runs of H * W elements, over which it is a stride-0 scalar),
/// and hands the innermost runs to a kernel struct (which the JIT specialises, so there is no per-element call).
/// <para>
/// Large loops split over threads. By default the split is by rows (innermost runs stay whole on one thread,
/// which scatter needs: duplicates inside a run combine in order). Kernels whose elements are independent pass
/// <c>independentElements</c>, and then the flat element range is split, so one long contiguous run (a
/// contiguous op merges into a single row) also uses every core. Each element is computed by exactly one
/// thread either way, so results do not depend on the thread count. An exception thrown inside a parallel
/// loop surfaces as itself, not wrapped in an AggregateException.
/// </para>
/// <para>
/// A loop that stays on the calling thread allocates nothing: the merged shape lives on the stack, and a single
/// merged run goes straight to the kernel (the per-op cost of tiny tensors).
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
        int rank = Math.Max(sizes.Length, 1);
        Span<int> shape = stackalloc int[rank], st0 = stackalloc int[rank], st1 = stackalloc int[rank], st2 = stackalloc int[rank];
        int merged = Coalesce(sizes, strides0, strides1, strides2, shape, st0, st1, st2, out long numel);
        if (numel == 0) return;
        if (merged == 0) { kernel.Row(1, offset0, 0, offset1, 0, offset2, 0); return; }
        var offsets = new Offsets(offset0, offset1, offset2);
        shape = shape[..merged]; st0 = st0[..merged]; st1 = st1[..merged]; st2 = st2[..merged];

        int inner = shape[^1];
        long rows = numel / inner;
        int threads = Parallelism.NumThreads;
        if (numel < ParallelGrain || threads < 2 || (!independentElements && rows < 2))
        {
            if (merged == 1) kernel.Row(inner, offset0, st0[0], offset1, st1[0], offset2, st2[0]);
            else RunElements(shape, st0, st1, st2, offsets, kernel, 0, numel);
            return;
        }
        // Rows split at row boundaries; independent elements split anywhere (aligned), so a single long row splits too.
        long units = independentElements ? (numel + ChunkAlign - 1) / ChunkAlign : rows;
        long unitElements = independentElements ? ChunkAlign : inner;
        int chunks = (int)Math.Min(units, Math.Min(threads * 4L, numel / (ParallelGrain / 4)));
        if (chunks < 2) { RunElements(shape, st0, st1, st2, offsets, kernel, 0, numel); return; }
        var plan = new Plan(shape.ToArray(), st0.ToArray(), st1.ToArray(), st2.ToArray(), offsets);
        // Kernels.Parallel rethrows a body's exception as itself.
        Parallel.For(0, chunks, c => RunElements(plan.Sizes, plan.S0, plan.S1, plan.S2, plan.Offsets, kernel,
            Math.Min(numel, units * c / chunks * unitElements), Math.Min(numel, units * (c + 1) / chunks * unitElements)));
    }

    /// <summary>
    /// Drops size-1 dims and merges each dim into the one before it where every operand steps over it as one
    /// longer dim (contiguous together, or all broadcast); returns the merged rank and the element count.
    /// </summary>
    private static int Coalesce(ReadOnlySpan<int> sizes, ReadOnlySpan<int> strides0, ReadOnlySpan<int> strides1, ReadOnlySpan<int> strides2,
        Span<int> shape, Span<int> st0, Span<int> st1, Span<int> st2, out long numel)
    {
        int merged = 0;
        numel = 1;
        for (int d = 0; d < sizes.Length; d++)
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
        return merged;
    }

    /// <summary>The operands' storage offsets.</summary>
    private readonly record struct Offsets(int O0, int O1, int O2);

    /// <summary>The coalesced loop kept on the heap for the parallel body.</summary>
    private sealed record Plan(int[] Sizes, int[] S0, int[] S1, int[] S2, Offsets Offsets);

    /// <summary>Runs the flat (row-major) elements [first, last) of the merged iteration shape (innermost dim last).</summary>
    private static void RunElements<TK>(ReadOnlySpan<int> sizes, ReadOnlySpan<int> s0, ReadOnlySpan<int> s1, ReadOnlySpan<int> s2,
        Offsets offsets, TK kernel, long first, long last) where TK : struct, IRowKernel
    {
        if (first >= last) return;
        int outerRank = sizes.Length - 1, inner = sizes[^1];
        int is0 = s0[^1], is1 = s1[^1], is2 = s2[^1];
        Span<int> idx = stackalloc int[Math.Max(outerRank, 1)];
        long row = first / inner;
        int col = (int)(first % inner);
        int o0 = offsets.O0, o1 = offsets.O1, o2 = offsets.O2;
        long r = row;
        for (int d = outerRank - 1; d >= 0; d--)
        {
            idx[d] = (int)(r % sizes[d]);
            r /= sizes[d];
            o0 += idx[d] * s0[d]; o1 += idx[d] * s1[d]; o2 += idx[d] * s2[d];
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
                if (++idx[d] < sizes[d]) { o0 += s0[d]; o1 += s1[d]; o2 += s2[d]; break; }
                o0 -= s0[d] * (idx[d] - 1); o1 -= s1[d] * (idx[d] - 1); o2 -= s2[d] * (idx[d] - 1);
                idx[d] = 0;
            }
        }
    }

    private static int Get(ReadOnlySpan<int> strides, int d) => strides.IsEmpty ? 0 : strides[d];
}
