namespace Nabla.NN;

/// <summary>kl_div's reduction (PyTorch's strings 'none', 'batchmean', 'sum', 'mean').</summary>
public enum KlDivReduction
{
    /// <summary>'none': the pointwise terms.</summary>
    None,

    /// <summary>'batchmean': the sum divided by the batch size (input.size(0)), the mathematically correct KL divergence.</summary>
    BatchMean,

    /// <summary>'sum': the sum of the pointwise terms.</summary>
    Sum,

    /// <summary>'mean': the mean over every element (not the KL divergence; PyTorch warns).</summary>
    Mean,
}
