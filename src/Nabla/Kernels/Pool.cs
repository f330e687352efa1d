using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// The windows of one spatial axis: output cell <c>o</c> reads input positions <c>First[o]</c>, <c>First[o] + Step</c>, ...
/// below <c>End[o]</c>. Kernel size, stride, padding, dilation, ceil mode and adaptive pooling all reduce to this table,
/// so one kernel serves every 1-D and 2-D pooling op.
/// </summary>
internal sealed class AxisWindows
{
    public required int Input { get; init; }
    public required int[] First { get; init; }
    public required int[] End { get; init; }
    public int Step { get; init; } = 1;

    /// <summary>Cells each window covers counting padding but not beyond the right padding (avg's count_include_pad divisor).</summary>
    public int[] Span { get; init; } = [];

    public int Output => First.Length;

    /// <summary>The one-cell axis that turns a 2-D plan into a 3-D one.</summary>
    public static readonly AxisWindows Single = new() { Input = 1, First = [0], End = [1], Span = [1] };

    /// <summary>Max pooling: taps that fall in the left padding are skipped a dilation step at a time.</summary>
    public static AxisWindows Max(int input, int output, int kernel, int stride, int pad, int dilation)
    {
        var first = new int[output];
        var end = new int[output];
        for (int o = 0; o < output; o++)
        {
            long start = (long)o * stride - pad;
            end[o] = (int)Math.Min(start + (long)(kernel - 1) * dilation + 1, input);
            while (start < 0) start += dilation;
            first[o] = (int)start;
        }
        return new AxisWindows { Input = input, First = first, End = end, Step = dilation };
    }

    /// <summary>Average pooling: a window never extends past the right padding, which matters in ceil mode.</summary>
    public static AxisWindows Avg(int input, int output, int kernel, int stride, int pad)
    {
        var first = new int[output];
        var end = new int[output];
        var span = new int[output];
        for (int o = 0; o < output; o++)
        {
            int start = o * stride - pad;
            int stop = Math.Min(start + kernel, input + pad);
            span[o] = stop - start;
            first[o] = Math.Max(start, 0);
            end[o] = Math.Min(stop, input);
        }
        return new AxisWindows { Input = input, First = first, End = end, Span = span };
    }

    /// <summary>Adaptive pooling: [floor(o*in/out), ceil((o+1)*in/out)) in exact integer arithmetic.</summary>
    public static AxisWindows Adaptive(int input, int output)
    {
        var first = new int[output];
        var end = new int[output];
        for (int o = 0; o < output; o++)
        {
            first[o] = (int)((long)o * input / output);
            end[o] = (int)(((long)(o + 1) * input + output - 1) / output);
        }
        return new AxisWindows { Input = input, First = first, End = end };
    }
}

/// <summary>
/// A pooling plan over (planes, D, H, W) tensors; 2-D pooling has a trivial depth axis (<see cref="AxisWindows.Single"/>).
/// For averages, output cell <c>i</c> is the window sum divided by each of <see cref="Divisors"/>[j][i] in turn: PyTorch's
/// avg_pool divides once, adaptive avg divides by the window's extent along each axis.
/// </summary>
internal sealed record PoolPlan(AxisWindows D, AxisWindows H, AxisWindows W, long[][]? Divisors = null)
{
    /// <summary>A 2-D plan (depth 1).</summary>
    public PoolPlan(AxisWindows h, AxisWindows w) : this(AxisWindows.Single, h, w) { }

    public int InPlane => D.Input * H.Input * W.Input;
    public int OutPlane => D.Output * H.Output * W.Output;

    public bool IsEmpty(int od, int oh, int ow) => D.First[od] >= D.End[od] || H.First[oh] >= H.End[oh] || W.First[ow] >= W.End[ow];
}

