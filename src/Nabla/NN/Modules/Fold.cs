namespace Nabla.NN;

/// <summary>torch.nn.Unfold: F.unfold (im2col) with fixed arguments.</summary>
public class Unfold(int[] kernelSize, int[]? dilation = null, int[]? padding = null, int[]? stride = null) : Module<Tensor, Tensor>
{
    /// <summary>kernel_size.</summary>
    public int[] KernelSize { get; } = kernelSize ?? throw new ArgumentNullException(nameof(kernelSize));
    /// <summary>dilation.</summary>
    public int[] Dilation { get; } = dilation ?? [1];
    /// <summary>padding.</summary>
    public int[] Padding { get; } = padding ?? [0];
    /// <summary>stride.</summary>
    public int[] Stride { get; } = stride ?? [1];

    /// <summary>F.unfold(input, kernel_size, dilation, padding, stride).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.Unfold(input, KernelSize, Dilation, Padding, Stride);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"kernel_size={FoldRepr.Arg(KernelSize)}, dilation={FoldRepr.Arg(Dilation)}, padding={FoldRepr.Arg(Padding)}, stride={FoldRepr.Arg(Stride)}";
}

/// <summary>torch.nn.Fold: F.fold (col2im) with fixed arguments.</summary>
public class Fold(int[] outputSize, int[] kernelSize, int[]? dilation = null, int[]? padding = null, int[]? stride = null) : Module<Tensor, Tensor>
{
    /// <summary>output_size.</summary>
    public int[] OutputSize { get; } = outputSize ?? throw new ArgumentNullException(nameof(outputSize));
    /// <summary>kernel_size.</summary>
    public int[] KernelSize { get; } = kernelSize ?? throw new ArgumentNullException(nameof(kernelSize));
    /// <summary>dilation.</summary>
    public int[] Dilation { get; } = dilation ?? [1];
    /// <summary>padding.</summary>
    public int[] Padding { get; } = padding ?? [0];
    /// <summary>stride.</summary>
    public int[] Stride { get; } = stride ?? [1];

    /// <summary>F.fold(input, output_size, kernel_size, dilation, padding, stride).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.Fold(input, OutputSize, KernelSize, Dilation, Padding, Stride);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"output_size={FoldRepr.Arg(OutputSize)}, kernel_size={FoldRepr.Arg(KernelSize)}, dilation={FoldRepr.Arg(Dilation)}, padding={FoldRepr.Arg(Padding)}, stride={FoldRepr.Arg(Stride)}";
}

/// <summary>Fold/Unfold print their arguments as given: one value as an int, several as a tuple.</summary>
internal static class FoldRepr
{
    public static string Arg(int[] v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return v.Length == 1 ? Repr.Of(v[0]) : Repr.Tuple(v);
    }
}
