using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// torch.nn.Linear: y = x·Wᵀ + b with weight (out_features, in_features) and bias (out_features). Initialised as
/// torch.nn.Linear.reset_parameters: kaiming_uniform_(weight, a=√5), bias uniform in ±1/√in_features, drawing from
/// the default generator in that order, so after the same seed the weights equal PyTorch's.
/// </summary>
public class Linear : Module<Tensor, Tensor>
{
    /// <summary>nn.Linear(in_features, out_features, bias=True, dtype).</summary>
    /// <exception cref="ArgumentException">A negative feature count.</exception>
    public Linear(int inFeatures, int outFeatures, bool bias = true, DType dtype = DType.Float32)
    {
        if (inFeatures < 0 || outFeatures < 0)
            throw Errors.Runtime($"Trying to create tensor with negative dimension {Math.Min(inFeatures, outFeatures)}: [{outFeatures}, {inFeatures}]");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        RegisterParameter("weight", Parameter.Create(Tensor.Empty([outFeatures, inFeatures], dtype)));
        RegisterParameter("bias", bias ? Parameter.Create(Tensor.Empty([outFeatures], dtype)) : null);
        ResetParameters();
    }

    /// <summary>in_features.</summary>
    public int InFeatures { get; }
    /// <summary>out_features.</summary>
    public int OutFeatures { get; }

    /// <summary>weight, (out_features, in_features).</summary>
    public Tensor Weight { get => ParameterSlot("weight")!; set => RegisterParameter("weight", value); }

    /// <summary>bias, (out_features), or null.</summary>
    public Tensor? Bias { get => ParameterSlot("bias"); set => RegisterParameter("bias", value); }

    /// <summary>torch.nn.Linear.reset_parameters.</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform_(Weight, a: Math.Sqrt(5));
        if (Bias is { } b)
        {
            double bound = FanInBound(Weight);
            Init.Uniform_(b, -bound, bound);
        }
    }

    /// <summary>The bias bound torch.nn's layers use: 1/√fan_in, or 0 when fan_in is 0.</summary>
    internal static double FanInBound(Tensor weight)
    {
        var (fanIn, _) = Init.CalculateFanInAndFanOut(weight);
        return fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
    }

    /// <summary>F.linear(input, weight, bias).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.Linear(input, Weight, Bias);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Repr.Of(Bias is not null)}";
}
