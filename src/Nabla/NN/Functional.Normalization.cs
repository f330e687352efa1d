using Nabla.Core;

namespace Nabla.NN;

/// <summary>Normalisation layers' functional forms (torch.nn.functional.batch_norm, layer_norm, group_norm, ...).</summary>
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.batch_norm over (N, C, *): in training, normalises each channel by the batch mean and
    /// biased variance and updates <paramref name="runningMean"/> / <paramref name="runningVar"/> in place
    /// (<c>(1 - momentum) * running + momentum * batch</c>, the variance unbiased); in evaluation, normalises by the
    /// running statistics. Then scales by <paramref name="weight"/> and shifts by <paramref name="bias"/>.
    /// Throws ArgumentException for a statistic or parameter of the wrong size, for missing running statistics in
    /// evaluation, and for a single value per channel in training.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (training)
        {
            // torch.nn.functional's own check (libtorch's kernel accepts one value per channel).
            long perChannel = input.Dim == 0 ? 1 : input.Size(0);
            for (int d = 2; d < input.Dim; d++) perChannel *= input.Size(d);
            Errors.Check(perChannel != 1, $"Expected more than 1 value per channel when training, got input size torch.Size({Errors.Shape(input.Sizes)})");
        }
        return Normalization.BatchNorm(input, weight, bias, runningMean, runningVar, training, momentum, eps);
    }

    /// <summary>
    /// torch.nn.functional.layer_norm: normalises over the last <c>normalizedShape.Length</c> dims by their mean and
    /// biased variance, then applies the elementwise <paramref name="weight"/> and <paramref name="bias"/> (both of
    /// shape <paramref name="normalizedShape"/>). Throws ArgumentException when the shapes disagree.
    /// </summary>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        return Normalization.LayerNorm(input, normalizedShape, weight, bias, eps);
    }

    /// <summary>
    /// torch.nn.functional.group_norm over (N, C, *): splits the C channels into <paramref name="numGroups"/> groups,
    /// normalises each (sample, group) by its mean and biased variance, then applies the per-channel
    /// <paramref name="weight"/> and <paramref name="bias"/>. Throws ArgumentException when C is not divisible by
    /// the number of groups or a parameter has the wrong shape.
    /// </summary>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Normalization.GroupNorm(input, numGroups, weight, bias, eps);
    }

    /// <summary>
    /// torch.nn.functional.instance_norm over (N, C, *): each (sample, channel) normalised by its own statistics when
    /// <paramref name="useInputStats"/>, else by the running ones; the running statistics (per channel) are updated
    /// with the mean over the batch. Runs as batch_norm over (1, N·C, *), as PyTorch does.
    /// </summary>
    public static Tensor InstanceNorm(Tensor input, Tensor? runningMean = null, Tensor? runningVar = null, Tensor? weight = null,
        Tensor? bias = null, bool useInputStats = true, double momentum = 0.1, double eps = 1e-5)
    {
        Errors.Check(useInputStats || (runningMean is not null && runningVar is not null),
            "Expected running_mean and running_var to be defined when use_input_stats is false");
        if (useInputStats)
        {
            long spatial = 1;
            for (int d = 2; d < input.Dim; d++) spatial *= input.Size(d);
            Errors.Check(spatial != 1, $"Expected more than 1 spatial element when training, got input size torch.Size({Errors.Shape(input.Sizes)})");
        }
        int b = input.Size(0), c = input.Size(1);
        int[] shape = [1, b * c, .. input.Shape[2..]];
        var meanRepeated = runningMean?.Repeat(b);
        var varRepeated = runningVar?.Repeat(b);
        var output = Normalization.BatchNorm(input.Contiguous().View(shape), weight?.Repeat(b), bias?.Repeat(b), meanRepeated, varRepeated,
            useInputStats, momentum, eps);
        using (GradMode.NoGrad())
        {
            if (runningMean is not null) runningMean.Copy_(meanRepeated!.View(b, c).Mean(0));
            if (runningVar is not null) runningVar.Copy_(varRepeated!.View(b, c).Mean(0));
        }
        return output.View(input.Shape);
    }

    /// <summary>
    /// torch.nn.functional.rms_norm: <c>x / sqrt(mean(x²) + eps)</c> over the trailing <paramref name="normalizedShape"/> dims,
    /// times <paramref name="weight"/>; eps defaults to the dtype's machine epsilon. Throws ArgumentException when shapes disagree.
    /// </summary>
    public static Tensor RmsNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, double? eps = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        int k = normalizedShape.Length;
        if (weight is not null && !weight.Sizes.SequenceEqual(normalizedShape))
            throw Errors.Runtime($"Expected weight to be of same shape as normalized_shape, but got weight of shape {Errors.Shape(weight.Sizes)} and normalized_shape = {Errors.Shape(normalizedShape)}");
        if (input.Dim < k || !input.Sizes[(input.Dim - k)..].SequenceEqual(normalizedShape))
            throw Errors.Runtime($"Given normalized_shape={Errors.Shape(normalizedShape)}, expected input with shape [*{string.Join(", ", normalizedShape)}], but got input of size{Errors.Shape(input.Sizes)}");
        int[] dims = [.. Enumerable.Range(input.Dim - k, k)];
        double e = eps ?? (input.DType == DType.Float64 ? 2.220446049250313e-16 : 1.1920928955078125e-07);
        var result = input * (input.Pow(2).Mean(dims, keepdim: true) + e).Rsqrt();
        return weight is null ? result : result * weight;
    }

    /// <summary>
    /// torch.nn.functional.local_response_norm: divides each element by <c>(k + alpha · mean of x² over <paramref name="size"/>
    /// neighbouring channels)^beta</c> (zero-padded at the ends). Throws ArgumentException below 3 dims.
    /// </summary>
    public static Tensor LocalResponseNorm(Tensor input, int size, double alpha = 1e-4, double beta = 0.75, double k = 1.0)
    {
        if (input.Dim < 3) throw Errors.Runtime($"Expected 3D or higher dimensionality input (got {input.Dim} dimensions)");
        if (input.Numel == 0) return input;
        int channels = input.Size(1);
        var squares = input * input;
        var pad = new int[2 * (input.Dim - 1)];
        pad[^2] = size / 2;
        pad[^1] = (size - 1) / 2;
        var padded = Pad(squares, pad);
        var window = padded.Narrow(1, 0, channels);
        for (int j = 1; j < size; j++) window = window + padded.Narrow(1, j, channels);
        var div = (window / size * alpha + k).Pow(beta);
        return input / div;
    }

    /// <summary>torch.nn.functional.normalize: <c>x / max(‖x‖_p, eps)</c> along <paramref name="dim"/>.</summary>
    public static Tensor Normalize(Tensor input, double p = 2, int dim = 1, double eps = 1e-12)
    {
        var denom = Normalization.VectorNorm(input, p, Errors.WrapDim(dim, input.Dim)).ClampMin(eps).ExpandAs(input);
        return input / denom;
    }
}
