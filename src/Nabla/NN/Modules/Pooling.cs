namespace Nabla.NN;

/// <summary>
/// The settings shared by torch.nn's window pooling modules: kernel, stride (the kernel when not given), padding,
/// dilation and ceil_mode, kept as given: a module built from single ints prints ints, one built from tuples prints tuples.
/// </summary>
public abstract class WindowPoolNd : Module<Tensor, Tensor>
{
    private readonly bool _ints;

    private protected WindowPoolNd(int[] kernelSize, int[]? stride, int[]? padding, int[]? dilation, bool ceilMode, bool printInts)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        KernelSize = kernelSize;
        Stride = stride is null || stride.Length == 0 ? kernelSize : stride;
        Padding = padding ?? [0];
        Dilation = dilation ?? [1];
        CeilMode = ceilMode;
        _ints = printInts;
    }

    /// <summary>kernel_size.</summary>
    public int[] KernelSize { get; }
    /// <summary>stride (the kernel size when not given).</summary>
    public int[] Stride { get; }
    /// <summary>padding.</summary>
    public int[] Padding { get; }
    /// <summary>dilation.</summary>
    public int[] Dilation { get; }
    /// <summary>ceil_mode.</summary>
    public bool CeilMode { get; }

    /// <summary>One setting as PyTorch prints it.</summary>
    private protected string Arg(int[] v) => _ints && v.Length == 1 ? Repr.Of(v[0]) : Repr.Tuple(v);

    /// <summary>int-or-null stride as a one-element array.</summary>
    private protected static int[]? One(int? value) => value is { } v ? [v] : null;
}

