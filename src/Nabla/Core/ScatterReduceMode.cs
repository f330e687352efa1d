namespace Nabla;

/// <summary>How torch.scatter_reduce combines the values that meet at one position (PyTorch's <c>reduce=</c> string).</summary>
public enum ScatterReduceMode
{
    /// <summary>'sum': adds them.</summary>
    Sum,
    /// <summary>'prod': multiplies them.</summary>
    Prod,
    /// <summary>'mean': averages them (integers divide with floor rounding).</summary>
    Mean,
    /// <summary>'amax': keeps the largest.</summary>
    Amax,
    /// <summary>'amin': keeps the smallest.</summary>
    Amin,
}
