namespace Nabla.Kernels;

/// <summary>
/// The layout that lets a stride-1 convolution skip im2col. In a zero-padded copy of an image plane, the im2col row
/// of kernel tap t is one contiguous run that starts at the tap's offset (Σ tap_d · dilation_d · paddedStride_d):
/// output position o, read as its offset in the padded plane (Σ o_d · paddedStride_d), reads the padded element at
/// that offset plus the tap's. The product therefore runs over the "wide" positions 0 .. <see cref="Wide"/> - 1 of
/// the padded plane, and the output keeps the wide positions that are real window positions
/// (<see cref="OutputRuns"/>); the others read across a row's end and are dropped. Every kept output element gets
/// exactly the products and the order of im2col's.
/// </summary>
internal sealed class ShiftedRows
{
    /// <summary>Padded plane size, and the padded offset of each input row (a run along the last dim).</summary>
    public int PaddedPlane { get; }
    public int[] InputRuns { get; }

    /// <summary>Wide positions per image (from the first output position to the last, in padded offsets).</summary>
    public int Wide { get; }

    /// <summary>The wide offset of each output row; an output row holds <see cref="OutputRunLength"/> elements.</summary>
    public int[] OutputRuns { get; }
    public int OutputRunLength { get; }
    public int InputRunLength { get; }

    /// <summary>Offset of tap t's run in the padded plane.</summary>
    public int[] TapOffsets { get; }

    /// <summary>Whether <paramref name="g"/> can run this way: stride 1 along every dim.</summary>
    public static bool Applies(ConvGeometry g) => g.Stride.All(s => s == 1) && g.BlockNumel > 0;

    public ShiftedRows(ConvGeometry g)
    {
        int dims = g.Dims;
        var padded = new int[dims];
        var strides = new int[dims];
        for (int d = dims - 1, stride = 1; d >= 0; d--)
        {
            padded[d] = g.Input[d] + 2 * g.Padding[d];
            strides[d] = stride;
            stride *= padded[d];
        }
        PaddedPlane = strides[0] * padded[0];
        InputRunLength = g.Input[dims - 1];
        OutputRunLength = g.Blocks[dims - 1];
        InputRuns = RunOffsets(g.Input, d => g.Padding[d], strides);
        OutputRuns = RunOffsets(g.Blocks, _ => 0, strides);
        Wide = OutputRuns[^1] + OutputRunLength;
        TapOffsets = new int[g.KernelNumel];
        for (int t = 0; t < TapOffsets.Length; t++)
        {
            int offset = 0;
            for (int d = dims - 1, rest = t; d >= 0; d--)
            {
                offset += rest % g.Kernel[d] * g.Dilation[d] * strides[d];
                rest /= g.Kernel[d];
            }
            TapOffsets[t] = offset;
        }
    }

    /// <summary>Row p of the product (plane p / taps, tap p % taps) as an offset into the padded planes.</summary>
    public int[] RowStarts(int planes)
    {
        int taps = TapOffsets.Length;
        var starts = new int[planes * taps];
        for (int p = 0; p < starts.Length; p++) starts[p] = p / taps * PaddedPlane + TapOffsets[p % taps];
        return starts;
    }

    /// <summary>Copies <paramref name="planes"/> planes of an image into zero-padded planes at the start of <paramref name="padded"/>.</summary>
    public void Pad<T>(T[] image, int imageOffset, int planes, int inPlane, T[] padded) where T : unmanaged
    {
        padded.AsSpan(0, planes * PaddedPlane).Clear();
        for (int p = 0; p < planes; p++)
            for (int r = 0; r < InputRuns.Length; r++)
                ShortCopy.Copy<T>(image.AsSpan(imageOffset + p * inPlane + r * InputRunLength, InputRunLength), padded.AsSpan(p * PaddedPlane + InputRuns[r]));
    }

    /// <summary>Copies the real output positions of <paramref name="rows"/> wide rows (each <see cref="Wide"/> long) into dense output planes.</summary>
    public void Crop<T>(T[] wide, int rows, T[] output, int outputOffset) where T : unmanaged
    {
        int outPlane = OutputRuns.Length * OutputRunLength;
        for (int o = 0; o < rows; o++)
            for (int r = 0; r < OutputRuns.Length; r++)
                ShortCopy.Copy<T>(wide.AsSpan(o * Wide + OutputRuns[r], OutputRunLength), output.AsSpan(outputOffset + o * outPlane + r * OutputRunLength));
    }

    /// <summary>The padded offset of every run along the last dim of a grid of <paramref name="sizes"/>, each leading coordinate shifted by a pad.</summary>
    private static int[] RunOffsets(int[] sizes, Func<int, int> pad, int[] strides)
    {
        int dims = sizes.Length, runs = 1;
        for (int d = 0; d < dims - 1; d++) runs *= sizes[d];
        var offsets = new int[runs];
        for (int r = 0; r < runs; r++)
        {
            int offset = pad(dims - 1);
            for (int d = dims - 2, rest = r; d >= 0; d--)
            {
                offset += (rest % sizes[d] + pad(d)) * strides[d];
                rest /= sizes[d];
            }
            offsets[r] = offset;
        }
        return offsets;
    }
}
