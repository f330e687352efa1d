namespace Nabla.NN;

/// <summary>The reduction of torch.nn.functional.embedding_bag's mode argument ("sum", "mean", "max").</summary>
public enum EmbeddingBagMode
{
    /// <summary>"sum": the (optionally per-sample weighted) sum of each bag's rows.</summary>
    Sum,

    /// <summary>"mean": the mean of each bag's rows (padding entries not counted).</summary>
    Mean,

    /// <summary>"max": the per-feature maximum of each bag's rows; the gradient goes to the first maximum.</summary>
    Max,
}
