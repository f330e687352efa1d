using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>
/// The sliding-window geometry of an N-d convolution over the spatial dims: input size, kernel, stride, padding,
/// dilation per dim, and the number of window positions per dim. Block position <c>o</c> with kernel tap <c>k</c>
/// reads input index <c>o * stride - padding + k * dilation</c> (outside [0, input) it reads zero padding).
/// </summary>
internal sealed record ConvGeometry(int[] Input, int[] Kernel, int[] Stride, int[] Padding, int[] Dilation, int[] Blocks)
{
    public int Dims => Input.Length;
    public int KernelNumel => Product(Kernel);
    public int BlockNumel => Product(Blocks);
    public int InputNumel => Product(Input);

    /// <summary>Window positions per dim: floor((in + 2p - d(k-1) - 1) / s) + 1 (may be zero or negative; callers check).</summary>
    public static int[] BlockCounts(int[] input, int[] kernel, int[] stride, int[] padding, int[] dilation)
    {
        var blocks = new int[input.Length];
        for (int d = 0; d < input.Length; d++)
        {
            long span = (long)input[d] + 2L * padding[d] - (long)dilation[d] * (kernel[d] - 1) - 1;
            blocks[d] = (int)(Math.Floor((double)span / stride[d]) + 1);
        }
        return blocks;
    }

    private static int Product(int[] sizes)
    {
        int n = 1;
        foreach (var s in sizes) n *= s;
        return n;
    }
}

/// <summary>
/// im2col and its adjoint col2im over contiguous (planes, *spatial) images and (planes, kernel taps, blocks) columns:
/// column row <c>(plane, tap)</c> holds, for each block, the input element that tap reads. Convolution is a matrix
/// product over these columns; col2im adds every column entry back into the element it came from. Each plane is
/// processed whole by one thread (col2im accumulates in a fixed order), so results do not depend on the thread count.
/// </summary>
internal static class Im2Col
{
    /// <summary>Fills zeroed <paramref name="columns"/> (planes × taps × blocks) from <paramref name="image"/> (planes × input).</summary>
    public static void Unfold(Tensor image, ConvGeometry g, Tensor columns) =>
        DTypeDispatch.Run(image.DType, new Kernel<CopyToColumn>(image, g, columns));

    /// <summary>Adds every entry of <paramref name="columns"/> into zeroed <paramref name="image"/> where im2col read it from.</summary>
    public static void Fold(Tensor columns, ConvGeometry g, Tensor image) =>
        DTypeDispatch.Run(image.DType, new Kernel<AddToImage>(image, g, columns));

    /// <summary>
    /// im2col of <paramref name="planes"/> consecutive planes of one image (from <paramref name="imageOffset"/>) into
    /// <paramref name="columns"/> (planes × taps × blocks from <paramref name="colOffset"/>, overwritten), on the calling thread.
    /// </summary>
    public static void UnfoldPlanes<T>(T[] image, int imageOffset, int planes, ConvGeometry g, T[] columns, int colOffset)
        where T : unmanaged, INumber<T>
    {
        int inPlane = g.InputNumel, colPlane = g.KernelNumel * g.BlockNumel;
        if (colPlane == 0) return;
        columns.AsSpan(colOffset, planes * colPlane).Clear(); // taps over the padding read zero
        for (int p = 0; p < planes; p++) Walk<T, CopyToColumn>(columns, colOffset + p * colPlane, image, imageOffset + p * inPlane, g);
    }

    /// <summary>
    /// col2im of <paramref name="planes"/> planes' columns (from <paramref name="colOffset"/>): adds each entry into the
    /// element of <paramref name="image"/> (from <paramref name="imageOffset"/>) it was read from, on the calling thread.
    /// </summary>
    public static void FoldPlanes<T>(T[] columns, int colOffset, int planes, ConvGeometry g, T[] image, int imageOffset)
        where T : unmanaged, INumber<T>
    {
        int inPlane = g.InputNumel, colPlane = g.KernelNumel * g.BlockNumel;
        if (colPlane == 0) return;
        for (int p = 0; p < planes; p++) Walk<T, AddToImage>(columns, colOffset + p * colPlane, image, imageOffset + p * inPlane, g);
    }

    private interface IColumnOp
    {
        static abstract void Apply<T>(T[] columns, int c, T[] image, int i) where T : unmanaged, INumber<T>;

