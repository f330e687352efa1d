using Nabla.Core;
using Nabla.Kernels;

namespace Nabla.NN;

/// <summary>
/// Pooling (torch.nn.functional.max_pool*, avg_pool*, adaptive_*_pool*, max_unpool2d). Every op runs on the 2-D window
/// kernel over the last two dims; the 1-D ops insert a height-1 dim exactly as PyTorch does, so they share its checks,
/// values and autograd nodes.
/// </summary>
public static partial class F
{
    // ---- max pooling -----------------------------------------------------------------------------------------

    /// <summary>torch.nn.functional.max_pool2d over (C, H, W) or (N, C, H, W); <paramref name="stride"/> defaults to the kernel.</summary>
    public static Tensor MaxPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        return MaxPool2dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).Output;
    }

    /// <summary>torch.nn.functional.max_pool2d with per-axis (H, W) arguments; each list has one or two entries.</summary>
    public static Tensor MaxPool2d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(kernelSize);
        return MaxPool2dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).Output;
    }

    /// <summary>
    /// torch.nn.functional.max_pool2d(return_indices=True): values and int64 indices into each flattened input plane.
    /// Ties go to the first maximum in window scan order; a NaN replaces the current best (so the last NaN wins).
    /// </summary>
    public static (Tensor Output, Tensor Indices) MaxPool2dWithIndices(Tensor input, int kernelSize, int? stride = null, int padding = 0,
        int dilation = 1, bool ceilMode = false) =>
        MaxPool2dWithIndices(input, [kernelSize], stride is { } s ? [s] : null, [padding], [dilation], ceilMode);

    /// <inheritdoc cref="MaxPool2dWithIndices(Tensor, int, int?, int, int, bool)"/>
    public static (Tensor Output, Tensor Indices) MaxPool2dWithIndices(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null,
        int[]? dilation = null, bool ceilMode = false)
    {
        var k = Pair(kernelSize, "max_pool2d: kernel_size must either be a single int, or a tuple of two ints");
        var s = stride is null || stride.Length == 0 ? k : Pair(stride, "max_pool2d: stride must either be omitted, a single int, or a tuple of two ints");
        var p = Pair(padding ?? [0], "max_pool2d: padding must either be a single int, or a tuple of two ints");
        var d = Pair(dilation ?? [1], "max_pool2d: dilation must be either a single int, or a tuple of two ints");
        Errors.Check(input.Dim is 3 or 4, "non-empty 3D or 4D (batch mode) tensor expected for input");
        var plan = WindowPlan(input, k, s, p, d, ceilMode, AxisWindows.Max);
        CheckDType(input, IsChannelsLastStrides2d(input) ? "max_pool2d_channels_last" : "max_pool2d", t => t != DType.Bool);
        return WindowMax(input, plan, Derivatives.MaxPool2DWithIndicesBackward0, Derivatives.MaxPool2DWithIndicesBackwardBackward0);
    }

    /// <summary>torch.nn.functional.max_pool1d over (C, L) or (N, C, L), with max_pool1d's own argument checks.</summary>
    public static Tensor MaxPool1d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckMaxPool1d(input, kernelSize, stride ?? kernelSize, padding, dilation, ceilMode);
        return MaxPool1dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).Output;
    }

    /// <summary>torch.nn.functional.max_pool1d(return_indices=True): max_pool2d on a height-1 view.</summary>
    public static (Tensor Output, Tensor Indices) MaxPool1dWithIndices(Tensor input, int kernelSize, int? stride = null, int padding = 0,
        int dilation = 1, bool ceilMode = false)
    {
        CheckDimRange("max_pool1d", input, 2, 4);
        var (y, indices) = MaxPool2dWithIndices(input.Unsqueeze(-2), [1, kernelSize], [1, stride ?? kernelSize], [0, padding], [1, dilation], ceilMode);
        return (y.Squeeze(-2), indices.Squeeze(-2));
    }

    /// <summary>max_pool1d's checks (MaxPooling.cpp / MaxPooling.h), which run before either of its implementations.</summary>
    private static void CheckMaxPool1d(Tensor input, int k, int s, int p, int d, bool ceilMode)
    {
        Errors.Check((input.Dim == 2 && input.Size(0) != 0 && input.Size(1) != 0) || (input.Dim == 3 && input.Size(1) != 0 && input.Size(2) != 0),
            $"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:{Errors.Shape(input.Sizes)}");
        Errors.Check(k > 0, $"max_pool1d() kernel_size must be greater than zero, but got {k}");
        Errors.Check(s > 0, $"max_pool1d() stride must be greater than zero, but got {s}");
        Errors.Check(p >= 0, $"max_pool1d() padding must be non-negative, but got {p}");
        Errors.Check(p <= k / 2, $"max_pool1d() padding should be at most half of kernel size, but got padding={p} and kernel_size={k}");
        Errors.Check(d > 0, $"max_pool1d() dilation must be greater than zero, but got {d}");
        int outputWidth = PoolingOutputSize(input.Size(-1), k, p, s, d, ceilMode);
        Errors.Check(outputWidth > 0, $"max_pool1d() Invalid computed output size: {outputWidth}");
    }

    /// <summary>Runs the max kernel and records a backward that scatters each gradient to its recorded index.</summary>
    private static (Tensor Output, Tensor Indices) WindowMax(Tensor input, PoolPlan plan, string node, string backwardNode, int spatial = 2)
    {
        var shape = PooledShape(input, plan);
        var y = Tensor.AllocateForOutput(shape, input.DType); // the kernel writes every element
        var indices = Tensor.AllocateForOutput(shape, DType.Int64);
        Pool.Max(Dense(input), plan, y, indices);
        var inputShape = input.Shape;
        Graph.Record(y, node, [input], (inputShape, backwardNode, spatial),
            node == Derivatives.AdaptiveMaxPool2DBackward0 ? Derivatives.AdaptiveMaxPoolScatterAddPlanes : Derivatives.ScatterAddPlanes, indices);
        return (y, indices);
    }

    /// <summary>
    /// The adaptive pools' backward kernels refuse an empty grad_output plane (an output_size of 0), as PyTorch's do;
    /// the forward accepts it.
    /// </summary>
    internal static void CheckAdaptiveGradOutput(Tensor grad, string forwardNode)
    {
        string? op = forwardNode switch
        {
            "AdaptiveAvgPool2DBackward0" => "adaptive_avg_pool2d_backward",
            "AdaptiveMaxPool2DBackward0" => "adaptive_max_pool2d_backward",
            _ => null,
        };
        if (op is null) return;
        for (int d = 1; d < grad.Dim; d++)
            Errors.Check(grad.Size(d) > 0,
                $"{op}(): Expected grad_output to have non-zero size for non-batch dimensions, but grad_output has sizes {Errors.Shape(grad.Sizes)} with dimension {d} being empty");
    }

    // ---- max unpooling ---------------------------------------------------------------------------------------

    /// <summary>torch.nn.functional.max_unpool2d with square arguments.</summary>
    public static Tensor MaxUnpool2d(Tensor input, Tensor indices, int kernelSize, int? stride = null, int padding = 0, int[]? outputSize = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(indices);
        return MaxUnpool2d(input, indices, [kernelSize], stride is { } s ? [s] : null, [padding], outputSize);
    }

    /// <summary>
    /// torch.nn.functional.max_unpool2d: a zero tensor with <c>out[plane][indices[i]] = input[i]</c>. The output size defaults to
    /// <c>(in - 1) * stride + kernel - 2 * padding</c>; an explicit one (2 entries, or 4 with N and C) must lie within a stride of it.
    /// </summary>
    public static Tensor MaxUnpool2d(Tensor input, Tensor indices, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? outputSize = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(kernelSize);
        var k = Pair(kernelSize, "max_unpool2d: kernel_size must either be a single int, or a tuple of two ints");
        var s = stride is null ? k : Pair(stride, "max_unpool2d: stride must either be omitted, a single int, or a tuple of two ints");
        var p = Pair(padding ?? [0], "max_unpool2d: padding must either be a single int, or a tuple of two ints");
        var size = UnpoolOutputSize(input, k, s, p, outputSize);
        CheckUnpoolInputs(input, indices);
        return Unpool(input, indices, size, "MaxUnpool2DBackward0");
    }

    /// <summary>A zero tensor of the input's shape with the last dims resized to <paramref name="size"/>, each plane scattered at its indices.</summary>
    private static Tensor Unpool(Tensor input, Tensor indices, int[] size, string node)
    {
        int spatial = size.Length;
        var shape = input.Shape;
        for (int i = 0; i < spatial; i++) shape[shape.Length - spatial + i] = size[i];
        var y = Tensor.Zeros(Tensor.CheckSizes(shape), input.DType);
        // an empty output is returned before any index is looked at
        var invalid = y.Numel == 0 ? null
            : Pool.Scatter<Assign>(Dense(input), Dense(indices), y, PlaneSize(input.Shape, spatial), Layout.NumelOf(size));
        if (invalid is { } v)
            throw Errors.Runtime($"Found an invalid max index: {v} (output volumes are of size {string.Join("x", size)})");
        return Graph.Record(y, node, [input], spatial, Derivatives.GatherPlanes, indices);
    }

    /// <summary>torch.nn.functional._unpool_output_size (Python-level, raises ValueError).</summary>
    private static int[] UnpoolOutputSize(Tensor input, int[] k, int[] s, int[] p, int[]? outputSize)
    {
        int n = k.Length;
        var defaults = new int[n];
        for (int d = 0; d < n; d++) defaults[d] = (input.Size(d - n) - 1) * s[d] + k[d] - 2 * p[d];
        if (outputSize is null) return defaults;
        var size = outputSize.Length == n + 2 ? outputSize[2..] : outputSize;
        if (size.Length != n)
            throw Errors.Runtime($"output_size should be a sequence containing {n} or {n + 2} elements, but it has a length of '{size.Length}'");
        for (int d = 0; d < n; d++)
        {
            int min = defaults[d] - s[d], max = defaults[d] + s[d];
            if (!(min < size[d] && size[d] < max))
                throw Errors.Runtime($"invalid output_size \"{Errors.Shape(size)}\" (dim {d} must be between {min} and {max})");
        }
        return size;
    }

    private static void CheckUnpoolInputs(Tensor input, Tensor indices)
    {
        Errors.Check(indices.DType == DType.Int64, $"elements in indices should be type int64 but got: {indices.DType.ScalarTypeName()}");
        Errors.Check(input.Dim is 3 or 4, $"Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with {input.Dim} dimensions.");
        Errors.Check(input.Sizes.SequenceEqual(indices.Sizes),
            $"Expected shape of indices to be same as that of the input tensor ({Errors.Shape(input.Sizes)}) but got indices tensor with shape: {Errors.Shape(indices.Sizes)}");
        for (int i = 1; i < input.Dim; i++)
            Errors.Check(input.Size(i) > 0,
                $"max_unpooling2d_forward_out_cpu(): Expected input to have non-zero size for non-batch dimensions, but got {Errors.Shape(input.Sizes)} with dimension {i} being empty.");
        CheckDType(input, "max_unpool2d", t => t.IsFloatingPoint());
    }

    // ---- average pooling -------------------------------------------------------------------------------------

    /// <summary>torch.nn.functional.avg_pool2d with square arguments.</summary>
    public static Tensor AvgPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        return AvgPool2d(input, [kernelSize], stride is { } s ? [s] : null, [padding], ceilMode, countIncludePad, divisorOverride);
    }

    /// <summary>
    /// torch.nn.functional.avg_pool2d: window sums divided by the padded window size (clipped at the right padding),
    /// the real element count (<paramref name="countIncludePad"/> false) or <paramref name="divisorOverride"/>.
    /// Float and Int64 inputs (Int64 divides with truncation), as PyTorch's CPU kernel.
    /// </summary>
    public static Tensor AvgPool2d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(kernelSize);
        var k = Pair(kernelSize, "avg_pool2d: kernel_size must either be a single int, or a tuple of two ints");
        var s = stride is null || stride.Length == 0 ? k : Pair(stride, "avg_pool2d: stride must either be omitted, a single int, or a tuple of two ints");
        var p = Pair(padding ?? [0], "avg_pool2d: padding must either be a single int, or a tuple of two ints");
        Errors.Check(divisorOverride != 0, "divisor must be not zero");
        var plan = WindowPlan(input, k, s, p, [1, 1], ceilMode, (n, o, kk, ss, pp, _) => AxisWindows.Avg(n, o, kk, ss, pp));
        CheckDType(input, IsChannelsLastStrides2d(input) ? "avg_pool2d_channels_last" : "avg_pool2d", t => t is DType.Float32 or DType.Float64 or DType.Int64);
        plan = plan with { Divisors = [AvgDivisors(plan, countIncludePad, divisorOverride)] };
        return WindowAvg(input, plan, Derivatives.AvgPool2DBackward0, Derivatives.AvgPool2DBackwardBackward0);
    }

    /// <summary>torch.nn.functional.avg_pool1d over (C, L) or (N, C, L): avg_pool2d on a height-1 view.</summary>
    public static Tensor AvgPool1d(Tensor input, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDimRange("avg_pool1d", input, 2, 4);
        return AvgPool2d(input.Unsqueeze(-2), [1, kernelSize], [1, stride ?? kernelSize], [0, padding], ceilMode, countIncludePad).Squeeze(-2);
    }

    /// <summary>The average kernel as a differentiable op; its backward is the adjoint kernel, whose backward is this op again.</summary>
    private static Tensor WindowAvg(Tensor input, PoolPlan plan, string node, string backwardNode)
    {
        var y = Tensor.Allocate(PooledShape(input, plan), input.DType);
        Pool.Avg(Dense(input), plan, y);
        var inputShape = input.Shape;
        return Graph.Record(y, node, [input], new Derivatives.WindowAvgArgs(plan, inputShape, node, backwardNode),
            static (g, _, _, a) => [WindowAvgBackward(g, a.Plan, a.InputShape, a.BackwardNode, a.Node)]);
    }

    private static Tensor WindowAvgBackward(Tensor grad, PoolPlan plan, int[] inputShape, string node, string forwardNode)
    {
        CheckAdaptiveGradOutput(grad, forwardNode);
        // the kernel clears each plane it writes; with no output cells it writes none
        var gradInput = plan.OutPlane > 0 ? Tensor.AllocateForOutput(inputShape, grad.DType) : Tensor.Zeros(inputShape, grad.DType);
        Pool.AvgBackward(Dense(grad), plan, gradInput);
        return Graph.Record(gradInput, node, [grad], (plan, forwardNode, node), static (gg, _, _, a) => [WindowAvg(gg, a.plan, a.forwardNode, a.node)]);
    }

    // ---- adaptive pooling ------------------------------------------------------------------------------------

    /// <summary>torch.nn.functional.adaptive_avg_pool2d to a square output.</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        return AdaptiveAvgPool2d(input, [outputSize, outputSize]);
    }

    /// <summary>
    /// torch.nn.functional.adaptive_avg_pool2d: output cell i averages input [floor(i*in/out), ceil((i+1)*in/out)) on each axis;
    /// a null entry keeps that input size. A (1, 1) output is computed as a mean, as in PyTorch.
    /// </summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, int?[] outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputSize);
        var size = ResolveOutputSize(input, outputSize);
        Errors.Check(size.Length == 2, "adaptive_avg_pool2d: output_size must be 2");
        Errors.Check(size[0] >= 0 && size[1] >= 0,
            $"adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {{{size[0]}, {size[1]}}}");
        if (size[0] == 1 && size[1] == 1) return input.Mean([-1, -2], keepdim: true);
        Errors.Check(input.Dim is 3 or 4, $"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {Errors.Shape(input.Sizes)}");
        for (int d = input.Dim - 2; d < input.Dim; d++)
            Errors.Check(input.Size(d) > 0,
                $"adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes {Errors.Shape(input.Sizes)} with dimension {d} being empty");
        CheckDType(input, IsChannelsLastStrides2d(input) ? "adaptive_avg_pool2d_channels_last" : "adaptive_avg_pool2d", t => t.IsFloatingPoint());
        if (EmptyAdaptiveOutput(input, size) is { } empty)
            return Graph.Record(empty, Derivatives.AdaptiveAvgPool2DBackward0, [input], static (g, s, _) => EmptyAdaptiveBackward(g, s[0], Derivatives.AdaptiveAvgPool2DBackward0), input);
        var plan = AdaptivePlan(input, size);
        plan = plan with { Divisors = AdaptiveDivisors(plan) };
        return WindowAvg(input, plan, Derivatives.AdaptiveAvgPool2DBackward0, Derivatives.AdaptiveAvgPool2DBackwardBackward0);
    }

    /// <summary>torch.nn.functional.adaptive_avg_pool1d: adaptive_avg_pool2d to (1, out) on a height-1 view.</summary>
    public static Tensor AdaptiveAvgPool1d(Tensor input, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDimRange("adaptive_avg_pool1d", input, 2, 4);
        return AdaptiveAvgPool2d(input.Unsqueeze(-2), [1, outputSize]).Squeeze(-2);
    }

    /// <summary>torch.nn.functional.adaptive_max_pool2d to a square output.</summary>
    public static Tensor AdaptiveMaxPool2d(Tensor input, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        return AdaptiveMaxPool2dWithIndices(input, [outputSize, outputSize]).Output;
    }

    /// <summary>torch.nn.functional.adaptive_max_pool2d; a null entry keeps that input size.</summary>
    public static Tensor AdaptiveMaxPool2d(Tensor input, int?[] outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputSize);
        return AdaptiveMaxPool2dWithIndices(input, outputSize).Output;
    }

    /// <summary>torch.nn.functional.adaptive_max_pool2d(return_indices=True) with a square output size.</summary>
    public static (Tensor Output, Tensor Indices) AdaptiveMaxPool2dWithIndices(Tensor input, int outputSize) =>
        AdaptiveMaxPool2dWithIndices(input, [outputSize, outputSize]);

    /// <summary>
    /// torch.nn.functional.adaptive_max_pool2d(return_indices=True): the adaptive windows with max pooling's first-maximum and
    /// last-NaN rules; indices index each flattened input plane.
    /// </summary>
    public static (Tensor Output, Tensor Indices) AdaptiveMaxPool2dWithIndices(Tensor input, int?[] outputSize)
    {
        var size = ResolveOutputSize(input, outputSize);
        Errors.Check(input.Dim is 3 or 4, $"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: {Errors.Shape(input.Sizes)}");
        CheckNonBatchDimsNonEmpty("adaptive_max_pool2d", input);
        Errors.Check(size.Length == 2, "adaptive_max_pool2d(): internal error: output_size.size() must be 2");
        // The CPU kernel dispatches under its channels-last name when a batched input's strides are channels-last.
        CheckDType(input, IsChannelsLastStrides2d(input) ? "adaptive_max_pool2d_channels_last" : "adaptive_max_pool2d", t => t.IsFloatingPoint());
        if (EmptyAdaptiveOutput(input, size) is { } empty)
            return (Graph.Record(empty, Derivatives.AdaptiveMaxPool2DBackward0, [input], static (g, s, _) => EmptyAdaptiveBackward(g, s[0], Derivatives.AdaptiveMaxPool2DBackward0), input),
                Tensor.Zeros(empty.Shape, DType.Int64));
        return WindowMax(input, AdaptivePlan(input, size), Derivatives.AdaptiveMaxPool2DBackward0, Derivatives.AdaptiveMaxPool2DBackwardBackward0);
    }

    /// <summary>torch.nn.functional.adaptive_max_pool1d.</summary>
    public static Tensor AdaptiveMaxPool1d(Tensor input, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        return AdaptiveMaxPool1dWithIndices(input, outputSize).Output;
    }

    /// <summary>torch.nn.functional.adaptive_max_pool1d(return_indices=True): adaptive_max_pool2d on a height-1 view.</summary>
    public static (Tensor Output, Tensor Indices) AdaptiveMaxPool1dWithIndices(Tensor input, int outputSize)
    {
        CheckDimRange("adaptive_max_pool1d", input, 2, 4);
        CheckNonBatchDimsNonEmpty("adaptive_max_pool1d", input);
        var (y, indices) = AdaptiveMaxPool2dWithIndices(input.Unsqueeze(-2), [1, outputSize]);
        return (y.Squeeze(-2), indices.Squeeze(-2));
    }

    /// <summary>The backward of an empty adaptive output: refuses an empty grad_output plane, as the kernels do; else zeros.</summary>
    private static Tensor?[] EmptyAdaptiveBackward(Tensor grad, Tensor input, string node)
    {
        CheckAdaptiveGradOutput(grad, node); // an empty output plane is refused, as the kernels refuse it
        return [Tensor.ZerosLike(input)];
    }

    /// <summary>
    /// The (empty) output when the batch is empty: no window is computed, so output sizes far past what the window
    /// tables could hold (int.MaxValue per axis) still give PyTorch's empty result. Null when there is work to do.
    /// </summary>
    private static Tensor? EmptyAdaptiveOutput(Tensor input, int[] size)
    {
        var shape = input.Shape;
        shape[^2] = size[0];
        shape[^1] = size[1];
        Tensor.CheckSizes(shape);
        return shape.Contains(0) ? Tensor.Zeros(shape, input.DType) : null;
    }

    private static PoolPlan AdaptivePlan(Tensor input, int[] size)
    {
        var shape = input.Shape;
        shape[^2] = size[0];
        shape[^1] = size[1];
        Tensor.CheckSizes(shape);
        Layout.CheckStorageSize(shape, input.DType); // before the per-cell window tables are built
        return new PoolPlan(AxisWindows.Adaptive(input.Size(-2), size[0]), AxisWindows.Adaptive(input.Size(-1), size[1]));
    }

    /// <summary>torch.nn.functional._list_with_default: null entries take the matching trailing input size.</summary>
    private static int[] ResolveOutputSize(Tensor input, int?[] outputSize)
    {
        if (outputSize.All(v => v is not null)) return outputSize.Select(v => v!.Value).ToArray();
        if (input.Dim <= outputSize.Length)
            throw Errors.Runtime($"Input dimension should be at least {outputSize.Length + 1}");
        int lead = input.Dim - outputSize.Length;
        return outputSize.Select((v, i) => v ?? input.Size(lead + i)).ToArray();
    }

    private static void CheckNonBatchDimsNonEmpty(string op, Tensor input)
    {
        for (int d = 1; d < input.Dim; d++)
            Errors.Check(input.Size(d) > 0,
                $"{op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes {Errors.Shape(input.Sizes)} with dimension {d} being empty");
    }

    // ---- shared geometry and checks --------------------------------------------------------------------------

    /// <summary>
    /// The output size and checks of max_pool2d / avg_pool2d's meta functions, in their order: pooling_output_shape for H then W,
    /// then pool2d_shape_check. <paramref name="windows"/> builds each axis's table.
    /// </summary>
    private static PoolPlan WindowPlan(Tensor input, int[] k, int[] s, int[] p, int[] d, bool ceilMode,
        Func<int, int, int, int, int, int, AxisWindows> windows)
    {
        int channels = input.Size(-3), height = input.Size(-2), width = input.Size(-1);
        int outH = PoolingOutputSize(height, k[0], p[0], s[0], d[0], ceilMode);
        int outW = PoolingOutputSize(width, k[1], p[1], s[1], d[1], ceilMode);
        Errors.Check(k[1] > 0 && k[0] > 0, $"kernel size should be greater than zero, but got kH: {k[0]} kW: {k[1]}");
        Errors.Check(s[1] > 0 && s[0] > 0, $"stride should be greater than zero, but got dH: {s[0]} dW: {s[1]}");
        Errors.Check(d[0] > 0 && d[1] > 0, $"dilation should be greater than zero, but got dilationH: {d[0]} dilationW: {d[1]}");
        bool validDims = input.Size(1) != 0 && input.Size(2) != 0;
        Errors.Check((input.Dim == 3 && input.Size(0) != 0 && validDims) || (input.Dim == 4 && validDims && input.Size(3) != 0),
            $"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:{Errors.Shape(input.Sizes)}");
        // libtorch 2.10 compares the padding with half the kernel size, ignoring dilation
        Errors.Check(k[1] / 2 >= p[1] && k[0] / 2 >= p[0],
            $"pad should be smaller than or equal to half of kernel size, but got padW = {p[1]}, padH = {p[0]}, kW = {k[1]}, kH = {k[0]}");
        Errors.Check(outW >= 1 && outH >= 1,
            $"Given input size: ({channels}x{height}x{width}). Calculated output size: ({channels}x{outH}x{outW}). Output size is too small");
        return new PoolPlan(windows(height, outH, k[0], s[0], p[0], d[0]), windows(width, outW, k[1], s[1], p[1], d[1]));
    }

    /// <summary>pooling_output_shape: floor (or ceil) division, and in ceil mode the last window must start inside the input or left padding.</summary>
    private static int PoolingOutputSize(int input, int kernel, int pad, int stride, int dilation, bool ceilMode)
    {
        Errors.Check(stride != 0, "stride should not be zero");
        Errors.Check(pad >= 0, $"pad must be non-negative, but got pad: {pad}");
        Errors.Check(pad <= ((kernel - 1) * dilation + 1) / 2,
            $"pad should be at most half of effective kernel size, but got pad={pad}, kernel_size={kernel} and dilation={dilation}");
        long numerator = (long)input + 2L * pad - (long)dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long size = (long)Math.Floor((double)numerator / stride) + 1;
        if (ceilMode && (size - 1) * stride >= input + pad) size--;
        return (int)size;
    }

    /// <summary>checkDimRange from ATen's TensorUtils, for argument #1 'self'.</summary>
    private static void CheckDimRange(string op, Tensor input, int start, int end) =>
        Errors.Check(input.Dim >= start && input.Dim < end,
            $"Expected {start} to {end - 1} dimensions, but got {input.Dim}-dimensional tensor for argument #1 'self' (while checking arguments for {op})");

    /// <summary>
    /// c10's is_channels_last_strides_2d on a 4-d tensor (suggest_memory_format): strides ascending over C, W, H, N (size-1
    /// dims not scaling), with N's stride not equal to C's (ambiguous) and C's not 0.
    /// </summary>
    private static bool IsChannelsLastStrides2d(Tensor input)
    {
        if (input.Dim != 4) return false;
        var sizes = input.Sizes;
        var strides = input.Stride();
        if (strides[1] == 0) return false;
        long min = 0;
        foreach (int d in (ReadOnlySpan<int>)[1, 3, 2, 0])
        {
            if (strides[d] < min) return false;
            if (d == 0 && min == strides[1]) return false;
            min = strides[d];
            if (sizes[d] > 1) min *= sizes[d];
        }
        return true;
    }

    /// <summary>The CPU kernel's dtype dispatch: other dtypes fail as PyTorch's AT_DISPATCH does (NotImplementedError).</summary>
    private static void CheckDType(Tensor input, string op, Func<DType, bool> supported)
    {
        if (!supported(input.DType))
            throw Errors.NotImplemented($"\"{op}\" not implemented for '{input.DType.ScalarTypeName()}'");
    }

    /// <summary>Expands a one- or two-element (H, W) argument.</summary>
    private static int[] Pair(int[] values, string message)
    {
        Errors.Check(values.Length is 1 or 2, message);
        return values.Length == 1 ? [values[0], values[0]] : values;
    }

    private static int[] PooledShape(Tensor input, PoolPlan plan)
    {
        var shape = input.Shape;
        if (!ReferenceEquals(plan.D, AxisWindows.Single)) shape[^3] = plan.D.Output;
        shape[^2] = plan.H.Output;
        shape[^1] = plan.W.Output;
        return shape;
    }

    private static long[] CellValues(PoolPlan plan, Func<int, int, int, long> value)
    {
        var values = new long[plan.OutPlane];
        int cell = 0;
        for (int d = 0; d < plan.D.Output; d++)
            for (int h = 0; h < plan.H.Output; h++)
                for (int w = 0; w < plan.W.Output; w++)
                    values[cell++] = value(d, h, w);
        return values;
    }

    /// <summary>avg_pool's single divisor per cell: the override, the padded window (clipped at the right padding) or the real cells.</summary>
    private static long[] AvgDivisors(PoolPlan plan, bool countIncludePad, int? divisorOverride) =>
        CellValues(plan, (d, h, w) => divisorOverride ?? (countIncludePad
            ? (long)plan.D.Span[d] * plan.H.Span[h] * plan.W.Span[w]
            : (long)(plan.D.End[d] - plan.D.First[d]) * (plan.H.End[h] - plan.H.First[h]) * (plan.W.End[w] - plan.W.First[w])));

    /// <summary>adaptive_avg_pool divides by the window's extent along each axis in turn (depth, height, width).</summary>
    private static long[][] AdaptiveDivisors(PoolPlan plan) =>
    [
        CellValues(plan, (d, _, _) => plan.D.End[d] - plan.D.First[d]),
        CellValues(plan, (_, h, _) => plan.H.End[h] - plan.H.First[h]),
        CellValues(plan, (_, _, w) => plan.W.End[w] - plan.W.First[w]),
    ];

    /// <summary>Elements per (n, c) plane: the product of the last <paramref name="spatial"/> sizes.</summary>
    private static int PlaneSize(int[] shape, int spatial = 2) => Layout.NumelOf(shape.AsSpan(shape.Length - spatial));

    /// <summary>The kernels read contiguous storage; a strided view is copied first (without autograd).</summary>
    private static Tensor Dense(Tensor t) => t.IsContiguous() ? t : t.CloneRaw();

    // ---- differentiable index routing (max-pool backward and its double backward) ----------------------------

    /// <summary>
    /// Adds each value into a zero tensor of <paramref name="shape"/> at its index within the same (n, c) plane
    /// (max_pool2d_with_indices_backward). Its own gradient gathers at the indices.
    /// </summary>
    internal static Tensor ScatterAddPlanes(Tensor values, Tensor indices, int[] shape, string node, int spatial = 2)
    {
        int srcPlane = PlaneSize(values.Shape, spatial), dstPlane = PlaneSize(shape, spatial);
        // Each plane is zeroed by the kernel right before its scatter, unless some planes have no values to bring.
        bool planeWise = srcPlane > 0 && (long)values.Numel / srcPlane * dstPlane == Layout.NumelOf(shape);
        var y = planeWise ? Tensor.AllocateForOutput(shape, values.DType) : Tensor.Zeros(shape, values.DType);
        Pool.Scatter<AddInto>(Dense(values), Dense(indices), y, srcPlane, dstPlane, clearPlanes: planeWise);
        return Graph.Record(y, node, [values], spatial, Derivatives.GatherPlanes, indices);
    }

    /// <summary>Reads each (n, c) plane of <paramref name="source"/> at <paramref name="indices"/>; its gradient scatter-adds back.</summary>
    internal static Tensor GatherPlanes(Tensor source, Tensor indices, int spatial = 2)
    {
        var y = Tensor.Allocate(indices.Shape, source.DType);
        int plane = PlaneSize(source.Shape, spatial);
        // This is a gather over the flattened planes (max_pool_double_backward), so a bad index fails as gather does.
        if (Pool.Gather(Dense(source), Dense(indices), y, plane, PlaneSize(indices.Shape, spatial)) is { } bad)
            throw Errors.Runtime($"index {bad} is out of bounds for dimension {source.Dim - spatial} with size {plane}");
        var sourceShape = source.Shape;
        return Graph.Record(y, Derivatives.GatherBackward0, [source], (sourceShape, Derivatives.ScatterAddBackward0, spatial), Derivatives.ScatterAddPlanes, indices);
    }
}
