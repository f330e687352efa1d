using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// The fused normalisations (native_batch_norm, native_layer_norm, native_group_norm): statistics in float64, the
/// output as PyTorch's CPU kernels form it (<c>x * scale + shift</c>), one node each with PyTorch's name.
/// </summary>
internal static class Normalization
{
    public static Tensor BatchNorm(Tensor input, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar,
        bool training, double momentum, double eps)
    {
        ArgumentNullException.ThrowIfNull(input);
        int channels = input.Size(1);
        if (input.Numel == 0)
        {
            // libtorch keeps the graph alive through the affine parameters on an empty batch.
            var output = input.Clone();
            if (weight is not null) output = output * weight[0];
            if (bias is not null) output = output + bias[0];
            return output;
        }
        if (runningMean is not null) CheckFeatures("running_mean", channels, runningMean);
        else if (!training) throw Errors.Runtime("running_mean must be defined in evaluation mode");
        if (runningVar is not null) CheckFeatures("running_var", channels, runningVar);
        else if (!training) throw Errors.Runtime("running_var must be defined in evaluation mode");
        if (weight is not null) CheckFeatures("weight", channels, weight);
        if (bias is not null) CheckFeatures("bias", channels, bias);
        if (!input.IsFloatingPoint) throw Errors.NotImplemented($"\"batch_norm\" not implemented for '{input.DType.ScalarTypeName()}'");

        int[] dims = [0, .. Enumerable.Range(2, input.Dim - 2)];
        var statShape = Enumerable.Repeat(1, input.Dim).ToArray();
        statShape[1] = channels;
        var x = input.Detach().Contiguous();
        Tensor mean, invstd, result;
        using (GradMode.NoGrad())
        {
            if (training)
            {
                // One fused pass per channel for the mean, one for the squared deviations, both summed in float64.
                var (batchMeanValues, biasedVarValues) = Kernels.BatchNorm.Statistics(x);
                var batchMean = Tensor.From(batchMeanValues);
                var biasedVar = Tensor.From(biasedVarValues);
                mean = batchMean.To(input.DType).Reshape(statShape);
                invstd = (biasedVar + eps).Rsqrt().To(input.DType).Reshape(statShape);
                int count = input.Numel / channels;
                if (runningMean is not null)
                    runningMean.Copy_(batchMean * momentum + (1 - momentum) * runningMean.To(DType.Float64));
                if (runningVar is not null)
                    runningVar.Copy_(biasedVar * ((double)count / (count - 1)) * momentum + (1 - momentum) * runningVar.To(DType.Float64));
            }
            else
            {
                mean = runningMean!.To(input.DType).Reshape(statShape).Clone();
                invstd = (runningVar!.To(DType.Float64) + eps).Rsqrt().To(input.DType).Reshape(statShape);
            }
            // x * scale + shift per channel, as the generic Affine forms it, in one pass.
            var scale = (weight is null ? invstd : invstd * weight.View(statShape)).Reshape(channels);
            var shift = (bias is null ? -(mean.Reshape(channels) * scale) : bias.Reshape(channels) - mean.Reshape(channels) * scale);
            result = Tensor.AllocateForOutput(input.Shape, input.DType);
            Kernels.BatchNorm.Affine(x, scale, shift, result);
        }
        return Graph.Record(result, NormalizationDerivatives.NativeBatchNormBackward0, [input, weight, bias], (dims, training, eps), NormalizationDerivatives.BatchNorm,
            input, mean, invstd, weight ?? Tensor.Zeros([0], input.DType));
    }

    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight, Tensor? bias, double eps)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        int k = normalizedShape.Length;
        string shape = Errors.Shape(normalizedShape);
        Errors.Check(k >= 1, $"Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = {shape}");
        Errors.Check(weight is null || weight.Sizes.SequenceEqual(normalizedShape),
            $"Expected weight to be of same shape as normalized_shape, but got weight of shape {(weight is null ? "" : Errors.Shape(weight.Sizes))} and normalized_shape = {shape}");
        Errors.Check(bias is null || bias.Sizes.SequenceEqual(normalizedShape),
            $"Expected bias to be of same shape as normalized_shape, but got bias of shape {(bias is null ? "" : Errors.Shape(bias.Sizes))} and normalized_shape = {shape}");
        if (input.Dim < k || !input.Sizes[(input.Dim - k)..].SequenceEqual(normalizedShape))
            throw Errors.Runtime($"Given normalized_shape={shape}, expected input with shape [*{string.Concat(normalizedShape.Select(s => ", " + s))}], but got input of size{Errors.Shape(input.Sizes)}");
        if (!input.IsFloatingPoint) throw Errors.NotImplemented($"\"LayerNormKernelImpl\" not implemented for '{input.DType.ScalarTypeName()}'");

        int[] dims = [.. Enumerable.Range(input.Dim - k, k)];
        var (mean, rstd) = Moments(input, dims, eps);
        var result = Affine(input, mean, rstd, weight, bias);
        return Graph.Record(result, NormalizationDerivatives.NativeLayerNormBackward0, [input, weight, bias], (dims, eps), NormalizationDerivatives.LayerNorm,
            input, mean, rstd, weight ?? Tensor.Zeros([0], input.DType));
    }

    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight, Tensor? bias, double eps)
    {
        ArgumentNullException.ThrowIfNull(input);
        int n = input.Size(0), c = input.Size(1);
        Errors.Check(numGroups > 0 && c % numGroups == 0,
            $"Expected number of channels in input to be divisible by num_groups, but got input of shape {Errors.Shape(input.Sizes)} and num_groups={numGroups}");
        Errors.Check(weight is null || (weight.Dim == 1 && weight.Numel == c),
            $"Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape {(weight is null ? "" : Errors.Shape(weight.Sizes))} and input of shape {Errors.Shape(input.Sizes)}");
        Errors.Check(bias is null || (bias.Dim == 1 && bias.Numel == c),
            $"Expected bias to be a vector of size equal to the number of channels in input, but got bias of shape {(bias is null ? "" : Errors.Shape(bias.Sizes))} and input of shape {Errors.Shape(input.Sizes)}");
        if (!input.IsFloatingPoint) throw Errors.NotImplemented($"\"GroupNormKernelImpl\" not implemented for '{input.DType.ScalarTypeName()}'");

        var grouped = input.Reshape(n, numGroups, -1);
        var (mean, rstd) = Moments(grouped, [2], eps);
        var channelShape = Enumerable.Repeat(1, input.Dim).ToArray();
        channelShape[1] = c;
        Tensor result;
        using (GradMode.NoGrad())
            result = Affine(grouped.Detach(), mean, rstd, null, null).Reshape(input.Shape);
        result = Affine(result, Tensor.Zeros([1], input.DType), Tensor.Ones([1], input.DType), weight?.View(channelShape), bias?.View(channelShape));
        return Graph.Record(result, NormalizationDerivatives.NativeGroupNormBackward0, [input, weight, bias], (numGroups, eps), NormalizationDerivatives.GroupNorm,
            input, mean, rstd, weight ?? Tensor.Zeros([0], input.DType));
    }

    /// <summary>Mean and 1 / sqrt(biased variance + eps) over <paramref name="dims"/> (kept), computed in float64.</summary>
    private static (Tensor Mean, Tensor Rstd) Moments(Tensor input, int[] dims, double eps)
    {
        using (GradMode.NoGrad())
        {
            var x = input.To(DType.Float64);
            var mean = x.Mean(dims, keepdim: true);
            var variance = (x - mean).Pow(2).Mean(dims, keepdim: true);
            return (mean.To(input.DType), (variance + eps).Rsqrt().To(input.DType));
        }
    }

    /// <summary><c>x * scale + shift</c> with <c>scale = rstd * weight</c>, <c>shift = bias - mean * scale</c>, without autograd.</summary>
    private static Tensor Affine(Tensor x, Tensor mean, Tensor rstd, Tensor? weight, Tensor? bias)
    {
        using (GradMode.NoGrad())
        {
            var scale = weight is null ? rstd : rstd * weight;
            var shift = bias is null ? -(mean * scale) : bias - mean * scale;
            return x * scale + shift;
        }
    }

    /// <summary>
    /// The p-norm over one dim, <c>(Σ|x|^p)^(1/p)</c>, with p = 0 (the count of nonzeros) and p = ±inf (max/min of |x|):
    /// linalg.vector_norm, or torch.norm(p, dim) recorded under <paramref name="node"/> (NormBackward1). The gradient is
    /// torch's linalg_vector_norm_backward: zero where the norm is zero (the composition through sqrt would give NaN
    /// there), shared evenly among ties for ±inf, zero for p = 0.
    /// </summary>
    public static Tensor VectorNorm(Tensor input, double p, int dim, bool keepdim = true, string node = "LinalgVectorNormBackward0")
    {
        Tensor y;
        using (GradMode.NoGrad())
        {
            var a = input.Abs();
            y = p switch
            {
                0 => a.Ne(0.0).To(input.DType).Sum(dim, keepdim: true),
                double.PositiveInfinity => a.Amax(dim, keepdim: true),
                double.NegativeInfinity => a.Amin(dim, keepdim: true),
                1 => a.Sum(dim, keepdim: true),
                2 => a.Pow(2).Sum(dim, keepdim: true).Sqrt(),
                _ => a.Pow(p).Sum(dim, keepdim: true).Pow(1 / p),
            };
        }
        var norm = Graph.Record(y, node, [input], (p, dim), NormalizationDerivatives.VectorNorm, input, y);
        return keepdim ? norm : norm.Squeeze(dim);
    }

    private static void CheckFeatures(string name, int expected, Tensor t) =>
        Errors.Check(t.Numel == expected, $"{name} should contain {expected} elements not {t.Numel}");
}
