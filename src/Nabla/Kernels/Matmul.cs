using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    private const int KC = 768;
    private const int PackedBytes = 512 * 1024;

    public static void Run(Tensor a, Tensor b, Tensor c, int batch, int m, int k, int n) =>
        Run(new MatrixBatch(a, (long)m * k), new MatrixBatch(b, (long)k * n), c, batch, m, k, n);

    /// <summary>
    /// C[b] += A[b] · B[b] over operands read in place: each batch of <paramref name="a"/> is an m × k row-major matrix
    /// <see cref="MatrixBatch.BatchStride"/> elements after the previous one (0: one matrix shared by every batch), each
    /// of <paramref name="b"/> a k × n row-major matrix, or with <see cref="MatrixBatch.Transposed"/> the transpose of an
    /// n × k row-major one.
    /// </summary>
    public static void Run(MatrixBatch a, MatrixBatch b, Tensor c, int batch, int m, int k, int n)
    {
        switch (c.DType)
        {
            case DType.Float32: Gemm<float>(a, b, c, batch, m, k, n); break;
            case DType.Float64: Gemm<double>(a, b, c, batch, m, k, n); break;
            case DType.Int32: Int<int>(); break;
            case DType.Int64: Int<long>(); break;
            default: Int<byte>(); break;
        }

        void Int<T>() where T : unmanaged, INumber<T>
        {
            var (A, B, C) = (a.Tensor.Data<T>(), b.Tensor.Data<T>(), c.Data<T>());
            long ao = a.Tensor.StorageOffset, bo = b.Tensor.StorageOffset, sa = a.BatchStride, sb = b.BatchStride;
            bool bt = b.Transposed;
            Parallelise(batch * m, (long)batch * m * n * k, row =>
            {
                int bi = row / m, i = row % m;
                long cRow = ((long)bi * m + i) * n;
                for (int p = 0; p < k; p++)
                {
                    T scale = A[ao + bi * sa + (long)i * k + p];
                    for (int j = 0; j < n; j++) C[cRow + j] += scale * B[bo + bi * sb + (bt ? (long)j * k + p : (long)p * n + j)];
                }
            });
        }
    }

    private static bool Wide => Vector512.IsHardwareAccelerated;

    /// <summary>Columns of a packed panel of B: two vectors.</summary>
    private static int PanelWidth<T>() where T : unmanaged => 2 * (Wide ? Vector512<T>.Count : Vector256<T>.Count);

    /// <summary>
    /// A rough cost, in cycles, of the multiply-adds the register tiles run for a serial m × k × n product (rows and
    /// columns rounded up to whole tiles, one vector of multiply-adds per cycle). Lets a caller pick between layouts.
    /// </summary>
    public static double MultiplyAddCycles<T>(int m, int k, int n) where T : unmanaged
    {
        int nr = PanelWidth<T>();
        return (double)((m + MR - 1) / MR * MR) * ((n + nr - 1) / nr * nr) * k / (nr / 2);
    }

    /// <summary>
    /// <see cref="MultiplyAddCycles{T}"/> of an m × k × n product whose B is given transposed, plus the
    /// element-by-element transposing pack of B: the cheaper of C = A · Bᵀ and Cᵀ = B · Aᵀ runs.
    /// </summary>
    public static double TransposedProductCost<T>(int m, int k, int n) where T : unmanaged => MultiplyAddCycles<T>(m, k, n) + (double)n * k;

    /// <summary>
    /// The product as independent units of work, each a (batch, group of row tiles, block of columns) run serially by
    /// one core with its own packed copy of its block of B, so the cores never wait for each other between blocks.
    /// Rows are split only as far as needed for about <see cref="UnitsPerThread"/> units per thread (each row group
    /// packs its column block again). The partition never changes a value: each element of C is the same chain.
    /// </summary>
    private static void Gemm<T>(MatrixBatch a, MatrixBatch b, Tensor c, int batch, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (A, B, C) = (a.Tensor.Data<T>(), b.Tensor.Data<T>(), c.Data<T>());
        var blocking = Blocking<T>.For(k, n);
        int tiles = (m + MR - 1) / MR, colBlocks = (n + blocking.Nc - 1) / blocking.Nc;
        long work = (long)batch * m * n * k;
        int wanted = work < 1 << 18 ? 1 : UnitsPerThread * Parallelism.NumThreads;
        int rowGroups = Math.Clamp((wanted + batch * colBlocks - 1) / (batch * colBlocks), 1, Math.Max(tiles, 1));
        int tilesPerGroup = (tiles + rowGroups - 1) / rowGroups;
        rowGroups = (tiles + tilesPerGroup - 1) / tilesPerGroup;
        int units = batch * rowGroups * colBlocks;
        Parallelise(units, work, u =>
        {
            int bi = u / (rowGroups * colBlocks), rg = u / colBlocks % rowGroups, cb = u % colBlocks;
            int i0 = rg * tilesPerGroup * MR, rows = Math.Min(tilesPerGroup * MR, m - i0);
            int j0 = cb * blocking.Nc, cols = Math.Min(blocking.Nc, n - j0);
            int aBase = checked((int)(a.Tensor.StorageOffset + bi * a.BatchStride)) + i0 * k;
            int bBase = checked((int)(b.Tensor.StorageOffset + bi * b.BatchStride)) + (b.Transposed ? j0 * k : j0);
            var packed = ThreadScratch<T>.Get(ThreadScratch.PackedPanels, blocking.PackedLength);
            Blocked(new AMatrix<T>(A, aBase, k, null, null), B, bBase, b.Transposed ? k : n, b.Transposed, C, bi * m * n + i0 * n + j0, n,
                rows, k, cols, blocking, packed, accumulate: true, bRowStarts: null);
        });
    }

    /// <summary>Units of work per thread a product is split into when it is large enough: enough to even out the cores.</summary>
    private const int UnitsPerThread = 4;

    /// <summary>
    /// C (m × n, row stride <paramref name="ldc"/>) += A (m × k, row stride <paramref name="lda"/>) · B on the calling
    /// thread, for kernels that run one product per image on each core (convolution). B is k × n row-major (row stride
    /// <paramref name="ldb"/>) or, with <paramref name="bTransposed"/>, the transpose of an n × k row-major matrix.
    /// Without <paramref name="accumulate"/>, C's previous contents are ignored (C = A · B, as if C were zero).
    /// With <paramref name="bRowStarts"/> (B not transposed), row p of B starts at <paramref name="bOff"/> + bRowStarts[p]
    /// instead of p rows of <paramref name="ldb"/> further (a convolution reads its shifted rows straight out of the image).
    /// Each element of C gets the same fused multiply-add chain over k as <see cref="Run(MatrixBatch, MatrixBatch, Tensor, int, int, int, int)"/>.
    /// </summary>
    public static void Serial<T>(T[] A, int aOff, int lda, T[] B, int bOff, int ldb, bool bTransposed, T[] C, int cOff, int ldc, int m, int k, int n,
        bool accumulate, int[]? bRowStarts = null)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Serial(new AMatrix<T>(A, aOff, lda, null, null), B, bOff, ldb, bTransposed, C, cOff, ldc, m, k, n, accumulate, bRowStarts);

    /// <summary>
    /// <see cref="Serial{T}(T[], int, int, T[], int, int, bool, T[], int, int, int, int, int, bool, int[])"/> with A read in place where element (i, q) lies at <paramref name="aOff"/> +
    /// <paramref name="rowOffsets"/>[i] + <paramref name="columnOffsets"/>[q]: an implicit im2col (or its transpose),
    /// read straight out of a padded image, whose output positions and (channel, tap) pairs are the rows and columns.
    /// </summary>
    public static void SerialGathered<T>(T[] A, int aOff, int[] rowOffsets, int[] columnOffsets, T[] B, int bOff, int ldb, bool bTransposed,
        T[] C, int cOff, int ldc, int m, int k, int n, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rowOffsets.Length < m || columnOffsets.Length < k) throw new ArgumentException("fewer offsets than rows or columns");
        Serial(new AMatrix<T>(A, aOff, 0, rowOffsets, columnOffsets), B, bOff, ldb, bTransposed, C, cOff, ldc, m, k, n, accumulate, bRowStarts: null);
    }

    private static void Serial<T>(AMatrix<T> a, T[] B, int bOff, int ldb, bool bTransposed, T[] C, int cOff, int ldc, int m, int k, int n,
        bool accumulate, int[]? bRowStarts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) for (int i = 0; i < m; i++) C.AsSpan(cOff + i * ldc, n).Clear();
            return;
        }
        var blocking = Blocking<T>.For(k, n);
        var packed = ThreadScratch<T>.Get(ThreadScratch.PackedPanels, blocking.PackedLength);
        Blocked(a, B, bOff, ldb, bTransposed, C, cOff, ldc, m, k, n, blocking, packed, accumulate, bRowStarts);
    }

    /// <summary>Panel width (two vectors), and the k × n block of B packed at a time (about 512 KB, L2-resident).</summary>
    private readonly record struct Blocking<T>(int Nr, int Kc, int Nc) where T : unmanaged
    {
        public int PackedLength => Kc * Nc;

        public static Blocking<T> For(int k, int n)
        {
            int nr = PanelWidth<T>();
            int kBlocks = Math.Max(1, (k + KC - 1) / KC);
            int kc = Math.Max(1, (k + kBlocks - 1) / kBlocks); // even blocks of at most KC: no short last block
            int nc = Math.Min((n + nr - 1) / nr * nr, Math.Max(nr, PackedBytes / Unsafe.SizeOf<T>() / kc / nr * nr));
            return new(nr, kc, nc);
        }
    }

    /// <summary>The cache-blocked product on the calling thread: for each block of B, pack it, then run every MR-row tile of A over its panels.</summary>
    private static void Blocked<T>(AMatrix<T> a, T[] B, int bBase, int ldb, bool bTransposed, T[] C, int cBase, int ldc,
        int m, int k, int n, Blocking<T> blocking, T[] packed, bool accumulate, int[]? bRowStarts)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (nr, kc, nc) = blocking;
        int tiles = (m + MR - 1) / MR;
        for (int jc = 0; jc < n; jc += nc)
        {
            int ncur = Math.Min(nc, n - jc), panels = (ncur + nr - 1) / nr;
            for (int pc = 0; pc < k; pc += kc)
            {
                int kcur = Math.Min(kc, k - pc);
                bool loadC = accumulate || pc > 0;
                if (bTransposed) PackTransposed(B, bBase + jc * ldb + pc, ldb, kcur, ncur, nr, packed);
                else Pack(B, bBase + jc, ldb, bRowStarts, pc, kcur, ncur, nr, packed);
                for (int t = 0; t < tiles; t++)
                {
                    int i0 = t * MR, rows = Math.Min(MR, m - i0);
                    var tile = a.Tile(i0, rows, pc, kcur);
                    for (int q = 0; q < panels; q++)
                    {
                        int j = jc + q * nr;
                        Block(tile, packed, q * kcur * nr, kcur, C, cBase + i0 * ldc + j, ldc, rows, Math.Min(nr, n - j), nr, loadC);
                    }
                }
            }
        }
    }

    /// <summary>
    /// A, read in place: element (i, q) at Offset + i · Lda + q, or, with <see cref="RowOffsets"/> and
    /// <see cref="ColumnOffsets"/>, at Offset + RowOffsets[i] + ColumnOffsets[q] (a convolution's patches read straight
    /// out of a padded image: rows are output positions, columns are (channel, tap) pairs).
    /// </summary>
    private readonly record struct AMatrix<T>(T[] Data, int Offset, int Lda, int[]? RowOffsets, int[]? ColumnOffsets) where T : unmanaged
    {
        /// <summary>Rows [i0, i0 + rows) × columns [pc, pc + kcur): where the tile starts and how its rows and columns lie.</summary>
        public ATile<T> Tile(int i0, int rows, int pc, int kcur)
        {
            if (RowOffsets is null)
                return new(Data, Offset + i0 * Lda + pc, new RowSteps(Lda), default);
            int first = RowOffsets[i0];
            var steps = new RowSteps(RowOffsets.AsSpan(i0, rows), first);
            return new(Data, Offset + first, steps, ColumnOffsets.AsMemory(pc, kcur));
        }
    }

    /// <summary>One tile of A: its first element, the other rows' offsets from it, and its columns' offsets (empty: consecutive).</summary>
    private readonly record struct ATile<T>(T[] Data, int Start, RowSteps Rows, ReadOnlyMemory<int> Columns) where T : unmanaged;

    /// <summary>Offsets of tile rows 1..5 from row 0 (0 for rows the tile does not have).</summary>
    private readonly struct RowSteps
    {
        public readonly nint R1, R2, R3, R4, R5;

        public RowSteps(int lda)
        {
            R1 = lda; R2 = 2 * R1; R3 = 3 * R1; R4 = 4 * R1; R5 = 5 * R1;
        }

        public RowSteps(ReadOnlySpan<int> rowOffsets, int first)
        {
            nint At(ReadOnlySpan<int> o, int r) => r < o.Length ? o[r] - first : 0;
            R1 = At(rowOffsets, 1); R2 = At(rowOffsets, 2); R3 = At(rowOffsets, 3); R4 = At(rowOffsets, 4); R5 = At(rowOffsets, 5);
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
            int blocked = 0;
            if (typeof(T) == typeof(float) && Transpose8.IsSupported && cols == nr)
            {
                // 8 × 8 blocks transposed in registers; the last kcur % 8 rows of the panel element by element
                _ = Bt[start + (j + nr - 1) * ldbt + kcur - 1];
                ref float source = ref Unsafe.As<T, float>(ref Bt[start + j * ldbt]);
                ref float target = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(panel));
                for (blocked = 0; blocked + 8 <= kcur; blocked += 8)
                    for (int jj = 0; jj < nr; jj += 8)
                        Transpose8.Block(ref Unsafe.Add(ref source, jj * ldbt + blocked), ldbt, ref Unsafe.Add(ref target, blocked * nr + jj), nr);
                if (blocked == kcur) continue;
            }
            for (int jj = 0; jj < cols; jj++)
            {
                // the spans check the bounds once; the element loop then runs on unchecked references
                ref T column = ref MemoryMarshal.GetReference(Bt.AsSpan(start + (j + jj) * ldbt, kcur));
                ref T slot = ref MemoryMarshal.GetReference(panel.Slice(jj, (kcur - 1) * nr + 1));
                for (int p = blocked; p < kcur; p++) Unsafe.Add(ref slot, p * nr) = Unsafe.Add(ref column, p);
            }
        }
    }

    /// <summary>
    /// Copies rows [pc, pc + kcur) × columns [0, ncur) of B (column 0 at <paramref name="start"/>; row p at p ·
    /// <paramref name="ldb"/>, or at <paramref name="rowStarts"/>[p]) into NR-wide panels, zero-padded.
    /// </summary>
    private static void Pack<T>(T[] B, int start, int ldb, int[]? rowStarts, int pc, int kcur, int ncur, int nr, T[] packed) where T : unmanaged
    {
        start += rowStarts is null ? pc * ldb : 0;
        for (int q = 0, j = 0; j < ncur; q++, j += nr)
        {
            int cols = Math.Min(nr, ncur - j);
            var panel = packed.AsSpan(q * kcur * nr, kcur * nr);
            for (int p = 0; p < kcur; p++)
            {
                int row = start + (rowStarts is null ? p * ldb : rowStarts[pc + p]);
                var source = B.AsSpan(row + j, cols);
                if (cols == nr) { CopyPanelRow(source, panel.Slice(p * nr, nr)); continue; }
                source.CopyTo(panel.Slice(p * nr, cols));
                if (cols < nr) panel.Slice(p * nr + cols, nr - cols).Clear();
            }
        }
    }

    /// <summary>One full panel row (two vectors): a plain copy, without the call overhead of a span copy this short.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPanelRow<T>(Span<T> source, Span<T> destination) where T : unmanaged
    {
        ref T s = ref MemoryMarshal.GetReference(source);
        ref T d = ref MemoryMarshal.GetReference(destination);
        if (Wide)
        {
            Vector512.LoadUnsafe(ref s).StoreUnsafe(ref d);
            Vector512.LoadUnsafe(ref s, (nuint)Vector512<T>.Count).StoreUnsafe(ref d, (nuint)Vector512<T>.Count);
        }
        else
        {
            Vector256.LoadUnsafe(ref s).StoreUnsafe(ref d);
            Vector256.LoadUnsafe(ref s, (nuint)Vector256<T>.Count).StoreUnsafe(ref d, (nuint)Vector256<T>.Count);
        }
    }

    /// <summary>
    /// A rows × cols block of C (rows ≤ MR, cols ≤ NR) += A-rows · panel (= without <paramref name="loadC"/>); narrow
    /// blocks go through a padded copy of C.
    /// </summary>
    private static void Block<T>(ATile<T> a, T[] P, int pOff, int kcur, T[] C, int cOff, int ldc, int rows, int cols, int nr, bool loadC)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (cols == nr)
        {
            Micro(a, ref P[pOff], kcur, ref C[cOff], ldc, rows, loadC);
            return;
        }
        Span<T> tile = stackalloc T[MR * 32];
        tile = tile[..(MR * nr)];
        tile.Clear();
        if (loadC) for (int r = 0; r < rows; r++) C.AsSpan(cOff + r * ldc, cols).CopyTo(tile.Slice(r * nr, cols));
        Micro(a, ref P[pOff], kcur, ref tile[0], nr, rows, loadC);
        for (int r = 0; r < rows; r++) tile.Slice(r * nr, cols).CopyTo(C.AsSpan(cOff + r * ldc, cols));
    }

    private static void Micro<T>(ATile<T> a, ref T p, int kcur, ref T c, int ldc, int rows, bool loadC) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Wide) Micro<T, Vector512<T>, Lanes512<T>>(a, ref p, kcur, ref c, ldc, rows, loadC);
        else Micro<T, Vector256<T>, Lanes256<T>>(a, ref p, kcur, ref c, ldc, rows, loadC);
    }

    private static void Micro<T, TV, TL>(ATile<T> a, ref T p, int kcur, ref T c, int ldc, int rows, bool loadC)
        where T : unmanaged where TV : struct where TL : struct, ILanes<T, TV>
    {
        if (a.Columns.IsEmpty) Micro<T, TV, TL, Consecutive>(a, ref p, kcur, ref c, ldc, rows, loadC);
        else Micro<T, TV, TL, Tabled>(a, ref p, kcur, ref c, ldc, rows, loadC);
    }

    private static void Micro<T, TV, TL, TK>(ATile<T> a, ref T p, int kcur, ref T c, int ldc, int rows, bool loadC)
        where T : unmanaged where TV : struct where TL : struct, ILanes<T, TV> where TK : struct, IColumnSteps
    {
        ref T a0 = ref a.Data[a.Start];
        ref int columns = ref MemoryMarshal.GetReference(a.Columns.Span);
        if (!a.Columns.IsEmpty && a.Columns.Length < kcur) throw new ArgumentException("column offsets shorter than the block", nameof(a));
        switch (rows)
        {
            case 6: Micro<T, TV, TL, TK, Rows6>(ref a0, a.Rows, ref columns, ref p, kcur, ref c, ldc, loadC); break;
            case 5: Micro<T, TV, TL, TK, Rows5>(ref a0, a.Rows, ref columns, ref p, kcur, ref c, ldc, loadC); break;
            case 4: Micro<T, TV, TL, TK, Rows4>(ref a0, a.Rows, ref columns, ref p, kcur, ref c, ldc, loadC); break;
            case 3: Micro<T, TV, TL, TK, Rows3>(ref a0, a.Rows, ref columns, ref p, kcur, ref c, ldc, loadC); break;
            case 2: Micro<T, TV, TL, TK, Rows2>(ref a0, a.Rows, ref columns, ref p, kcur, ref c, ldc, loadC); break;
            default: Micro<T, TV, TL, TK, Rows1>(ref a0, a.Rows, ref columns, ref p, kcur, ref c, ldc, loadC); break;
        }
    }

    /// <summary>Where A's column q lies from column 0: next to the previous one, or at a table's offset.</summary>
    private interface IColumnSteps { static abstract nint At(ref int table, int q); }
    private readonly struct Consecutive : IColumnSteps { public static nint At(ref int table, int q) => q; }
    private readonly struct Tabled : IColumnSteps { public static nint At(ref int table, int q) => Unsafe.Add(ref table, q); }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a hot loop: straight to optimized code
    private static void Micro<T, TV, TL, TK, TR>(ref T a, RowSteps steps, ref int columns, ref T p, int kcur, ref T c, int ldc, bool loadC)
        where T : unmanaged where TV : struct where TL : struct, ILanes<T, TV> where TK : struct, IColumnSteps where TR : struct, IRowCount
    {
        nuint w = (nuint)TL.Count;
        int rows = TR.Count;
        // row refs are formed only for rows that exist: a byref past the end of the array would mislead the GC
        ref T r0 = ref c;
        TV c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        TV c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        if (loadC) // else the chains start from zero, exactly as from a zeroed C
        {
            c00 = TL.Load(ref r0, 0); c01 = TL.Load(ref r0, w);
            if (rows > 1) { ref T r = ref Unsafe.Add(ref c, ldc); c10 = TL.Load(ref r, 0); c11 = TL.Load(ref r, w); }
            if (rows > 2) { ref T r = ref Unsafe.Add(ref c, 2 * ldc); c20 = TL.Load(ref r, 0); c21 = TL.Load(ref r, w); }
            if (rows > 3) { ref T r = ref Unsafe.Add(ref c, 3 * ldc); c30 = TL.Load(ref r, 0); c31 = TL.Load(ref r, w); }
            if (rows > 4) { ref T r = ref Unsafe.Add(ref c, 4 * ldc); c40 = TL.Load(ref r, 0); c41 = TL.Load(ref r, w); }
            if (rows > 5) { ref T r = ref Unsafe.Add(ref c, 5 * ldc); c50 = TL.Load(ref r, 0); c51 = TL.Load(ref r, w); }
        }
        // row offsets kept in registers and the packed panel's byref stepping down k: each load is one addressing mode
        nint l1 = steps.R1, l2 = steps.R2, l3 = steps.R3, l4 = steps.R4, l5 = steps.R5;
        ref T pq = ref p;
        for (int q = 0; q < kcur; q++)
        {
            ref T aq = ref Unsafe.Add(ref a, TK.At(ref columns, q));
            var b0 = TL.Load(ref pq, 0);
            var b1 = TL.Load(ref pq, w);
            var a0 = TL.Broadcast(aq); c00 = TL.Fma(a0, b0, c00); c01 = TL.Fma(a0, b1, c01);
            if (rows > 1) { var a1 = TL.Broadcast(Unsafe.Add(ref aq, l1)); c10 = TL.Fma(a1, b0, c10); c11 = TL.Fma(a1, b1, c11); }
            if (rows > 2) { var a2 = TL.Broadcast(Unsafe.Add(ref aq, l2)); c20 = TL.Fma(a2, b0, c20); c21 = TL.Fma(a2, b1, c21); }
            if (rows > 3) { var a3 = TL.Broadcast(Unsafe.Add(ref aq, l3)); c30 = TL.Fma(a3, b0, c30); c31 = TL.Fma(a3, b1, c31); }
            if (rows > 4) { var a4 = TL.Broadcast(Unsafe.Add(ref aq, l4)); c40 = TL.Fma(a4, b0, c40); c41 = TL.Fma(a4, b1, c41); }
            if (rows > 5) { var a5 = TL.Broadcast(Unsafe.Add(ref aq, l5)); c50 = TL.Fma(a5, b0, c50); c51 = TL.Fma(a5, b1, c51); }
            pq = ref Unsafe.Add(ref pq, 2 * w);
        }
        TL.Store(c00, ref r0, 0); TL.Store(c01, ref r0, w);
        if (rows > 1) { ref T r = ref Unsafe.Add(ref c, ldc); TL.Store(c10, ref r, 0); TL.Store(c11, ref r, w); }
        if (rows > 2) { ref T r = ref Unsafe.Add(ref c, 2 * ldc); TL.Store(c20, ref r, 0); TL.Store(c21, ref r, w); }
        if (rows > 3) { ref T r = ref Unsafe.Add(ref c, 3 * ldc); TL.Store(c30, ref r, 0); TL.Store(c31, ref r, w); }
        if (rows > 4) { ref T r = ref Unsafe.Add(ref c, 4 * ldc); TL.Store(c40, ref r, 0); TL.Store(c41, ref r, w); }
        if (rows > 5) { ref T r = ref Unsafe.Add(ref c, 5 * ldc); TL.Store(c50, ref r, 0); TL.Store(c51, ref r, w); }
    }

    /// <summary>The number of rows of a micro-kernel instance, as a type so that the JIT folds it to a constant.</summary>
    private interface IRowCount { static abstract int Count { get; } }
    private readonly struct Rows1 : IRowCount { public static int Count => 1; }
    private readonly struct Rows2 : IRowCount { public static int Count => 2; }
    private readonly struct Rows3 : IRowCount { public static int Count => 3; }
    private readonly struct Rows4 : IRowCount { public static int Count => 4; }
    private readonly struct Rows5 : IRowCount { public static int Count => 5; }
    private readonly struct Rows6 : IRowCount { public static int Count => 6; }

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
