namespace Nabla.NN;

/// <summary>
/// How torch.nn.functional.pad fills the new border (its <c>mode=</c> string). Separate from the convolutions'
/// <see cref="PaddingMode"/>, whose 'zeros' F.pad does not take (and whose 'constant' the convolutions do not take).
/// </summary>
public enum PadMode
{
    /// <summary>'constant': fills with the given value (0 by default).</summary>
    Constant,
    /// <summary>'reflect': mirrors the input without repeating the edge element.</summary>
    Reflect,
    /// <summary>'replicate': repeats the edge element.</summary>
    Replicate,
    /// <summary>'circular': wraps around, taking elements from the opposite edge.</summary>
    Circular,
}
