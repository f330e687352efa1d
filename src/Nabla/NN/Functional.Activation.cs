using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// Activation functions (torch.nn.functional.relu, gelu, elu, ...). Each fused PyTorch kernel is one node with
/// PyTorch's name and a backward written with differentiable ops; PyTorch's compositions (softsign, tanhshrink,
/// softmin, relu6, selu) are the same compositions here. Integer inputs of float-only kernels throw
/// NotSupportedException naming the kernel, as libtorch does.
/// </summary>
public static partial class F
{
    /// <summary>torch.nn.functional.relu: <c>max(input, 0)</c> (node ReluBackward0). Throws ArgumentException for Bool input.</summary>
    public static Tensor Relu(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Relu();
    }

    /// <summary>torch.nn.functional.relu6: <c>hardtanh(input, 0, 6)</c>.</summary>
    public static Tensor Relu6(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Hardtanh(input, 0, 6);
    }

    /// <summary>torch.nn.functional.softmax along <paramref name="dim"/>, computed in <paramref name="dtype"/> when given.</summary>
    public static Tensor Softmax(Tensor input, int dim, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Softmax(dim, dtype);
    }

    /// <summary>torch.nn.functional.log_softmax along <paramref name="dim"/>, computed in <paramref name="dtype"/> when given.</summary>
    public static Tensor LogSoftmax(Tensor input, int dim, DType? dtype = null) => input.LogSoftmax(dim, dtype);

    /// <summary>torch.nn.functional.softmin: <c>softmax(-input)</c> along <paramref name="dim"/>.</summary>
    public static Tensor Softmin(Tensor input, int dim, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        return (-input).Softmax(dim, dtype);
    }

