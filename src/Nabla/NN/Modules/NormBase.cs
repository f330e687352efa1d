using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// torch.nn's _NormBase, shared by the batch and instance norm layers: per-channel weight (ones) and bias (zeros) when
/// affine, and the buffers running_mean (zeros), running_var (ones) and num_batches_tracked (int64 0) when tracking
/// running statistics.
/// </summary>
public abstract class NormBase : Module<Tensor, Tensor>
{
    private protected NormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype)
    {
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        RegisterParameter("weight", affine ? Parameter.Create(Tensor.Ones([numFeatures], dtype)) : null);
        RegisterParameter("bias", affine ? Parameter.Create(Tensor.Zeros([numFeatures], dtype)) : null);
        RegisterBuffer("running_mean", trackRunningStats ? Tensor.Zeros([numFeatures], dtype) : null);
        RegisterBuffer("running_var", trackRunningStats ? Tensor.Ones([numFeatures], dtype) : null);
        RegisterBuffer("num_batches_tracked", trackRunningStats ? Tensor.Zeros([], DType.Int64) : null);
    }

    /// <summary>num_features.</summary>
    public int NumFeatures { get; }
    /// <summary>eps.</summary>
    public double Eps { get; }
    /// <summary>momentum; null for a cumulative moving average.</summary>
    public double? Momentum { get; }
    /// <summary>affine.</summary>
    public bool Affine { get; }
    /// <summary>track_running_stats.</summary>
    public bool TrackRunningStats { get; }

    /// <summary>weight (γ), or null when not affine.</summary>
    public Tensor? Weight { get => ParameterSlot("weight"); set => RegisterParameter("weight", value); }
    /// <summary>bias (β), or null when not affine.</summary>
    public Tensor? Bias { get => ParameterSlot("bias"); set => RegisterParameter("bias", value); }
    /// <summary>running_mean buffer, or null.</summary>
    public Tensor? RunningMean => BufferSlot("running_mean");
    /// <summary>running_var buffer, or null.</summary>
    public Tensor? RunningVar => BufferSlot("running_var");
    /// <summary>num_batches_tracked buffer (int64), or null.</summary>
    public Tensor? NumBatchesTracked => BufferSlot("num_batches_tracked");

    /// <summary>torch's reset_running_stats: running_mean 0, running_var 1, num_batches_tracked 0.</summary>
    public void ResetRunningStats()
    {
        if (!TrackRunningStats) return;
        using var noGrad = GradMode.NoGrad();
        RunningMean!.Zero_();
        RunningVar!.Fill_(1);
        NumBatchesTracked!.Zero_();
    }

    /// <summary>torch's reset_parameters: the running statistics, then weight 1 and bias 0.</summary>
    public void ResetParameters()
    {
        ResetRunningStats();
        if (Weight is { } w) Init.Ones_(w);
        if (Bias is { } b) Init.Zeros_(b);
    }

    /// <summary>A state dict without num_batches_tracked (saved before it existed) loads with the module's own count, as PyTorch.</summary>
    protected override void LoadFromStateDict(OrderedDictionary<string, Tensor> stateDict, string prefix,
        List<string> missingKeys, List<string> unexpectedKeys, List<string> errorMessages)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        if (TrackRunningStats && !stateDict.ContainsKey(prefix + "num_batches_tracked"))
            stateDict[prefix + "num_batches_tracked"] = NumBatchesTracked ?? Tensor.Zeros([], DType.Int64);
        base.LoadFromStateDict(stateDict, prefix, missingKeys, unexpectedKeys, errorMessages);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"{NumFeatures}, eps={Repr.Of(Eps)}, momentum={(Momentum is { } m ? Repr.Of(m) : "None")}, affine={Repr.Of(Affine)}, track_running_stats={Repr.Of(TrackRunningStats)}";
}
