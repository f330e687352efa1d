using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// Copies of short runs (the rows of a small image: 7, 14, 28 elements) without a span copy's call and size dispatch:
/// whole vectors, then one last vector that ends at the run's end (overlapping the previous one), or a scalar loop
/// for runs shorter than a vector. Source and destination must not overlap.
/// </summary>
internal static class ShortCopy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy<T>(ReadOnlySpan<T> source, Span<T> destination) where T : unmanaged
    {
        int n = source.Length;
        if ((uint)n > (uint)destination.Length) throw new ArgumentException("destination too short", nameof(destination));
        ref T s = ref MemoryMarshal.GetReference(source);
        ref T d = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            int w = Vector512<T>.Count, i = 0;
            for (; i <= n - w; i += w) Vector512.LoadUnsafe(ref s, (nuint)i).StoreUnsafe(ref d, (nuint)i);
            if (i < n) Vector512.LoadUnsafe(ref s, (nuint)(n - w)).StoreUnsafe(ref d, (nuint)(n - w));
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            int w = Vector256<T>.Count, i = 0;
            for (; i <= n - w; i += w) Vector256.LoadUnsafe(ref s, (nuint)i).StoreUnsafe(ref d, (nuint)i);
            if (i < n) Vector256.LoadUnsafe(ref s, (nuint)(n - w)).StoreUnsafe(ref d, (nuint)(n - w));
        }
        else
            for (int i = 0; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
    }
}
