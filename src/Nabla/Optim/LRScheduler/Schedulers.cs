using Nabla.Core;

namespace Nabla.Optim.LRScheduler;

/// <summary>torch.optim.lr_scheduler.StepLR: multiplies the learning rate by gamma every stepSize epochs.</summary>
public sealed class StepLR : LRSchedulerBase
{
    private readonly int _stepSize;
    private readonly double _gamma;

    /// <summary>Creates the scheduler and takes its initial step.</summary>
    /// <exception cref="ArgumentException">stepSize is not positive.</exception>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (stepSize <= 0) throw Errors.Runtime($"StepLR: step_size must be positive, got {stepSize}");
        (_stepSize, _gamma) = (stepSize, gamma);
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr() =>
        LastEpoch == 0 || LastEpoch % _stepSize != 0 ? GroupLrs() : GroupLrs().Select(lr => lr * _gamma).ToArray();

    /// <inheritdoc/>
    protected override double[] ClosedFormLr() => BaseLrs.Select(b => b * Math.Pow(_gamma, Math.Floor((double)LastEpoch / _stepSize))).ToArray();
}

/// <summary>torch.optim.lr_scheduler.MultiStepLR: multiplies the learning rate by gamma at each milestone (repeated milestones count twice).</summary>
public sealed class MultiStepLR : LRSchedulerBase
{
    private readonly int[] _milestones;
    private readonly double _gamma;

    /// <summary>Creates the scheduler and takes its initial step.</summary>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        _milestones = milestones.Order().ToArray();
        _gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        int count = _milestones.Count(m => m == LastEpoch);
        return count == 0 ? GroupLrs() : GroupLrs().Select(lr => lr * Math.Pow(_gamma, count)).ToArray();
    }

    /// <inheritdoc/>
    protected override double[] ClosedFormLr() => BaseLrs.Select(b => b * Math.Pow(_gamma, _milestones.Count(m => m <= LastEpoch))).ToArray();
}

/// <summary>torch.optim.lr_scheduler.ExponentialLR: multiplies the learning rate by gamma every epoch.</summary>
public sealed class ExponentialLR : LRSchedulerBase
{
    private readonly double _gamma;

    /// <summary>Creates the scheduler and takes its initial step.</summary>
    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        _gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr() => LastEpoch == 0 ? GroupLrs() : GroupLrs().Select(lr => lr * _gamma).ToArray();

    /// <inheritdoc/>
    protected override double[] ClosedFormLr() => BaseLrs.Select(b => b * Math.Pow(_gamma, LastEpoch)).ToArray();
}

/// <summary>
/// torch.optim.lr_scheduler.CosineAnnealingLR in PyTorch's recursive form (each step scales the current learning rate,
/// so it composes with other changes to it), with the closed form for explicit epochs.
/// </summary>
public sealed class CosineAnnealingLR : LRSchedulerBase
{
    private readonly int _tMax;
    private readonly double _etaMin;

    /// <summary>Creates the scheduler and takes its initial step.</summary>
    /// <exception cref="ArgumentException">tMax is not positive.</exception>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (tMax <= 0) throw Errors.Runtime($"CosineAnnealingLR: T_max must be positive, got {tMax}");
        (_tMax, _etaMin) = (tMax, etaMin);
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = GroupLrs();
        if (LastEpoch == 0) return lrs;
        if (StepCount == 1 && LastEpoch > 0) return ClosedFormLr();
        if ((LastEpoch - 1 - _tMax) % (2 * _tMax) == 0)
            return lrs.Select((lr, i) => lr + (BaseLrs[i] - _etaMin) * (1 - Math.Cos(Math.PI / _tMax)) / 2).ToArray();
        return lrs.Select(lr => (1 + Math.Cos(Math.PI * LastEpoch / _tMax)) / (1 + Math.Cos(Math.PI * (LastEpoch - 1) / _tMax)) * (lr - _etaMin) + _etaMin).ToArray();
    }

    /// <inheritdoc/>
    protected override double[] ClosedFormLr() =>
        BaseLrs.Select(b => _etaMin + (b - _etaMin) * (1 + Math.Cos(Math.PI * LastEpoch / _tMax)) / 2).ToArray();
}

