namespace Nabla.NN;

/// <summary>torch.nn.PairwiseDistance: <see cref="F.PairwiseDistance"/> between the rows of two inputs; no parameters.</summary>
/// <param name="p">p, the norm degree.</param><param name="eps">eps, added to the difference.</param><param name="keepdim">keepdim.</param>
public class PairwiseDistance(double p = 2.0, double eps = 1e-6, bool keepdim = false) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>norm, the p of the p-norm.</summary>
    public double Norm { get; } = p;
    /// <summary>eps, added to the difference to avoid a zero norm.</summary>
    public double Eps { get; } = eps;
    /// <summary>keepdim.</summary>
    public bool Keepdim { get; } = keepdim;

    /// <summary>F.pairwise_distance(x1, x2, norm, eps, keepdim).</summary>
    /// <exception cref="ArgumentException">Shapes that do not broadcast.</exception>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.PairwiseDistance(input1, input2, Norm, Eps, Keepdim);
}

/// <summary>torch.nn.CosineSimilarity: <see cref="F.CosineSimilarity"/> along <see cref="Dim"/>; no parameters.</summary>
/// <param name="dim">dim, the dim the similarity is computed along.</param><param name="eps">eps, the smallest norm divided by.</param>
public class CosineSimilarity(int dim = 1, double eps = 1e-8) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>dim.</summary>
    public int Dim { get; } = dim;
    /// <summary>eps.</summary>
    public double Eps { get; } = eps;

    /// <summary>F.cosine_similarity(x1, x2, dim, eps).</summary>
    /// <exception cref="ArgumentException">Shapes that do not broadcast, or a non-floating common dtype.</exception>
    /// <exception cref="IndexException">dim out of range.</exception>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.CosineSimilarity(input1, input2, Dim, Eps);
}
