using Nabla.Core;

namespace Nabla.NN;

/// <summary>Loss functions (torch.nn.functional.*_loss), each with PyTorch's checks, reductions and autograd nodes.</summary>
public static partial class F
{
    // ---- negative log likelihood and cross entropy -------------------------------------------------------------

    /// <summary>
    /// torch.nn.functional.nll_loss: <c>-input[n, target[n], d...] * weight[target]</c> over input (C), (N, C) or
    /// (N, C, d1, ...), with targets equal to <paramref name="ignoreIndex"/> skipped; 'mean' divides by the summed
    /// weights of the kept targets. Throws ArgumentException for mismatched shapes or dtypes and IndexException for a
    /// target outside [0, C).
    /// </summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (input.Dim < 1) throw Errors.Runtime($"Expected 1 or more dimensions (got {input.Dim})");
        if (input.Dim != 1 && target.Dim == 0) throw Errors.Index("Dimension specified as 0 but tensor has no dimensions");
        if (input.Dim != 1 && input.Size(0) != target.Size(0))
            throw Errors.Runtime($"Expected input batch_size ({input.Size(0)}) to match target batch_size ({target.Size(0)}).");
        if (input.Dim <= 2) return Losses.Nll(input, target, weight, ignoreIndex, reduction, spatial: false);
        if (input.Dim == 4) return Losses.Nll(input, target, weight, ignoreIndex, reduction, spatial: true);

        // 3-d and 5-d+ inputs run as a 4-d (N, C, 1, rest) problem, as PyTorch's nll_loss_nd does.
        int n = input.Size(0), c = input.Size(1);
        int[] outSize = [n, .. input.Shape[2..]];
        if (!target.Shape[1..].AsSpan().SequenceEqual(input.Shape[2..]))
            throw Errors.Runtime($"Expected target size {Errors.Shape(outSize)}, got {Errors.Shape(target.Sizes)}");
        var input4 = input.Numel > 0 ? input.Contiguous().View(n, c, 1, -1) : input.Contiguous().View(n, c, 0, 0);
        var target3 = target.Numel > 0 ? target.Contiguous().View(n, 1, -1) : target.Contiguous().View(n, 0, 0);
        var loss = Losses.Nll(input4, target3, weight, ignoreIndex, reduction, spatial: true);
        return reduction == Reduction.None ? loss.View(outSize) : loss;
    }

    /// <summary>
    /// torch.nn.functional.cross_entropy: log_softmax over the class dim (dim 1, or 0 for an unbatched (C) input) then
    /// the negative log likelihood. <paramref name="target"/> holds class indices (int64, shape of input without the
    /// class dim) or, when it has the input's shape, class probabilities. <paramref name="labelSmoothing"/> in [0, 1]
    /// mixes in the uniform distribution. Throws ArgumentException for bad shapes, dtypes or arguments.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
        Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        int classDim = input.Dim == 1 ? 0 : 1;
        if (input.Sizes.SequenceEqual(target.Sizes))
        {
            if (!target.IsFloatingPoint)
                throw Errors.Runtime($"Expected floating point type for target with class probabilities, got {target.DType.ScalarTypeName()}");
            if (ignoreIndex >= 0) throw Errors.Runtime("ignore_index is not supported for floating point target");
            if (labelSmoothing > 1.0) throw Errors.Runtime($"label_smoothing must be between 0.0 and 1.0. Got: {labelSmoothing}");
            return Losses.CrossEntropyProbabilities(input, target, weight, reduction, Math.Max(labelSmoothing, 0), classDim);
        }
        if (labelSmoothing > 0.0)
        {
            if (labelSmoothing > 1.0) throw Errors.Runtime($"label_smoothing must be between 0.0 and 1.0. Got: {labelSmoothing}");
            return Losses.CrossEntropyLabelSmoothing(input, target, weight, reduction, ignoreIndex, labelSmoothing, classDim);
        }
        return NllLoss(input.LogSoftmax(classDim, input.DType), target, weight, ignoreIndex, reduction);
    }
}
