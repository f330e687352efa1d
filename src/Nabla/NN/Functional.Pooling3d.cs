using Nabla.Core;
using Nabla.Kernels;

namespace Nabla.NN;

/// <summary>
/// 3-D pooling (max_pool3d, avg_pool3d, adaptive_*_pool3d, max_unpool3d), the 1-D unpool, and power-average pooling
/// (lp_pool1d/2d). The 3-D ops run the same window kernels as the 2-D ones with a real depth axis.
/// </summary>
public static partial class F
{
    /// <summary>torch.nn.functional.max_pool3d over (C, D, H, W) or (N, C, D, H, W); <paramref name="stride"/> defaults to the kernel.</summary>
    /// <exception cref="ArgumentException">Bad sizes or arguments, with libtorch's messages.</exception>
    public static Tensor MaxPool3d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(kernelSize);
        return MaxPool3dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).Output;
    }

    /// <summary>
    /// torch.nn.functional.max_pool3d(return_indices=True): values and int64 indices into each flattened (D, H, W) plane, with
    /// max_pool2d's first-maximum and last-NaN rules.
    /// </summary>
    /// <exception cref="ArgumentException">Bad sizes or arguments, with libtorch's messages.</exception>
    public static (Tensor Output, Tensor Indices) MaxPool3dWithIndices(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null,
        int[]? dilation = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(kernelSize);
        var k = Triple(kernelSize, "max_pool3d: kernel_size must either be a single int, or a tuple of three ints");
        var s = stride is null || stride.Length == 0 ? k : Triple(stride, "max_pool3d: stride must either be omitted, a single int, or a tuple of three ints");
        var p = Triple(padding ?? [0], "max_pool3d: padding must either be a single int, or a tuple of three ints");
        var d = Triple(dilation ?? [1], "max_pool3d: dilation must be either a single int, or a tuple of three ints");
        Errors.Check(input.Dim is 4 or 5, "non-empty 4D or 5D (batch mode) tensor expected for input");
        var plan = WindowPlan3d(input, k, s, p, d, ceilMode, false, "max_pool3d_with_indices_out_cpu()", AxisWindows.Max);
        CheckDType(input, "max_pool3d", t => t != DType.Bool);
        return WindowMax(input, plan, "MaxPool3DWithIndicesBackward0", "MaxPool3DWithIndicesBackwardBackward0", 3);
    }

    /// <summary>
    /// torch.nn.functional.avg_pool3d: window sums divided by the padded window size (clipped at the right padding), the real
    /// element count (<paramref name="countIncludePad"/> false) or <paramref name="divisorOverride"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Bad sizes or arguments, with libtorch's messages.</exception>
    public static Tensor AvgPool3d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(kernelSize);
        var k = Triple(kernelSize, "avg_pool3d: kernel_size must be a single int, or a tuple of three ints");
        var s = stride is null || stride.Length == 0 ? k : Triple(stride, "avg_pool3d: stride must be omitted, a single int, or a tuple of three ints");
        var p = Triple(padding ?? [0], "avg_pool3d: padding must be a single int, or a tuple of three ints");
        Errors.Check(input.Dim is 4 or 5, "non-empty 4D or 5D (batch mode) tensor expected for input");
        Errors.Check(divisorOverride != 0, "divisor must be not zero");
        var plan = WindowPlan3d(input, k, s, p, [1, 1, 1], ceilMode, true, "avg_pool3d()", (n, o, kk, ss, pp, _) => AxisWindows.Avg(n, o, kk, ss, pp));
        CheckDType(input, "avg_pool3d_out_frame", t => t is DType.Float32 or DType.Float64 or DType.Int64);
        plan = plan with { Divisors = [AvgDivisors(plan, countIncludePad, divisorOverride)] };
        return WindowAvg(input, plan, "AvgPool3DBackward0", "AvgPool3DBackwardBackward0");
    }

    /// <summary>
    /// torch.nn.functional.adaptive_avg_pool3d: output cell i averages input [floor(i*in/out), ceil((i+1)*in/out)) on each axis;
    /// a null entry keeps that input size. A (1, 1, 1) output is computed as a mean, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException">Bad sizes, with libtorch's messages.</exception>
    public static Tensor AdaptiveAvgPool3d(Tensor input, int?[] outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputSize);
        var size = ResolveOutputSize(input, outputSize);
        Errors.Check(size.Length == 3, "adaptive_avg_pool3d: output_size must be 3");
        Errors.Check(size.All(v => v >= 0),
            $"adaptive_avg_pool3d: elements of output_size must be greater than or equal to 0 but received {{{size[0]}, {size[1]}, {size[2]}}}");
        if (size.All(v => v == 1) && input.Dim >= 3) return input.Mean([-1, -2, -3], keepdim: true);
        for (int d = 1; d < input.Dim; d++)
            Errors.Check(input.Size(d) > 0,
                $"adaptive_avg_pool3d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes {Errors.Shape(input.Sizes)} with dimension {d} being empty");
        Errors.Check(input.Dim is 4 or 5, $"adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got {Errors.Shape(input.Sizes)}");
        CheckDType(input, "adaptive_avg_pool3d_cpu", t => t.IsFloatingPoint());
        var plan = AdaptivePlan3d(input, size);
        plan = plan with { Divisors = AdaptiveDivisors(plan) };
        return WindowAvg(input, plan, "AdaptiveAvgPool3DBackward0", "AdaptiveAvgPool3DBackwardBackward0");
    }

    /// <summary>torch.nn.functional.adaptive_max_pool3d; a null entry keeps that input size.</summary>
    /// <exception cref="ArgumentException">Bad sizes, with libtorch's messages.</exception>
    public static Tensor AdaptiveMaxPool3d(Tensor input, int?[] outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputSize);
        return AdaptiveMaxPool3dWithIndices(input, outputSize).Output;
    }

    /// <summary>torch.nn.functional.adaptive_max_pool3d(return_indices=True): indices into each flattened (D, H, W) plane.</summary>
    /// <exception cref="ArgumentException">Bad sizes, with libtorch's messages.</exception>
    public static (Tensor Output, Tensor Indices) AdaptiveMaxPool3dWithIndices(Tensor input, int?[] outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputSize);
        var size = ResolveOutputSize(input, outputSize);
        Errors.Check(input.Dim is 4 or 5, $"adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: {Errors.Shape(input.Sizes)}");
        CheckNonBatchDimsNonEmpty("adaptive_max_pool3d", input);
        Errors.Check(size.Length == 3, "adaptive_max_pool3d(): internal error: output_size.size() must be 3");
        CheckDType(input, "adaptive_max_pool3d_cpu", t => t.IsFloatingPoint());
        return WindowMax(input, AdaptivePlan3d(input, size), "AdaptiveMaxPool3DBackward0", "AdaptiveMaxPool3DBackwardBackward0", 3);
    }

    /// <summary>
    /// torch.nn.functional.max_unpool1d: max_unpool2d on a width-1 view, as PyTorch routes it. The output length defaults to
    /// <c>(in - 1) * stride + kernel - 2 * padding</c>; an explicit one (1 entry, or 3 with N and C) must lie within a stride of it.
    /// </summary>
    /// <exception cref="ArgumentException">Bad sizes or indices, with libtorch's messages.</exception>
    public static Tensor MaxUnpool1d(Tensor input, Tensor indices, int kernelSize, int? stride = null, int padding = 0, int[]? outputSize = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(indices);
        int s = stride ?? kernelSize;
        var size = UnpoolOutputSize(input, [kernelSize], [s], [padding], outputSize);
        var x = input.Unsqueeze(-1);
        var i = indices.Unsqueeze(-1);
        CheckUnpoolInputs(x, i);
        return Unpool(x, i, [size[0], 1], "MaxUnpool2DBackward0").Squeeze(-1);
    }

    /// <summary>
    /// torch.nn.functional.max_unpool3d: a zero (D, H, W) volume per plane with <c>out[plane][indices[i]] = input[i]</c>; the output
    /// size defaults to <c>(in - 1) * stride + kernel - 2 * padding</c> per axis.
    /// </summary>
    /// <exception cref="ArgumentException">Bad sizes or indices, with libtorch's messages.</exception>
    public static Tensor MaxUnpool3d(Tensor input, Tensor indices, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? outputSize = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(kernelSize);
        var k = Triple(kernelSize, "max_unpool3d: kernel_size must either be a single int, or a tuple of three ints");
        var s = stride is null ? k : Triple(stride, "max_unpool3d: stride must either be omitted, a single int, or a tuple of three ints");
        var p = Triple(padding ?? [0], "max_unpool3d: padding must either be a single int, or a tuple of three ints");
        var size = UnpoolOutputSize(input, k, s, p, outputSize);
        Errors.Check(indices.DType == DType.Int64, $"elements in indices should be type int64 but got: {indices.DType.ScalarTypeName()}");
        Errors.Check(input.Dim is 4 or 5, $"Input to max_unpooling3d should be a 4d or 5d Tensor, but got a tensor with {input.Dim} dimensions.");
        Errors.Check(input.Sizes.SequenceEqual(indices.Sizes),
            $"Expected shape of indices to be same as that of the input tensor ({Errors.Shape(input.Sizes)}) but got indices tensor with shape: {Errors.Shape(indices.Sizes)}");
        for (int i = 1; i < input.Dim; i++)
            Errors.Check(input.Size(i) > 0,
                $"max_unpooling3d_forward_out_cpu(): Expected input to have non-zero size for non-batch dimensions, but got {Errors.Shape(input.Sizes)} with dimension {i} being empty.");
        CheckDType(input, "max_unpool3d", t => t.IsFloatingPoint());
        return Unpool(input, indices, size, "MaxUnpool3DBackward0");
    }

    /// <summary>
    /// torch.nn.functional.lp_pool1d: (Σ x^p over each window)^(1/p), computed as PyTorch does from avg_pool1d of x^p
    /// (so windows whose power-sum is negative, possible for odd p, give 0 through the relu).
    /// </summary>
    /// <exception cref="ArgumentException">Bad sizes or arguments, from avg_pool1d.</exception>
    public static Tensor LpPool1d(Tensor input, double normType, int kernelSize, int? stride = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        var y = AvgPool1d(input.Pow(normType), kernelSize, stride, 0, ceilMode);
        return (y.Sign() * y.Abs().Relu()).Mul(kernelSize).Pow(1.0 / normType);
    }

    /// <summary>torch.nn.functional.lp_pool2d: (Σ x^p over each window)^(1/p) from avg_pool2d of x^p, as PyTorch computes it.</summary>
    /// <exception cref="ArgumentException">Bad sizes or arguments, from avg_pool2d.</exception>
    public static Tensor LpPool2d(Tensor input, double normType, int[] kernelSize, int[]? stride = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(kernelSize);
        var k = Pair(kernelSize, "lp_pool2d: kernel_size must either be a single int, or a tuple of two ints");
        var y = AvgPool2d(input.Pow(normType), kernelSize, stride, [0], ceilMode);
        return (y.Sign() * y.Abs().Relu()).Mul(k[0] * k[1]).Pow(1.0 / normType);
    }

    // ---- 3-d geometry --------------------------------------------------------------------------------------------

    /// <summary>Expands a one- or three-element (D, H, W) argument.</summary>
    private static int[] Triple(int[] values, string message)
    {
        Errors.Check(values.Length is 1 or 3, message);
        return values.Length == 1 ? [values[0], values[0], values[0]] : values;
    }

    /// <summary>The output sizes (pooling_output_shape per axis) and pool3d_shape_check, in libtorch's order.</summary>
    private static PoolPlan WindowPlan3d(Tensor input, int[] k, int[] s, int[] p, int[] d, bool ceilMode, bool checkInputSize, string fn,
        Func<int, int, int, int, int, int, AxisWindows> windows)
    {
        var inSize = new[] { input.Size(-3), input.Size(-2), input.Size(-1) };
        var outSize = new int[3];
        for (int i = 0; i < 3; i++) outSize[i] = PoolingOutputSize(inSize[i], k[i], p[i], s[i], d[i], ceilMode);
        Errors.Check(k.All(v => v > 0), $"kernel size should be greater than zero, but got kT: {k[0]} kH: {k[1]} kW: {k[2]}");
        Errors.Check(s.All(v => v > 0), $"stride should be greater than zero, but got dT: {s[0]} dH: {s[1]} dW: {s[2]}");
        Errors.Check(d.All(v => v > 0), $"dilation should be greater than zero, but got dilationT: {d[0]} dilationH: {d[1]} dilationW: {d[2]}");
        for (int i = input.Dim == 5 ? 1 : 0; i < input.Dim; i++)
            Errors.Check(input.Size(i) > 0,
                $"{fn}: Expected input's non-batch dimensions to have positive length, but input has a shape of {Errors.Shape(input.Sizes)} and non-batch dimension {input.Size(i)} has length zero!");
        if (checkInputSize)
            Errors.Check(inSize[0] >= k[0] && inSize[1] >= k[1] && inSize[2] >= k[2],
                $"input image (T: {inSize[0]} H: {inSize[1]} W: {inSize[2]}) smaller than kernel size (kT: {k[0]} kH: {k[1]} kW: {k[2]})");
        Errors.Check(k[0] / 2 >= p[0] && k[2] / 2 >= p[2] && k[1] / 2 >= p[1],
            $"pad should be smaller than or equal to half of kernel size, but got kT: {k[0]} kW: {k[2]} kH: {k[1]} padT: {p[0]} padW: {p[2]} padH: {p[1]}");
        int slices = input.Size(-4);
        Errors.Check(outSize.All(v => v >= 1),
            $"Given input size: ({slices}x{inSize[0]}x{inSize[1]}x{inSize[2]}). Calculated output size: ({slices}x{outSize[0]}x{outSize[1]}x{outSize[2]}). Output size is too small");
        return new PoolPlan(windows(inSize[0], outSize[0], k[0], s[0], p[0], d[0]), windows(inSize[1], outSize[1], k[1], s[1], p[1], d[1]),
            windows(inSize[2], outSize[2], k[2], s[2], p[2], d[2]));
    }

    private static PoolPlan AdaptivePlan3d(Tensor input, int[] size)
    {
        var shape = input.Shape;
        for (int i = 0; i < 3; i++) shape[shape.Length - 3 + i] = size[i];
        Tensor.CheckSizes(shape);
        return new PoolPlan(AxisWindows.Adaptive(input.Size(-3), size[0]), AxisWindows.Adaptive(input.Size(-2), size[1]),
            AxisWindows.Adaptive(input.Size(-1), size[2]));
    }
}
