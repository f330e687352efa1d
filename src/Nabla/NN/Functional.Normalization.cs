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
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        Normalization.LayerNorm(input, normalizedShape, weight, bias, eps);

    /// <summary>
    /// torch.nn.functional.group_norm over (N, C, *): splits the C channels into <paramref name="numGroups"/> groups,
    /// normalises each (sample, group) by its mean and biased variance, then applies the per-channel
    /// <paramref name="weight"/> and <paramref name="bias"/>. Throws ArgumentException when C is not divisible by
    /// the number of groups or a parameter has the wrong shape.
    /// </summary>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        Normalization.GroupNorm(input, numGroups, weight, bias, eps);
}
