using Nabla.Kernels;

namespace Nabla.NN;

/// <summary>
/// A convolution's plain arguments. <see cref="Geometry"/> describes the windows over the image side: the input for a
/// convolution, the output for a transposed one (whose blocks are then the input positions).
/// </summary>
internal sealed record ConvSpec(ConvGeometry Geometry, int Groups, bool Transposed);

/// <summary>
/// N-d convolution and transposed convolution as im2col / col2im around a batched matrix product, so every rank
/// shares one implementation and the inner work is a GEMM:
/// <list type="bullet">
/// <item>convolution: out[n, g] (C_out/g × L) = W[g] (C_out/g × C_in/g·K) · im2col(x)[n, g] (C_in/g·K × L)</item>
/// <item>transposed: out = col2im(W[g]ᵀ · x[n, g]), the adjoint of the convolution's input map</item>
/// </list>
/// The composition is differentiable (im2col and col2im are each other's gradient), so the backward formulas in
/// <see cref="ConvolutionDerivatives"/> are themselves differentiable and double backward needs nothing more.
/// </summary>
internal static class Convolution
{
    /// <summary>
    /// Runs the convolution on batched (N, C, *spatial) input without recording its parts, then records one
    /// ConvolutionBackward0 node, as libtorch's convolution does.
    /// </summary>
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias, ConvSpec spec)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        Tensor y;
        using (GradMode.NoGrad()) y = Compose(input, weight, bias, spec);
        return Graph.Record(y, ConvolutionDerivatives.ConvolutionBackward0, [input, weight, bias], spec, ConvolutionDerivatives.Convolution, input, weight);
    }

    /// <summary>The convolution from differentiable parts (recorded only when grad mode is on).</summary>
    public static Tensor Compose(Tensor input, Tensor weight, Tensor? bias, ConvSpec spec)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var g = spec.Geometry;
        int n = input.Size(0), groups = spec.Groups;
        Tensor y;
        if (input.Numel == 0) // nothing to multiply (and no kernel runs, whatever the dtype)
            y = spec.Transposed ? Tensor.Zeros([n, weight.Size(1) * groups, .. g.Input], input.DType) : Tensor.Zeros([n, weight.Size(0), .. g.Blocks], input.DType);
        else if (!spec.Transposed && UsePerImageKernels(input))
            y = ConvolutionKernels.Forward(Dense(input), weight.Contiguous(), groups, g);
        else if (!spec.Transposed)
        {
            int cOut = weight.Size(0);
            var cols = Im2Col(input, g).View(n, groups, input.Size(1) / groups * g.KernelNumel, g.BlockNumel);
            y = GroupedWeight(weight, groups).Matmul(cols).Reshape([n, cOut, .. g.Blocks]);
        }
        else
        {
            var x = input.Reshape(n, groups, input.Size(1) / groups, g.BlockNumel);
            var cols = GroupedWeight(weight, groups).MT.Matmul(x).Reshape(n, weight.Size(1) * groups * g.KernelNumel, g.BlockNumel);
            y = Col2Im(cols, g);
        }
        // a transposed convolution adds a bias of another floating dtype in place, cast to the output dtype
        if (bias is not null) y = y + (bias.DType == y.DType ? bias : bias.To(y.DType)).View([-1, .. Enumerable.Repeat(1, g.Dims)]);
        return y;
    }

    /// <summary>
    /// Floating-point work outside a recorded graph runs through <see cref="ConvolutionKernels"/> (one image per task,
    /// not differentiable); integer dtypes and double backward compose im2col, matmul and col2im.
    /// </summary>
    public static bool UsePerImageKernels(Tensor input) => !GradMode.IsEnabled && input.IsFloatingPoint;

    /// <summary>Weight (C_out, C_in/g, *k) viewed as (groups, C_out/g, C_in/g·K); transposed weights read the same way.</summary>
    public static Tensor GroupedWeight(Tensor weight, int groups)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return weight.Reshape(groups, weight.Size(0) / groups, weight.Numel / Math.Max(weight.Size(0), 1));
    }

    /// <summary>im2col as a differentiable op: ([N,] C, *input) to ([N,] C·K, L); its gradient is <see cref="Col2Im"/>.</summary>
    public static Tensor Im2Col(Tensor input, ConvGeometry g)
    {
        ArgumentNullException.ThrowIfNull(input);
        // (N, C, *input) or unbatched (C, *input): every leading dim but the channels is a batch dim
        int lead = input.Dim - g.Dims - 1;
        var cols = Tensor.Allocate([.. input.Sizes[..lead], input.Size(lead) * g.KernelNumel, g.BlockNumel], input.DType);
        if (cols.Numel > 0) Kernels.Im2Col.Unfold(Dense(input), g, cols);
        return Graph.Record(cols, ConvolutionDerivatives.Im2ColBackward0, [input], g, static (grad, _, _, geo) => [Col2Im(grad, geo)]);
    }

    /// <summary>col2im as a differentiable op: ([N,] C·K, L) summed back to ([N,] C, *input); its gradient is <see cref="Im2Col"/>.</summary>
    public static Tensor Col2Im(Tensor columns, ConvGeometry g)
    {
        ArgumentNullException.ThrowIfNull(columns);
        int lead = columns.Dim - 2;
        var image = Tensor.Allocate([.. columns.Sizes[..lead], columns.Size(lead) / g.KernelNumel, .. g.Input], columns.DType);
        if (image.Numel > 0) Kernels.Im2Col.Fold(Dense(columns), g, image);
        if (image.DType == DType.Bool) image = image.CastRaw(DType.UInt8).Ne(0); // overlapping trues sum as a logical or
        return Graph.Record(image, ConvolutionDerivatives.Col2ImBackward0, [columns], g, static (grad, _, _, geo) => [Im2Col(grad, geo)]);
    }

    /// <summary>The kernels read contiguous storage; a strided view is copied first (without autograd).</summary>
    public static Tensor Dense(Tensor t) => t.IsContiguous() ? t : t.CloneRaw();
}
