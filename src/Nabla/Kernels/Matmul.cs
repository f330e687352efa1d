using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// One operand of a batched product, read in place: batch i starts <see cref="BatchStride"/> elements after batch i - 1
/// (0 when every batch shares one matrix), each batch row-major, or the transpose of a row-major matrix when
/// <see cref="Transposed"/> (right operands only).
/// </summary>
internal readonly record struct MatrixBatch(Tensor Tensor, long BatchStride, bool Transposed = false);

/// <summary>
/// Batched matrix multiply of contiguous row-major operands: C[b] += A[b] · B[b] (C is zero on entry).
/// Floating types run a packed, cache-blocked GEMM: a KC × NC block of B is packed into panels of NR columns
/// (contiguous, zero-padded, L2-resident), and a register micro-kernel keeps an MR × NR tile of C in registers
/// while it runs down k, reading A rows in place and the packed panel in order. NR is two vectors: Vector512
/// where the processor accelerates it, else Vector256 (DOTNET_EnableAVX512=0 selects the narrow path).
/// Row tiles run in parallel; each element of C is one fused multiply-add chain over k in ascending order,
/// whatever the blocking or the thread count, so results do not depend on either.
/// </summary>
internal static class Matmul
{
    private const int MR = 6;
    private const int KC = 256;
    private const int PackedBytes = 512 * 1024;

    public static void Run(Tensor a, Tensor b, Tensor c, int batch, int m, int k, int n) =>
        Run(new MatrixBatch(a, (long)m * k), new MatrixBatch(b, (long)k * n), c, batch, m, k, n, sumBatches: false);

    /// <summary>
    /// C[b] += A[b] · B[b] over operands read in place: each batch of <paramref name="a"/> is an m × k row-major matrix
    /// <see cref="MatrixBatch.BatchStride"/> elements after the previous one (0: one matrix shared by every batch), each
    /// of <paramref name="b"/> a k × n row-major matrix, or with <see cref="MatrixBatch.Transposed"/> the transpose of an
    /// n × k row-major one. With <paramref name="sumBatches"/>, C is one m × n matrix that receives the sum of the
    /// products over the batches (in batch order), e.g. a convolution's weight gradient over the whole batch.
    /// </summary>
    public static void Run(MatrixBatch a, MatrixBatch b, Tensor c, int batch, int m, int k, int n, bool sumBatches)
    {
        switch (c.DType)
        {
            case DType.Float32: Gemm<float>(a, b, c, batch, m, k, n, sumBatches); break;
            case DType.Float64: Gemm<double>(a, b, c, batch, m, k, n, sumBatches); break;
            case DType.Int32: Int<int>(); break;
            case DType.Int64: Int<long>(); break;
            default: Int<byte>(); break;
        }

        void Int<T>() where T : unmanaged, INumber<T>
        {
            var (A, B, C) = (a.Tensor.Data<T>(), b.Tensor.Data<T>(), c.Data<T>());
            long ao = a.Tensor.StorageOffset, bo = b.Tensor.StorageOffset, sa = a.BatchStride, sb = b.BatchStride;
            bool bt = b.Transposed;
            // Summed batches land in the same rows of C: a unit is one row of C with every batch, in batch order.
            int batchesPerUnit = sumBatches ? batch : 1;
            Parallelise(sumBatches ? m : batch * m, (long)batch * m * n * k, row =>
            {
                for (int u = 0; u < batchesPerUnit; u++)
                {
                    int bi = sumBatches ? u : row / m, i = sumBatches ? row : row % m;
                    long cRow = ((sumBatches ? 0 : (long)bi * m) + i) * n;
                    for (int p = 0; p < k; p++)
                    {
                        T scale = A[ao + bi * sa + (long)i * k + p];
                        for (int j = 0; j < n; j++) C[cRow + j] += scale * B[bo + bi * sb + (bt ? (long)j * k + p : (long)p * n + j)];
                    }
                }
            });
        }
    }

    private static bool Wide => Vector512.IsHardwareAccelerated;