    /// <summary>torch.nn.functional.leaky_relu: <c>x</c> for x &gt; 0, else <c>negativeSlope * x</c>.</summary>
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01)
    {
        ArgumentNullException.ThrowIfNull(input);
        FloatOnly(input, "leaky_relu_cpu");
        return Fused(input, x => Tensor.Where(x > 0, x, x * negativeSlope), "LeakyReluBackward0", negativeSlope, ActivationDerivatives.LeakyRelu);
    }

    /// <summary>
    /// torch.nn.functional.prelu: <c>x</c> for x &gt; 0, else <c>weight * x</c>, with one weight or one per channel (dim 1).
    /// Throws ArgumentException when the weight count is neither 1 nor the channel count.
    /// </summary>
    public static Tensor Prelu(Tensor input, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        int channels = input.Dim > 1 ? input.Size(1) : 1;
        Errors.Check(weight.Numel == 1 || weight.Numel == channels,
            $"Mismatch of parameter numbers and input channel size. Found parameter numbers = {weight.Numel} and channel size = {channels}.");
        Errors.Check(weight.Dim <= 1, $"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.Dim}");
        var w = input.Dim == 0 ? weight.Reshape([]) : weight;
        if (input.Dim > 1 && weight.Numel != 1)
        {
            var shape = Enumerable.Repeat(1, input.Dim).ToArray();
            shape[1] = channels;
            w = weight.View(shape);
        }
        FloatOnly(input, "prelu_cpu");
        Tensor y;
        using (GradMode.NoGrad()) y = Tensor.Where(input > 0, input, w * input);
        return Graph.Record(y, "PreluKernelBackward0", [input, w], ActivationDerivatives.Prelu, input, w);
    }

    /// <summary>torch.nn.functional.elu: <c>x</c> for x &gt; 0, else <c>alpha (exp(x) - 1)</c>.</summary>
    public static Tensor Elu(Tensor input, double alpha = 1.0)
    {
        ArgumentNullException.ThrowIfNull(input);
        return EluFamily(input, alpha, 1, 1, "EluBackward0", "elu_cpu");
    }

    /// <summary>torch.nn.functional.selu: <c>scale * elu(x, alpha)</c> with SELU's fixed alpha and scale.</summary>
    public static Tensor Selu(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return EluFamily(input, 1.6732632423543772848170429916717, 1.0507009873554804934193349852946, 1, "EluBackward0", "elu_cpu");
    }

    /// <summary>torch.nn.functional.celu: <c>max(0, x) + min(0, alpha (exp(x / alpha) - 1))</c>.</summary>
    public static Tensor Celu(Tensor input, double alpha = 1.0)
    {
        ArgumentNullException.ThrowIfNull(input);
        return EluFamily(input, alpha, 1, 1 / alpha, "CeluBackward0", "elu_cpu");
    }

    private static Tensor EluFamily(Tensor input, double alpha, double scale, double inputScale, string node, string kernel)
    {
        FloatOnly(input, kernel);
        return Fused(input, x => Tensor.Where(x <= 0, (x * inputScale).Expm1() * (alpha * scale), x * scale), node,
            (alpha, scale, inputScale), ActivationDerivatives.Elu);
    }

    /// <summary>torch.nn.functional.gelu: <c>x Φ(x)</c>, exactly through erf or with the tanh approximation.</summary>
    public static Tensor Gelu(Tensor input, GeluApproximate approximate = GeluApproximate.None)
    {
        ArgumentNullException.ThrowIfNull(input);
        FloatOnly(input, "GeluKernelImpl");
        return Fused(input, x => approximate == GeluApproximate.None
                ? x * 0.5 * (1 + (x * Math.Sqrt(0.5)).Erf())
                : 0.5 * x * (1 + (Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)).Tanh()),
            "GeluBackward0", approximate, ActivationDerivatives.Gelu);
    }

    /// <summary>torch.nn.functional.silu: <c>x sigmoid(x)</c>.</summary>
    public static Tensor Silu(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        FloatOnly(input, "silu_cpu");
        return Fused(input, x => x / (1 + (-x).Exp()), "SiluBackward0", 0, ActivationDerivatives.Silu);
    }

    /// <summary>torch.nn.functional.mish: <c>x tanh(softplus(x))</c>.</summary>
    public static Tensor Mish(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        FloatOnly(input, "softplus_cpu"); // libtorch checks mish's dtype in its softplus step
        return Fused(input, x => x * x.Exp().Log1p().Tanh(), "MishBackward0", 0, ActivationDerivatives.Mish);
    }

    /// <summary>torch.nn.functional.softplus: <c>log(1 + exp(beta x)) / beta</c>, or x where <c>beta x &gt; threshold</c>.</summary>
    public static Tensor Softplus(Tensor input, double beta = 1, double threshold = 20)
    {
        ArgumentNullException.ThrowIfNull(input);
        FloatOnly(input, "softplus_cpu");
        return Fused(input, x => Tensor.Where(x * beta > threshold, x, (x * beta).Exp().Log1p() / beta), "SoftplusBackward0",
            (beta, threshold), ActivationDerivatives.Softplus);
    }

    /// <summary>torch.nn.functional.softsign: <c>x / (1 + |x|)</c>.</summary>
    public static Tensor Softsign(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input / (input.Abs() + 1);
    }

    /// <summary>torch.nn.functional.tanhshrink: <c>x - tanh(x)</c>.</summary>
    public static Tensor Tanhshrink(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input - input.Tanh();
    }

    /// <summary>torch.nn.functional.hardtanh: <c>clamp(x, minVal, maxVal)</c>; the gradient flows strictly inside the bounds.</summary>
    public static Tensor Hardtanh(Tensor input, double minVal = -1, double maxVal = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType == DType.Bool) throw Errors.Runtime("Bool inputs not supported for hardtanh");
        if (!input.IsFloatingPoint)
        {
            // ATen compares the bounds after converting them to integers (toLong truncates -0.5 to 0).
            Errors.Check(input.DType != DType.UInt8 || ((long)minVal >= 0 && (long)maxVal >= 0), "cannot do hardtanh on an unsigned type with negative limits");
            return input.Clamp((long)minVal, (long)maxVal);
        }
        return Fused(input, x => x.Clamp(minVal, maxVal), "HardtanhBackward0", (minVal, maxVal), ActivationDerivatives.Hardtanh);
    }

    /// <summary>torch.nn.functional.hardsigmoid: <c>relu6(x + 3) / 6</c>.</summary>
    public static Tensor Hardsigmoid(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        FloatOnly(input, "hardsigmoid_cpu");
        return Fused(input, x => (x + 3).Clamp(0, 6) / 6, "HardsigmoidBackward0", 0, ActivationDerivatives.Hardsigmoid);
    }

    /// <summary>torch.nn.functional.hardswish: <c>x relu6(x + 3) / 6</c>.</summary>
    public static Tensor Hardswish(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        FloatOnly(input, "hardswish_cpu");
        return Fused(input, x => x * (x + 3).Clamp(0, 6) / 6, "HardswishBackward0", 0, ActivationDerivatives.Hardswish);
    }

    /// <summary>torch.nn.functional.threshold: <c>x</c> where x &gt; <paramref name="threshold"/>, else <paramref name="value"/>.</summary>
    public static Tensor Threshold(Tensor input, double threshold, double value)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType == DType.Bool) throw Errors.NotImplemented("\"threshold_cpu\" not implemented for 'Bool'");
        // Both numbers take the input's dtype first (an integer input truncates them; a value out of range is refused).
        double th = input.IsFloatingPoint ? threshold : Math.Truncate(threshold);
        if (!input.IsFloatingPoint) ((Scalar)threshold).CheckFits(input.DType);
        Scalar fill = input.IsFloatingPoint ? value : ((Scalar)value).CheckFits(input.DType).ToInt64();
        return Fused(input, x => Tensor.Where(x <= th, Tensor.Full([], fill, x.DType), x), "ThresholdBackward0", th, ActivationDerivatives.Threshold);
    }

    /// <summary>torch.nn.functional.logsigmoid: <c>log(sigmoid(x))</c>, computed as <c>min(x, 0) - log1p(exp(-|x|))</c>.</summary>
    public static Tensor Logsigmoid(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        FloatOnly(input, "log_sigmoid_cpu");
        return Fused(input, x => x.ClampMax(0) - (-x.Abs()).Exp().Log1p(), "LogSigmoidBackward0", 0, ActivationDerivatives.Logsigmoid);
    }

    /// <summary>torch.nn.functional.hardshrink: <c>x</c> where |x| &gt; lambd, else 0.</summary>
    public static Tensor Hardshrink(Tensor input, double lambd = 0.5)
    {
        ArgumentNullException.ThrowIfNull(input);
        FloatOnly(input, "hardshrink_cpu");
        return Fused(input, x => Tensor.Where((x >= -lambd) & (x <= lambd), 0.0, x), "HardshrinkBackward0", lambd, ActivationDerivatives.Shrink);
    }

    /// <summary>torch.nn.functional.softshrink: <c>x - lambd</c> above lambd, <c>x + lambd</c> below -lambd, else 0. Throws ArgumentException for a negative lambd.</summary>
    public static Tensor Softshrink(Tensor input, double lambd = 0.5)
    {
        ArgumentNullException.ThrowIfNull(input);
        FloatOnly(input, "softshrink_check");
        string max = input.DType == DType.Float32 ? "3.40282e+38" : "1.79769e+308";
        Errors.Check(lambd >= 0, $"lambda must be in range [0, {max}] for input dtype {input.DType.ScalarTypeName()}, but found {lambd.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}");
        return Fused(input, x => Tensor.Where(x > lambd, x - lambd, Tensor.Where(x < -lambd, x + lambd, x * 0)) /* x * 0 keeps NaN */, "SoftshrinkBackward0", lambd, ActivationDerivatives.Shrink);
    }

    /// <summary>
    /// torch.nn.functional.glu: splits <paramref name="dim"/> into halves a, b and returns <c>a sigmoid(b)</c>.
    /// Throws ArgumentException for a 0-d input or an odd size.
    /// </summary>
    public static Tensor Glu(Tensor input, int dim = -1)
    {
        ArgumentNullException.ThrowIfNull(input);
        Errors.Check(input.Dim > 0, "glu does not support 0-dimensional tensors");
        int d = Errors.WrapDim(dim, input.Dim);
        int n = input.Size(d);
        Errors.Check(n % 2 == 0, $"Halving dimension must be even, but dimension {d} is size {n}");
        FloatOnly(input, "glu_cpu");
        Tensor y;
        using (GradMode.NoGrad()) y = input.Narrow(d, 0, n / 2) * input.Narrow(d, n / 2, n / 2).Sigmoid();
        return Graph.Record(y, "GluBackward0", [input], d, ActivationDerivatives.Glu, input);
    }

    /// <summary>NotImplemented for integer inputs of float-only kernels, named as libtorch names them.</summary>
    private static void FloatOnly(Tensor input, string kernel)
    {
        if (!input.IsFloatingPoint) throw Errors.NotImplemented($"\"{kernel}\" not implemented for '{input.DType.ScalarTypeName()}'");
    }

    /// <summary>Values computed without autograd, then one node whose formula reads the input and plain arguments.</summary>
    private static Tensor Fused<TArgs>(Tensor input, Func<Tensor, Tensor> forward, string node, TArgs args, BackwardFormula<TArgs> formula)
    {
        Tensor y;
        using (GradMode.NoGrad()) y = forward(input.Detach());
        return Graph.Record(y, node, [input], args, formula, input);
    }
}
