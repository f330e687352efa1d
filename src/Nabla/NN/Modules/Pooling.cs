namespace Nabla.NN;

/// <summary>torch.nn.MaxPool1d: <see cref="F.MaxPool1d"/> with fixed arguments; the stride defaults to the kernel size.</summary>
public class MaxPool1d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) : Module<Tensor, Tensor>
{
    /// <summary>kernel_size.</summary>
    public int KernelSize { get; } = kernelSize;
    /// <summary>stride (the kernel size when not given).</summary>
    public int Stride { get; } = stride ?? kernelSize;
    /// <summary>padding.</summary>
    public int Padding { get; } = padding;
    /// <summary>dilation.</summary>
    public int Dilation { get; } = dilation;
    /// <summary>ceil_mode.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <summary>F.max_pool1d(input, ...).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.MaxPool1d(input, KernelSize, Stride, Padding, Dilation, CeilMode);
    }

    /// <summary>The forward with return_indices=True: values and indices (for MaxUnpool).</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        F.MaxPool1dWithIndices(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"kernel_size={Repr.Of(KernelSize)}, stride={Repr.Of(Stride)}, padding={Repr.Of(Padding)}, dilation={Repr.Of(Dilation)}, ceil_mode={Repr.Of(CeilMode)}";
}

/// <summary>torch.nn.MaxPool2d: <see cref="F.MaxPool2d(Tensor, int[], int[], int[], int[], bool)"/> with fixed arguments;
/// each argument is one int for both axes or an (H, W) pair, and the stride defaults to the kernel size.</summary>
public class MaxPool2d : Module<Tensor, Tensor>
{
    private readonly bool _square;

    /// <summary>nn.MaxPool2d with the same value on both axes.</summary>
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        : this([kernelSize], stride is { } s ? [s] : null, [padding], [dilation], ceilMode) => _square = true;

    /// <summary>nn.MaxPool2d with (H, W) pairs (or single values).</summary>
    public MaxPool2d(int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding ?? [0];
        Dilation = dilation ?? [1];
        CeilMode = ceilMode;
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

    /// <summary>F.max_pool2d(input, ...).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);
    }

    /// <summary>The forward with return_indices=True: values and indices (for MaxUnpool2d).</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        F.MaxPool2dWithIndices(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    private string Arg(int[] v) => _square && v.Length == 1 ? Repr.Of(v[0]) : Repr.Tuple(v);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"kernel_size={Arg(KernelSize)}, stride={Arg(Stride)}, padding={Arg(Padding)}, dilation={Arg(Dilation)}, ceil_mode={Repr.Of(CeilMode)}";
}

/// <summary>torch.nn.AvgPool1d: <see cref="F.AvgPool1d"/> with fixed arguments; the stride defaults to the kernel size.</summary>
public class AvgPool1d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true) : Module<Tensor, Tensor>
{
    /// <summary>kernel_size.</summary>
    public int KernelSize { get; } = kernelSize;
    /// <summary>stride (the kernel size when not given).</summary>
    public int Stride { get; } = stride ?? kernelSize;
    /// <summary>padding.</summary>
    public int Padding { get; } = padding;
    /// <summary>ceil_mode.</summary>
    public bool CeilMode { get; } = ceilMode;
    /// <summary>count_include_pad.</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    /// <summary>F.avg_pool1d(input, ...).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.AvgPool1d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad);
    }

    /// <summary>PyTorch stores AvgPool1d's arguments as 1-tuples, so they print as "(3,)".</summary>
    public override string ExtraRepr() =>
        $"kernel_size={Repr.Tuple([KernelSize])}, stride={Repr.Tuple([Stride])}, padding={Repr.Tuple([Padding])}";
}

/// <summary>torch.nn.AvgPool2d: <see cref="F.AvgPool2d(Tensor, int[], int[], int[], bool, bool, int?)"/> with fixed arguments.</summary>
public class AvgPool2d : Module<Tensor, Tensor>
{
    private readonly bool _square;

    /// <summary>nn.AvgPool2d with the same value on both axes.</summary>
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        : this([kernelSize], stride is { } s ? [s] : null, [padding], ceilMode, countIncludePad, divisorOverride) => _square = true;

    /// <summary>nn.AvgPool2d with (H, W) pairs (or single values).</summary>
    public AvgPool2d(int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding ?? [0];
        CeilMode = ceilMode;
        CountIncludePad = countIncludePad;
        DivisorOverride = divisorOverride;
    }

    /// <summary>kernel_size.</summary>
    public int[] KernelSize { get; }
    /// <summary>stride (the kernel size when not given).</summary>
    public int[] Stride { get; }
    /// <summary>padding.</summary>
    public int[] Padding { get; }
    /// <summary>ceil_mode.</summary>
    public bool CeilMode { get; }
    /// <summary>count_include_pad.</summary>
    public bool CountIncludePad { get; }
    /// <summary>divisor_override.</summary>
    public int? DivisorOverride { get; }

