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
        if (Wide) Micro6<T, Vector512<T>, Lanes512<T>>(ref a, lda, ref p, kcur, ref c, ldc);
        else Micro6<T, Vector256<T>, Lanes256<T>>(ref a, lda, ref p, kcur, ref c, ldc);
    }

    private static void Micro1<T>(ref T a, ref T p, int kcur, ref T c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Wide) Micro1<T, Vector512<T>, Lanes512<T>>(ref a, ref p, kcur, ref c);
        else Micro1<T, Vector256<T>, Lanes256<T>>(ref a, ref p, kcur, ref c);
    }

    /// <summary>One row of C: two vectors down k. Same FMA chain per element as <see cref="Micro6{T, TV, TL}"/>.</summary>
    private static void Micro1<T, TV, TL>(ref T a, ref T p, int kcur, ref T c)
        where T : unmanaged where TV : struct where TL : struct, ILanes<T, TV>
    {
        nuint w = (nuint)TL.Count;
        var c0 = TL.Load(ref c, 0); var c1 = TL.Load(ref c, w);
        for (int q = 0; q < kcur; q++)
        {
            var av = TL.Broadcast(Unsafe.Add(ref a, q));
            c0 = TL.Fma(av, TL.Load(ref p, (nuint)q * 2 * w), c0);
            c1 = TL.Fma(av, TL.Load(ref p, (nuint)q * 2 * w + w), c1);
        }
        TL.Store(c0, ref c, 0); TL.Store(c1, ref c, w);
    }

    /// <summary>
    /// The 6 × 2-vector register tile, for either vector width (<typeparamref name="TL"/> is a struct, so the JIT
    /// compiles one copy per width with the lane operations inlined).
    /// </summary>
    private static void Micro6<T, TV, TL>(ref T a, int lda, ref T p, int kcur, ref T c, int ldc)
        where T : unmanaged where TV : struct where TL : struct, ILanes<T, TV>
    {
        nuint w = (nuint)TL.Count;
        ref T r0 = ref c; ref T r1 = ref Unsafe.Add(ref c, ldc); ref T r2 = ref Unsafe.Add(ref c, 2 * ldc);
        ref T r3 = ref Unsafe.Add(ref c, 3 * ldc); ref T r4 = ref Unsafe.Add(ref c, 4 * ldc); ref T r5 = ref Unsafe.Add(ref c, 5 * ldc);
        var c00 = TL.Load(ref r0, 0); var c01 = TL.Load(ref r0, w);
        var c10 = TL.Load(ref r1, 0); var c11 = TL.Load(ref r1, w);
        var c20 = TL.Load(ref r2, 0); var c21 = TL.Load(ref r2, w);
        var c30 = TL.Load(ref r3, 0); var c31 = TL.Load(ref r3, w);
        var c40 = TL.Load(ref r4, 0); var c41 = TL.Load(ref r4, w);
        var c50 = TL.Load(ref r5, 0); var c51 = TL.Load(ref r5, w);
        for (int q = 0; q < kcur; q++)
        {
            var b0 = TL.Load(ref p, (nuint)q * 2 * w);
            var b1 = TL.Load(ref p, (nuint)q * 2 * w + w);
            var a0 = TL.Broadcast(Unsafe.Add(ref a, q)); c00 = TL.Fma(a0, b0, c00); c01 = TL.Fma(a0, b1, c01);
            var a1 = TL.Broadcast(Unsafe.Add(ref a, lda + q)); c10 = TL.Fma(a1, b0, c10); c11 = TL.Fma(a1, b1, c11);
            var a2 = TL.Broadcast(Unsafe.Add(ref a, 2 * lda + q)); c20 = TL.Fma(a2, b0, c20); c21 = TL.Fma(a2, b1, c21);
            var a3 = TL.Broadcast(Unsafe.Add(ref a, 3 * lda + q)); c30 = TL.Fma(a3, b0, c30); c31 = TL.Fma(a3, b1, c31);
            var a4 = TL.Broadcast(Unsafe.Add(ref a, 4 * lda + q)); c40 = TL.Fma(a4, b0, c40); c41 = TL.Fma(a4, b1, c41);
            var a5 = TL.Broadcast(Unsafe.Add(ref a, 5 * lda + q)); c50 = TL.Fma(a5, b0, c50); c51 = TL.Fma(a5, b1, c51);
        }
        TL.Store(c00, ref r0, 0); TL.Store(c01, ref r0, w);
        TL.Store(c10, ref r1, 0); TL.Store(c11, ref r1, w);
        TL.Store(c20, ref r2, 0); TL.Store(c21, ref r2, w);
        TL.Store(c30, ref r3, 0); TL.Store(c31, ref r3, w);
        TL.Store(c40, ref r4, 0); TL.Store(c41, ref r4, w);
        TL.Store(c50, ref r5, 0); TL.Store(c51, ref r5, w);
    }

    /// <summary>The lane operations the micro-kernels need, for one vector width.</summary>
    private interface ILanes<T, TV> where T : unmanaged where TV : struct
    {
        static abstract int Count { get; }
        static abstract TV Load(ref T source, nuint offset);
        static abstract void Store(TV value, ref T destination, nuint offset);
        static abstract TV Broadcast(T value);
        /// <summary>a · b + c with one rounding.</summary>
        static abstract TV Fma(TV a, TV b, TV c);
    }

    private readonly struct Lanes512<T> : ILanes<T, Vector512<T>> where T : unmanaged
    {
        public static int Count => Vector512<T>.Count;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Load(ref T source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Broadcast(T value) => Vector512.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c) => typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>()
            : Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    private readonly struct Lanes256<T> : ILanes<T, Vector256<T>> where T : unmanaged
    {
        public static int Count => Vector256<T>.Count;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Load(ref T source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Broadcast(T value) => Vector256.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c) => typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    private static void Parallelise(int units, long work, Action<int> body)
    {
        if (work < 1 << 18 || units < 2) for (int u = 0; u < units; u++) body(u);
        else Parallel.For(0, units, body);
    }
}
