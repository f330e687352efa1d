using Nabla.NN.Utils;
using Nabla.Optim;
using Nabla.Optim.LRScheduler;

namespace Nabla.Tests.Optim;

/// <summary>
/// Learning-rate sequences against lr_scheduler.py's formulas: the recursive (chainable) forms PyTorch steps with are
/// checked against the closed forms it documents, epoch by epoch.
/// </summary>
public class SchedulerTests
{
    private static SGD Sgd(double lr = 0.1) => new([Tensor.Zeros(2).RequiresGrad_()], lr: lr, momentum: 0.9);

    private static List<double> Run(LRSchedulerBase s, int epochs)
    {
        var lrs = new List<double> { s.GetLastLr()[0] };
        for (int e = 1; e < epochs; e++) { s.Step(); lrs.Add(s.GetLastLr()[0]); }
        return lrs;
    }

    private static void Close(IEnumerable<double> expected, IEnumerable<double> actual, double tol = 1e-12)
    {
        var e = expected.ToArray(); var a = actual.ToArray();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= tol * Math.Max(1, Math.Abs(e[i])), $"epoch {i}: expected {e[i]:R}, got {a[i]:R}");
    }

    [Fact]
    public void StepMultiStepExponential()
    {
        Close(Enumerable.Range(0, 12).Select(e => 0.1 * Math.Pow(0.5, e / 3)), Run(new StepLR(Sgd(), 3, 0.5), 12));
        Close(Enumerable.Range(0, 12).Select(e => 0.1 * Math.Pow(0.1, (e >= 2 ? 1 : 0) + (e >= 5 ? 2 : 0))), Run(new MultiStepLR(Sgd(), [2, 5, 5], 0.1), 12));
        Close(Enumerable.Range(0, 12).Select(e => 0.1 * Math.Pow(0.9, e)), Run(new ExponentialLR(Sgd(), 0.9), 12));
    }

    [Fact]
    public void CosineAnnealingRecursiveFormFollowsTheClosedFormOverSeveralPeriods()
    {
        // Past T_max PyTorch's recursive form keeps going up and down (period 2·T_max), like the closed form.
        Close(Enumerable.Range(0, 25).Select(e => 0.01 + (0.1 - 0.01) * (1 + Math.Cos(Math.PI * e / 6)) / 2), Run(new CosineAnnealingLR(Sgd(), 6, 0.01), 25), 1e-9);
    }

    [Fact]
    public void WarmRestartsRestartWithGrowingPeriods()
    {
        var expected = new List<double>();
        int ti = 2, tcur = 0;
        for (int e = 0; e < 20; e++)
        {
            expected.Add(0.001 + (0.1 - 0.001) * (1 + Math.Cos(Math.PI * tcur / ti)) / 2);
            if (++tcur >= ti) { tcur -= ti; ti *= 2; }
        }
        Close(expected, Run(new CosineAnnealingWarmRestarts(Sgd(), 2, 2, 0.001), 20));
    }

    [Fact]
    public void LinearLRRampsToEndFactor()
    {
        Close(Enumerable.Range(0, 10).Select(e => 0.1 * (0.25 + (1.0 - 0.25) * Math.Min(4, e) / 4)), Run(new LinearLR(Sgd(), 0.25, 1.0, 4), 10), 1e-12);
    }

    [Fact]
    public void LambdaLRMultipliesTheBaseRate()
    {
        Close(Enumerable.Range(0, 6).Select(e => 0.1 / (1 + e)), Run(new LambdaLR(Sgd(), e => 1.0 / (1 + e)), 6));
    }

    [Fact]
    public void OneCycleLRMatchesThePhasesAndCyclesMomentum()
    {
        var opt = Sgd();
        var s = new OneCycleLR(opt, maxLr: 1.0, totalSteps: 10);
        var lrs = Run(s, 10);
        double Cos(double start, double end, double pct) => end + (start - end) / 2 * (Math.Cos(Math.PI * pct) + 1);
        // Phase ends at step 0.3·10 − 1 = 2 and 9.
        var expected = Enumerable.Range(0, 10).Select(k => k <= 2 ? Cos(0.04, 1.0, k / 2.0) : Cos(1.0, 0.04 / 1e4, (k - 2) / 7.0));
        Close(expected, lrs);
        Assert.Equal(1e-4 * 0.04, lrs[^1], 12); // the last step reaches min_lr (TorchSharp's OneCycleLR returns 0 here)
        Assert.Equal(Cos(0.85, 0.95, 7 / 7.0), opt.ParamGroups[0].Double("momentum"), 12);
        s.Step();
        Assert.Throws<ArgumentException>(() => s.Step());
    }

    [Fact]
    public void OneCycleLRCyclesAdamsBeta1()
    {
        var opt = new Adam([Tensor.Zeros(2).RequiresGrad_()]);
        _ = new OneCycleLR(opt, maxLr: 0.01, totalSteps: 4);
        Assert.Equal((0.95, 0.999), opt.ParamGroups[0].Pair("betas"));
    }

    [Fact]
    public void SequentialLRHandsOverAtTheMilestone()
    {
        var opt = Sgd();
        var warm = new LinearLR(opt, 0.5, 1.0, 2);
        var decay = new ExponentialLR(opt, 0.5);
        var seq = new SequentialLR(opt, [warm, decay], [3]);
        Close([0.05, 0.075, 0.1, 0.1, 0.05, 0.025], Run(seq, 6));
    }

    [Fact]
    public void ReduceLROnPlateauReducesAfterPatienceAndCoolsDown()
    {
        var opt = Sgd(1.0);
        var s = new ReduceLROnPlateau(opt, factor: 0.5, patience: 1, cooldown: 1, minLr: 0.2);
        var lrs = new List<double>();
        foreach (var m in new[] { 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5 }) { s.Step(m); lrs.Add(s.GetLastLr()[0]); }
        Close([1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2], lrs);
    }

    [Fact]
    public void SchedulerStateDictRoundTrips()
    {
        var s = new CosineAnnealingWarmRestarts(Sgd(), 3, 2);
        for (int i = 0; i < 5; i++) s.Step();
        var opt2 = Sgd();
        var s2 = new CosineAnnealingWarmRestarts(opt2, 3, 2);
        s2.LoadStateDict(s.StateDict());
        s.Step(); s2.Step();
        Assert.Equal(s.GetLastLr(), s2.GetLastLr());
        Assert.Equal(s.LastEpoch, s2.LastEpoch);
    }

    [Fact]
    public void ClipGradNormScalesToMaxNormAndReportsTheTotal()
    {
        var a = Tensor.Zeros(2).RequiresGrad_(); var b = Tensor.Zeros(1).RequiresGrad_();
        a.Grad = Tensor.From(new[] { 3f, 0f }); b.Grad = Tensor.From(new[] { 4f });
        var total = ClipGrad.ClipGradNorm_([a, b], maxNorm: 1.0);
        Assert.Equal(5f, total.Item<float>());
        float coef = 1f / (5f + 1e-6f);
        Assert.Equal(new[] { 3f * coef, 0f }, a.Grad!.ToArray<float>());
        Assert.Equal(4f * coef, b.Grad!.ToArray<float>()[0]);
        Assert.Equal(4f * coef, ClipGrad.ClipGradNorm_([a, b], 1.0, double.PositiveInfinity).Item<float>());

        b.Grad = Tensor.From(new[] { float.NaN });
        Assert.StartsWith("The total norm of order 2.0 for gradients from `parameters` is non-finite",
            Assert.Throws<ArgumentException>(() => ClipGrad.ClipGradNorm_([a, b], 1.0, errorIfNonfinite: true)).Message);
    }

    [Fact]
    public void ClipGradValueClamps()
    {
        var a = Tensor.Zeros(3).RequiresGrad_();
        a.Grad = Tensor.From(new[] { -2f, 0.5f, 3f });
        ClipGrad.ClipGradValue_([a], 1.0);
        Assert.Equal(new[] { -1f, 0.5f, 1f }, a.Grad.ToArray<float>());
    }
}
