using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// The shared part of torch.nn.Conv1d/2d/3d and ConvTranspose1d/2d/3d (torch's _ConvNd): argument checks, the weight
/// (out, in/groups, *kernel) or, transposed, (in, out/groups, *kernel), an optional bias, reset_parameters as torch.nn
/// (kaiming_uniform_(a=√5), bias uniform in ±1/√fan_in) and PyTorch's extra_repr.
/// </summary>
public abstract class ConvNd : Module<Tensor, Tensor>
{
    private protected ConvNd(int dims, int inChannels, int outChannels, int[] kernelSize, int[]? stride, int[]? padding, ConvPadding? paddingString,
        int[]? dilation, bool transposed, int[]? outputPadding, int groups, bool bias, PaddingMode paddingMode, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        if (groups <= 0) throw Errors.Runtime("groups must be a positive integer");
        if (inChannels % groups != 0) throw Errors.Runtime("in_channels must be divisible by groups");
        if (outChannels % groups != 0) throw Errors.Runtime("out_channels must be divisible by groups");
        Dims = dims;
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = Expand(kernelSize, "kernel_size");
        Stride = Expand(stride ?? [1], "stride");
        Padding = Expand(padding ?? [0], "padding");
        PaddingString = paddingString;
        Dilation = Expand(dilation ?? [1], "dilation");
        Transposed = transposed;
        OutputPadding = Expand(outputPadding ?? [0], "output_padding");
        Groups = groups;
        PaddingMode = paddingMode;
        if (paddingString == ConvPadding.Same && Stride.Any(s => s != 1))
            throw Errors.Runtime("padding='same' is not supported for strided convolutions");
        int[] shape = transposed ? [inChannels, outChannels / groups, .. KernelSize] : [outChannels, inChannels / groups, .. KernelSize];
        RegisterParameter("weight", Parameter.Create(Tensor.Empty(shape, dtype)));
        RegisterParameter("bias", bias ? Parameter.Create(Tensor.Empty([outChannels], dtype)) : null);
        ResetParameters();
    }

    private int[] Expand(int[] values, string name)
    {
        if (values.Length == 1) return Enumerable.Repeat(values[0], Dims).ToArray();
        if (values.Length != Dims) throw Errors.Runtime($"{TypeName}: {name} must be a single int or a tuple of {Dims} ints, got {values.Length}");
        return (int[])values.Clone();
    }

    /// <summary>Number of spatial dims (1, 2 or 3).</summary>
    public int Dims { get; }
    /// <summary>in_channels.</summary>
    public int InChannels { get; }
    /// <summary>out_channels.</summary>
    public int OutChannels { get; }
    /// <summary>kernel_size, one entry per spatial dim.</summary>
    public int[] KernelSize { get; }
    /// <summary>stride.</summary>
    public int[] Stride { get; }
    /// <summary>padding (zeros when <see cref="PaddingString"/> is set).</summary>
    public int[] Padding { get; }
    /// <summary>padding='valid' or 'same', or null for explicit padding.</summary>
    public ConvPadding? PaddingString { get; }
    /// <summary>dilation.</summary>
    public int[] Dilation { get; }
    /// <summary>True for ConvTranspose*.</summary>
    public bool Transposed { get; }
    /// <summary>output_padding (ConvTranspose only).</summary>
    public int[] OutputPadding { get; }
    /// <summary>groups.</summary>
    public int Groups { get; }
    /// <summary>padding_mode.</summary>
    public PaddingMode PaddingMode { get; }

    /// <summary>weight.</summary>
    public Tensor Weight { get => ParameterSlot("weight")!; set => RegisterParameter("weight", value); }

    /// <summary>bias, or null.</summary>
    public Tensor? Bias { get => ParameterSlot("bias"); set => RegisterParameter("bias", value); }