        /// <summary>The same over a run where consecutive column entries meet consecutive image elements (stride 1).</summary>
        static abstract void ApplyRun<T>(Span<T> columns, Span<T> image) where T : unmanaged, INumber<T>;
    }

    private struct CopyToColumn : IColumnOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<T>(T[] columns, int c, T[] image, int i) where T : unmanaged, INumber<T> => columns[c] = image[i];

        public static void ApplyRun<T>(Span<T> columns, Span<T> image) where T : unmanaged, INumber<T> => ShortCopy.Copy<T>(image, columns);
    }

    private struct AddToImage : IColumnOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<T>(T[] columns, int c, T[] image, int i) where T : unmanaged, INumber<T> => image[i] += columns[c];

        public static void ApplyRun<T>(Span<T> columns, Span<T> image) where T : unmanaged, INumber<T> =>
            VectorLoop.Binary<T, AddOp, RunLane<T>, RunLane<T>>(image, new RunLane<T>(image), new RunLane<T>(columns));
    }

    private readonly struct Kernel<TOp>(Tensor image, ConvGeometry g, Tensor columns) : INumericKernel where TOp : IColumnOp
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var (img, col, geo) = (image.Data<T>(), columns.Data<T>(), g);
            int inPlane = geo.InputNumel, colPlane = geo.KernelNumel * geo.BlockNumel;
            int imgOffset = image.StorageOffset, colOffset = columns.StorageOffset;
            int planes = inPlane == 0 ? 0 : image.Numel / inPlane;
            if (colPlane == 0) return;
            void Plane(int p) => Walk<T, TOp>(col, colOffset + p * colPlane, img, imgOffset + p * inPlane, geo);
            if (planes < 2 || (long)planes * colPlane < StridedLoop.ParallelGrain)
                for (int p = 0; p < planes; p++) Plane(p);
            else
                Parallel.For(0, planes, Plane);
        }
    }

    /// <summary>
    /// Visits every (column entry, image element) pair of one plane whose tap lands inside the image: taps in order,
    /// then blocks in row-major order; along the last dim only the in-range run of blocks is visited.
    /// </summary>
    private static void Walk<T, TOp>(T[] columns, int colBase, T[] image, int imageBase, ConvGeometry g)
        where T : unmanaged, INumber<T> where TOp : IColumnOp
    {
        int dims = g.Dims, last = dims - 1, taps = g.KernelNumel, blocks = g.BlockNumel;
        int lastBlocks = g.Blocks[last], lastInput = g.Input[last], lastStride = g.Stride[last];
        int outerBlocks = blocks / lastBlocks;
        Span<int> tap = stackalloc int[dims];
        Span<int> block = stackalloc int[dims];
        for (int t = 0; t < taps; t++)
        {
            for (int d = last, rest = t; d >= 0; d--) { tap[d] = rest % g.Kernel[d]; rest /= g.Kernel[d]; }
            // along the last dim, block o reads input o*s + shift; keep the blocks with 0 <= o*s + shift < input
            int shift = tap[last] * g.Dilation[last] - g.Padding[last];
            int lo = shift >= 0 ? 0 : (-shift + lastStride - 1) / lastStride;
            int hi = lastInput - 1 - shift < 0 ? 0 : Math.Min(lastBlocks, (lastInput - 1 - shift) / lastStride + 1);
            if (lo >= hi) continue;
            block.Clear();
            for (int outer = 0; outer < outerBlocks; outer++)
            {
                int row = 0;
                bool inside = true;
                for (int d = 0; d < last; d++)
                {
                    int i = block[d] * g.Stride[d] - g.Padding[d] + tap[d] * g.Dilation[d];
                    if ((uint)i >= (uint)g.Input[d]) { inside = false; break; }
                    row = row * g.Input[d] + i;
                }
                if (inside)
                {
                    int c = colBase + t * blocks + outer * lastBlocks;
                    int i = imageBase + row * lastInput + shift;
                    if (lastStride == 1) TOp.ApplyRun(columns.AsSpan(c + lo, hi - lo), image.AsSpan(i + lo, hi - lo));
                    else for (int o = lo; o < hi; o++) TOp.Apply(columns, c + o, image, i + o * lastStride);
                }
                for (int d = last - 1; d >= 0; d--)
                {
                    if (++block[d] < g.Blocks[d]) break;
                    block[d] = 0;
                }
            }
        }
    }
}
