namespace Nabla.NN;

/// <summary>How a loss reduces its per-element values (PyTorch's <c>reduction=</c> string: 'none', 'mean', 'sum').</summary>
public enum Reduction
{
    /// <summary>'none': the per-element losses, unreduced.</summary>
    None,

    /// <summary>'mean': the (weighted) mean of the per-element losses.</summary>
    Mean,

    /// <summary>'sum': the sum of the per-element losses.</summary>
    Sum,
}
