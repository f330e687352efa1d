using Nabla.Core;
using Nabla.Kernels;

namespace Nabla.NN;

/// <summary>Sliding blocks as columns and back (torch.nn.functional.unfold / fold), the im2col and col2im of convolution.</summary>
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.unfold (im2col): (N, C, H, W) or (C, H, W) to (N, C·kH·kW, L), column l holding the l-th sliding
    /// block, channel-major then kernel row, kernel column. Arguments take one value for both dims or one per dim.
    /// </summary>
    /// <exception cref="ArgumentException">Bad sizes or arguments, with im2col's messages.</exception>
    public static Tensor Unfold(Tensor input, int[] kernelSize, int[]? dilation = null, int[]? padding = null, int[]? stride = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(kernelSize);
        var k = Pair(kernelSize, "unfold: kernel_size must either be a single int, or a tuple of two ints");
        var d = Pair(dilation ?? [1], "unfold: dilation must either be a single int, or a tuple of two ints");
        var p = Pair(padding ?? [0], "unfold: padding must either be a single int, or a tuple of two ints");
        var s = Pair(stride ?? [1], "unfold: stride must either be a single int, or a tuple of two ints");
        CheckBlockArgs(k, d, p, s);
        bool validDims = input.Dim >= 3 && input.Size(1) != 0 && input.Size(2) != 0;
        Errors.Check((input.Dim == 3 && input.Size(0) != 0 && validDims) || (input.Dim == 4 && validDims && input.Size(3) != 0),
            $"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: {Errors.Shape(input.Sizes)}");
        int[] spatial = [input.Size(-2), input.Size(-1)];
        var blocks = ConvGeometry.BlockCounts(spatial, k, s, p, d);
        if (blocks[0] < 1 || blocks[1] < 1)
            throw Errors.Runtime($"Given input with spatial size ({spatial[0]}, {spatial[0]}), kernel_size=({k[0]}, {k[1]}), dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), calculated shape of the array of sliding blocks as ({blocks[0]}, {blocks[1]}), but its components must be at least one.");
        CheckBlockDType(input, "im2col_out_cpu");
        return Convolution.Im2Col(input, new ConvGeometry(spatial, k, s, p, d, blocks));
    }

    /// <summary>
    /// torch.nn.functional.fold (col2im): (N, C·kH·kW, L) or (C·kH·kW, L) summed into (N, C, *outputSize), each column added
    /// back over its sliding block (overlaps add up). The adjoint of <see cref="Unfold"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Bad sizes or arguments, with col2im's messages.</exception>
    public static Tensor Fold(Tensor input, int[] outputSize, int[] kernelSize, int[]? dilation = null, int[]? padding = null, int[]? stride = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputSize);
        ArgumentNullException.ThrowIfNull(kernelSize);
        var o = Pair(outputSize, "fold: output_size must either be a single int, or a tuple of two ints");
        var k = Pair(kernelSize, "fold: kernel_size must either be a single int, or a tuple of two ints");
        var d = Pair(dilation ?? [1], "fold: dilation must either be a single int, or a tuple of two ints");
        var p = Pair(padding ?? [0], "fold: padding must either be a single int, or a tuple of two ints");
        var s = Pair(stride ?? [1], "fold: stride must either be a single int, or a tuple of two ints");
        Errors.Check(o[0] >= 1 && o[1] >= 1, $"output_size should be greater than zero, but got output_height: {o[0]} output_width: {o[1]}");
        CheckBlockArgs(k, d, p, s);
        Errors.Check((input.Dim == 2 && input.Size(0) != 0 && input.Size(1) != 0) || (input.Dim == 3 && input.Size(1) != 0 && input.Size(2) != 0),
            $"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: {Errors.Shape(input.Sizes)}");
        int planes = input.Size(-2), length = input.Size(-1);
        if (planes % (k[0] * k[1]) != 0)
            throw Errors.Runtime($"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)={planes} and kernel_size=({k[0]}, {k[1]}).");
        var blocks = ConvGeometry.BlockCounts(o, k, s, p, d);
        string args = $"output_size=({o[0]}, {o[1]}), kernel_size=({k[0]}, {k[1]}), dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]})";
        if (length != blocks[0] * blocks[1])
            throw Errors.Runtime($"Given {args}, expected size of input's dimension 2 to match the calculated number of sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got input.size(2)={length}.");
        if (blocks[0] < 1 || blocks[1] < 1)
            throw Errors.Runtime($"Given {args}, calculated shape of the array of sliding blocks as ({blocks[0]}, {blocks[1]}), which is too small (non-positive)");
        CheckBlockDType(input, "col2im_out_cpu");
        return Convolution.Col2Im(input, new ConvGeometry(o, k, s, p, d, blocks));
    }

    /// <summary>im2col / col2im's argument checks (im2col_shape_check / col2im_shape_check).</summary>
    private static void CheckBlockArgs(int[] k, int[] d, int[] p, int[] s)
    {
        Errors.Check(k[0] > 0 && k[1] > 0, $"kernel size should be greater than zero, but got kernel_height: {k[0]} kernel_width: {k[1]}");
        Errors.Check(d[0] > 0 && d[1] > 0, $"dilation should be greater than zero, but got dilation_height: {d[0]} dilation_width: {d[1]}");
        Errors.Check(p[0] >= 0 && p[1] >= 0, $"padding should be non-negative, but got pad_height: {p[0]} pad_width: {p[1]}");
        Errors.Check(s[0] > 0 && s[1] > 0, $"stride should be greater than zero, but got stride_height: {s[0]} stride_width: {s[1]}");
    }

    private static void CheckBlockDType(Tensor input, string op)
    {
        if (!input.IsFloatingPoint && input.DType != DType.Bool)
            throw Errors.NotImplemented($"\"{op}\" not implemented for '{input.DType.ScalarTypeName()}'");
    }
}
