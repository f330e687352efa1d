using Nabla.Core;

namespace Nabla.NN;

/// <summary>Dropout (torch.nn.functional.dropout), drawing its mask from the generator as PyTorch's CPU kernel does.</summary>
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.dropout: in training, zeroes each element with probability <paramref name="p"/> and scales
    /// the rest by 1 / (1 - p); otherwise returns <paramref name="input"/> itself. The mask is
    /// <c>bernoulli_(1 - p)</c> drawn from <see cref="Generator.Default"/> (or <paramref name="generator"/>) in the
    /// input's memory order, so after the same seed it equals libtorch's CPU mask. Throws ArgumentException when
    /// <paramref name="p"/> is outside [0, 1].
    /// </summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!(p >= 0 && p <= 1)) throw Errors.Runtime($"dropout probability has to be between 0 and 1, but got {p.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        if (p == 0 || !training || input.Numel == 0) return input;
        if (p == 1) return input * Tensor.Zeros([], input.DType);
        var noise = DropoutNoise.Bernoulli(input, 1 - p, generator ?? Generator.Default);
        noise.Div_(1 - p);
        return input * noise;
    }
}