/// <summary>
/// Pooling kernels over contiguous (planes, H, W) data. Each (n, c) plane is independent and is processed whole by
/// one thread, so results (including accumulation order) do not depend on the thread count.
/// </summary>
internal static class Pool
{
    /// <summary>Per plane: the first maximum in window scan order, except that any NaN replaces the current best.</summary>
    public static void Max(Tensor input, PoolPlan plan, Tensor output, Tensor indices) =>
        DTypeDispatch.Run(input.DType, new MaxKernel(input, plan, output, indices));

    /// <summary>Per plane: the window sum divided as the plan says; empty windows give 0.</summary>
    public static void Avg(Tensor input, PoolPlan plan, Tensor output) =>
        DTypeDispatch.Run(input.DType, new AvgKernel(input, plan, output));

    /// <summary>The adjoint of <see cref="Avg"/>: each output gradient, divided as in the forward, is added over its window. Every plane of <paramref name="gradInput"/> with an output plane is cleared first, so it need not be zero on entry.</summary>
    public static void AvgBackward(Tensor grad, PoolPlan plan, Tensor gradInput) =>
        DTypeDispatch.Run(grad.DType, new AvgBackwardKernel(grad, plan, gradInput));

    /// <summary><c>dst[p, i] = src[p, indices[p, i]]</c> with planes of <paramref name="srcPlane"/> and <paramref name="dstPlane"/> elements.</summary>
    /// <summary>
    /// <c>dst[p, i] = src[p, indices[p, i]]</c> per plane. An index outside the source plane reads nothing; the first such
    /// index (in plane order) is returned, else null.
    /// </summary>
    public static long? Gather(Tensor src, Tensor indices, Tensor dst, int srcPlane, int dstPlane)
    {
        var invalid = new long?[Planes(dst, dstPlane)];
        DTypeDispatch.Run(src.DType, new GatherKernel(src, indices, dst, srcPlane, dstPlane, invalid));
        return invalid.FirstOrDefault(v => v is not null);
    }

    /// <summary>
    /// <c>dst[p, indices[p, i]] = TC(dst[..], src[p, i])</c>, serially within a plane. Indices outside the plane are skipped;
    /// the last of them in serial order is returned (PyTorch's unpool kernel reports the last one it met), else null.
    /// </summary>
    /// With <paramref name="clearPlanes"/>, each destination plane is zeroed just before its scatter (dst need not be
    /// zero on entry; every plane must have a source plane), so the plane is still in cache when the values land.
    public static long? Scatter<TC>(Tensor src, Tensor indices, Tensor dst, int srcPlane, int dstPlane, bool clearPlanes = false) where TC : ICombine
    {
        int planes = srcPlane == 0 ? 0 : src.Numel / srcPlane;
        var invalid = new long?[planes];
        DTypeDispatch.Run(src.DType, new ScatterKernel<TC>(src, indices, dst, srcPlane, dstPlane, invalid, clearPlanes));
        return invalid.LastOrDefault(v => v is not null);
    }

    /// <summary>Runs <paramref name="body"/> for every plane, in parallel when there is enough work.</summary>
    private static void ForPlanes(int planes, long workPerPlane, Action<int> body)
    {
        if (planes < 2 || planes * workPerPlane < StridedLoop.ParallelGrain)
            for (int p = 0; p < planes; p++) body(p);
        else
            Parallel.For(0, planes, body);
    }

    private static int Planes(Tensor t, int plane) => plane == 0 ? 0 : t.Numel / plane;

    // ---- window kernels --------------------------------------------------------------------------------------