    /// <summary>torch.nn's _ConvNd.reset_parameters.</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform_(Weight, a: Math.Sqrt(5));
        if (Bias is { } b)
        {
            var (fanIn, _) = Init.CalculateFanInAndFanOut(Weight);
            if (fanIn != 0) Init.Uniform_(b, -1 / Math.Sqrt(fanIn), 1 / Math.Sqrt(fanIn));
        }
    }

    /// <summary>
    /// F.pad's argument for the non-zeros padding modes (torch's _reversed_padding_repeated_twice): the last dim first,
    /// each dim's padding on both sides, or for padding='same' the total d·(k−1) split with the odd one on the right.
    /// </summary>
    private protected int[] ReversedPaddingRepeatedTwice()
    {
        var result = new int[2 * Dims];
        for (int d = 0; d < Dims; d++)
        {
            int at = 2 * (Dims - 1 - d);
            if (PaddingString == ConvPadding.Same)
            {
                int total = Dilation[d] * (KernelSize[d] - 1);
                (result[at], result[at + 1]) = (total / 2, total - total / 2);
            }
            else if (PaddingString is null) (result[at], result[at + 1]) = (Padding[d], Padding[d]);
        }
        return result;
    }

    private static string PaddingModeName(PaddingMode mode) => mode switch
    {
        PaddingMode.Reflect => "reflect",
        PaddingMode.Replicate => "replicate",
        PaddingMode.Circular => "circular",
        _ => "zeros",
    };

    /// <summary>The F.pad mode of a non-zeros padding mode.</summary>
    private protected PadMode PadMode => PaddingMode switch
    {
        PaddingMode.Reflect => PadMode.Reflect,
        PaddingMode.Replicate => PadMode.Replicate,
        PaddingMode.Circular => PadMode.Circular,
        _ => PadMode.Constant,
    };

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={Repr.Tuple(KernelSize)}, stride={Repr.Tuple(Stride)}";
        if (PaddingString is { } p) s += ", padding=" + (p == ConvPadding.Same ? "same" : "valid");
        else if (Padding.Any(v => v != 0)) s += $", padding={Repr.Tuple(Padding)}";
        if (Dilation.Any(v => v != 1)) s += $", dilation={Repr.Tuple(Dilation)}";
        if (OutputPadding.Any(v => v != 0)) s += $", output_padding={Repr.Tuple(OutputPadding)}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        if (PaddingMode != PaddingMode.Zeros) s += $", padding_mode={PaddingModeName(PaddingMode)}";
        return s;
    }
}

/// <summary>The forward of torch.nn.Conv1d/2d/3d: F.convNd, after F.pad for a non-zeros padding mode.</summary>
public abstract class ConvForward : ConvNd
{
    private protected ConvForward(int dims, int inChannels, int outChannels, int[] kernelSize, int[]? stride, int[]? padding, ConvPadding? paddingString,
        int[]? dilation, int groups, bool bias, PaddingMode paddingMode, DType dtype)
        : base(dims, inChannels, outChannels, kernelSize, stride, padding, paddingString, dilation, false, null, groups, bias, paddingMode, dtype) { }

    /// <summary>The functional convolution of this rank.</summary>
    private protected abstract Tensor Convolve(Tensor input, int[]? padding, ConvPadding? paddingString);

    /// <summary>F.convNd(input, weight, bias, stride, padding, dilation, groups), padding first with F.pad for a non-zeros mode.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (PaddingMode != PaddingMode.Zeros)
            return Convolve(F.Pad(input, ReversedPaddingRepeatedTwice(), PadMode), [0], null);
        return Convolve(input, Padding, PaddingString);
    }
}

/// <summary>torch.nn.Conv1d over (C, L) or (N, C, L).</summary>
public class Conv1d : ConvForward
{
    /// <summary>nn.Conv1d with int arguments.</summary>
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1,
        bool bias = true, PaddingMode paddingMode = PaddingMode.Zeros, DType dtype = DType.Float32)
        : base(1, inChannels, outChannels, [kernelSize], [stride], [padding], null, [dilation], groups, bias, paddingMode, dtype) { }

    /// <summary>nn.Conv1d with padding='valid' or 'same'.</summary>
    public Conv1d(int inChannels, int outChannels, int kernelSize, ConvPadding padding, int stride = 1, int dilation = 1, int groups = 1,
        bool bias = true, PaddingMode paddingMode = PaddingMode.Zeros, DType dtype = DType.Float32)
        : base(1, inChannels, outChannels, [kernelSize], [stride], [0], padding, [dilation], groups, bias, paddingMode, dtype) { }

    private protected override Tensor Convolve(Tensor input, int[]? padding, ConvPadding? paddingString) => paddingString is { } p
        ? F.Conv1d(input, Weight, Bias, Stride, p, Dilation, Groups)
        : F.Conv1d(input, Weight, Bias, Stride, padding, Dilation, Groups);
}

