using Nabla.Core;

namespace Nabla.NN;

/// <summary>Alpha dropout (torch.nn.functional.alpha_dropout and feature_alpha_dropout), which keeps SELU's self-normalisation.</summary>
public static partial class F
{
    /// <summary>SELU's negative saturation value, α·λ: a dropped element is set to −alpha before the affine correction.</summary>
    private const double AlphaDropoutSaturation = 1.7580993408473766;

    /// <summary>
    /// torch.nn.functional.alpha_dropout: in training, each element is set to SELU's saturation value with probability
    /// <paramref name="p"/>, then the result is scaled and shifted (<c>a·(x·m) + b</c> per element, a = 1/√((α²p + 1)(1 − p)),
    /// b = α·a·(m − 1 + p) in PyTorch's arithmetic) so that a zero-mean, unit-variance input keeps its mean and variance;
    /// otherwise the input itself (PyTorch's default is training=false). The mask m is <c>bernoulli_(1 − p)</c> from the
    /// generator in the input's memory order, as libtorch's CPU kernel draws it, so after the same seed it equals libtorch's.
    /// Throws ArgumentException when <paramref name="p"/> is outside [0, 1].
    /// </summary>
    public static Tensor AlphaDropout(Tensor input, double p = 0.5, bool training = false, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutProbability(p);
        if (p == 0 || !training || input.Numel == 0) return input;
        if (p == 1) return input * Tensor.Zeros([], input.DType);
        return ApplyAlphaNoise(input, DropoutNoise.Bernoulli(input, 1 - p, generator ?? Generator.Default), p);
    }

    /// <summary>
    /// torch.nn.functional.feature_alpha_dropout: <see cref="AlphaDropout"/> with one mask entry per (sample, channel), the
    /// whole channel set to the saturation value together; the mask is libtorch's feature noise (a contiguous (N, C, 1, ...)
    /// tensor, <c>bernoulli_(1 − p)</c>). PyTorch's default is training=false. Throws ArgumentException for p outside [0, 1]
    /// or an input of fewer than two dims.
    /// </summary>
    public static Tensor FeatureAlphaDropout(Tensor input, double p = 0.5, bool training = false, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutProbability(p);
        Errors.Check(input.Dim >= 2, "Feature dropout requires at least 2 dimensions in the input");
        if (p == 0 || !training || input.Numel == 0) return input;
        if (p == 1) return input * Tensor.Zeros([], input.DType);
        return ApplyAlphaNoise(input, FeatureNoise(input, 1 - p, generator), p);
    }

    /// <summary>ATen's _dropout_impl for alpha dropout: b = (m − 1)·(α·a) + α·a·p, then input·(m·a) + b, in that order.</summary>
    private static Tensor ApplyAlphaNoise(Tensor input, Tensor noise, double p)
    {
        double a = 1.0 / Math.Sqrt((AlphaDropoutSaturation * AlphaDropoutSaturation * p + 1) * (1 - p));
        var b = (noise - 1) * (AlphaDropoutSaturation * a) + AlphaDropoutSaturation * a * p;
        noise.Mul_(a);
        return input * noise + b;
    }
}