    private readonly struct MaxKernel(Tensor input, PoolPlan plan, Tensor output, Tensor indices) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var (x, y, idx, p) = (input.Data<T>(), output.Data<T>(), indices.Data<long>(), plan);
            int xOffset = input.StorageOffset;
            if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated && p.OutPlane > 0 && p.D.Output == 1 && IsPairs(p.H) && IsPairs(p.W))
            {
                var xf = (float[])(object)x;
                var yf = (float[])(object)y;
                ForPlanes(Planes(input, p.InPlane), p.InPlane, c => MaxPairsPlane(xf, xOffset + c * p.InPlane, yf, idx, c * p.OutPlane, p));
            }
            else
                ForPlanes(Planes(input, p.InPlane), p.InPlane, c => MaxPlane(x, xOffset + c * p.InPlane, y, idx, c * p.OutPlane, p));
        }
    }

    /// <summary>Whether every window of the axis is [2o, 2o + 2): kernel 2, stride 2, no padding, dilation 1 (the common 2 x 2 pool).</summary>
    private static bool IsPairs(AxisWindows a)
    {
        if (a.Step != 1) return false;
        for (int o = 0; o < a.Output; o++)
            if (a.First[o] != 2 * o || a.End[o] != 2 * o + 2) return false;
        return true;
    }

    /// <summary>
    /// 2 x 2 windows at stride 2 over one float plane, eight output columns per step: the four taps are taken in
    /// <see cref="MaxPlane"/>'s scan order with its rule (greater, or NaN, replaces the best), lane by lane, so values and
    /// indices are those of the scalar loop. A row's last columns are the last eight once more (the overlap is written
    /// again with the same values); rows narrower than eight go through the scalar loop.
    /// </summary>
    private static void MaxPairsPlane(float[] x, int xBase, float[] y, long[] idx, int yBase, PoolPlan p)
    {
        int width = p.W.Input, outH = p.H.Output, outW = p.W.Output;
        if (outW < 8) { MaxPlane(x, xBase, y, idx, yBase, p); return; }
        _ = x[xBase + p.InPlane - 1];
        _ = y[yBase + p.OutPlane - 1];
        _ = idx[yBase + p.OutPlane - 1];
        for (int oh = 0; oh < outH; oh++)
        {
            int row0 = 2 * oh * width;
            ref float r0 = ref x[xBase + row0];
            ref float r1 = ref x[xBase + row0 + width];
            ref float yRow = ref y[yBase + oh * outW];
            ref long iRow = ref idx[yBase + oh * outW];
            for (int ow = 0; ; ow += 8)
            {
                ow = Math.Min(ow, outW - 8);
                MaxPairs8(ref r0, ref r1, row0, width, ow, ref yRow, ref iRow);
                if (ow == outW - 8) break;
            }
        }
    }

    /// <summary>Output columns [ow, ow + 8) of one row from input rows r0 and r1 (r0 starting at plane offset row0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaxPairs8(ref float r0, ref float r1, int row0, int width, int ow, ref float yRow, ref long iRow)
    {
        var evensFirst = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        var (a, b) = Deinterleave(ref r0, 2 * ow, evensFirst);
        var (c, d) = Deinterleave(ref r1, 2 * ow, evensFirst);
        var at = Vector256.Create(row0 + 2 * ow) + Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        var best = a;
        var bestAt = at;
        Take(ref best, ref bestAt, b, at + Vector256<int>.One);
        Take(ref best, ref bestAt, c, at + Vector256.Create(width));
        Take(ref best, ref bestAt, d, at + Vector256.Create(width + 1));
        best.StoreUnsafe(ref yRow, (nuint)ow);
        var (lo, hi) = Vector256.Widen(bestAt);
        lo.StoreUnsafe(ref iRow, (nuint)ow);
        hi.StoreUnsafe(ref iRow, (nuint)ow + 4);
    }

    /// <summary>Sixteen floats from <paramref name="start"/> split into the even and the odd positions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) Deinterleave(ref float row, int start, Vector256<int> evensFirst)
    {
        var p0 = Vector256.Shuffle(Vector256.LoadUnsafe(ref row, (nuint)start), evensFirst);
        var p1 = Vector256.Shuffle(Vector256.LoadUnsafe(ref row, (nuint)start + 8), evensFirst);
        return (Vector256.Create(p0.GetLower(), p1.GetLower()), Vector256.Create(p0.GetUpper(), p1.GetUpper()));
    }

    /// <summary>The scalar loop's step, lane by lane: a greater value, or a NaN, replaces the best and its index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(ref Vector256<float> best, ref Vector256<int> bestAt, Vector256<float> v, Vector256<int> at)
    {
        var take = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
        best = Vector256.ConditionalSelect(take, v, best);
        bestAt = Vector256.ConditionalSelect(take.AsInt32(), at, bestAt);
    }

    /// <summary>The windows of one plane in order.</summary>
    private static void MaxPlane<T>(T[] x, int xBase, T[] y, long[] idx, int yBase, PoolPlan p) where T : unmanaged, INumber<T>
    {
        // -inf for floats, the lowest value for integers (0 for uint8), as PyTorch's initial best
        var smallest = T.CreateSaturating(double.NegativeInfinity);
        int height = p.H.Input, width = p.W.Input;
        for (int od = 0; od < p.D.Output; od++)
        for (int oh = 0; oh < p.H.Output; oh++)
        for (int ow = 0, o = yBase + (od * p.H.Output + oh) * p.W.Output; ow < p.W.Output; ow++, o++)
        {
            int best = (p.D.First[od] * height + p.H.First[oh]) * width + p.W.First[ow];
            var bestValue = smallest;
            for (int id = p.D.First[od]; id < p.D.End[od]; id += p.D.Step)
            for (int ih = p.H.First[oh]; ih < p.H.End[oh]; ih += p.H.Step)
            {
                int row = (id * height + ih) * width;
                for (int iw = p.W.First[ow]; iw < p.W.End[ow]; iw += p.W.Step)
                {
                    var v = x[xBase + row + iw];
                    if (v > bestValue || T.IsNaN(v)) { bestValue = v; best = row + iw; }
                }
            }
            y[o] = bestValue;
            idx[o] = best;
        }
    }

    private readonly struct AvgKernel(Tensor input, PoolPlan plan, Tensor output) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var (x, y, p) = (input.Data<T>(), output.Data<T>(), plan);
            int xOffset = input.StorageOffset;
            var windows = Windows(p);
            ForPlanes(Planes(input, p.InPlane), p.InPlane, c => AvgPlane(x, xOffset + c * p.InPlane, y, c * p.OutPlane, p, windows));
        }
    }

    /// <summary>One output cell's window in a plane: its first element, and its extent along D, H and W (empty: null).</summary>
    private readonly record struct Window(int Start, int Depth, int Rows, int Columns);

    /// <summary>The windows of every output cell, in cell order, worked out once per call instead of once per plane.</summary>
    private static Window?[] Windows(PoolPlan p)
    {
        var windows = new Window?[p.OutPlane];
        int cell = 0;
        for (int od = 0; od < p.D.Output; od++)
        for (int oh = 0; oh < p.H.Output; oh++)
        for (int ow = 0; ow < p.W.Output; ow++, cell++)
            if (!p.IsEmpty(od, oh, ow))
                windows[cell] = new Window((p.D.First[od] * p.H.Input + p.H.First[oh]) * p.W.Input + p.W.First[ow],
                    p.D.End[od] - p.D.First[od], p.H.End[oh] - p.H.First[oh], p.W.End[ow] - p.W.First[ow]);
        return windows;
    }

    private static void AvgPlane<T>(T[] x, int xBase, T[] y, int yBase, PoolPlan p, Window?[] windows) where T : unmanaged, INumber<T>
    {
        int width = p.W.Input, depthStride = p.H.Input * width;
        ReadOnlySpan<T> plane = x.AsSpan(xBase, p.InPlane);
        for (int cell = 0; cell < windows.Length; cell++)
        {
            if (windows[cell] is not { } w) { y[yBase + cell] = T.Zero; continue; }
            // accumulate in the element type, as PyTorch's CPU kernel does (int64 sums, then truncates), in D, H, W order
            var sum = T.Zero;
            for (int d = 0; d < w.Depth; d++)
            for (int r = 0; r < w.Rows; r++)
                foreach (var v in plane.Slice(w.Start + d * depthStride + r * width, w.Columns))
                    sum += v;
            y[yBase + cell] = Divide(sum, p, cell);
        }
    }

    private static T Divide<T>(T value, PoolPlan p, int cell) where T : unmanaged, INumber<T>
    {
        foreach (var divisor in p.Divisors!) value /= T.CreateTruncating(divisor[cell]);
        return value;
    }

    private readonly struct AvgBackwardKernel(Tensor grad, PoolPlan plan, Tensor gradInput) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var (g, gi, p) = (grad.Data<T>(), gradInput.Data<T>(), plan);
            int gOffset = grad.StorageOffset;
            var windows = Windows(p);
            ForPlanes(Planes(grad, p.OutPlane), p.InPlane, c => AvgBackwardPlane(g, gOffset + c * p.OutPlane, gi, c * p.InPlane, p, windows));
        }
    }

    /// <summary>Clears the gradient plane (while it is in cache) and adds every window's share, in output cell order.</summary>
    private static void AvgBackwardPlane<T>(T[] g, int gBase, T[] gi, int giBase, PoolPlan p, Window?[] windows) where T : unmanaged, INumber<T>
    {
        int width = p.W.Input, depthStride = p.H.Input * width;
        Span<T> plane = gi.AsSpan(giBase, p.InPlane);
        plane.Clear();
        for (int cell = 0; cell < windows.Length; cell++)
        {
            if (windows[cell] is not { } w) continue;
            var delta = Divide(g[gBase + cell], p, cell);
            for (int d = 0; d < w.Depth; d++)
            for (int r = 0; r < w.Rows; r++)
                foreach (ref var v in plane.Slice(w.Start + d * depthStride + r * width, w.Columns))
                    v += delta;
        }
    }

    // ---- index kernels (max-pool backward, its double backward, max-unpool) ----------------------------------

    private readonly struct GatherKernel(Tensor src, Tensor indices, Tensor dst, int srcPlane, int dstPlane, long?[] invalid) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var (s, idx, d, bad) = (src.Data<T>(), indices.Data<long>(), dst.Data<T>(), invalid);
            int sOffset = src.StorageOffset, iOffset = indices.StorageOffset, sp = srcPlane, dp = dstPlane;
            ForPlanes(Planes(dst, dp), dp, c =>
            {
                for (int i = 0; i < dp; i++)
                {
                    long at = idx[iOffset + c * dp + i];
                    if ((ulong)at >= (ulong)sp) { bad[c] ??= at; continue; }
                    d[c * dp + i] = s[sOffset + c * sp + (int)at];
                }
            });
        }
    }

    private readonly struct ScatterKernel<TC>(Tensor src, Tensor indices, Tensor dst, int srcPlane, int dstPlane, long?[] invalid, bool clearPlanes)
        : INumericKernel where TC : ICombine
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var (s, idx, d, bad) = (src.Data<T>(), indices.Data<long>(), dst.Data<T>(), invalid);
            int sOffset = src.StorageOffset, iOffset = indices.StorageOffset, sp = srcPlane, dp = dstPlane;
            bool clear = clearPlanes;
            ForPlanes(bad.Length, sp + (clear ? dp : 0), c =>
            {
                if (clear) d.AsSpan(c * dp, dp).Clear();
                for (int i = 0; i < sp; i++)
                {
                    long target = idx[iOffset + c * sp + i];
                    if (target < 0 || target >= dp) { bad[c] = target; continue; }
                    int at = c * dp + (int)target;
                    d[at] = TC.Apply(d[at], s[sOffset + c * sp + i]);
                }
            });
        }
    }
}
