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
        CheckDropoutProbability(p);
        if (p == 0 || !training || input.Numel == 0) return input;
        if (p == 1) return input * Tensor.Zeros([], input.DType);
        var noise = DropoutNoise.Bernoulli(input, 1 - p, generator ?? Generator.Default);
        noise.Div_(1 - p);
        return input * noise;
    }

    /// <summary>
    /// torch.nn.functional.dropout1d: channel-wise dropout on (N, C, L) or unbatched (C, L) input. In training, each
    /// whole channel is zeroed with probability <paramref name="p"/> and the rest scaled by 1 / (1 - p); the mask is
    /// libtorch's feature noise (a contiguous (N, C, 1) tensor, <c>bernoulli_(1 - p)</c> from the generator), so after
    /// the same seed it equals libtorch's. Throws ArgumentException for p outside [0, 1] or an input not 2-D or 3-D.
    /// </summary>
    public static Tensor Dropout1d(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutProbability(p);
        if (input.Dim is not (2 or 3))
            throw Errors.Runtime($"dropout1d: Expected 2D or 3D input, but received a {input.Dim}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).");
        return UnbatchedFeatureDropout(input, batched: input.Dim == 3, p, training, generator);
    }

    /// <summary>
    /// torch.nn.functional.dropout2d: channel-wise dropout on (N, C, H, W) input (as PyTorch, any input of two or more
    /// dims is read as (N, C, ...); a 3-D input is (N, C, L)). Each whole channel is zeroed with probability
    /// <paramref name="p"/> in training and the rest scaled by 1 / (1 - p), with libtorch's feature noise from the
    /// generator. Throws ArgumentException for p outside [0, 1] or an input of fewer than two dims.
    /// </summary>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutProbability(p);
        return FeatureDropout(input, p, training, generator);
    }

    /// <summary>
    /// torch.nn.functional.dropout3d: channel-wise dropout on (N, C, D, H, W) or unbatched (C, D, H, W) input (as PyTorch,
    /// any input but a 5-D one gets a batch dimension for the draw). Each whole channel is
    /// zeroed with probability <paramref name="p"/> in training and the rest scaled by 1 / (1 - p), with libtorch's
    /// feature noise from the generator. Throws ArgumentException for p outside [0, 1] or a 0-D input.
    /// </summary>
    public static Tensor Dropout3d(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutProbability(p);
        return UnbatchedFeatureDropout(input, batched: input.Dim == 5, p, training, generator);
    }

    /// <summary>Feature dropout with a batch dimension added for the draw and removed after when the input has none.</summary>
    private static Tensor UnbatchedFeatureDropout(Tensor input, bool batched, double p, bool training, Generator? generator) =>
        batched ? FeatureDropout(input, p, training, generator) : FeatureDropout(input.Unsqueeze(0), p, training, generator).Squeeze(0);

    /// <summary>ATen's feature_dropout: noise of shape (N, C, 1, ...), bernoulli_(1 - p), divided by 1 - p, multiplied in.</summary>
    private static Tensor FeatureDropout(Tensor input, double p, bool training, Generator? generator)
    {
        Errors.Check(input.Dim >= 2, "Feature dropout requires at least 2 dimensions in the input");
        if (p == 0 || !training || input.Numel == 0) return input;
        if (p == 1) return input * Tensor.Zeros([], input.DType);
        var noise = FeatureNoise(input, 1 - p, generator);
        noise.Div_(1 - p);
        return input * noise;
    }

    /// <summary>ATen's make_feature_noise, filled: a contiguous (N, C, 1, ...) tensor of bernoulli_(<paramref name="keep"/>) draws.</summary>
    private static Tensor FeatureNoise(Tensor input, double keep, Generator? generator)
    {
        var shape = new int[input.Dim];
        Array.Fill(shape, 1);
        shape[0] = input.Size(0);
        shape[1] = input.Size(1);
        return DropoutNoise.Bernoulli(Tensor.Empty(shape, input.DType), keep, generator ?? Generator.Default);
    }

    /// <summary>PyTorch's check on a dropout probability.</summary>
    private static void CheckDropoutProbability(double p)
    {
        if (!(p >= 0 && p <= 1)) throw Errors.Runtime($"dropout probability has to be between 0 and 1, but got {p.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }
}
