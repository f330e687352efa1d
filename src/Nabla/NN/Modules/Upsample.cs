namespace Nabla.NN;

/// <summary>
/// torch.nn.Upsample: <see cref="F.Interpolate"/> with fixed arguments. Give exactly one of size and scale_factor; a
/// one-entry array prints as PyTorch prints a scalar argument ("Upsample(scale_factor=2.0, mode='nearest')").
/// </summary>
public class Upsample(int[]? size = null, double[]? scaleFactor = null, InterpolationMode mode = InterpolationMode.Nearest,
    bool? alignCorners = null, bool? recomputeScaleFactor = null) : Module<Tensor, Tensor>
{
    /// <summary>size, or null.</summary>
    public int[]? Size { get; } = size;

    /// <summary>scale_factor, or null.</summary>
    public double[]? ScaleFactor { get; } = scaleFactor;

    /// <summary>mode.</summary>
    public InterpolationMode Mode { get; } = mode;

    /// <summary>align_corners (null: PyTorch's None).</summary>
    public bool? AlignCorners { get; } = alignCorners;

    /// <summary>recompute_scale_factor (null: PyTorch's None).</summary>
    public bool? RecomputeScaleFactor { get; } = recomputeScaleFactor;

    /// <summary>F.interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor); a one-entry size or
    /// factor applies to every spatial dim, as PyTorch's scalar argument does.</summary>
    /// <exception cref="ArgumentException">As <see cref="F.Interpolate"/>.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int dim = Math.Max(input.Dim - 2, 1);
        return F.Interpolate(input, Spread(Size, dim), Spread(ScaleFactor, dim), Mode, AlignCorners, RecomputeScaleFactor);
    }

    private static T[]? Spread<T>(T[]? values, int dim) => values is [var v] ? [.. Enumerable.Repeat(v, dim)] : values;

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        string info = ScaleFactor is not null ? "scale_factor=" + Show(ScaleFactor, Repr.Of) : "size=" + Show(Size, Repr.Of);
        return info + $", mode='{Mode.TorchName()}'";
    }

    private static string Show<T>(T[]? values, Func<T, string> one) =>
        values switch { null => "None", [var v] => one(v), _ => "(" + string.Join(", ", values.Select(one)) + ")" };
}

/// <summary>torch.nn.UpsamplingNearest2d: <see cref="Upsample"/> in nearest mode.</summary>
public class UpsamplingNearest2d(int[]? size = null, double[]? scaleFactor = null) : Upsample(size, scaleFactor, InterpolationMode.Nearest);

/// <summary>torch.nn.UpsamplingBilinear2d: <see cref="Upsample"/> in bilinear mode with align_corners=True.</summary>
public class UpsamplingBilinear2d(int[]? size = null, double[]? scaleFactor = null) : Upsample(size, scaleFactor, InterpolationMode.Bilinear, alignCorners: true);
