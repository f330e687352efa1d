using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// torch.nn's instance norm layers (_InstanceNorm) over <see cref="NormBase"/>'s parameters and buffers, with PyTorch's
/// defaults affine=False and track_running_stats=False. Each (sample, channel) is normalised by its own statistics in
/// training, or always when the running statistics are not tracked; with them tracked, training updates them
/// (num_batches_tracked stays 0, as PyTorch's) and evaluation normalises by them. An input without the batch dim is
/// normalised as a batch of one.
/// </summary>
public abstract class InstanceNormNd : NormBase
{
    private protected InstanceNormNd(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype) { }

    /// <summary>The rank of an input without the batch dim (torch's _get_no_batch_dim): 2, 3 or 4.</summary>
    private protected abstract int NoBatchDim { get; }

    /// <summary>
    /// torch.nn's _InstanceNorm.forward over F.instance_norm. Throws ArgumentException (PyTorch's ValueError) for an
    /// input of the wrong rank, or, when affine, whose channel size differs from num_features.
    /// </summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim != NoBatchDim && input.Dim != NoBatchDim + 1)
            throw Errors.Runtime($"expected {NoBatchDim}D or {NoBatchDim + 1}D input (got {input.Dim}D input)");
        int featureDim = input.Dim - NoBatchDim;
        // Without affine, PyTorch only warns on a channel count that differs from num_features: num_features is unused then.
        if (Affine && input.Size(featureDim) != NumFeatures)
            throw Errors.Runtime($"expected input's size at dim={featureDim} to match num_features ({NumFeatures}), but got: {input.Size(featureDim)}.");
        bool unbatched = input.Dim == NoBatchDim;
        var x = unbatched ? input.Unsqueeze(0) : input;
        var y = F.InstanceNorm(x, RunningMean, RunningVar, Weight, Bias, Training || !TrackRunningStats, Momentum ?? 0.0, Eps);
        return unbatched ? y.Squeeze(0) : y;
    }
}

/// <summary>torch.nn.InstanceNorm1d over (N, C, L) or unbatched (C, L).</summary>
/// <param name="numFeatures">num_features, C.</param><param name="eps">eps.</param><param name="momentum">momentum (null: 0).</param>
/// <param name="affine">affine.</param><param name="trackRunningStats">track_running_stats.</param><param name="dtype">dtype of the parameters and buffers.</param>
public class InstanceNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType dtype = DType.Float32)
    : InstanceNormNd(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override int NoBatchDim => 2;
}

/// <summary>torch.nn.InstanceNorm2d over (N, C, H, W) or unbatched (C, H, W).</summary>
/// <param name="numFeatures">num_features, C.</param><param name="eps">eps.</param><param name="momentum">momentum (null: 0).</param>
/// <param name="affine">affine.</param><param name="trackRunningStats">track_running_stats.</param><param name="dtype">dtype of the parameters and buffers.</param>
public class InstanceNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType dtype = DType.Float32)
    : InstanceNormNd(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override int NoBatchDim => 3;
}

/// <summary>torch.nn.InstanceNorm3d over (N, C, D, H, W) or unbatched (C, D, H, W).</summary>
/// <param name="numFeatures">num_features, C.</param><param name="eps">eps.</param><param name="momentum">momentum (null: 0).</param>
/// <param name="affine">affine.</param><param name="trackRunningStats">track_running_stats.</param><param name="dtype">dtype of the parameters and buffers.</param>
public class InstanceNorm3d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType dtype = DType.Float32)
    : InstanceNormNd(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override int NoBatchDim => 4;
}
