using System.Numerics;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// relu's backward in one pass over contiguous float operands of one shape: <c>gradInput = result &lt;= 0 ? 0 : grad</c>
/// (a NaN result passes the gradient, as <c>where(result &lt;= 0, 0, grad)</c> does), instead of a Bool mask and a
/// three-operand where. Elements are independent, so the split over threads cannot change a result.
/// </summary>
internal static class ReluBackward
{
    private const int Chunk = 1 << 15;

    public static void Run(Tensor grad, Tensor result, Tensor gradInput)
    {
        if (grad.DType == DType.Float32) Run<float>(grad, result, gradInput);
        else Run<double>(grad, result, gradInput);
    }

    private static void Run<T>(Tensor grad, Tensor result, Tensor gradInput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (g, y, gi) = (grad.Data<T>(), result.Data<T>(), gradInput.Data<T>());
        int go = grad.StorageOffset, yo = result.StorageOffset, n = gradInput.Numel;
        int chunks = (n + Chunk - 1) / Chunk;
        void Body(int c)
        {
            int start = c * Chunk, end = Math.Min(n, start + Chunk), i = start;
            ReadOnlySpan<T> gs = g.AsSpan(go, n), ys = y.AsSpan(yo, n);
            var ds = gi.AsSpan(0, n);
            int w = Vector256<T>.Count;
            if (Vector256.IsHardwareAccelerated)
                for (; i + w <= end; i += w)
                {
                    var blocked = Vector256.LessThanOrEqual(Vector256.Create(ys.Slice(i, w)), Vector256<T>.Zero);
                    Vector256.AndNot(Vector256.Create(gs.Slice(i, w)), blocked).CopyTo(ds.Slice(i, w));
                }
            for (; i < end; i++) ds[i] = ys[i] <= T.Zero ? T.Zero : gs[i];
        }
        if (chunks < 2 || n < StridedLoop.ParallelGrain) for (int c = 0; c < chunks; c++) Body(c);
        else Parallel.For(0, chunks, Body);
    }
}