/// <summary>
/// torch.optim.lr_scheduler.CosineAnnealingWarmRestarts (SGDR): cosine annealing from each base learning rate to etaMin
/// over T_i epochs, restarting with T_i = T_0 · T_mult^k.
/// </summary>
public sealed class CosineAnnealingWarmRestarts : LRSchedulerBase
{
    private readonly int _t0, _tMult;
    private readonly double _etaMin;
    private int _tI, _tCur;

    /// <summary>Creates the scheduler and takes its initial step.</summary>
    /// <exception cref="ArgumentException">t0 is not positive or tMult is below 1.</exception>
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult = 1, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (t0 <= 0) throw Errors.Runtime($"Expected positive integer T_0, but got {t0}");
        if (tMult < 1) throw Errors.Runtime($"Expected integer T_mult >= 1, but got {tMult}");
        (_t0, _tMult, _etaMin, _tI, _tCur) = (t0, tMult, etaMin, t0, lastEpoch);
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr() =>
        BaseLrs.Select(b => _etaMin + (b - _etaMin) * (1 + Math.Cos(Math.PI * _tCur / _tI)) / 2).ToArray();

    /// <summary>scheduler.step(): one epoch on; a restart when T_cur reaches T_i.</summary>
    public override void Step()
    {
        if (LastEpoch < 0) { Step(0); return; }
        StepCount++;
        LastEpoch++;
        _tCur++;
        if (_tCur >= _tI)
        {
            _tCur -= _tI;
            _tI *= _tMult;
        }
        Apply(GetLr());
    }

    /// <summary>scheduler.step(epoch): positions the cycle at <paramref name="epoch"/>.</summary>
    /// <exception cref="ArgumentException">A negative epoch.</exception>
    public override void Step(int epoch)
    {
        if (epoch < 0) throw Errors.Runtime($"Expected non-negative epoch, but got {epoch}");
        StepCount++;
        if (epoch >= _t0)
        {
            if (_tMult == 1) _tCur = epoch % _t0;
            else
            {
                int n = (int)Math.Log((double)epoch / _t0 * (_tMult - 1) + 1, _tMult);
                _tCur = epoch - (int)(_t0 * (Math.Pow(_tMult, n) - 1) / (_tMult - 1));
                _tI = _t0 * (int)Math.Pow(_tMult, n);
            }
        }
        else
        {
            _tI = _t0;
            _tCur = epoch;
        }
        LastEpoch = epoch;
        Apply(GetLr());
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> StateDict()
    {
        var d = base.StateDict();
        d["T_i"] = (long)_tI;
        d["T_cur"] = (long)_tCur;
        return d;
    }

    /// <inheritdoc/>
    public override void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        base.LoadStateDict(state);
        _tI = (int)Number(state, "T_i");
        _tCur = (int)Number(state, "T_cur");
    }
}

/// <summary>torch.optim.lr_scheduler.LinearLR: scales the learning rate linearly from startFactor to endFactor over totalIters epochs.</summary>
public sealed class LinearLR : LRSchedulerBase
{
    private readonly double _start, _end;
    private readonly int _totalIters;

    /// <summary>Creates the scheduler and takes its initial step.</summary>
    /// <exception cref="ArgumentException">A factor outside (0, 1] (start) or [0, 1] (end).</exception>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (startFactor > 1.0 || startFactor <= 0)
            throw Errors.Runtime("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
        if (endFactor > 1.0 || endFactor < 0)
            throw Errors.Runtime("Ending multiplicative factor expected to be between 0 and 1.");
        (_start, _end, _totalIters) = (startFactor, endFactor, totalIters);
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = GroupLrs();
        if (LastEpoch == 0) return lrs.Select(lr => lr * _start).ToArray();
        if (LastEpoch > _totalIters) return lrs;
        return lrs.Select(lr => lr * (1.0 + (_end - _start) / (_totalIters * _start + (LastEpoch - 1) * (_end - _start)))).ToArray();
    }