    private static void Gemm<T>(MatrixBatch a, MatrixBatch b, Tensor c, int batch, int m, int k, int n, bool sumBatches)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (A, B, C) = (a.Tensor.Data<T>(), b.Tensor.Data<T>(), c.Data<T>());
        int nr = 2 * (Wide ? Vector512<T>.Count : Vector256<T>.Count);
        int kc = Math.Min(k, KC);
        int nc = Math.Min((n + nr - 1) / nr * nr, Math.Max(nr, PackedBytes / Unsafe.SizeOf<T>() / kc / nr * nr));
        var packed = Core.CachingAllocator.Rent<T>(kc * nc, zeroed: false); // warm memory, reused call after call
        int tiles = (m + MR - 1) / MR;
        for (int bi = 0; bi < batch; bi++)
        {
            int aBase = checked((int)(a.Tensor.StorageOffset + bi * a.BatchStride));
            int bBase = checked((int)(b.Tensor.StorageOffset + bi * b.BatchStride));
            int cBase = sumBatches ? 0 : bi * m * n;
            for (int jc = 0; jc < n; jc += nc)
            {
                int ncur = Math.Min(nc, n - jc), panels = (ncur + nr - 1) / nr;
                for (int pc = 0; pc < k; pc += kc)
                {
                    int kcur = Math.Min(kc, k - pc);
                    if (b.Transposed) PackTransposed(B, bBase + jc * k + pc, k, kcur, ncur, nr, packed);
                    else Pack(B, bBase + pc * n + jc, n, kcur, ncur, nr, packed);
                    Parallelise(tiles, (long)m * ncur * kcur, t =>
                    {
                        int i0 = t * MR, rows = Math.Min(MR, m - i0);
                        for (int q = 0; q < panels; q++)
                        {
                            int j = jc + q * nr;
                            Block(A, aBase + i0 * k + pc, k, packed, q * kcur * nr, kcur, C, cBase + i0 * n + j, n, rows, Math.Min(nr, n - j), nr);
                        }
                    });
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Pack"/> for a B given as its transpose (n × k row-major, <paramref name="ldbt"/> apart): panel row p of
    /// column j is Bᵀ[j, p], so each column of the panel is read as one contiguous run.
    /// </summary>
    private static void PackTransposed<T>(T[] Bt, int start, int ldbt, int kcur, int ncur, int nr, T[] packed) where T : unmanaged
    {
        for (int q = 0, j = 0; j < ncur; q++, j += nr)
        {
            int cols = Math.Min(nr, ncur - j);
            var panel = packed.AsSpan(q * kcur * nr, kcur * nr);
            if (cols < nr) panel.Clear();
            for (int jj = 0; jj < cols; jj++)
            {
                var column = Bt.AsSpan(start + (j + jj) * ldbt, kcur);
                for (int p = 0; p < kcur; p++) panel[p * nr + jj] = column[p];
            }
        }
    }

    /// <summary>Copies rows [0, kcur) × columns [0, ncur) of B (from <paramref name="start"/>) into NR-wide panels, zero-padded.</summary>
    private static void Pack<T>(T[] B, int start, int ldb, int kcur, int ncur, int nr, T[] packed) where T : unmanaged
    {
        for (int q = 0, j = 0; j < ncur; q++, j += nr)
        {
            int cols = Math.Min(nr, ncur - j);
            var panel = packed.AsSpan(q * kcur * nr, kcur * nr);
            for (int p = 0; p < kcur; p++)
            {
                B.AsSpan(start + p * ldb + j, cols).CopyTo(panel.Slice(p * nr, cols));
                if (cols < nr) panel.Slice(p * nr + cols, nr - cols).Clear();
            }
        }
    }

    /// <summary>A rows × cols block of C (rows ≤ MR, cols ≤ NR) += A-rows · panel; short blocks go through a padded copy of C.</summary>
    private static void Block<T>(T[] A, int aOff, int lda, T[] P, int pOff, int kcur, T[] C, int cOff, int ldc, int rows, int cols, int nr)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (cols == nr)
        {
            if (rows == MR) Micro6(ref A[aOff], lda, ref P[pOff], kcur, ref C[cOff], ldc);
            else for (int r = 0; r < rows; r++) Micro1(ref A[aOff + r * lda], ref P[pOff], kcur, ref C[cOff + r * ldc]);
            return;
        }
        Span<T> tile = stackalloc T[MR * 32];
        tile = tile[..(MR * nr)];
        tile.Clear();
        for (int r = 0; r < rows; r++) C.AsSpan(cOff + r * ldc, cols).CopyTo(tile.Slice(r * nr, cols));
        if (rows == MR) Micro6(ref A[aOff], lda, ref P[pOff], kcur, ref tile[0], nr);
        else for (int r = 0; r < rows; r++) Micro1(ref A[aOff + r * lda], ref P[pOff], kcur, ref tile[r * nr]);
        for (int r = 0; r < rows; r++) tile.Slice(r * nr, cols).CopyTo(C.AsSpan(cOff + r * ldc, cols));
    }

    private static void Micro6<T>(ref T a, int lda, ref T p, int kcur, ref T c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Wide) Micro6x512(ref a, lda, ref p, kcur, ref c, ldc);
        else Micro6x256(ref a, lda, ref p, kcur, ref c, ldc);
    }

    private static void Micro1<T>(ref T a, ref T p, int kcur, ref T c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Wide)
        {
            nuint w = (nuint)Vector512<T>.Count;
            var c0 = Vector512.LoadUnsafe(ref c); var c1 = Vector512.LoadUnsafe(ref c, w);
            for (int q = 0; q < kcur; q++)
            {
                var av = Vector512.Create(Unsafe.Add(ref a, q));
                c0 = Fma(av, Vector512.LoadUnsafe(ref p, (nuint)q * 2 * w), c0);
                c1 = Fma(av, Vector512.LoadUnsafe(ref p, (nuint)q * 2 * w + w), c1);
            }
            c0.StoreUnsafe(ref c); c1.StoreUnsafe(ref c, w);
        }
        else
        {
            nuint w = (nuint)Vector256<T>.Count;
            var c0 = Vector256.LoadUnsafe(ref c); var c1 = Vector256.LoadUnsafe(ref c, w);
            for (int q = 0; q < kcur; q++)
            {
                var av = Vector256.Create(Unsafe.Add(ref a, q));
                c0 = Fma(av, Vector256.LoadUnsafe(ref p, (nuint)q * 2 * w), c0);
                c1 = Fma(av, Vector256.LoadUnsafe(ref p, (nuint)q * 2 * w + w), c1);
            }
            c0.StoreUnsafe(ref c); c1.StoreUnsafe(ref c, w);
        }
    }

