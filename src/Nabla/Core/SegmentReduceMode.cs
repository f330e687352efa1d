namespace Nabla;

/// <summary>How torch.segment_reduce (and <see cref="Tensor.RaggedSliceReduce"/>) reduces each segment (PyTorch's <c>reduce=</c> string).</summary>
public enum SegmentReduceMode
{
    /// <summary>'sum'.</summary>
    Sum,
    /// <summary>'mean'.</summary>
    Mean,
    /// <summary>'max' (torch also accepts 'amax').</summary>
    Max,
    /// <summary>'min' (torch also accepts 'amin').</summary>
    Min,
    /// <summary>'prod'.</summary>
    Prod,
}