    /// <summary>F.avg_pool2d(input, ...).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);
    }

    private string Arg(int[] v) => _square && v.Length == 1 ? Repr.Of(v[0]) : Repr.Tuple(v);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={Arg(KernelSize)}, stride={Arg(Stride)}, padding={Arg(Padding)}";
}

/// <summary>torch.nn.AdaptiveAvgPool1d: <see cref="F.AdaptiveAvgPool1d"/> to a fixed output length.</summary>
public class AdaptiveAvgPool1d(int outputSize) : Module<Tensor, Tensor>
{
    /// <summary>output_size.</summary>
    public int OutputSize { get; } = outputSize;

    /// <summary>F.adaptive_avg_pool1d(input, output_size).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.AdaptiveAvgPool1d(input, OutputSize);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={Repr.Of(OutputSize)}";
}

/// <summary>torch.nn.AdaptiveAvgPool2d: <see cref="F.AdaptiveAvgPool2d(Tensor, int?[])"/> to a fixed output size
/// (a null entry keeps that input size).</summary>
public class AdaptiveAvgPool2d : Module<Tensor, Tensor>
{
    private readonly int? _square;

    /// <summary>nn.AdaptiveAvgPool2d(n): an n×n output.</summary>
    public AdaptiveAvgPool2d(int outputSize) : this([outputSize, outputSize]) => _square = outputSize;

    /// <summary>nn.AdaptiveAvgPool2d((h, w)).</summary>
    public AdaptiveAvgPool2d(int?[] outputSize)
    {
        ArgumentNullException.ThrowIfNull(outputSize);
        OutputSize = outputSize;
    }

    /// <summary>output_size.</summary>
    public int?[] OutputSize { get; }

    /// <summary>F.adaptive_avg_pool2d(input, output_size).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.AdaptiveAvgPool2d(input, OutputSize);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={(_square is { } n ? Repr.Of(n) : Repr.Tuple(OutputSize))}";
}

/// <summary>torch.nn.AdaptiveMaxPool1d: <see cref="F.AdaptiveMaxPool1d"/> to a fixed output length.</summary>
public class AdaptiveMaxPool1d(int outputSize) : Module<Tensor, Tensor>
{
    /// <summary>output_size.</summary>
    public int OutputSize { get; } = outputSize;

    /// <summary>F.adaptive_max_pool1d(input, output_size).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.AdaptiveMaxPool1d(input, OutputSize);
    }

    /// <summary>The forward with return_indices=True.</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => F.AdaptiveMaxPool1dWithIndices(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={Repr.Of(OutputSize)}";
}

/// <summary>torch.nn.AdaptiveMaxPool2d: <see cref="F.AdaptiveMaxPool2d(Tensor, int?[])"/> to a fixed output size.</summary>
public class AdaptiveMaxPool2d : Module<Tensor, Tensor>
{
    private readonly int? _square;

    /// <summary>nn.AdaptiveMaxPool2d(n): an n×n output.</summary>
    public AdaptiveMaxPool2d(int outputSize) : this([outputSize, outputSize]) => _square = outputSize;

    /// <summary>nn.AdaptiveMaxPool2d((h, w)).</summary>
    public AdaptiveMaxPool2d(int?[] outputSize)
    {
        ArgumentNullException.ThrowIfNull(outputSize);
        OutputSize = outputSize;
    }

    /// <summary>output_size.</summary>
    public int?[] OutputSize { get; }

    /// <summary>F.adaptive_max_pool2d(input, output_size).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.AdaptiveMaxPool2d(input, OutputSize);
    }

    /// <summary>The forward with return_indices=True.</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => F.AdaptiveMaxPool2dWithIndices(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={(_square is { } n ? Repr.Of(n) : Repr.Tuple(OutputSize))}";
}

/// <summary>torch.nn.MaxUnpool2d: <see cref="F.MaxUnpool2d(Tensor, Tensor, int[], int[], int[], int[])"/>, the partial
/// inverse of MaxPool2d (input and indices in, an optional output size).</summary>
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
    public override Tensor Forward(Tensor input, Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(indices);
        return F.MaxUnpool2d(input, indices, KernelSize, Stride, Padding);
    }

    /// <summary>F.max_unpool2d with an explicit output size.</summary>
    public Tensor Forward(Tensor input, Tensor indices, int[] outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(outputSize);
        return F.MaxUnpool2d(input, indices, KernelSize, Stride, Padding, outputSize);
    }

    /// <summary>PyTorch stores the arguments as pairs.</summary>
    public override string ExtraRepr() => $"kernel_size={Repr.Tuple(KernelSize)}, stride={Repr.Tuple(Stride)}, padding={Repr.Tuple(Padding)}";
}
