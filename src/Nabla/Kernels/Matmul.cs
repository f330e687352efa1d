using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// Batched matrix multiply of contiguous row-major operands: C[b] = A[b] · B[b], C zero on entry.
/// Floating types run a register-tiled kernel: a 6-row × 2-vector tile of C stays in registers while k runs
/// over a block of rows of B small enough to stay in L1; edges fall back to row updates. Tiles of rows run in
/// parallel, each summing k in the same order, so results do not depend on the thread count.
/// </summary>
internal static class Matmul
{
    private const int TileRows = 6;
    private const int KBlock = 128;

    public static void Run(Tensor a, Tensor b, Tensor c, int batch, int m, int k, int n)
    {
        switch (c.DType)
        {
            case DType.Float32: Float<float>(); break;
            case DType.Float64: Float<double>(); break;
            case DType.Int32: Int<int>(); break;
            case DType.Int64: Int<long>(); break;
            default: Int<byte>(); break;
        }

        void Float<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (A, B, C) = (a.Data<T>(), b.Data<T>(), c.Data<T>());
            int ao = a.StorageOffset, bo = b.StorageOffset;
            int tiles = (m + TileRows - 1) / TileRows;
            Parallelise(batch * tiles, (long)m * n * k, t =>
            {
                int bi = t / tiles, i0 = t % tiles * TileRows;
                var matA = new ReadOnlySpan<T>(A, ao + bi * m * k, m * k);
                var matB = new ReadOnlySpan<T>(B, bo + bi * k * n, k * n);
                var matC = new Span<T>(C, bi * m * n, m * n);
                RowTile(matA, matB, matC, i0, Math.Min(TileRows, m - i0), k, n);
            });
        }

        void Int<T>() where T : unmanaged, INumber<T>
        {
            var (A, B, C) = (a.Data<T>(), b.Data<T>(), c.Data<T>());
            int ao = a.StorageOffset, bo = b.StorageOffset;
            Parallelise(batch * m, (long)m * n * k, row =>
            {
                int bi = row / m, i = row % m;
                for (int p = 0; p < k; p++)
                {
                    T scale = A[ao + (bi * m + i) * k + p];
                    for (int j = 0; j < n; j++) C[(bi * m + i) * n + j] += scale * B[bo + (bi * k + p) * n + j];
                }
            });
        }
    }

    /// <summary>Rows i0..i0+rows of C += A · B, blocked over k.</summary>
    private static void RowTile<T>(ReadOnlySpan<T> A, ReadOnlySpan<T> B, Span<T> C, int i0, int rows, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = 2 * Vector256<T>.Count;
        int nMain = Vector256.IsHardwareAccelerated && rows == TileRows ? n - n % width : 0;
        for (int kb = 0; kb < k; kb += KBlock)
        {
            int kEnd = Math.Min(k, kb + KBlock);
            for (int j = 0; j < nMain; j += width)
                Tile(A, B, C, i0, j, kb, kEnd, k, n);
            // Columns past the last full tile (and short tiles): scaled-row updates.
            for (int r = i0; r < i0 + rows; r++)
            {
                var dst = C.Slice(r * n + nMain, n - nMain);
                if (dst.IsEmpty) continue;
                for (int p = kb; p < kEnd; p++)
                    TensorPrimitives.MultiplyAdd(B.Slice(p * n + nMain, n - nMain), A[r * k + p], dst, dst);
            }
        }
    }

    /// <summary>A TileRows × (2 vectors) tile of C accumulated in registers over rows kb..kEnd of B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<T>(ReadOnlySpan<T> A, ReadOnlySpan<T> B, Span<T> C, int i, int j, int kb, int kEnd, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        ref T c0 = ref C[i * n + j];
        ref T c1 = ref C[(i + 1) * n + j];
        ref T c2 = ref C[(i + 2) * n + j];
        ref T c3 = ref C[(i + 3) * n + j];
        ref T c4 = ref C[(i + 4) * n + j];
        ref T c5 = ref C[(i + 5) * n + j];
        var c00 = Vector256.LoadUnsafe(ref c0); var c01 = Vector256.LoadUnsafe(ref c0, (nuint)w);
        var c10 = Vector256.LoadUnsafe(ref c1); var c11 = Vector256.LoadUnsafe(ref c1, (nuint)w);
        var c20 = Vector256.LoadUnsafe(ref c2); var c21 = Vector256.LoadUnsafe(ref c2, (nuint)w);
        var c30 = Vector256.LoadUnsafe(ref c3); var c31 = Vector256.LoadUnsafe(ref c3, (nuint)w);
        var c40 = Vector256.LoadUnsafe(ref c4); var c41 = Vector256.LoadUnsafe(ref c4, (nuint)w);
        var c50 = Vector256.LoadUnsafe(ref c5); var c51 = Vector256.LoadUnsafe(ref c5, (nuint)w);
        ref readonly T a = ref A[i * k];
        for (int p = kb; p < kEnd; p++)
        {
            ref readonly T brow = ref B[p * n + j];
            var b0 = Vector256.LoadUnsafe(in brow);
            var b1 = Vector256.LoadUnsafe(in brow, (nuint)w);
            var a0 = Vector256.Create(Unsafe.Add(ref Unsafe.AsRef(in a), p));
            c00 = Fma(a0, b0, c00); c01 = Fma(a0, b1, c01);
            var a1 = Vector256.Create(Unsafe.Add(ref Unsafe.AsRef(in a), k + p));
            c10 = Fma(a1, b0, c10); c11 = Fma(a1, b1, c11);
            var a2 = Vector256.Create(Unsafe.Add(ref Unsafe.AsRef(in a), 2 * k + p));
            c20 = Fma(a2, b0, c20); c21 = Fma(a2, b1, c21);
            var a3 = Vector256.Create(Unsafe.Add(ref Unsafe.AsRef(in a), 3 * k + p));
            c30 = Fma(a3, b0, c30); c31 = Fma(a3, b1, c31);
            var a4 = Vector256.Create(Unsafe.Add(ref Unsafe.AsRef(in a), 4 * k + p));
            c40 = Fma(a4, b0, c40); c41 = Fma(a4, b1, c41);
            var a5 = Vector256.Create(Unsafe.Add(ref Unsafe.AsRef(in a), 5 * k + p));
            c50 = Fma(a5, b0, c50); c51 = Fma(a5, b1, c51);
        }
        c00.StoreUnsafe(ref c0); c01.StoreUnsafe(ref c0, (nuint)w);
        c10.StoreUnsafe(ref c1); c11.StoreUnsafe(ref c1, (nuint)w);
        c20.StoreUnsafe(ref c2); c21.StoreUnsafe(ref c2, (nuint)w);
        c30.StoreUnsafe(ref c3); c31.StoreUnsafe(ref c3, (nuint)w);
        c40.StoreUnsafe(ref c4); c41.StoreUnsafe(ref c4, (nuint)w);
        c50.StoreUnsafe(ref c5); c51.StoreUnsafe(ref c5, (nuint)w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        return a * b + c;
    }

    private static void Parallelise(int units, long work, Action<int> body)
    {
        if (work < 1 << 18 || units < 2) for (int u = 0; u < units; u++) body(u);
        else Parallel.For(0, units, body);
    }
}
