using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>
/// An 8 × 8 block of floats transposed in registers (AVX: unpack, shuffle, then swap 128-bit halves): eight row loads
/// and eight row stores instead of 64 scattered element copies. Callers check <see cref="IsSupported"/> and keep a
/// scalar path for other processors.
/// </summary>
internal static class Transpose8
{
    public static bool IsSupported => Avx.IsSupported;

    /// <summary>dst[c · dstStride + r] = src[r · srcStride + c] for r, c in [0, 8). The caller guarantees both blocks are in bounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block(ref float src, nint srcStride, ref float dst, nint dstStride)
    {
        var r0 = Vector256.LoadUnsafe(ref src); var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, srcStride));
        var r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 2 * srcStride)); var r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 3 * srcStride));
        var r4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 4 * srcStride)); var r5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 5 * srcStride));
        var r6 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 6 * srcStride)); var r7 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 7 * srcStride));
        // pairs of rows interleaved, then quadruples, then the 128-bit halves of rows 0-3 and 4-7 exchanged
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1); var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5); var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE); var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE); var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref dst);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, dstStride));
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, 2 * dstStride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, 3 * dstStride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 4 * dstStride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 5 * dstStride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 6 * dstStride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 7 * dstStride));
    }
}
