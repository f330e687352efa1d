using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// torch.nn.RMSNorm: <see cref="F.RmsNorm"/> over the trailing normalized_shape dims with a learnable weight of that
/// shape (ones, as reset_parameters) when elementwise_affine.
/// </summary>
public class RMSNorm : Module<Tensor, Tensor>
{
    /// <summary>nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True, dtype).</summary>
    public RMSNorm(int[] normalizedShape, double? eps = null, bool elementwiseAffine = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        NormalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        ElementwiseAffine = elementwiseAffine;
        RegisterParameter("weight", elementwiseAffine ? Parameter.Create(Tensor.Ones(NormalizedShape, dtype)) : null);
    }

    /// <summary>nn.RMSNorm(normalized_shape) for a single trailing dim.</summary>
    public RMSNorm(int normalizedShape, double? eps = null, bool elementwiseAffine = true, DType dtype = DType.Float32)
        : this([normalizedShape], eps, elementwiseAffine, dtype) { }

    /// <summary>normalized_shape.</summary>
    public int[] NormalizedShape { get; }
    /// <summary>eps, or null for the input dtype's machine epsilon.</summary>
    public double? Eps { get; }
    /// <summary>elementwise_affine.</summary>
    public bool ElementwiseAffine { get; }
    /// <summary>weight (normalized_shape), or null without elementwise_affine.</summary>
    public Tensor? Weight { get => ParameterSlot("weight"); set => RegisterParameter("weight", value); }

    /// <summary>F.rms_norm(input, normalized_shape, weight, eps).</summary>
    public override Tensor Forward(Tensor input) => F.RmsNorm(input, NormalizedShape, Weight, Eps);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"{Repr.Tuple(NormalizedShape)}, eps={(Eps is { } e ? Repr.Of(e) : "None")}, elementwise_affine={Repr.Of(ElementwiseAffine)}";
}

/// <summary>torch.nn.LocalResponseNorm: <see cref="F.LocalResponseNorm"/> across channels; no parameters.</summary>
/// <param name="size">size.</param><param name="alpha">alpha.</param><param name="beta">beta.</param><param name="k">k.</param>
public class LocalResponseNorm(int size, double alpha = 1e-4, double beta = 0.75, double k = 1.0) : Module<Tensor, Tensor>
{
    /// <summary>size, the number of neighbouring channels summed.</summary>
    public int Size { get; } = size;
    /// <summary>alpha, the multiplicative factor.</summary>
    public double Alpha { get; } = alpha;
    /// <summary>beta, the exponent.</summary>
    public double Beta { get; } = beta;
    /// <summary>k, the additive factor.</summary>
    public double K { get; } = k;

    /// <summary>F.local_response_norm(input, size, alpha, beta, k).</summary>
    /// <exception cref="ArgumentException">An input of fewer than three dims.</exception>
    public override Tensor Forward(Tensor input) => F.LocalResponseNorm(input, Size, Alpha, Beta, K);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"{Repr.Of(Size)}, alpha={Repr.Of(Alpha)}, beta={Repr.Of(Beta)}, k={Repr.Of(K)}";
}
