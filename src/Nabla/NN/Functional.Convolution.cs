using Nabla.Core;
using Nabla.Kernels;

namespace Nabla.NN;

/// <summary>
/// Convolutions (torch.nn.functional.conv1d/2d/3d, conv_transpose1d/2d/3d). Every rank runs the same N-d
/// implementation (<see cref="Convolution"/>): im2col, a batched matrix product per group, col2im for the transposed
/// direction. Array arguments take one value for every spatial dim or one value per dim, as PyTorch's int-or-tuple.
/// </summary>
public static partial class F
{
    /// <summary>torch.nn.functional.conv1d over (C, L) or (N, C, L) with weight (C_out, C_in/groups, k).</summary>
    /// <exception cref="ArgumentException">Shapes, channels, groups or arguments that libtorch rejects, with its message.</exception>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null,
        int[]? dilation = null, int groups = 1) =>
        ConvNd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups);

    /// <summary>torch.nn.functional.conv1d with padding="valid" or "same".</summary>
    /// <exception cref="ArgumentException">As the explicit-padding overload; "same" also rejects strides other than 1.</exception>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias, int[]? stride, ConvPadding padding, int[]? dilation = null, int groups = 1) =>
        ConvNd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups);

    /// <summary>torch.nn.functional.conv2d over (C, H, W) or (N, C, H, W) with weight (C_out, C_in/groups, kH, kW).</summary>
    /// <exception cref="ArgumentException">Shapes, channels, groups or arguments that libtorch rejects, with its message.</exception>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null,
        int[]? dilation = null, int groups = 1) =>
        ConvNd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups);

    /// <summary>torch.nn.functional.conv2d with padding="valid" or "same".</summary>
    /// <exception cref="ArgumentException">As the explicit-padding overload; "same" also rejects strides other than 1.</exception>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, int[]? stride, ConvPadding padding, int[]? dilation = null, int groups = 1) =>
        ConvNd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups);

    /// <summary>torch.nn.functional.conv3d over (C, D, H, W) or (N, C, D, H, W) with weight (C_out, C_in/groups, kD, kH, kW).</summary>
    /// <exception cref="ArgumentException">Shapes, channels, groups or arguments that libtorch rejects, with its message.</exception>
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null,
        int[]? dilation = null, int groups = 1) =>
        ConvNd("conv3d", 3, input, weight, bias, stride, padding, dilation, groups);

    /// <summary>torch.nn.functional.conv3d with padding="valid" or "same".</summary>
    /// <exception cref="ArgumentException">As the explicit-padding overload; "same" also rejects strides other than 1.</exception>
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias, int[]? stride, ConvPadding padding, int[]? dilation = null, int groups = 1) =>
        ConvNd("conv3d", 3, input, weight, bias, stride, padding, dilation, groups);

    /// <summary>
    /// torch.nn.functional.conv_transpose1d over (C_in, L) or (N, C_in, L) with weight (C_in, C_out/groups, k): the gradient of
    /// conv1d with respect to its input. Output length (L - 1)·stride - 2·padding + dilation·(k - 1) + output_padding + 1.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes, channels, groups or arguments that libtorch rejects, with its message.</exception>
    public static Tensor ConvTranspose1d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null,
        int[]? outputPadding = null, int groups = 1, int[]? dilation = null) =>
        ConvTransposeNd("conv_transpose1d", 1, input, weight, bias, stride, padding, outputPadding, groups, dilation);

    /// <summary>torch.nn.functional.conv_transpose2d over (C_in, H, W) or (N, C_in, H, W) with weight (C_in, C_out/groups, kH, kW).</summary>
    /// <exception cref="ArgumentException">Shapes, channels, groups or arguments that libtorch rejects, with its message.</exception>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null,
        int[]? outputPadding = null, int groups = 1, int[]? dilation = null) =>
        ConvTransposeNd("conv_transpose2d", 2, input, weight, bias, stride, padding, outputPadding, groups, dilation);

    /// <summary>torch.nn.functional.conv_transpose3d over (C_in, D, H, W) or (N, C_in, D, H, W) with weight (C_in, C_out/groups, kD, kH, kW).</summary>
    /// <exception cref="ArgumentException">Shapes, channels, groups or arguments that libtorch rejects, with its message.</exception>
    public static Tensor ConvTranspose3d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null,
        int[]? outputPadding = null, int groups = 1, int[]? dilation = null) =>
        ConvTransposeNd("conv_transpose3d", 3, input, weight, bias, stride, padding, outputPadding, groups, dilation);

    // ---- shared by every rank ----------------------------------------------------------------------------------

    /// <summary>at::conv{1,2,3}d: bias dtype, batchify, then at::convolution.</summary>
    private static Tensor ConvNd(string op, int dims, Tensor input, Tensor weight, Tensor? bias, int[]? stride, int[]? padding,
        int[]? dilation, int groups)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var batched = Batchify(op, dims, input, bias);
        var y = ConvolutionChecked(batched, weight, bias, stride ?? [1], padding ?? [0], dilation ?? [1], false, [0], groups);
        return input.Dim == dims + 1 ? y.Squeeze(0) : y;
    }

    /// <summary>at::_convolution_mode: "valid" is padding 0; "same" pads d·(k-1) in total, any odd cell on the right.</summary>
    private static Tensor ConvNd(string op, int dims, Tensor input, Tensor weight, Tensor? bias, int[]? stride, ConvPadding padding,
        int[]? dilation, int groups)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (padding == ConvPadding.Valid) return ConvNd(op, dims, input, weight, bias, stride, [0], dilation, groups);
        var batched = Batchify(op, dims, input, bias);
        stride ??= [1];
        dilation ??= [1];
        int k = weight.Dim;
        Errors.Check(k > 2, "weight should have at least three dimensions");
        Errors.Check(groups > 0, "non-positive groups is not supported");
        Errors.Check(k == batched.Dim,
            $"Expected {k}-dimensional input for {k}-dimensional weight{Errors.Shape(weight.Sizes)}, but got {batched.Dim}-dimensional input of size {Errors.Shape(batched.Sizes)} instead");
        int n = k - 2;
        Errors.Check(stride.Length == n || stride.Length == 1, $"stride cannot broadcast to {n} dimensions");
        Errors.Check(dilation.Length == n || dilation.Length == 1, $"dilation cannot broadcast to {n} dimensions");
        foreach (var s in stride) Errors.Check(s == 1, "padding='same' is not supported for strided convolutions");
        var left = new int[n];
        var pad = new int[2 * n];
        bool symmetric = true;
        for (int i = 0; i < n; i++)
        {
            int total = (dilation.Length == 1 ? dilation[0] : dilation[i]) * (weight.Size(i + 2) - 1);
            left[i] = total / 2;
            pad[2 * (n - 1 - i) + 1] = total - total / 2 - left[i]; // F.pad lists dims from the last
            symmetric &= total % 2 == 0;
        }
        var x = symmetric ? batched : Pad(batched, pad);
        var y = ConvolutionChecked(x, weight, bias, stride, left, dilation, false, [0], groups);
        return input.Dim == dims + 1 ? y.Squeeze(0) : y;
    }

    /// <summary>at::conv_transpose{1,2,3}d: bias dtype, batchify, then at::convolution with transposed = true.</summary>
    private static Tensor ConvTransposeNd(string op, int dims, Tensor input, Tensor weight, Tensor? bias, int[]? stride, int[]? padding,
        int[]? outputPadding, int groups, int[]? dilation)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var batched = Batchify(op, dims, input, null); // no bias dtype check: the transposed kernels check or cast it
        var y = ConvolutionChecked(batched, weight, bias, stride ?? [1], padding ?? [0], dilation ?? [1], true, outputPadding ?? [0], groups);
        return input.Dim == dims + 1 ? y.Squeeze(0) : y;
    }

    /// <summary>The bias dtype check and batchify of ATen's conv entry points: an unbatched input gains a batch dim of 1.</summary>
    private static Tensor Batchify(string op, int dims, Tensor input, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(input);
        Errors.Check(bias is null || bias.DType == input.DType,
            $"Input type ({input.DType.TypeMetaName()}) and bias type ({bias?.DType.TypeMetaName()}) should be the same");
        Errors.Check(input.Dim == dims + 1 || input.Dim == dims + 2,
            $"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {op}, but got input of size: {Errors.Shape(input.Sizes)}");
        return input.Dim == dims + 2 ? input : input.Unsqueeze(0);
    }

    /// <summary>at::_convolution's argument expansion and check_shape_forward, in libtorch's order; then the convolution.</summary>
    private static Tensor ConvolutionChecked(Tensor input, Tensor weight, Tensor? bias, int[] strideArg, int[] paddingArg, int[] dilationArg,
        bool transposed, int[] outputPaddingArg, int groups)
    {
        int k = weight.Dim, dims = k - 2;
        Errors.Check(dims > 0, "weight should have at least three dimensions");
        Errors.Check(groups > 0, "non-positive groups is not supported");
        var stride = ExpandConvParam(strideArg, "stride", dims);
        var padding = ExpandConvParam(paddingArg, "padding", dims);
        var dilation = ExpandConvParam(dilationArg, "dilation", dims);
        var outputPadding = ExpandConvParam(outputPaddingArg, "output_padding", dims);
        Errors.Check(padding.All(p => p >= 0), "negative padding is not supported");
        Errors.Check(outputPadding.All(p => p >= 0), "negative output_padding is not supported");
        Errors.Check(stride.All(s => s > 0), "non-positive stride is not supported");
        // the 1-d convolution checks its 2-d view (height 1); a transposed one checks dilation in its kernel's shape check
        Errors.Check(transposed || dilation.All(d => d > 0), $"dilation should be greater than zero, but got {Errors.Shape(dims == 1 ? [1, dilation[0]] : dilation)}");
        var ws = Errors.Shape(weight.Sizes);
        Errors.Check(k == input.Dim,
            $"Expected {k}-dimensional input for {k}-dimensional weight {ws}, but got {input.Dim}-dimensional input of size {Errors.Shape(input.Sizes)} instead");
        Errors.Check(weight.Size(0) >= groups, $"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got weight of size {ws} instead");
        Errors.Check(weight.Size(0) % groups == 0,
            $"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size [{ws}] instead");
        var spatial = input.Shape[2..];
        var kernel = weight.Shape[2..];
        ConvGeometry geometry;
        if (!transposed)
        {
            Errors.Check(input.Size(1) == weight.Size(1) * groups,
                $"Given groups={groups}, weight of size {ws}, expected input{Errors.Shape(input.Sizes)} to have {weight.Size(1) * groups} channels, but got {input.Size(1)} channels instead");
            Errors.Check(bias is null || (bias.Dim == 1 && bias.Size(0) == weight.Size(0)),
                $"Given weight of size {ws}, expected bias to be 1-dimensional with {weight.Size(0)} elements, but got bias of size {(bias is null ? "[]" : Errors.Shape(bias.Sizes))} instead");
            var padded = spatial.Select((s, i) => s + 2 * padding[i]).ToArray();
            var extent = kernel.Select((kk, i) => dilation[i] * (kk - 1) + 1).ToArray();
            if (padded.Where((p, i) => p < extent[i]).Any())
                throw Errors.Runtime($"Calculated padded input size per channel: ({string.Join(" x ", padded)}). Kernel size: ({string.Join(" x ", extent)}). Kernel size can't be greater than actual input size");
            geometry = new ConvGeometry(spatial, kernel, stride, padding, dilation, ConvGeometry.BlockCounts(spatial, kernel, stride, padding, dilation));
        }
        else
        {
            Errors.Check(input.Size(1) == weight.Size(0),
                $"Given transposed=1, weight of size {ws}, expected input{Errors.Shape(input.Sizes)} to have {weight.Size(0)} channels, but got {input.Size(1)} channels instead");
            Errors.Check(bias is null || (bias.Dim == 1 && bias.Size(0) == weight.Size(1) * groups),
                $"Given transposed=1, weight of size {ws}, expected bias to be 1-dimensional with {weight.Size(1) * groups} elements, but got bias of size {(bias is null ? "[]" : Errors.Shape(bias.Sizes))} instead");
            var output = spatial.Select((s, i) => (s - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1).ToArray();
            geometry = new ConvGeometry(output, kernel, stride, padding, dilation, spatial);
        }
        // An empty input skips the kernels (libtorch's Empty backend): no dtype or backend checks.
        if (input.Numel == 0) return Convolution.Forward(input, weight, bias, new ConvSpec(geometry, groups, transposed));
        if (transposed) CheckTransposedShape(spatial, geometry.Input, stride, dilation, outputPadding);
        if (input.DType == DType.Bool)
            throw Errors.NotImplemented($"\"{ConvBackendName(transposed, dims, dilation)}\" not implemented for 'Bool'");
        Errors.Check(input.DType == weight.DType,
            $"expected scalar type {input.DType.ScalarTypeName()} but found {weight.DType.ScalarTypeName()}");
        if (transposed && bias is not null) CheckTransposedBias(dims, bias.DType, input.DType);
        CheckKernelSize(geometry.Kernel, transposed, weight);
        return Convolution.Forward(input, weight, bias, new ConvSpec(geometry, groups, transposed));
    }

    /// <summary>
    /// The kernels' shape checks: every kernel axis is at least 1, in each kernel's own words (a 1-d convolution reports its
    /// 2-d view, height 1; the 3-d transposed kernel refuses the empty weight instead).
    /// </summary>
    private static void CheckKernelSize(int[] kernel, bool transposed, Tensor weight)
    {
        if (kernel.All(k => k > 0)) return;
        if (kernel.Length == 3)
            throw Errors.Runtime(transposed
                ? $"non-empty 5D (n_output_plane x n_input_plane x kernel_depth x kernel_height x kernel_width) tensor expected for weight, but got: {Errors.Shape(weight.Sizes)}"
                : $"kernel size should be greater than zero, but got: {string.Join(" x ", kernel)} (TxHxW)");
        int[] shown = kernel.Length == 1 ? [1, kernel[0]] : kernel;
        throw Errors.Runtime($"kernel size should be greater than zero, but got kernel_height: {shown[0]} kernel_width: {shown[1]}");
    }

    /// <summary>The CPU kernel libtorch picks for a non-floating input, named in its dispatch error (1-d runs as 2-d).</summary>
    private static string ConvBackendName(bool transposed, int dims, int[] dilation) =>
        transposed ? $"slow_conv_transpose{Math.Max(dims, 2)}d_out_cpu"
        : dilation.Any(d => d != 1) ? "slow_conv_dilated<>"
        : dims == 3 ? "compute_columns3d" : "slow_conv2d_cpu";

    /// <summary>
    /// slow_conv_transpose{2,3}d's shape check, whose messages name each axis (a 1-d convolution reports its 2-d view,
    /// height 1).
    /// </summary>
    private static void CheckTransposedShape(int[] spatial, int[] output, int[] stride, int[] dilation, int[] outputPadding)
    {
        string[] axes = spatial.Length == 3 ? ["depth", "height", "width"] : ["height", "width"];
        int[] View(int[] v, int fill) => spatial.Length == 1 ? [fill, v[0]] : v;
        string Named(string what, int[] v, string sep) => string.Join(sep, axes.Select((a, i) => $"{what}_{a}: {v[i]}"));
        Errors.Check(dilation.All(d => d > 0), $"dilation should be greater than zero, but got {Named("dilation", View(dilation, 1), ", ")}");
        for (int i = 0; i < spatial.Length; i++)
            Errors.Check(outputPadding[i] < stride[i] || outputPadding[i] < dilation[i],
                $"output padding must be smaller than either stride or dilation, but got {Named("output_padding", View(outputPadding, 0), " ")} {Named("stride", View(stride, 1), " ")} {Named("dilation", View(dilation, 1), " ")}");
        if (output.Any(o => o < 1))
            throw Errors.Runtime($"Given input size per channel: ({string.Join(" x ", View(spatial, 1))}). Calculated output size per channel: ({string.Join(" x ", View(output, 1))}). Output size is too small");
    }

    /// <summary>
    /// A transposed bias of another dtype: the 3-d kernel requires the input's; the 1-d and 2-d ones add it in place, so it must
    /// cast to the output dtype.
    /// </summary>
    private static void CheckTransposedBias(int dims, DType bias, DType dtype)
    {
        if (bias == dtype) return;
        if (dims == 3) throw Errors.Runtime($"expected scalar type {dtype.ScalarTypeName()} but found {bias.ScalarTypeName()}");
        if (bias.Category() > dtype.Category())
            throw Errors.Runtime($"result type {bias.ScalarTypeName()} can't be cast to the desired output type {dtype.ScalarTypeName()}");
    }

    /// <summary>expand_param_if_needed: one value for every dim, or exactly one per dim.</summary>
    private static int[] ExpandConvParam(int[] values, string name, int dims)
    {
        if (values.Length == 1) return Enumerable.Repeat(values[0], dims).ToArray();
        if (values.Length != dims)
            throw Errors.Runtime($"expected {name} to be a single integer value or a list of {dims} values to match the convolution dimensions, but got {name}={Errors.Shape(values)}");
        return values;
    }
}
