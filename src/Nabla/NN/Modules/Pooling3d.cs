namespace Nabla.NN;

/// <summary>torch.nn.MaxPool3d: <see cref="F.MaxPool3d"/> with fixed arguments; one int for every axis or (D, H, W) triples.</summary>
public class MaxPool3d : MaxPoolNd
{
    /// <summary>nn.MaxPool3d with the same value on every axis.</summary>
    public MaxPool3d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        : base([kernelSize], One(stride), [padding], [dilation], ceilMode, true) { }

    /// <summary>nn.MaxPool3d with (D, H, W) triples (or single values).</summary>
    public MaxPool3d(int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
        : base(kernelSize, stride, padding, dilation, ceilMode, false) { }

    /// <summary>F.max_pool3d(input, ...).</summary>
    public override Tensor Forward(Tensor input) => F.MaxPool3d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <inheritdoc/>
    public override (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        F.MaxPool3dWithIndices(input, KernelSize, Stride, Padding, Dilation, CeilMode);
}

/// <summary>torch.nn.AvgPool3d: <see cref="F.AvgPool3d"/> with fixed arguments.</summary>
public class AvgPool3d : AvgPoolNd
{
    /// <summary>nn.AvgPool3d with the same value on every axis.</summary>
    public AvgPool3d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        : base([kernelSize], One(stride), [padding], ceilMode, countIncludePad, divisorOverride, true) { }

    /// <summary>nn.AvgPool3d with (D, H, W) triples (or single values).</summary>
    public AvgPool3d(int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        : base(kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride, false) { }

    /// <summary>F.avg_pool3d(input, ...).</summary>
    public override Tensor Forward(Tensor input) => F.AvgPool3d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);
}

/// <summary>torch.nn.AdaptiveAvgPool3d: <see cref="F.AdaptiveAvgPool3d"/> to a fixed output size.</summary>
public class AdaptiveAvgPool3d : AdaptivePoolNd
{
    /// <summary>nn.AdaptiveAvgPool3d(n): an n×n×n output.</summary>
    public AdaptiveAvgPool3d(int outputSize) : base([outputSize, outputSize, outputSize], outputSize) { }

    /// <summary>nn.AdaptiveAvgPool3d((d, h, w)); null keeps that input size.</summary>
    public AdaptiveAvgPool3d(int?[] outputSize) : base(outputSize, null) { }

    /// <summary>F.adaptive_avg_pool3d(input, output_size).</summary>
    public override Tensor Forward(Tensor input) => F.AdaptiveAvgPool3d(input, OutputSize);
}

/// <summary>torch.nn.AdaptiveMaxPool3d: <see cref="F.AdaptiveMaxPool3d"/> to a fixed output size.</summary>
public class AdaptiveMaxPool3d : AdaptivePoolNd
{
    /// <summary>nn.AdaptiveMaxPool3d(n): an n×n×n output.</summary>
    public AdaptiveMaxPool3d(int outputSize) : base([outputSize, outputSize, outputSize], outputSize) { }

    /// <summary>nn.AdaptiveMaxPool3d((d, h, w)); null keeps that input size.</summary>
    public AdaptiveMaxPool3d(int?[] outputSize) : base(outputSize, null) { }

    /// <summary>F.adaptive_max_pool3d(input, output_size).</summary>
    public override Tensor Forward(Tensor input) => F.AdaptiveMaxPool3d(input, OutputSize);

    /// <summary>The forward with return_indices=True.</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => F.AdaptiveMaxPool3dWithIndices(input, OutputSize);
}

/// <summary>torch.nn.MaxUnpool1d: <see cref="F.MaxUnpool1d"/>, the partial inverse of MaxPool1d. PyTorch stores its arguments as 1-tuples.</summary>
public class MaxUnpool1d(int kernelSize, int? stride = null, int padding = 0) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>kernel_size.</summary>
    public int KernelSize { get; } = kernelSize;
    /// <summary>stride (the kernel size when not given).</summary>
    public int Stride { get; } = stride ?? kernelSize;
    /// <summary>padding.</summary>
    public int Padding { get; } = padding;

    /// <summary>F.max_unpool1d(input, indices, ...) with the default output size.</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.MaxUnpool1d(input1, input2, KernelSize, Stride, Padding);

    /// <summary>F.max_unpool1d with an explicit output size.</summary>
    public Tensor Forward(Tensor input, Tensor indices, int[] outputSize) => F.MaxUnpool1d(input, indices, KernelSize, Stride, Padding, outputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={Repr.Tuple([KernelSize])}, stride={Repr.Tuple([Stride])}, padding={Repr.Tuple([Padding])}";
}

/// <summary>torch.nn.MaxUnpool3d: <see cref="F.MaxUnpool3d"/>, the partial inverse of MaxPool3d. PyTorch stores its arguments as triples.</summary>
public class MaxUnpool3d : Module<Tensor, Tensor, Tensor>
{
    /// <summary>nn.MaxUnpool3d with the same value on every axis.</summary>
    public MaxUnpool3d(int kernelSize, int? stride = null, int padding = 0)
        : this([kernelSize, kernelSize, kernelSize], stride is { } s ? [s, s, s] : null, [padding, padding, padding]) { }

    /// <summary>nn.MaxUnpool3d with (D, H, W) triples.</summary>
    public MaxUnpool3d(int[] kernelSize, int[]? stride = null, int[]? padding = null)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding ?? [0, 0, 0];
    }

    /// <summary>kernel_size.</summary>
    public int[] KernelSize { get; }
    /// <summary>stride.</summary>
    public int[] Stride { get; }
    /// <summary>padding.</summary>
    public int[] Padding { get; }

    /// <summary>F.max_unpool3d(input, indices, ...) with the default output size.</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.MaxUnpool3d(input1, input2, KernelSize, Stride, Padding);

    /// <summary>F.max_unpool3d with an explicit output size.</summary>
    public Tensor Forward(Tensor input, Tensor indices, int[] outputSize) => F.MaxUnpool3d(input, indices, KernelSize, Stride, Padding, outputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={Repr.Tuple(KernelSize)}, stride={Repr.Tuple(Stride)}, padding={Repr.Tuple(Padding)}";
}

/// <summary>torch.nn.LPPool1d: the p-norm of each window (<see cref="F.LpPool1d"/>).</summary>
public class LPPool1d(double normType, int kernelSize, int? stride = null, bool ceilMode = false) : Module<Tensor, Tensor>
{
    /// <summary>norm_type.</summary>
    public double NormType { get; } = normType;
    /// <summary>kernel_size.</summary>
    public int KernelSize { get; } = kernelSize;
    /// <summary>stride, or null for the kernel size.</summary>
    public int? Stride { get; } = stride;
    /// <summary>ceil_mode.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <summary>F.lp_pool1d(input, norm_type, kernel_size, stride, ceil_mode).</summary>
    public override Tensor Forward(Tensor input) => F.LpPool1d(input, NormType, KernelSize, Stride, CeilMode);

    /// <summary>PyTorch prints the arguments as given (norm_type as the int it usually is, stride None when not given).</summary>
    public override string ExtraRepr() =>
        $"norm_type={LPPoolRepr.Norm(NormType)}, kernel_size={KernelSize}, stride={Repr.Of(Stride)}, ceil_mode={Repr.Of(CeilMode)}";
}

/// <summary>torch.nn.LPPool2d: the p-norm of each window (<see cref="F.LpPool2d"/>).</summary>
public class LPPool2d : Module<Tensor, Tensor>
{
    private readonly bool _ints;

    /// <summary>nn.LPPool2d with the same value on both axes.</summary>
    public LPPool2d(double normType, int kernelSize, int? stride = null, bool ceilMode = false)
        : this(normType, [kernelSize], stride is { } s ? [s] : null, ceilMode) => _ints = true;

    /// <summary>nn.LPPool2d with (H, W) pairs.</summary>
    public LPPool2d(double normType, int[] kernelSize, int[]? stride = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        NormType = normType;
        KernelSize = kernelSize;
        Stride = stride;
        CeilMode = ceilMode;
    }

    /// <summary>norm_type.</summary>
    public double NormType { get; }
    /// <summary>kernel_size.</summary>
    public int[] KernelSize { get; }
    /// <summary>stride, or null for the kernel size.</summary>
    public int[]? Stride { get; }
    /// <summary>ceil_mode.</summary>
    public bool CeilMode { get; }

    /// <summary>F.lp_pool2d(input, norm_type, kernel_size, stride, ceil_mode).</summary>
    public override Tensor Forward(Tensor input) => F.LpPool2d(input, NormType, KernelSize, Stride, CeilMode);

    private string Arg(int[] v) => _ints && v.Length == 1 ? Repr.Of(v[0]) : Repr.Tuple(v);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"norm_type={LPPoolRepr.Norm(NormType)}, kernel_size={Arg(KernelSize)}, stride={(Stride is { } s ? Arg(s) : "None")}, ceil_mode={Repr.Of(CeilMode)}";
}

/// <summary>LPPool's norm_type as users usually write it: an integral value prints as an int.</summary>
internal static class LPPoolRepr
{
    public static string Norm(double p) => p == Math.Floor(p) && Math.Abs(p) < 1e15 ? ((long)p).ToString(System.Globalization.CultureInfo.InvariantCulture) : Repr.Of(p);
}
