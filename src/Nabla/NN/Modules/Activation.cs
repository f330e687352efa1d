namespace Nabla.NN;

/// <summary>torch.nn.ReLU: max(0, x).</summary>
public class ReLU : Module<Tensor, Tensor>
{
    /// <summary>F.relu(input).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.Relu(input);
    }
}

/// <summary>torch.nn.Softmax over <see cref="Dim"/>.</summary>
public class Softmax(int dim) : Module<Tensor, Tensor>
{
    /// <summary>dim.</summary>
    public int Dim { get; } = dim;

    /// <summary>F.softmax(input, dim).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.Softmax(input, Dim);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>torch.nn.LogSoftmax over <see cref="Dim"/>.</summary>
public class LogSoftmax(int dim) : Module<Tensor, Tensor>
{
    /// <summary>dim.</summary>
    public int Dim { get; } = dim;

    /// <summary>F.log_softmax(input, dim).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.LogSoftmax(input, Dim);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>torch.nn.Tanh: torch.tanh(x).</summary>
public class Tanh : Module<Tensor, Tensor>
{
    /// <summary>input.tanh().</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Tanh();
    }
}

/// <summary>torch.nn.Sigmoid: torch.sigmoid(x).</summary>
public class Sigmoid : Module<Tensor, Tensor>
{
    /// <summary>input.sigmoid().</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Sigmoid();
    }
}

/// <summary>torch.nn.ReLU6: min(max(0, x), 6).</summary>
public class ReLU6 : Module<Tensor, Tensor>
{
    /// <summary>F.relu6(input).</summary>
    public override Tensor Forward(Tensor input) => F.Relu6(input);
}

/// <summary>torch.nn.LeakyReLU: x for x ≥ 0, negative_slope·x below.</summary>
public class LeakyReLU(double negativeSlope = 0.01) : Module<Tensor, Tensor>
{
    /// <summary>negative_slope.</summary>
    public double NegativeSlope { get; } = negativeSlope;
    /// <summary>F.leaky_relu(input, negative_slope).</summary>
    public override Tensor Forward(Tensor input) => F.LeakyRelu(input, NegativeSlope);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"negative_slope={Repr.Of(NegativeSlope)}";
}

/// <summary>torch.nn.PReLU: leaky ReLU with a learned slope per channel (or one shared), initialised to the init value (0.25).</summary>
public class PReLU : Module<Tensor, Tensor>
{
    /// <summary>nn.PReLU(num_parameters, init, dtype).</summary>
    public PReLU(int numParameters = 1, double init = 0.25, DType dtype = DType.Float32)
    {
        NumParameters = numParameters;
        RegisterParameter("weight", Parameter.Create(Tensor.Full([numParameters], init, dtype)));
    }

    /// <summary>num_parameters.</summary>
    public int NumParameters { get; }
    /// <summary>weight: the slopes.</summary>
    public Tensor Weight { get => ParameterSlot("weight")!; set => RegisterParameter("weight", value); }
    /// <summary>F.prelu(input, weight).</summary>
    public override Tensor Forward(Tensor input) => F.Prelu(input, Weight);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"num_parameters={NumParameters}";
}

/// <summary>torch.nn.ELU.</summary>
public class ELU(double alpha = 1.0) : Module<Tensor, Tensor>
{
    /// <summary>alpha.</summary>
    public double Alpha { get; } = alpha;
    /// <summary>F.elu(input, alpha).</summary>
    public override Tensor Forward(Tensor input) => F.Elu(input, Alpha);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"alpha={Repr.Of(Alpha)}";
}

/// <summary>torch.nn.CELU.</summary>
public class CELU(double alpha = 1.0) : Module<Tensor, Tensor>
{
    /// <summary>alpha.</summary>
    public double Alpha { get; } = alpha;
    /// <summary>F.celu(input, alpha).</summary>
    public override Tensor Forward(Tensor input) => F.Celu(input, Alpha);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"alpha={Repr.Of(Alpha)}";
}

/// <summary>torch.nn.SELU.</summary>
public class SELU : Module<Tensor, Tensor>
{
    /// <summary>F.selu(input).</summary>
    public override Tensor Forward(Tensor input) => F.Selu(input);
}

/// <summary>torch.nn.GELU, exact (erf) or with the tanh approximation.</summary>
public class GELU(GeluApproximate approximate = GeluApproximate.None) : Module<Tensor, Tensor>
{
    /// <summary>approximate.</summary>
    public GeluApproximate Approximate { get; } = approximate;
    /// <summary>F.gelu(input, approximate).</summary>
    public override Tensor Forward(Tensor input) => F.Gelu(input, Approximate);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"approximate='{(Approximate == GeluApproximate.Tanh ? "tanh" : "none")}'";
}

/// <summary>torch.nn.SiLU: x·sigmoid(x).</summary>
public class SiLU : Module<Tensor, Tensor>
{
    /// <summary>F.silu(input).</summary>
    public override Tensor Forward(Tensor input) => F.Silu(input);
}

