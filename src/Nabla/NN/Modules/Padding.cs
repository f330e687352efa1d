using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// The padding modules (torch.nn.ZeroPad*, ConstantPad*, ReflectionPad*, ReplicationPad*, CircularPad* for 1, 2 and 3
/// dims): <see cref="F.Pad"/> with a fixed padding of 2·dims entries (left, right, top, bottom, front, back); one int pads
/// every side equally. Their reprs print the padding tuple as PyTorch's do.
/// </summary>
public abstract class PadNd : Module<Tensor, Tensor>
{
    private readonly PadMode _mode;

    private protected PadNd(int dims, int[] padding, PadMode mode)
    {
        ArgumentNullException.ThrowIfNull(padding);
        Padding = padding.Length == 1 ? Enumerable.Repeat(padding[0], 2 * dims).ToArray() : padding;
        if (Padding.Length != 2 * dims)
            throw Errors.Runtime($"{TypeName}: padding must be a single int or a tuple of {2 * dims} ints, got {padding.Length}");
        _mode = mode;
    }

    /// <summary>padding: (left, right[, top, bottom[, front, back]]).</summary>
    public int[] Padding { get; }

    /// <summary>The fill value of constant padding.</summary>
    private protected double Value { get; init; }

    /// <summary>F.pad(input, padding, mode[, value]).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.Pad(input, Padding, _mode, _mode == PadMode.Constant ? Value : null);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => Repr.Tuple(Padding);
}

/// <summary>torch.nn.ConstantPad1d/2d/3d base: pads with a constant value.</summary>
public abstract class ConstantPadNd : PadNd
{
    private protected ConstantPadNd(int dims, int[] padding, double value) : base(dims, padding, PadMode.Constant) => Value = value;

    /// <summary>value.</summary>
    public double FillValue => Value;

    /// <inheritdoc/>
    public override string ExtraRepr() => $"padding={Repr.Tuple(Padding)}, value={Repr.Of(Value)}";
}

/// <summary>torch.nn.ConstantPad1d.</summary>
public class ConstantPad1d(int[] padding, double value) : ConstantPadNd(1, padding, value)
{
    /// <summary>The same padding on both sides.</summary>
    public ConstantPad1d(int padding, double value) : this([padding], value) { }
}

/// <summary>torch.nn.ConstantPad2d.</summary>
public class ConstantPad2d(int[] padding, double value) : ConstantPadNd(2, padding, value)
{
    /// <summary>The same padding on every side.</summary>
    public ConstantPad2d(int padding, double value) : this([padding], value) { }
}

/// <summary>torch.nn.ConstantPad3d.</summary>
public class ConstantPad3d(int[] padding, double value) : ConstantPadNd(3, padding, value)
{
    /// <summary>The same padding on every side.</summary>
    public ConstantPad3d(int padding, double value) : this([padding], value) { }
}

/// <summary>torch.nn.ZeroPad1d: constant padding with zeros, printed with the padding alone.</summary>
public class ZeroPad1d(params int[] padding) : ConstantPadNd(1, padding, 0)
{
    /// <inheritdoc/>
    public override string ExtraRepr() => Repr.Tuple(Padding);
}

/// <summary>torch.nn.ZeroPad2d.</summary>
public class ZeroPad2d(params int[] padding) : ConstantPadNd(2, padding, 0)
{
    /// <inheritdoc/>
    public override string ExtraRepr() => Repr.Tuple(Padding);
}

/// <summary>torch.nn.ZeroPad3d.</summary>
public class ZeroPad3d(params int[] padding) : ConstantPadNd(3, padding, 0)
{
    /// <inheritdoc/>
    public override string ExtraRepr() => Repr.Tuple(Padding);
}

/// <summary>torch.nn.ReflectionPad1d: reflection about the edge (the edge is not repeated).</summary>
public class ReflectionPad1d(params int[] padding) : PadNd(1, padding, PadMode.Reflect);

/// <summary>torch.nn.ReflectionPad2d.</summary>
public class ReflectionPad2d(params int[] padding) : PadNd(2, padding, PadMode.Reflect);

/// <summary>torch.nn.ReflectionPad3d.</summary>
public class ReflectionPad3d(params int[] padding) : PadNd(3, padding, PadMode.Reflect);

/// <summary>torch.nn.ReplicationPad1d: repeats the edge value.</summary>
public class ReplicationPad1d(params int[] padding) : PadNd(1, padding, PadMode.Replicate);

/// <summary>torch.nn.ReplicationPad2d.</summary>
public class ReplicationPad2d(params int[] padding) : PadNd(2, padding, PadMode.Replicate);

/// <summary>torch.nn.ReplicationPad3d.</summary>
public class ReplicationPad3d(params int[] padding) : PadNd(3, padding, PadMode.Replicate);

/// <summary>torch.nn.CircularPad1d: wraps around.</summary>
public class CircularPad1d(params int[] padding) : PadNd(1, padding, PadMode.Circular);

/// <summary>torch.nn.CircularPad2d.</summary>
public class CircularPad2d(params int[] padding) : PadNd(2, padding, PadMode.Circular);

/// <summary>torch.nn.CircularPad3d.</summary>
public class CircularPad3d(params int[] padding) : PadNd(3, padding, PadMode.Circular);