    /// <inheritdoc/>
    protected override double[] ClosedFormLr() =>
        BaseLrs.Select(b => b * (_start + (_end - _start) * Math.Min(_totalIters, LastEpoch) / _totalIters)).ToArray();
}

/// <summary>torch.optim.lr_scheduler.LambdaLR: learning rate = base learning rate × lrLambda(epoch), one function for all groups or one per group.</summary>
public sealed class LambdaLR : LRSchedulerBase
{
    private readonly Func<int, double>[] _lambdas;

    /// <summary>Creates the scheduler with one function for every group and takes its initial step.</summary>
    public LambdaLR(Optimizer optimizer, Func<int, double> lrLambda, int lastEpoch = -1)
        : this(optimizer, Enumerable.Repeat(lrLambda, optimizer.ParamGroups.Count).ToArray(), lastEpoch) { }

    /// <summary>Creates the scheduler with one function per group and takes its initial step.</summary>
    /// <exception cref="ArgumentException">The number of functions differs from the number of groups.</exception>
    public LambdaLR(Optimizer optimizer, IReadOnlyList<Func<int, double>> lrLambdas, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (lrLambdas.Count != optimizer.ParamGroups.Count)
            throw Errors.Runtime($"Expected {optimizer.ParamGroups.Count} lr_lambdas, but got {lrLambdas.Count}");
        _lambdas = lrLambdas.ToArray();
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr() => BaseLrs.Select((b, i) => b * _lambdas[i](LastEpoch)).ToArray();
}

/// <summary>
/// torch.optim.lr_scheduler.SequentialLR: runs <c>schedulers[i]</c> between milestones, handing over at each milestone
/// (the next scheduler restarts at epoch 0).
/// </summary>
public sealed class SequentialLR : LRSchedulerBase
{
    private readonly LRSchedulerBase[] _schedulers;
    private readonly int[] _milestones;

    /// <summary>Wraps schedulers built on the same optimizer; resets the learning rates and re-runs the first one's initial step.</summary>
    /// <exception cref="ArgumentException">No scheduler, a scheduler of another optimizer, or not exactly one milestone fewer than schedulers.</exception>
    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRSchedulerBase> schedulers, IReadOnlyList<int> milestones, int lastEpoch = -1)
        : base(optimizer, optimizer.ParamGroups.Select(g => g.Double("initial_lr")).ToArray(), lastEpoch + 1)
    {
        if (schedulers.Count < 1) throw Errors.Runtime("SequentialLR expects at least one scheduler, but got no scheduler.");
        for (int i = 0; i < schedulers.Count; i++)
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw Errors.Runtime($"SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler at index {i} to be different than the optimizer passed in.");
        if (milestones.Count != schedulers.Count - 1)
            throw Errors.Runtime($"Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers {schedulers.Count} and the number of milestones to be equal to {milestones.Count}");
        _schedulers = schedulers.ToArray();
        _milestones = milestones.ToArray();
        foreach (var g in optimizer.ParamGroups) g.Lr = g.Double("initial_lr");
        foreach (var s in _schedulers) s.LastEpoch--;
        _schedulers[0].InitialStepFromSequence();
        SetLastLr(_schedulers[0].GetLastLr());
    }

    /// <inheritdoc/>
    protected override double[] GetLr() => GetLastLr().ToArray();

    /// <summary>One epoch on: the scheduler of the current segment steps (restarting at 0 on a milestone).</summary>
    public override void Step()
    {
        LastEpoch++;
        int idx = _milestones.Count(m => m <= LastEpoch);
        var scheduler = _schedulers[idx];
        if (idx > 0 && _milestones[idx - 1] == LastEpoch) scheduler.Step(0);
        else scheduler.Step();
        SetLastLr(scheduler.GetLastLr());
    }

    /// <summary>Not supported: SequentialLR steps one epoch at a time.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void Step(int epoch) => throw Errors.NotImplemented("SequentialLR.step does not take an epoch");
}