/// <summary>torch.nn.Mish: x·tanh(softplus(x)).</summary>
public class Mish : Module<Tensor, Tensor>
{
    /// <summary>F.mish(input).</summary>
    public override Tensor Forward(Tensor input) => F.Mish(input);
}

/// <summary>torch.nn.Softplus.</summary>
public class Softplus(double beta = 1.0, double threshold = 20.0) : Module<Tensor, Tensor>
{
    /// <summary>beta.</summary>
    public double Beta { get; } = beta;
    /// <summary>threshold.</summary>
    public double Threshold { get; } = threshold;
    /// <summary>F.softplus(input, beta, threshold).</summary>
    public override Tensor Forward(Tensor input) => F.Softplus(input, Beta, Threshold);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"beta={Repr.Of(Beta)}, threshold={Repr.Of(Threshold)}";
}

/// <summary>torch.nn.Softsign: x / (1 + |x|).</summary>
public class Softsign : Module<Tensor, Tensor>
{
    /// <summary>F.softsign(input).</summary>
    public override Tensor Forward(Tensor input) => F.Softsign(input);
}

/// <summary>torch.nn.Tanhshrink: x − tanh(x).</summary>
public class Tanhshrink : Module<Tensor, Tensor>
{
    /// <summary>F.tanhshrink(input).</summary>
    public override Tensor Forward(Tensor input) => F.Tanhshrink(input);
}

/// <summary>torch.nn.Hardtanh: x clamped to [min_val, max_val].</summary>
public class Hardtanh(double minVal = -1.0, double maxVal = 1.0) : Module<Tensor, Tensor>
{
    /// <summary>min_val.</summary>
    public double MinVal { get; } = minVal;
    /// <summary>max_val.</summary>
    public double MaxVal { get; } = maxVal;
    /// <summary>F.hardtanh(input, min_val, max_val).</summary>
    public override Tensor Forward(Tensor input) => F.Hardtanh(input, MinVal, MaxVal);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"min_val={Repr.Of(MinVal)}, max_val={Repr.Of(MaxVal)}";
}

/// <summary>torch.nn.Hardsigmoid.</summary>
public class Hardsigmoid : Module<Tensor, Tensor>
{
    /// <summary>F.hardsigmoid(input).</summary>
    public override Tensor Forward(Tensor input) => F.Hardsigmoid(input);
}

/// <summary>torch.nn.Hardswish.</summary>
public class Hardswish : Module<Tensor, Tensor>
{
    /// <summary>F.hardswish(input).</summary>
    public override Tensor Forward(Tensor input) => F.Hardswish(input);
}

/// <summary>torch.nn.LogSigmoid.</summary>
public class LogSigmoid : Module<Tensor, Tensor>
{
    /// <summary>F.logsigmoid(input).</summary>
    public override Tensor Forward(Tensor input) => F.Logsigmoid(input);
}

/// <summary>torch.nn.Threshold: x where x &gt; threshold, value elsewhere.</summary>
public class Threshold(double threshold, double value) : Module<Tensor, Tensor>
{
    /// <summary>threshold.</summary>
    public double ThresholdValue { get; } = threshold;
    /// <summary>value.</summary>
    public double Value { get; } = value;
    /// <summary>F.threshold(input, threshold, value).</summary>
    public override Tensor Forward(Tensor input) => F.Threshold(input, ThresholdValue, Value);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"threshold={Repr.Of(ThresholdValue)}, value={Repr.Of(Value)}";
}

/// <summary>torch.nn.Hardshrink.</summary>
public class Hardshrink(double lambd = 0.5) : Module<Tensor, Tensor>
{
    /// <summary>lambd.</summary>
    public double Lambd { get; } = lambd;
    /// <summary>F.hardshrink(input, lambd).</summary>
    public override Tensor Forward(Tensor input) => F.Hardshrink(input, Lambd);
    /// <inheritdoc/>
    public override string ExtraRepr() => Repr.Of(Lambd);
}

/// <summary>torch.nn.Softshrink.</summary>
public class Softshrink(double lambd = 0.5) : Module<Tensor, Tensor>
{
    /// <summary>lambd.</summary>
    public double Lambd { get; } = lambd;
    /// <summary>F.softshrink(input, lambd).</summary>
    public override Tensor Forward(Tensor input) => F.Softshrink(input, Lambd);
    /// <inheritdoc/>
    public override string ExtraRepr() => Repr.Of(Lambd);
}

/// <summary>torch.nn.GLU: the first half of <see cref="Dim"/> gated by the sigmoid of the second.</summary>
public class GLU(int dim = -1) : Module<Tensor, Tensor>
{
    /// <summary>dim.</summary>
    public int Dim { get; } = dim;
    /// <summary>F.glu(input, dim).</summary>
    public override Tensor Forward(Tensor input) => F.Glu(input, Dim);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>torch.nn.Softmin over <see cref="Dim"/>: softmax(−x).</summary>
public class Softmin(int dim) : Module<Tensor, Tensor>
{
    /// <summary>dim.</summary>
    public int Dim { get; } = dim;
    /// <summary>F.softmin(input, dim).</summary>
    public override Tensor Forward(Tensor input) => F.Softmin(input, Dim);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Dim}";
}
