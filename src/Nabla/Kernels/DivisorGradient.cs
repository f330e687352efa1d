using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// The rows of div's gradient for its divisor, g * ((x / s) / -s), computed on the fly for
/// <see cref="Reduce.SumLeading{T, TRows}"/>: g and x are contiguous (outer, rows, k) blocks, s the contiguous (outer, k)
/// divisor broadcast over the rows. Each value is the same three IEEE operations, in the same order, as the
/// elementwise kernels apply one full-size pass at a time (vector lanes compute exactly what the scalar loop does),
/// so the reduced gradient is bit for bit the one summed from the materialised product, without writing it.
/// </summary>
internal readonly struct QuotientGradientRows<T>(T[] g, int gOffset, T[] x, int xOffset, T[] s, int sOffset) : ILeadingRows<T>
    where T : unmanaged, INumber<T>
{
    public static bool Computed => true;

    public ReadOnlySpan<T> Row(int at, int column, int width, Span<T> scratch)
    {
        ref T gr = ref MemoryMarshal.GetReference(g.AsSpan(gOffset + at, width));
        ref T xr = ref MemoryMarshal.GetReference(x.AsSpan(xOffset + at, width));
        ref T sr = ref MemoryMarshal.GetReference(s.AsSpan(sOffset + column, width));
        ref T dst = ref MemoryMarshal.GetReference(scratch);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j + Vector512<T>.Count <= width; j += Vector512<T>.Count)
            {
                var d = Vector512.LoadUnsafe(ref sr, (nuint)j);
                (Vector512.LoadUnsafe(ref gr, (nuint)j) * (Vector512.LoadUnsafe(ref xr, (nuint)j) / d / -d)).StoreUnsafe(ref dst, (nuint)j);
            }
        else if (Vector256.IsHardwareAccelerated)
            for (; j + Vector256<T>.Count <= width; j += Vector256<T>.Count)
            {
                var d = Vector256.LoadUnsafe(ref sr, (nuint)j);
                (Vector256.LoadUnsafe(ref gr, (nuint)j) * (Vector256.LoadUnsafe(ref xr, (nuint)j) / d / -d)).StoreUnsafe(ref dst, (nuint)j);
            }
        for (; j < width; j++)
        {
            T d = Unsafe.Add(ref sr, j);
            scratch[j] = Unsafe.Add(ref gr, j) * (Unsafe.Add(ref xr, j) / d / -d);
        }
        return scratch[..width];
    }
}

/// <summary>div's divisor gradient reduced over the rows it was broadcast along, in one pass (see <see cref="QuotientGradientRows{T}"/>).</summary>
internal static class DivisorGradient
{
    /// <summary>y ((outer, k), zeroed) = sum over rows of g * ((x / s) / -s); g, x contiguous (outer, rows, k), s contiguous (outer, k); float32 or float64.</summary>
    public static void Sum(Tensor g, Tensor x, Tensor s, int outer, int rows, int k, Tensor y)
    {
        if (y.DType == DType.Float32) Reduce.SumLeading(Rows<float>(g, x, s), outer, rows, k, y.Data<float>());
        else Reduce.SumLeading(Rows<double>(g, x, s), outer, rows, k, y.Data<double>());
    }

    private static QuotientGradientRows<T> Rows<T>(Tensor g, Tensor x, Tensor s) where T : unmanaged, INumber<T> =>
        new(g.Data<T>(), g.StorageOffset, x.Data<T>(), x.StorageOffset, s.Data<T>(), s.StorageOffset);
}
