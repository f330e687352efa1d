using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// torch.nn's batch norm layers (_BatchNorm) over <see cref="NormBase"/>'s parameters and buffers. In training the
/// batch statistics normalise and update the running ones with <see cref="NormBase.Momentum"/> (or the cumulative
/// average when it is null); in evaluation the running statistics normalise.
/// </summary>
public abstract class BatchNormNd : NormBase
{
    private protected BatchNormNd(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype) { }

    /// <summary>The rank check of each subclass (ValueError in PyTorch).</summary>
    private protected abstract void CheckInputDim(Tensor input);

    /// <summary>torch.nn's _BatchNorm.forward over F.batch_norm.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInputDim(input);
        double factor = Momentum ?? 0.0;
        if (Training && TrackRunningStats && NumBatchesTracked is { } tracked)
        {
            using (GradMode.NoGrad()) tracked.Add_(1);
            factor = Momentum ?? 1.0 / tracked.Item<long>();
        }
        bool useBatchStats = Training || (RunningMean is null && RunningVar is null);
        bool passStats = !Training || TrackRunningStats;
        return F.BatchNorm(input, passStats ? RunningMean : null, passStats ? RunningVar : null, Weight, Bias, useBatchStats, factor, Eps);
    }
}

/// <summary>torch.nn.BatchNorm1d over (N, C) or (N, C, L).</summary>
public class BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNormNd(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim is not (2 or 3)) throw Errors.Runtime($"expected 2D or 3D input (got {input.Dim}D input)");
    }
}

/// <summary>torch.nn.BatchNorm2d over (N, C, H, W).</summary>
public class BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNormNd(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim != 4) throw Errors.Runtime($"expected 4D input (got {input.Dim}D input)");
    }
}

/// <summary>torch.nn.BatchNorm3d over (N, C, D, H, W).</summary>
public class BatchNorm3d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNormNd(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim != 5) throw Errors.Runtime($"expected 5D input (got {input.Dim}D input)");
    }
}

/// <summary>torch.nn.LayerNorm: normalises over the trailing <see cref="NormalizedShape"/> dims; weight ones and bias zeros
/// of that shape when <see cref="ElementwiseAffine"/>.</summary>
public class LayerNorm : Module<Tensor, Tensor>
{
    /// <summary>nn.LayerNorm(normalized_shape, eps, elementwise_affine, bias).</summary>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        NormalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        ElementwiseAffine = elementwiseAffine;
        RegisterParameter("weight", elementwiseAffine ? Parameter.Create(Tensor.Ones(NormalizedShape, dtype)) : null);
        RegisterParameter("bias", elementwiseAffine && bias ? Parameter.Create(Tensor.Zeros(NormalizedShape, dtype)) : null);
    }

    /// <summary>nn.LayerNorm(n): normalises over the last dim of size n.</summary>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType dtype = DType.Float32)
        : this([normalizedShape], eps, elementwiseAffine, bias, dtype) { }

    /// <summary>normalized_shape.</summary>
    public int[] NormalizedShape { get; }
    /// <summary>eps.</summary>
    public double Eps { get; }
    /// <summary>elementwise_affine.</summary>
    public bool ElementwiseAffine { get; }
    /// <summary>weight, or null.</summary>
    public Tensor? Weight { get => ParameterSlot("weight"); set => RegisterParameter("weight", value); }
    /// <summary>bias, or null.</summary>
    public Tensor? Bias { get => ParameterSlot("bias"); set => RegisterParameter("bias", value); }

    /// <summary>F.layer_norm(input, normalized_shape, weight, bias, eps).</summary>
    public override Tensor Forward(Tensor input) => F.LayerNorm(input, NormalizedShape, Weight, Bias, Eps);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"{Repr.Tuple(NormalizedShape)}, eps={Repr.Of(Eps)}, elementwise_affine={Repr.Of(ElementwiseAffine)}";
}

/// <summary>torch.nn.GroupNorm: <see cref="NumGroups"/> groups of channels, per-channel weight (ones) and bias (zeros) when affine.</summary>
public class GroupNorm : Module<Tensor, Tensor>
{
    /// <summary>nn.GroupNorm(num_groups, num_channels, eps, affine).</summary>
    /// <exception cref="ArgumentException">num_channels not divisible by num_groups.</exception>
    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true, DType dtype = DType.Float32)
    {
        if (numGroups <= 0 || numChannels % numGroups != 0) throw Errors.Runtime("num_channels must be divisible by num_groups");
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        Affine = affine;
        RegisterParameter("weight", affine ? Parameter.Create(Tensor.Ones([numChannels], dtype)) : null);
        RegisterParameter("bias", affine ? Parameter.Create(Tensor.Zeros([numChannels], dtype)) : null);
    }

    /// <summary>num_groups.</summary>
    public int NumGroups { get; }
    /// <summary>num_channels.</summary>
    public int NumChannels { get; }
    /// <summary>eps.</summary>
    public double Eps { get; }
    /// <summary>affine.</summary>
    public bool Affine { get; }
    /// <summary>weight, or null.</summary>
    public Tensor? Weight { get => ParameterSlot("weight"); set => RegisterParameter("weight", value); }
    /// <summary>bias, or null.</summary>
    public Tensor? Bias { get => ParameterSlot("bias"); set => RegisterParameter("bias", value); }

    /// <summary>F.group_norm(input, num_groups, weight, bias, eps).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return F.GroupNorm(input, NumGroups, Weight, Bias, Eps);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={Repr.Of(Eps)}, affine={Repr.Of(Affine)}";
}