    /// <summary>The 6 × 2-vector register tile, 512-bit lanes. Same FMA chain as <see cref="Micro1"/>.</summary>
    private static void Micro6x512<T>(ref T a, int lda, ref T p, int kcur, ref T c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        nuint w = (nuint)Vector512<T>.Count;
        ref T r0 = ref c; ref T r1 = ref Unsafe.Add(ref c, ldc); ref T r2 = ref Unsafe.Add(ref c, 2 * ldc);
        ref T r3 = ref Unsafe.Add(ref c, 3 * ldc); ref T r4 = ref Unsafe.Add(ref c, 4 * ldc); ref T r5 = ref Unsafe.Add(ref c, 5 * ldc);
        var c00 = Vector512.LoadUnsafe(ref r0); var c01 = Vector512.LoadUnsafe(ref r0, w);
        var c10 = Vector512.LoadUnsafe(ref r1); var c11 = Vector512.LoadUnsafe(ref r1, w);
        var c20 = Vector512.LoadUnsafe(ref r2); var c21 = Vector512.LoadUnsafe(ref r2, w);
        var c30 = Vector512.LoadUnsafe(ref r3); var c31 = Vector512.LoadUnsafe(ref r3, w);
        var c40 = Vector512.LoadUnsafe(ref r4); var c41 = Vector512.LoadUnsafe(ref r4, w);
        var c50 = Vector512.LoadUnsafe(ref r5); var c51 = Vector512.LoadUnsafe(ref r5, w);
        for (int q = 0; q < kcur; q++)
        {
            var b0 = Vector512.LoadUnsafe(ref p, (nuint)q * 2 * w);
            var b1 = Vector512.LoadUnsafe(ref p, (nuint)q * 2 * w + w);
            var a0 = Vector512.Create(Unsafe.Add(ref a, q)); c00 = Fma(a0, b0, c00); c01 = Fma(a0, b1, c01);
            var a1 = Vector512.Create(Unsafe.Add(ref a, lda + q)); c10 = Fma(a1, b0, c10); c11 = Fma(a1, b1, c11);
            var a2 = Vector512.Create(Unsafe.Add(ref a, 2 * lda + q)); c20 = Fma(a2, b0, c20); c21 = Fma(a2, b1, c21);
            var a3 = Vector512.Create(Unsafe.Add(ref a, 3 * lda + q)); c30 = Fma(a3, b0, c30); c31 = Fma(a3, b1, c31);
            var a4 = Vector512.Create(Unsafe.Add(ref a, 4 * lda + q)); c40 = Fma(a4, b0, c40); c41 = Fma(a4, b1, c41);
            var a5 = Vector512.Create(Unsafe.Add(ref a, 5 * lda + q)); c50 = Fma(a5, b0, c50); c51 = Fma(a5, b1, c51);
        }
        c00.StoreUnsafe(ref r0); c01.StoreUnsafe(ref r0, w);
        c10.StoreUnsafe(ref r1); c11.StoreUnsafe(ref r1, w);
        c20.StoreUnsafe(ref r2); c21.StoreUnsafe(ref r2, w);
        c30.StoreUnsafe(ref r3); c31.StoreUnsafe(ref r3, w);
        c40.StoreUnsafe(ref r4); c41.StoreUnsafe(ref r4, w);
        c50.StoreUnsafe(ref r5); c51.StoreUnsafe(ref r5, w);
    }

