using Nabla.Core;

namespace Nabla.Optim.LRScheduler;

/// <summary>
/// Base of the epoch-based learning-rate schedulers, mirroring torch.optim.lr_scheduler.LRScheduler: remembers each
/// group's "initial_lr" (the base learning rates), counts <see cref="LastEpoch"/>, and on <see cref="Step()"/> writes
/// the next learning rates into the optimizer's groups. Constructing a scheduler takes its initial step, as PyTorch's does.
/// </summary>
public abstract class LRSchedulerBase
{
    private double[] _lastLr = [];

    /// <summary>Sets up "initial_lr" and the base learning rates; the derived constructor then calls <see cref="InitialStep"/>.</summary>
    /// <exception cref="KeyNotFoundException">Resuming (lastEpoch != -1) with a group that has no "initial_lr".</exception>
    protected LRSchedulerBase(Optimizer optimizer, int lastEpoch)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        var groups = optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            if (lastEpoch == -1) { if (!groups[i].ContainsKey("initial_lr")) groups[i]["initial_lr"] = groups[i].Lr; }
            else if (!groups[i].ContainsKey("initial_lr"))
                throw new KeyNotFoundException($"param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer");
        }
        BaseLrs = groups.Select(g => g.Double("initial_lr")).ToArray();
        LastEpoch = lastEpoch;
    }

    /// <summary>For schedulers that drive others (SequentialLR): no initial_lr bookkeeping of their own.</summary>
    private protected LRSchedulerBase(Optimizer optimizer, double[] baseLrs, int lastEpoch)
    {
        Optimizer = optimizer;
        BaseLrs = baseLrs;
        LastEpoch = lastEpoch;
    }

    /// <summary>The optimizer whose learning rates this scheduler sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>scheduler.base_lrs: each group's "initial_lr".</summary>
    public IReadOnlyList<double> BaseLrs { get; private set; }

    /// <summary>scheduler.last_epoch: the index of the last step taken (0 after construction).</summary>
    public int LastEpoch { get; internal set; }

    /// <summary>scheduler._step_count: how many times <see cref="Step()"/> ran, the initial step included.</summary>
    public int StepCount { get; private protected set; }

    /// <summary>scheduler.get_last_lr(): the learning rates the last step set, one per group.</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLr;

    /// <summary>The scheduler's step rule (PyTorch's get_lr, the chainable form): next learning rates from the current ones.</summary>
    protected abstract double[] GetLr();

    /// <summary>The closed form at <see cref="LastEpoch"/> (PyTorch's _get_closed_form_lr), used when stepping to an explicit epoch.</summary>
    protected virtual double[] ClosedFormLr() => GetLr();

    /// <summary>The current learning rate of each group.</summary>
    protected double[] GroupLrs() => Optimizer.ParamGroups.Select(g => g.Lr).ToArray();

    /// <summary>PyTorch's _initial_step: step count 0, then one step.</summary>
    protected void InitialStep()
    {
        StepCount = 0;
        Step();
    }

    internal void InitialStepFromSequence() => InitialStep();

    /// <summary>scheduler.step(): advances one epoch and writes the new learning rates into the groups.</summary>
    public virtual void Step()
    {
        StepCount++;
        LastEpoch++;
        Apply(GetLr());
    }

    /// <summary>scheduler.step(epoch) (deprecated in PyTorch): jumps to <paramref name="epoch"/> using the closed form where there is one.</summary>
    public virtual void Step(int epoch)
    {
        StepCount++;
        LastEpoch = epoch;
        Apply(ClosedFormLr());
    }

    private protected void Apply(double[] lrs)
    {
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++) groups[i].Lr = lrs[i];
        _lastLr = GroupLrs();
    }

    private protected void SetLastLr(IReadOnlyList<double> lrs) => _lastLr = lrs.ToArray();

    /// <summary>scheduler.state_dict(): base_lrs, last_epoch, _step_count, _last_lr and the scheduler's own counters under PyTorch's names.</summary>
    public virtual Dictionary<string, object?> StateDict() => new()
    {
        ["base_lrs"] = BaseLrs.Cast<object?>().ToList(),
        ["last_epoch"] = (long)LastEpoch,
        ["_step_count"] = (long)StepCount,
        ["_last_lr"] = _lastLr.Cast<object?>().ToList(),
    };

    /// <summary>scheduler.load_state_dict(): restores what <see cref="StateDict"/> saved.</summary>
    /// <exception cref="ArgumentException">An entry is missing or of the wrong type.</exception>
    public virtual void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        BaseLrs = Doubles(state, "base_lrs");
        LastEpoch = (int)Number(state, "last_epoch");
        StepCount = (int)Number(state, "_step_count");
        _lastLr = Doubles(state, "_last_lr");
    }

    private protected static double Number(IReadOnlyDictionary<string, object?> state, string key) =>
        state.TryGetValue(key, out var v) ? OptionValues.ToDouble(v, key) : throw Errors.Runtime($"scheduler state dict has no '{key}'");

    private protected static double[] Doubles(IReadOnlyDictionary<string, object?> state, string key) =>
        state.TryGetValue(key, out var v) && v is System.Collections.IEnumerable e
            ? e.Cast<object?>().Select(x => OptionValues.ToDouble(x, key)).ToArray()
            : throw Errors.Runtime($"scheduler state dict has no list '{key}'");
}
