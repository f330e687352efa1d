using Nabla.Core;

namespace Nabla.NN;

/// <summary>The loss computations behind <see cref="F"/>'s public loss functions.</summary>
internal static class Losses
{
    /// <summary>
    /// nll_loss (input (C) or (N, C); target () or (N)) or, with <paramref name="spatial"/>, nll_loss2d (input (N, C, H, W),
    /// target (N, H, W)): the checks and kernel of each, one gradient formula for both.
    /// </summary>
    public static Tensor Nll(Tensor input, Tensor target, Tensor? weight, long ignoreIndex, Reduction reduction, bool spatial)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        int classes = spatial ? input.Size(1) : input.Size(-1);
        if (spatial)
        {
            Errors.Check(target.Dim == 3, $"only batches of spatial targets supported (3D tensors) but got targets of dimension: {target.Dim}");
            Errors.Check(weight is null || weight.Numel == classes, "weight tensor should be defined either for all or no classes");
            Errors.Check(input.Size(0) == target.Size(0) && input.Size(2) == target.Size(1) && input.Size(3) == target.Size(2),
                $"size mismatch (got input: {Errors.Shape(input.Sizes)} , target: {Errors.Shape(target.Sizes)}");
        }
        else
        {
            Errors.Check(target.Dim <= 1, "0D or 1D target tensor expected, multi-target not supported");
            bool noBatch = input.Dim == 1 && target.Dim == 0;
            Errors.Check(noBatch || input.Size(0) == target.Size(0),
                $"size mismatch (got input: {Errors.Shape(input.Sizes)}, target: {Errors.Shape(target.Sizes)})");
            Errors.Check(weight is null || (weight.Dim == 1 && weight.Numel == classes),
                $"weight tensor should be defined either for all {classes} classes or no classes but got weight tensor of shape: {(weight is null ? "[]" : Errors.Shape(weight.Sizes))}");
        }
        if (!input.IsFloatingPoint)
            throw Errors.NotImplemented($"\"{(spatial ? "nll_loss2d_forward_out_frame" : "nll_loss_out_frame")}\" not implemented for '{input.DType.ScalarTypeName()}'");
        if (target.DType is not (DType.Int64 or DType.UInt8))
            throw Errors.Runtime($"expected scalar type Long but found {target.DType.ScalarTypeName()}");
        if (weight is not null && weight.DType != input.DType)
            throw Errors.Runtime($"expected scalar type {input.DType.ScalarTypeName()} but found {weight.DType.ScalarTypeName()}");

        // (N, C, K) view of the input and (N, K) targets: K is 1, or H * W for the spatial form.
        int n = input.Dim == 1 ? 1 : input.Size(0), k = spatial ? input.Size(2) * input.Size(3) : 1;
        var x = input.Detach().Contiguous().ToArray<double>();
        var t = target.ToArray<long>();
        var w = weight?.ToArray<double>();
        var losses = new double[n * k];
        var kept = new double[n * k]; // the weight of each target, 0 where ignored
        var safeTarget = new long[n * k];
        var ignored = new bool[n * k];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++)
            {
                int e = i * k + j;
                long c = t[e];
                if (c == ignoreIndex) { ignored[e] = true; continue; }
                if (c < 0 || c >= classes) throw Errors.Index($"Target {c} is out of bounds.");
                kept[e] = w is null ? 1 : w[c];
                losses[e] = -x[(i * classes + c) * k + j] * kept[e];
                safeTarget[e] = c;
            }

        var dtype = input.DType;
        Tensor result, totalWeight;
        if (reduction == Reduction.None)
        {
            int[] shape = spatial ? [n, input.Size(2), input.Size(3)] : input.Dim == 1 ? [] : [n];
            result = Tensor.From(losses).To(dtype).Reshape(shape);
            totalWeight = Tensor.Zeros([], dtype);
        }
        else
        {
            double sum = 0, weights = 0;
            for (int e = 0; e < losses.Length; e++) { sum += losses[e]; weights += kept[e]; }
            result = Tensor.From(reduction == Reduction.Mean ? sum / weights : sum).To(dtype);
            totalWeight = Tensor.From(weights).To(dtype);
        }
        return Graph.Record(result, spatial ? LossDerivatives.NllLoss2DBackward0 : LossDerivatives.NllLossBackward0, [input],
            (input.Shape, n, classes, k, reduction), LossDerivatives.NllLoss,
            Tensor.From(safeTarget).View(n, 1, k), Tensor.From(kept).To(dtype).View(n, k), Tensor.From(ignored).View(n, k), totalWeight);
    }

    /// <summary>cross_entropy with class probabilities: <c>-(log_softmax(input) * target * weight)</c> summed over classes.</summary>
    public static Tensor CrossEntropyProbabilities(Tensor self, Tensor target, Tensor? weight, Reduction reduction, double labelSmoothing, int classDim)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(target);
        int classes = self.Size(classDim);
        if (weight is not null && (weight.Dim != 1 || weight.Numel != classes))
            throw Errors.Runtime($"cross_entropy: weight tensor should be defined either for all {classes} classes or no classes but got weight tensor of shape: {Errors.Shape(weight.Sizes)}");
        var input = self.LogSoftmax(classDim, self.DType);
        var target_ = labelSmoothing > 0 ? target * (1 - labelSmoothing) + labelSmoothing / classes : target;
        var product = input * target_;
        if (weight is not null) product = product * ClassWeights(weight, input.Dim, classDim);
        return reduction switch
        {
            Reduction.Mean when input.Numel == 0 => -product.Sum() * double.NaN,
            Reduction.Mean => -product.Sum() / (input.Numel / classes),
            Reduction.Sum => -product.Sum(),
            _ => -product.Sum(classDim),
        };
    }

    /// <summary>cross_entropy with class indices and label smoothing: (1 - s) * nll + s / C * (the loss against the uniform distribution).</summary>
    public static Tensor CrossEntropyLabelSmoothing(Tensor self, Tensor target, Tensor? weight, Reduction reduction, long ignoreIndex,
        double labelSmoothing, int classDim)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(target);
        var input = self.LogSoftmax(classDim, self.DType);
        var nll = F.NllLoss(input, target, weight, ignoreIndex, reduction);
        int classes = input.Size(classDim);
        var ignoreMask = target.Eq(ignoreIndex);
        var smooth = weight is not null ? -(input * ClassWeights(weight, input.Dim, classDim)).Sum(classDim) : -input.Sum(classDim);
        smooth = smooth.MaskedFill(ignoreMask, 0.0);
        var ret = reduction switch
        {
            Reduction.Mean when weight is not null => smooth.Sum() / weight.Gather(0, target.MaskedSelect(~ignoreMask).Flatten()).Sum(),
            Reduction.Mean => smooth.Sum() / (~ignoreMask).Sum(),
            Reduction.Sum => smooth.Sum(),
            _ => smooth,
        };
        return (1 - labelSmoothing) * nll + ret * (labelSmoothing / classes);
    }

    /// <summary>A (C) class-weight vector shaped to broadcast against an input whose class dim is <paramref name="classDim"/>.</summary>
    private static Tensor ClassWeights(Tensor weight, int rank, int classDim)
    {
        if (rank <= 1) return weight;
        var shape = Enumerable.Repeat(1, rank).ToArray();
        shape[classDim] = weight.Size(0);
        return weight.View(shape);
    }
}