/// <summary>torch.nn.MaxPool1d/2d/3d: PyTorch's extra_repr with dilation and ceil_mode, and the forward with indices.</summary>
public abstract class MaxPoolNd(int[] kernelSize, int[]? stride, int[]? padding, int[]? dilation, bool ceilMode, bool printInts)
    : WindowPoolNd(kernelSize, stride, padding, dilation, ceilMode, printInts)
{
    /// <summary>The forward with return_indices=True: values and int64 indices into each flattened input plane (for MaxUnpool).</summary>
    public abstract (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"kernel_size={Arg(KernelSize)}, stride={Arg(Stride)}, padding={Arg(Padding)}, dilation={Arg(Dilation)}, ceil_mode={Repr.Of(CeilMode)}";
}

/// <summary>torch.nn.MaxPool1d: <see cref="F.MaxPool1d"/> with fixed arguments.</summary>
public class MaxPool1d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
    : MaxPoolNd([kernelSize], One(stride), [padding], [dilation], ceilMode, true)
{
    /// <summary>F.max_pool1d(input, ...).</summary>
    public override Tensor Forward(Tensor input) => F.MaxPool1d(input, KernelSize[0], Stride[0], Padding[0], Dilation[0], CeilMode);

    /// <inheritdoc/>
    public override (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        F.MaxPool1dWithIndices(input, KernelSize[0], Stride[0], Padding[0], Dilation[0], CeilMode);
}

/// <summary>torch.nn.MaxPool2d: <see cref="F.MaxPool2d(Tensor, int[], int[], int[], int[], bool)"/> with fixed arguments;
/// each argument is one int for both axes or an (H, W) pair.</summary>
public class MaxPool2d : MaxPoolNd
{
    /// <summary>nn.MaxPool2d with the same value on both axes.</summary>
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        : base([kernelSize], One(stride), [padding], [dilation], ceilMode, true) { }

    /// <summary>nn.MaxPool2d with (H, W) pairs (or single values).</summary>
    public MaxPool2d(int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
        : base(kernelSize, stride, padding, dilation, ceilMode, false) { }

    /// <summary>F.max_pool2d(input, ...).</summary>
    public override Tensor Forward(Tensor input) => F.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <inheritdoc/>
    public override (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        F.MaxPool2dWithIndices(input, KernelSize, Stride, Padding, Dilation, CeilMode);
}

/// <summary>torch.nn.AvgPool1d/2d/3d: count_include_pad, divisor_override and PyTorch's extra_repr.</summary>
public abstract class AvgPoolNd(int[] kernelSize, int[]? stride, int[]? padding, bool ceilMode, bool countIncludePad, int? divisorOverride, bool printInts)
    : WindowPoolNd(kernelSize, stride, padding, null, ceilMode, printInts)
{
    /// <summary>count_include_pad.</summary>
    public bool CountIncludePad { get; } = countIncludePad;
    /// <summary>divisor_override.</summary>
    public int? DivisorOverride { get; } = divisorOverride;

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={Arg(KernelSize)}, stride={Arg(Stride)}, padding={Arg(Padding)}";
}

/// <summary>torch.nn.AvgPool1d: <see cref="F.AvgPool1d"/> with fixed arguments. PyTorch stores them as 1-tuples, so they print as "(3,)".</summary>
public class AvgPool1d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
    : AvgPoolNd([kernelSize], One(stride), [padding], ceilMode, countIncludePad, null, false)
{
    /// <summary>F.avg_pool1d(input, ...).</summary>
    public override Tensor Forward(Tensor input) => F.AvgPool1d(input, KernelSize[0], Stride[0], Padding[0], CeilMode, CountIncludePad);
}

/// <summary>torch.nn.AvgPool2d: <see cref="F.AvgPool2d(Tensor, int[], int[], int[], bool, bool, int?)"/> with fixed arguments.</summary>
public class AvgPool2d : AvgPoolNd
{
    /// <summary>nn.AvgPool2d with the same value on both axes.</summary>
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        : base([kernelSize], One(stride), [padding], ceilMode, countIncludePad, divisorOverride, true) { }

    /// <summary>nn.AvgPool2d with (H, W) pairs (or single values).</summary>
    public AvgPool2d(int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        : base(kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride, false) { }

    /// <summary>F.avg_pool2d(input, ...).</summary>
    public override Tensor Forward(Tensor input) => F.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);
}

/// <summary>torch.nn's adaptive pooling modules: a fixed output size (a null entry keeps that input size), printed as given.</summary>
public abstract class AdaptivePoolNd : Module<Tensor, Tensor>
{
    private readonly int? _single;

    private protected AdaptivePoolNd(int?[] outputSize, int? single)
    {
        ArgumentNullException.ThrowIfNull(outputSize);
        OutputSize = outputSize;
        _single = single;
    }

    /// <summary>output_size.</summary>
    public int?[] OutputSize { get; }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={(_single is { } n ? Repr.Of(n) : Repr.Tuple(OutputSize))}";
}

/// <summary>torch.nn.AdaptiveAvgPool1d: <see cref="F.AdaptiveAvgPool1d"/> to a fixed output length.</summary>
public class AdaptiveAvgPool1d(int outputSize) : AdaptivePoolNd([outputSize], outputSize)
{
    /// <summary>F.adaptive_avg_pool1d(input, output_size).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.AdaptiveAvgPool1d(input, OutputSize[0]!.Value);
    }
}

/// <summary>torch.nn.AdaptiveAvgPool2d: <see cref="F.AdaptiveAvgPool2d(Tensor, int?[])"/> to a fixed output size.</summary>
public class AdaptiveAvgPool2d : AdaptivePoolNd
{
    /// <summary>nn.AdaptiveAvgPool2d(n): an n×n output.</summary>
    public AdaptiveAvgPool2d(int outputSize) : base([outputSize, outputSize], outputSize) { }

    /// <summary>nn.AdaptiveAvgPool2d((h, w)); null keeps that input size.</summary>
    public AdaptiveAvgPool2d(int?[] outputSize) : base(outputSize, null) { }

    /// <summary>F.adaptive_avg_pool2d(input, output_size).</summary>
    public override Tensor Forward(Tensor input) => F.AdaptiveAvgPool2d(input, OutputSize);
}

/// <summary>torch.nn.AdaptiveMaxPool1d: <see cref="F.AdaptiveMaxPool1d"/> to a fixed output length.</summary>
public class AdaptiveMaxPool1d(int outputSize) : AdaptivePoolNd([outputSize], outputSize)
{
    /// <summary>F.adaptive_max_pool1d(input, output_size).</summary>
    public override Tensor Forward(Tensor input) => F.AdaptiveMaxPool1d(input, OutputSize[0]!.Value);

    /// <summary>The forward with return_indices=True.</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => F.AdaptiveMaxPool1dWithIndices(input, OutputSize[0]!.Value);
}

/// <summary>torch.nn.AdaptiveMaxPool2d: <see cref="F.AdaptiveMaxPool2d(Tensor, int?[])"/> to a fixed output size.</summary>
public class AdaptiveMaxPool2d : AdaptivePoolNd
{
    /// <summary>nn.AdaptiveMaxPool2d(n): an n×n output.</summary>
    public AdaptiveMaxPool2d(int outputSize) : base([outputSize, outputSize], outputSize) { }

    /// <summary>nn.AdaptiveMaxPool2d((h, w)); null keeps that input size.</summary>
    public AdaptiveMaxPool2d(int?[] outputSize) : base(outputSize, null) { }

    /// <summary>F.adaptive_max_pool2d(input, output_size).</summary>
    public override Tensor Forward(Tensor input) => F.AdaptiveMaxPool2d(input, OutputSize);

    /// <summary>The forward with return_indices=True.</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => F.AdaptiveMaxPool2dWithIndices(input, OutputSize);
}

/// <summary>torch.nn.MaxUnpool2d: <see cref="F.MaxUnpool2d(Tensor, Tensor, int[], int[], int[], int[])"/>, the partial
/// inverse of MaxPool2d (input and indices in, an optional output size). PyTorch stores its arguments as pairs.</summary>
public class MaxUnpool2d : Module<Tensor, Tensor, Tensor>
{
    /// <summary>nn.MaxUnpool2d with the same value on both axes.</summary>
    public MaxUnpool2d(int kernelSize, int? stride = null, int padding = 0)
        : this([kernelSize, kernelSize], stride is { } s ? [s, s] : null, [padding, padding]) { }

    /// <summary>nn.MaxUnpool2d with (H, W) pairs.</summary>
    public MaxUnpool2d(int[] kernelSize, int[]? stride = null, int[]? padding = null)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding ?? [0, 0];
    }

    /// <summary>kernel_size.</summary>
    public int[] KernelSize { get; }
    /// <summary>stride.</summary>
    public int[] Stride { get; }
    /// <summary>padding.</summary>
    public int[] Padding { get; }

    /// <summary>F.max_unpool2d(input, indices, ...) with the default output size.</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.MaxUnpool2d(input1, input2, KernelSize, Stride, Padding);

    /// <summary>F.max_unpool2d with an explicit output size.</summary>
    public Tensor Forward(Tensor input, Tensor indices, int[] outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(outputSize);
        return F.MaxUnpool2d(input, indices, KernelSize, Stride, Padding, outputSize);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={Repr.Tuple(KernelSize)}, stride={Repr.Tuple(Stride)}, padding={Repr.Tuple(Padding)}";
}
