namespace Nabla;

/// <summary>How torch.div rounds an exact quotient (PyTorch's <c>rounding_mode=</c> string); null means true division.</summary>
public enum RoundingMode
{
    /// <summary>'trunc': rounds toward zero, like C's integer division.</summary>
    Trunc,
    /// <summary>'floor': rounds toward negative infinity, like Python's <c>//</c>.</summary>
    Floor,
}