/// <summary>torch.nn.Conv2d over (C, H, W) or (N, C, H, W).</summary>
public class Conv2d : ConvForward
{
    /// <summary>nn.Conv2d with the same value on both axes.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1,
        bool bias = true, PaddingMode paddingMode = PaddingMode.Zeros, DType dtype = DType.Float32)
        : base(2, inChannels, outChannels, [kernelSize], [stride], [padding], null, [dilation], groups, bias, paddingMode, dtype) { }

    /// <summary>nn.Conv2d with (H, W) pairs (or single values).</summary>
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null,
        int groups = 1, bool bias = true, PaddingMode paddingMode = PaddingMode.Zeros, DType dtype = DType.Float32)
        : base(2, inChannels, outChannels, kernelSize, stride, padding, null, dilation, groups, bias, paddingMode, dtype) { }

    /// <summary>nn.Conv2d with padding='valid' or 'same'.</summary>
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, ConvPadding padding, int[]? stride = null, int[]? dilation = null,
        int groups = 1, bool bias = true, PaddingMode paddingMode = PaddingMode.Zeros, DType dtype = DType.Float32)
        : base(2, inChannels, outChannels, kernelSize, stride, [0], padding, dilation, groups, bias, paddingMode, dtype) { }

    private protected override Tensor Convolve(Tensor input, int[]? padding, ConvPadding? paddingString) => paddingString is { } p
        ? F.Conv2d(input, Weight, Bias, Stride, p, Dilation, Groups)
        : F.Conv2d(input, Weight, Bias, Stride, padding, Dilation, Groups);
}

/// <summary>torch.nn.Conv3d over (C, D, H, W) or (N, C, D, H, W).</summary>
public class Conv3d : ConvForward
{
    /// <summary>nn.Conv3d with the same value on every axis.</summary>
    public Conv3d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1,
        bool bias = true, PaddingMode paddingMode = PaddingMode.Zeros, DType dtype = DType.Float32)
        : base(3, inChannels, outChannels, [kernelSize], [stride], [padding], null, [dilation], groups, bias, paddingMode, dtype) { }

    /// <summary>nn.Conv3d with (D, H, W) triples (or single values).</summary>
    public Conv3d(int inChannels, int outChannels, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null,
        int groups = 1, bool bias = true, PaddingMode paddingMode = PaddingMode.Zeros, DType dtype = DType.Float32)
        : base(3, inChannels, outChannels, kernelSize, stride, padding, null, dilation, groups, bias, paddingMode, dtype) { }

    /// <summary>nn.Conv3d with padding='valid' or 'same'.</summary>
    public Conv3d(int inChannels, int outChannels, int[] kernelSize, ConvPadding padding, int[]? stride = null, int[]? dilation = null,
        int groups = 1, bool bias = true, PaddingMode paddingMode = PaddingMode.Zeros, DType dtype = DType.Float32)
        : base(3, inChannels, outChannels, kernelSize, stride, [0], padding, dilation, groups, bias, paddingMode, dtype) { }

    private protected override Tensor Convolve(Tensor input, int[]? padding, ConvPadding? paddingString) => paddingString is { } p
        ? F.Conv3d(input, Weight, Bias, Stride, p, Dilation, Groups)
        : F.Conv3d(input, Weight, Bias, Stride, padding, Dilation, Groups);
}

/// <summary>The forward of torch.nn.ConvTranspose1d/2d/3d (zeros padding only, as PyTorch), with the optional output_size.</summary>
public abstract class ConvTransposeForward : ConvNd
{
    private protected ConvTransposeForward(int dims, int inChannels, int outChannels, int[] kernelSize, int[]? stride, int[]? padding,
        int[]? outputPadding, int groups, bool bias, int[]? dilation, DType dtype)
        : base(dims, inChannels, outChannels, kernelSize, stride, padding, null, dilation, true, outputPadding, groups, bias, PaddingMode.Zeros, dtype) { }

    /// <summary>F.conv_transposeNd(input, weight, bias, stride, padding, output_padding, groups, dilation).</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// torch.nn.ConvTransposeNd.forward(input, output_size): with <paramref name="outputSize"/> (the spatial sizes, or the
    /// full output shape with its batch and channel dims) the output padding is chosen to reach it, as PyTorch's
    /// _output_padding; without it the module's output_padding applies. Throws ArgumentException (PyTorch's ValueError)
    /// when outputSize has the wrong length or a size outside the reachable range.
    /// </summary>
    public Tensor Forward(Tensor input, int[]? outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ConvTranspose(input, outputSize is null ? OutputPadding : OutputPaddingFor(input, outputSize));
    }

    /// <summary>The functional transposed convolution of this rank with the given output padding.</summary>
    private protected abstract Tensor ConvTranspose(Tensor input, int[] outputPadding);