    /// <summary>The 6 × 2-vector register tile, 256-bit lanes (AVX2 + FMA machines).</summary>
    private static void Micro6x256<T>(ref T a, int lda, ref T p, int kcur, ref T c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        nuint w = (nuint)Vector256<T>.Count;
        ref T r0 = ref c; ref T r1 = ref Unsafe.Add(ref c, ldc); ref T r2 = ref Unsafe.Add(ref c, 2 * ldc);
        ref T r3 = ref Unsafe.Add(ref c, 3 * ldc); ref T r4 = ref Unsafe.Add(ref c, 4 * ldc); ref T r5 = ref Unsafe.Add(ref c, 5 * ldc);
        var c00 = Vector256.LoadUnsafe(ref r0); var c01 = Vector256.LoadUnsafe(ref r0, w);
        var c10 = Vector256.LoadUnsafe(ref r1); var c11 = Vector256.LoadUnsafe(ref r1, w);
        var c20 = Vector256.LoadUnsafe(ref r2); var c21 = Vector256.LoadUnsafe(ref r2, w);
        var c30 = Vector256.LoadUnsafe(ref r3); var c31 = Vector256.LoadUnsafe(ref r3, w);
        var c40 = Vector256.LoadUnsafe(ref r4); var c41 = Vector256.LoadUnsafe(ref r4, w);
        var c50 = Vector256.LoadUnsafe(ref r5); var c51 = Vector256.LoadUnsafe(ref r5, w);
        for (int q = 0; q < kcur; q++)
        {
            var b0 = Vector256.LoadUnsafe(ref p, (nuint)q * 2 * w);
            var b1 = Vector256.LoadUnsafe(ref p, (nuint)q * 2 * w + w);
            var a0 = Vector256.Create(Unsafe.Add(ref a, q)); c00 = Fma(a0, b0, c00); c01 = Fma(a0, b1, c01);
            var a1 = Vector256.Create(Unsafe.Add(ref a, lda + q)); c10 = Fma(a1, b0, c10); c11 = Fma(a1, b1, c11);
            var a2 = Vector256.Create(Unsafe.Add(ref a, 2 * lda + q)); c20 = Fma(a2, b0, c20); c21 = Fma(a2, b1, c21);
            var a3 = Vector256.Create(Unsafe.Add(ref a, 3 * lda + q)); c30 = Fma(a3, b0, c30); c31 = Fma(a3, b1, c31);
            var a4 = Vector256.Create(Unsafe.Add(ref a, 4 * lda + q)); c40 = Fma(a4, b0, c40); c41 = Fma(a4, b1, c41);
            var a5 = Vector256.Create(Unsafe.Add(ref a, 5 * lda + q)); c50 = Fma(a5, b0, c50); c51 = Fma(a5, b1, c51);
        }
        c00.StoreUnsafe(ref r0); c01.StoreUnsafe(ref r0, w);
        c10.StoreUnsafe(ref r1); c11.StoreUnsafe(ref r1, w);
        c20.StoreUnsafe(ref r2); c21.StoreUnsafe(ref r2, w);
        c30.StoreUnsafe(ref r3); c31.StoreUnsafe(ref r3, w);
        c40.StoreUnsafe(ref r4); c41.StoreUnsafe(ref r4, w);
        c50.StoreUnsafe(ref r5); c51.StoreUnsafe(ref r5, w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    private static void Parallelise(int units, long work, Action<int> body)
    {
        if (work < 1 << 18 || units < 2) for (int u = 0; u < units; u++) body(u);
        else Parallel.For(0, units, body);
    }
}
