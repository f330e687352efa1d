using Nabla.Core;

namespace Nabla.Optim.LRScheduler;

/// <summary>
/// torch.optim.lr_scheduler.OneCycleLR: the 1cycle policy, stepped once per batch. The learning rate rises from
/// max_lr/div_factor to max_lr over pct_start of the steps and anneals to initial_lr/final_div_factor (optionally in three
/// phases); with cycleMomentum, momentum (or Adam's beta1) moves the opposite way between maxMomentum and baseMomentum.
/// </summary>
public sealed class OneCycleLR : LRSchedulerBase
{
    private readonly int _totalSteps;
    private readonly AnnealStrategy _anneal;
    private readonly bool _cycleMomentum, _useBeta1;
    private readonly (double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum)[] _phases;

    /// <summary>Creates the scheduler (setting each group's "initial_lr", "max_lr", "min_lr") and takes its initial step.</summary>
    /// <exception cref="ArgumentException">No or a non-positive step count, pct_start outside [0, 1], or cycleMomentum with an optimizer that has neither momentum nor betas.</exception>
    public OneCycleLR(Optimizer optimizer, double maxLr, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
        double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true, double baseMomentum = 0.85,
        double maxMomentum = 0.95, double divFactor = 25.0, double finalDivFactor = 1e4, bool threePhase = false, int lastEpoch = -1)
        : base(Prepare(optimizer, maxLr, divFactor, finalDivFactor, lastEpoch), lastEpoch)
    {
        if (totalSteps is { } t)
        {
            if (t <= 0) throw Errors.Runtime($"Expected positive integer total_steps, but got {t}");
            _totalSteps = t;
        }
        else if (epochs is { } e && stepsPerEpoch is { } s)
        {
            if (e <= 0) throw Errors.Runtime($"Expected positive integer epochs, but got {e}");
            if (s <= 0) throw Errors.Runtime($"Expected positive integer steps_per_epoch, but got {s}");
            _totalSteps = e * s;
        }
        else throw Errors.Runtime("You must define either total_steps OR (epochs AND steps_per_epoch)");
        if (pctStart < 0 || pctStart > 1) throw Errors.Runtime($"Expected float between 0 and 1 pct_start, but got {OptionValues.Repr(pctStart)}");
        _anneal = annealStrategy;
        _phases = threePhase
            ? [(pctStart * _totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
               (2 * pctStart * _totalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
               (_totalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
            : [(pctStart * _totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
               (_totalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")];
        _cycleMomentum = cycleMomentum;
        if (cycleMomentum)
        {
            if (!optimizer.Defaults.ContainsKey("momentum") && !optimizer.Defaults.ContainsKey("betas"))
                throw Errors.Runtime("optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
            _useBeta1 = optimizer.Defaults.ContainsKey("betas");
            if (lastEpoch == -1)
                foreach (var g in optimizer.ParamGroups)
                {
                    SetMomentum(g, maxMomentum);
                    g["max_momentum"] = maxMomentum;
                    g["base_momentum"] = baseMomentum;
                }
        }
        InitialStep();
    }

    private static Optimizer Prepare(Optimizer optimizer, double maxLr, double divFactor, double finalDivFactor, int lastEpoch)
    {
        if (lastEpoch == -1)
            foreach (var g in optimizer.ParamGroups)
            {
                double initial = maxLr / divFactor;
                g["initial_lr"] = initial;
                g["max_lr"] = maxLr;
                g["min_lr"] = initial / finalDivFactor;
            }
        return optimizer;
    }

    private void SetMomentum(ParamGroup g, double momentum)
    {
        if (_useBeta1) g["betas"] = (momentum, g.Pair("betas").Item2);
        else g["momentum"] = momentum;
    }

    private double Anneal(double start, double end, double pct) => _anneal == AnnealStrategy.Cos
        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Stepped more than total_steps times.</exception>
    protected override double[] GetLr()
    {
        int stepNum = LastEpoch;
        if (stepNum > _totalSteps)
            throw Errors.Runtime($"Tried to step {stepNum} times. The specified number of total steps is {_totalSteps}");
        var lrs = new double[Optimizer.ParamGroups.Count];
        for (int gi = 0; gi < lrs.Length; gi++)
        {
            var g = Optimizer.ParamGroups[gi];
            double startStep = 0;
            for (int i = 0; i < _phases.Length; i++)
            {
                var phase = _phases[i];
                if (stepNum <= phase.EndStep || i == _phases.Length - 1)
                {
                    double pct = (stepNum - startStep) / (phase.EndStep - startStep);
                    lrs[gi] = Anneal(g.Double(phase.StartLr), g.Double(phase.EndLr), pct);
                    if (_cycleMomentum) SetMomentum(g, Anneal(g.Double(phase.StartMomentum), g.Double(phase.EndMomentum), pct));
                    break;
                }
                startStep = phase.EndStep;
            }
        }
        return lrs;
    }
}