    /// <summary>torch's _ConvTransposeNd._output_padding: output_size minus the smallest reachable size, per spatial dim.</summary>
    private int[] OutputPaddingFor(Tensor input, int[] outputSize)
    {
        int nonSpatial = input.Dim == Dims + 2 ? 2 : 1;
        if (outputSize.Length == nonSpatial + Dims) outputSize = outputSize[nonSpatial..];
        if (outputSize.Length != Dims)
            throw Errors.Runtime($"ConvTranspose{Dims}D: for {input.Dim}D input, output_size must have {Dims} or {nonSpatial + Dims} elements (got {outputSize.Length})");
        var minSizes = new int[Dims];
        var maxSizes = new int[Dims];
        for (int d = 0; d < Dims; d++)
        {
            minSizes[d] = (input.Size(d + nonSpatial) - 1) * Stride[d] - 2 * Padding[d] + Dilation[d] * (KernelSize[d] - 1) + 1;
            maxSizes[d] = minSizes[d] + Stride[d] - 1;
        }
        for (int d = 0; d < Dims; d++)
            if (outputSize[d] < minSizes[d] || outputSize[d] > maxSizes[d])
                throw Errors.Runtime($"requested an output size of {Errors.Shape(outputSize)}, but valid sizes range from {Errors.Shape(minSizes)} to {Errors.Shape(maxSizes)} (for an input of torch.Size({Errors.Shape(input.Shape[Math.Min(2, input.Dim)..])}))");
        return [.. Enumerable.Range(0, Dims).Select(d => outputSize[d] - minSizes[d])];
    }
}

/// <summary>torch.nn.ConvTranspose1d.</summary>
/// <param name="inChannels">in_channels.</param><param name="outChannels">out_channels.</param><param name="kernelSize">kernel_size.</param>
/// <param name="stride">stride.</param><param name="padding">padding.</param><param name="outputPadding">output_padding.</param>
/// <param name="groups">groups.</param><param name="bias">bias.</param><param name="dilation">dilation.</param><param name="dtype">dtype of the parameters.</param>
public class ConvTranspose1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0,
    int groups = 1, bool bias = true, int dilation = 1, DType dtype = DType.Float32)
    : ConvTransposeForward(1, inChannels, outChannels, [kernelSize], [stride], [padding], [outputPadding], groups, bias, [dilation], dtype)
{
    private protected override Tensor ConvTranspose(Tensor input, int[] outputPadding) =>
        F.ConvTranspose1d(input, Weight, Bias, Stride, Padding, outputPadding, Groups, Dilation);
}

/// <summary>torch.nn.ConvTranspose2d.</summary>
public class ConvTranspose2d : ConvTransposeForward
{
    /// <summary>nn.ConvTranspose2d with the same value on both axes.</summary>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0,
        int groups = 1, bool bias = true, int dilation = 1, DType dtype = DType.Float32)
        : base(2, inChannels, outChannels, [kernelSize], [stride], [padding], [outputPadding], groups, bias, [dilation], dtype) { }

    /// <summary>nn.ConvTranspose2d with (H, W) pairs (or single values).</summary>
    public ConvTranspose2d(int inChannels, int outChannels, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? outputPadding = null,
        int groups = 1, bool bias = true, int[]? dilation = null, DType dtype = DType.Float32)
        : base(2, inChannels, outChannels, kernelSize, stride, padding, outputPadding, groups, bias, dilation, dtype) { }

    private protected override Tensor ConvTranspose(Tensor input, int[] outputPadding) =>
        F.ConvTranspose2d(input, Weight, Bias, Stride, Padding, outputPadding, Groups, Dilation);
}

/// <summary>torch.nn.ConvTranspose3d.</summary>
public class ConvTranspose3d : ConvTransposeForward
{
    /// <summary>nn.ConvTranspose3d with the same value on every axis.</summary>
    public ConvTranspose3d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0,
        int groups = 1, bool bias = true, int dilation = 1, DType dtype = DType.Float32)
        : base(3, inChannels, outChannels, [kernelSize], [stride], [padding], [outputPadding], groups, bias, [dilation], dtype) { }

    /// <summary>nn.ConvTranspose3d with (D, H, W) triples (or single values).</summary>
    public ConvTranspose3d(int inChannels, int outChannels, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? outputPadding = null,
        int groups = 1, bool bias = true, int[]? dilation = null, DType dtype = DType.Float32)
        : base(3, inChannels, outChannels, kernelSize, stride, padding, outputPadding, groups, bias, dilation, dtype) { }

    private protected override Tensor ConvTranspose(Tensor input, int[] outputPadding) =>
        F.ConvTranspose3d(input, Weight, Bias, Stride, Padding, outputPadding, Groups, Dilation);
}
