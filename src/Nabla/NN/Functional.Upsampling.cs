using System.Globalization;
using Nabla.Core;
using Nabla.Kernels;

namespace Nabla.NN;

/// <summary>Resampling of (N, C, *) inputs (torch.nn.functional.interpolate) over one separable tap kernel.</summary>
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.interpolate: resamples the 1 to 3 spatial dims of an (N, C, *) input to <paramref name="size"/>, or
    /// to floor(in · scale) with <paramref name="scaleFactor"/>, by <paramref name="mode"/>. Index and weight computations are
    /// PyTorch's: nearest reads floor(dst · scale), the linear and cubic modes map dst to scale·(dst + 0.5) − 0.5 (or
    /// dst·(in−1)/(out−1) with <paramref name="alignCorners"/>), cubic uses A = −0.75 with clamped access, area is adaptive
    /// average pooling. The scale is 1/scale_factor when a factor is given and not recomputed, else in/out.
    /// </summary>
    /// <param name="input">(N, C, L), (N, C, H, W) or (N, C, D, H, W).</param>
    /// <param name="size">Output spatial size, one entry per spatial dim; exclusive with <paramref name="scaleFactor"/>.</param>
    /// <param name="scaleFactor">Multiplier per spatial dim; exclusive with <paramref name="size"/>.</param>
    /// <param name="mode">The interpolation algorithm.</param>
    /// <param name="alignCorners">Linear and cubic modes only: map corner cells to corner cells (null means false).</param>
    /// <param name="recomputeScaleFactor">With a scale factor: compute the output size, then interpolate as if that size were given.</param>
    /// <exception cref="ArgumentException">F.interpolate's ValueErrors: both or neither of size and scale_factor, a size or scale
    /// list whose length is not the number of spatial dims, align_corners with nearest/area modes, recompute_scale_factor with a
    /// size; a non-positive output size.</exception>
    /// <exception cref="NotSupportedException">F.interpolate's NotImplementedError for an input rank the mode does not support.</exception>
    public static Tensor Interpolate(Tensor input, int[]? size = null, double[]? scaleFactor = null,
        InterpolationMode mode = InterpolationMode.Nearest, bool? alignCorners = null, bool? recomputeScaleFactor = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        bool interpolating = mode is not (InterpolationMode.Nearest or InterpolationMode.NearestExact or InterpolationMode.Area);
        Errors.Check(interpolating || alignCorners is null,
            "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
        bool corners = alignCorners ?? false;
        int dim = input.Dim - 2;
        string spatial = "[" + string.Join(", ", input.Shape.Skip(2)) + "]";
        Errors.Check(size is null || scaleFactor is null, "only one of size or scale_factor should be defined");
        Errors.Check(size is not null || scaleFactor is not null, "either size or scale_factor should be defined");
        Errors.Check(size is null || size.Length == dim,
            $"Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of {spatial} and output size of {PyList(size)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.");
        Errors.Check(scaleFactor is null || scaleFactor.Length == dim,
            $"Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of {spatial} and scale_factor of shape {PyList(scaleFactor)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.");
        Errors.Check(!(recomputeScaleFactor == true && size is not null), "recompute_scale_factor is not meaningful with an explicit size.");
        CheckInterpolateRank(input.Dim, mode);

        int[] outSize = size ?? [.. Enumerable.Range(0, dim).Select(i => (int)Math.Floor(input.Size(i + 2) * scaleFactor![i]))];
        // area and recompute_scale_factor forget the factor: the scale becomes in/out
        double?[] scales = size is not null || recomputeScaleFactor == true || mode == InterpolationMode.Area
            ? new double?[dim] : [.. scaleFactor!.Select(s => (double?)s)];
        Errors.Check(mode == InterpolationMode.Area || outSize.All(s => s > 0) && input.Shape.Skip(2).All(s => s > 0),
            $"Input and output sizes should be greater than 0, but got input ({Axes(input.Shape[2..])}){(dim == 1 ? " and" : "")} output ({Axes(outSize)})");

        if (mode == InterpolationMode.Area)
            return dim switch
            {
                1 => AdaptiveAvgPool1d(input, outSize[0]),
                2 => AdaptiveAvgPool2d(input, [.. outSize.Select(s => (int?)s)]),
                _ => AdaptiveAvgPool3d(input, [.. outSize.Select(s => (int?)s)]),
            };

        bool single = input.DType == DType.Float32;
        var axes = new AxisTaps[dim];
        var adjoint = new AxisTaps[dim];
        for (int i = 0; i < dim; i++)
        {
            int inSize = input.Size(i + 2);
            axes[i] = mode switch
            {
                InterpolationMode.Nearest => AxisTaps.Nearest(inSize, outSize[i], scales[i], exact: false),
                InterpolationMode.NearestExact => AxisTaps.Nearest(inSize, outSize[i], scales[i], exact: true),
                InterpolationMode.Bicubic => AxisTaps.Cubic(inSize, outSize[i], corners, scales[i], single),
                _ => AxisTaps.Linear(inSize, outSize[i], corners, scales[i], single),
            };
            adjoint[i] = mode == InterpolationMode.Nearest ? AxisTaps.Nearest(inSize, outSize[i], scales[i], exact: false, shortcuts: true) : axes[i];
        }
        var plan = Plan(dim, axes);
        var adjointPlan = mode == InterpolationMode.Nearest ? Plan(dim, adjoint) : plan;
        string node = UpsampleNodeName(mode, dim);
        return UpsampleApply(input, new Derivatives.UpsampleArgs(plan, adjointPlan, input.Shape, node + "Backward0", node + "BackwardBackward0"));
    }

    /// <summary>A three-axis plan from 1 to 3 spatial axes, the missing leading ones trivial.</summary>
    private static UpsamplePlan Plan(int dim, AxisTaps[] axes) => dim switch
    {
        1 => new UpsamplePlan(AxisTaps.Single, AxisTaps.Single, axes[0]),
        2 => new UpsamplePlan(AxisTaps.Single, axes[0], axes[1]),
        _ => new UpsamplePlan(axes[0], axes[1], axes[2]),
    };

    /// <summary>PyTorch's autograd name stem for the mode and rank (UpsampleNearest2D, UpsampleBilinear2D, _UpsampleNearestExact1D, ...).</summary>
    private static string UpsampleNodeName(InterpolationMode mode, int dim) => mode switch
    {
        InterpolationMode.Nearest => $"UpsampleNearest{dim}D",
        InterpolationMode.NearestExact => $"_UpsampleNearestExact{dim}D",
        InterpolationMode.Linear => "UpsampleLinear1D",
        InterpolationMode.Bilinear => "UpsampleBilinear2D",
        InterpolationMode.Trilinear => "UpsampleTrilinear3D",
        _ => "UpsampleBicubic2D",
    };

    /// <summary>F.interpolate's NotImplementedError for a rank the mode cannot take.</summary>
    private static void CheckInterpolateRank(int rank, InterpolationMode mode)
    {
        int? needs = mode switch
        {
            InterpolationMode.Linear => 3,
            InterpolationMode.Bilinear or InterpolationMode.Bicubic => 4,
            InterpolationMode.Trilinear => 5,
            _ => null,
        };
        bool supported = needs is { } n ? rank == n : rank is >= 3 and <= 5;
        if (supported) return;
        if (needs is { } need && rank is >= 3 and <= 5 && mode != InterpolationMode.Bicubic)
            throw Errors.NotImplemented($"Got {rank}D input, but {mode.TorchName()} mode needs {need}D input");
        throw Errors.NotImplemented(
            $"Input Error: Only 3D, 4D and 5D input Tensors supported (got {rank}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got {mode.TorchName()})");
    }

    /// <summary>The resampling as a differentiable op: its backward is the adjoint, whose backward is this op again.</summary>
    internal static Tensor UpsampleApply(Tensor input, Derivatives.UpsampleArgs a)
    {
        var outShape = input.Shape.ToArray();
        int dim = a.InputShape.Length - 2;
        if (dim >= 3) outShape[^3] = a.Plan.D.Output;
        if (dim >= 2) outShape[^2] = a.Plan.H.Output;
        outShape[^1] = a.Plan.W.Output;
        var y = Tensor.Allocate(outShape, input.DType);
        Resample.Forward(Dense(input), a.Plan, y);
        return Graph.Record(y, a.Node, [input], a, Derivatives.UpsampleBackward);
    }

    /// <summary>upsample_*_backward: scatters each gradient onto the input cells it was read from, with the same weights.</summary>
    internal static Tensor UpsampleAdjoint(Tensor grad, Derivatives.UpsampleArgs a)
    {
        var gradInput = Tensor.Zeros(a.InputShape, grad.DType);
        Resample.Backward(Dense(grad), a.AdjointPlan, gradInput);
        return Graph.Record(gradInput, a.BackwardNode, [grad], a, Derivatives.UpsampleBackwardBackward);
    }

    /// <summary>libtorch's "D: 2, H: 3, W: 4" listing of spatial sizes.</summary>
    private static string Axes(int[] sizes) =>
        string.Join(", ", sizes.Select((s, i) => $"{"DHW"[3 - sizes.Length + i]}: {s}"));

    /// <summary>Python's repr of a list of numbers ("[2, 3]", "[2.0, 1.5]"), for F.interpolate's messages.</summary>
    private static string PyList<T>(T[]? values) where T : IFormattable =>
        values is null ? "None" : "[" + string.Join(", ", values.Select(v => v is double d ? Repr.Of(d) : v.ToString(null, CultureInfo.InvariantCulture))) + "]";
}
