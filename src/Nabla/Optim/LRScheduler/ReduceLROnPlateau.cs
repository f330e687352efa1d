using Nabla.Core;

namespace Nabla.Optim.LRScheduler;

/// <summary>
/// torch.optim.lr_scheduler.ReduceLROnPlateau: multiplies the learning rates by factor when a metric has not improved
/// for more than patience epochs, then waits cooldown epochs; never below minLr.
/// </summary>
public sealed class ReduceLROnPlateau
{
    private readonly PlateauMode _mode;
    private readonly ThresholdMode _thresholdMode;
    private readonly double _factor, _threshold, _eps;
    private readonly int _patience, _cooldown;
    private readonly double[] _minLrs;
    private double[] _lastLr;

    /// <summary>Creates the scheduler with one minimum learning rate for every group.</summary>
    /// <exception cref="ArgumentException">factor is not below 1.</exception>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
        double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, double minLr = 0, double eps = 1e-8)
        : this(optimizer, Enumerable.Repeat(minLr, optimizer.ParamGroups.Count).ToArray(), mode, factor, patience, threshold, thresholdMode, cooldown, eps) { }

    /// <summary>Creates the scheduler with a minimum learning rate per group.</summary>
    /// <exception cref="ArgumentException">factor is not below 1, or the number of minimum rates differs from the number of groups.</exception>
    public ReduceLROnPlateau(Optimizer optimizer, IReadOnlyList<double> minLrs, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
        double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, double eps = 1e-8)
    {
        if (factor >= 1.0) throw Errors.Runtime("Factor should be < 1.0.");
        Optimizer = optimizer;
        if (minLrs.Count != optimizer.ParamGroups.Count)
            throw Errors.Runtime($"expected {optimizer.ParamGroups.Count} min_lrs, got {minLrs.Count}");
        (_mode, _factor, _patience, _threshold, _thresholdMode, _cooldown, _eps) = (mode, factor, patience, threshold, thresholdMode, cooldown, eps);
        _minLrs = minLrs.ToArray();
        Best = mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
        _lastLr = optimizer.ParamGroups.Select(g => g.Lr).ToArray();
    }

    /// <summary>The optimizer whose learning rates are reduced.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The best metric seen so far.</summary>
    public double Best { get; private set; }

    /// <summary>Epochs since the metric last improved.</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Epochs of cooldown left.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>The number of steps taken.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>The learning rates after the last step, one per group.</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLr;

    private bool IsBetter(double a, double best) => (_mode, _thresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => a < best * (1 - _threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => a < best - _threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => a > best * (_threshold + 1),
        _ => a > best + _threshold,
    };

    /// <summary>scheduler.step(metrics): records the metric and reduces the learning rates after a plateau.</summary>
    public void Step(double metrics)
    {
        LastEpoch++;
        if (IsBetter(metrics, Best)) { Best = metrics; NumBadEpochs = 0; }
        else NumBadEpochs++;
        if (CooldownCounter > 0) { CooldownCounter--; NumBadEpochs = 0; }
        if (NumBadEpochs > _patience)
        {
            var groups = Optimizer.ParamGroups;
            for (int i = 0; i < groups.Count; i++)
            {
                double old = groups[i].Lr, lr = Math.Max(old * _factor, _minLrs[i]);
                if (old - lr > _eps) groups[i].Lr = lr;
            }
            CooldownCounter = _cooldown;
            NumBadEpochs = 0;
        }
        _lastLr = Optimizer.ParamGroups.Select(g => g.Lr).ToArray();
    }

    /// <summary>scheduler.state_dict(): the counters under PyTorch's names.</summary>
    public Dictionary<string, object?> StateDict() => new()
    {
        ["best"] = Best, ["num_bad_epochs"] = (long)NumBadEpochs, ["cooldown_counter"] = (long)CooldownCounter,
        ["last_epoch"] = (long)LastEpoch, ["_last_lr"] = _lastLr.Cast<object?>().ToList(),
    };

    /// <summary>scheduler.load_state_dict().</summary>
    /// <exception cref="ArgumentException">An entry is missing or not a number.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        double N(string k) => state.TryGetValue(k, out var v) ? OptionValues.ToDouble(v, k) : throw Errors.Runtime($"scheduler state dict has no '{k}'");
        Best = N("best");
        NumBadEpochs = (int)N("num_bad_epochs");
        CooldownCounter = (int)N("cooldown_counter");
        LastEpoch = (int)N("last_epoch");
        if (state.TryGetValue("_last_lr", out var l) && l is System.Collections.IEnumerable e)
            _lastLr = e.Cast<object?>().Select(x => OptionValues.ToDouble(x, "_last_lr")).ToArray();
    }
}
