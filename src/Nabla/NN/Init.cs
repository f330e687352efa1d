using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// torch.nn.init: in-place initialisers that draw from the same MT19937 stream, in the same order and with the same
/// float arithmetic as libtorch's CPU uniform_ and normal_ kernels, so after the same <see cref="Tensor.ManualSeed"/>
/// they write the same bits as PyTorch. They run without recording autograd and return the tensor they fill.
/// Values are written in row-major order of the tensor's shape (PyTorch's order for the contiguous tensors modules use).
/// </summary>
public static class Init
{
    /// <summary>torch.nn.init.calculate_gain: the recommended scale for <paramref name="nonlinearity"/>; <paramref name="param"/> is
    /// leaky_relu's negative slope (0.01 when null).</summary>
    public static double CalculateGain(Nonlinearity nonlinearity, double? param = null) => nonlinearity switch
    {
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => LeakyReluGain(param ?? 0.01),
        Nonlinearity.Selu => 3.0 / 4,
        _ => 1,
    };

    private static double LeakyReluGain(double slope) => Math.Sqrt(2.0 / (1 + slope * slope));

    /// <summary>torch.nn.init._calculate_fan_in_and_fan_out: (size(1), size(0)) times the product of the remaining dims.
    /// Throws ArgumentException for fewer than 2 dims.</summary>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dim < 2)
            throw Errors.Runtime("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
        int receptive = 1;
        for (int d = 2; d < tensor.Dim; d++) receptive *= tensor.Size(d);
        return (tensor.Size(1) * receptive, tensor.Size(0) * receptive);
    }

    private static int CorrectFan(Tensor tensor, FanMode mode)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        return mode == FanMode.FanIn ? fanIn : fanOut;
    }

    /// <summary>torch.nn.init.uniform_ (Tensor.uniform_): values uniform in [a, b). Throws ArgumentException when a &gt; b
    /// or for a non-floating tensor.</summary>
    public static Tensor Uniform_(Tensor tensor, double a = 0, double b = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckFloating(tensor, "check_uniform_bounds");
        Errors.Check(a <= b, $"uniform_ expects to return a [from, to) range, but found from={CppDouble(a)} > to={CppDouble(b)}");
        return Fill(tensor, RandomFills.Uniform(tensor.Numel, tensor.DType == DType.Float64, a, b, generator ?? Generator.Default));
    }

    /// <summary>torch.nn.init.normal_ (Tensor.normal_): values from N(mean, std²), by libtorch's Box–Muller paths (16 at a time
    /// for contiguous tensors of 16 elements or more). Throws ArgumentException for std &lt; 0 or a non-floating tensor.</summary>
    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckFloating(tensor, "normal_kernel_cpu");
        Errors.Check(std >= 0, $"normal expects std >= 0.0, but found std {CppDouble(std)}");
        var values = RandomFills.Normal(tensor.Numel, tensor.DType == DType.Float64, tensor.IsContiguous(), mean, std, generator ?? Generator.Default);
        return Fill(tensor, values);
    }

    /// <summary>torch.nn.init.constant_: every element set to <paramref name="val"/>.</summary>
    public static Tensor Constant_(Tensor tensor, double val)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (GradMode.NoGrad()) tensor.Fill_(val);
        return tensor;
    }

    /// <summary>torch.nn.init.zeros_.</summary>
    public static Tensor Zeros_(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return Constant_(tensor, 0);
    }

    /// <summary>torch.nn.init.ones_.</summary>
    public static Tensor Ones_(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return Constant_(tensor, 1);
    }

    /// <summary>torch.nn.init.eye_: the identity in a 2-d tensor (ones on the main diagonal). Throws ArgumentException for other ranks.</summary>
    public static Tensor Eye_(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dim != 2) throw Errors.Runtime("Only tensors with 2 dimensions are supported");
        using (GradMode.NoGrad()) tensor.Copy_(Tensor.Eye(tensor.Size(0), tensor.Size(1), tensor.DType));
        return tensor;
    }

    /// <summary>torch.nn.init.xavier_uniform_: uniform in [-a, a) with a = gain·sqrt(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform_(Tensor tensor, double gain = 1.0, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        double a = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -a, a, generator);
    }

    /// <summary>torch.nn.init.xavier_normal_: N(0, std²) with std = gain·sqrt(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal_(Tensor tensor, double gain = 1.0, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>torch.nn.init.kaiming_uniform_: uniform in [-bound, bound) with bound = gain·sqrt(3 / fan), gain from
    /// <paramref name="nonlinearity"/> and the negative slope <paramref name="a"/>. A tensor with a zero-size dim is left as is.</summary>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Shape.Contains(0)) return tensor; // PyTorch warns "Initializing zero-element tensors is a no-op"
        double std = CalculateGain(nonlinearity, a) / Math.Sqrt(CorrectFan(tensor, mode));
        double bound = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>torch.nn.init.kaiming_normal_: N(0, std²) with std = gain / sqrt(fan). A tensor with a zero-size dim is left as is.</summary>
    public static Tensor KaimingNormal_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Shape.Contains(0)) return tensor;
        double std = CalculateGain(nonlinearity, a) / Math.Sqrt(CorrectFan(tensor, mode));
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>A double as C++'s ostream prints it in libtorch's messages (%g: six significant digits).</summary>
    private static string CppDouble(double v)
    {
        var s = v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
        int e = s.IndexOf('E');
        if (e < 0) return s;
        int exp = int.Parse(s[(e + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return s[..e] + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void CheckFloating(Tensor tensor, string kernel)
    {
        if (!tensor.IsFloatingPoint) throw Errors.NotImplemented($"\"{kernel}\" not implemented for '{tensor.DType.ScalarTypeName()}'");
    }

    private static Tensor Fill(Tensor tensor, double[] values)
    {
        using (GradMode.NoGrad()) tensor.Copy_(Tensor.From(values).To(tensor.DType).Reshape(tensor.Shape));
        return tensor;
    }
}
