using Nabla.Optim;
using Nabla.Optim.LRScheduler;
using TorchSharp;
using TS = TorchSharp.torch.optim.lr_scheduler;

namespace Nabla.Parity.Optim;

/// <summary>
/// Learning-rate sequences of Nabla's schedulers against TorchSharp's for the schedulers where TorchSharp follows
/// lr_scheduler.py (the others, OneCycleLR and CosineAnnealingWarmRestarts, are held to lr_scheduler.py's formulas in
/// Nabla.Tests' SchedulerTests). Each runs 30 epochs on one SGD group; the rates must agree to double rounding.
/// </summary>
public class SchedulerParityTests
{
    private const int Epochs = 30;

    private static (SGD N, torch.optim.Optimizer T) Optimizers()
    {
        var n = new SGD([Tensor.Zeros(2).RequiresGrad_()], lr: 0.1, momentum: 0.9);
        var t = torch.optim.SGD([new TorchSharp.Modules.Parameter(torch.zeros(2))], 0.1, momentum: 0.9);
        return (n, t);
    }

    private static void Compare(Func<SGD, Action> nabla, Func<torch.optim.Optimizer, Action> torchSharp)
    {
        var (n, t) = Optimizers();
        var nStep = nabla(n);
        var tStep = torchSharp(t);
        for (int e = 0; e < Epochs; e++)
        {
            double expected = t.ParamGroups.First().LearningRate, actual = n.ParamGroups[0].Lr;
            Assert.True(Math.Abs(expected - actual) <= 1e-13 * Math.Abs(expected) + 1e-300, $"epoch {e}: TorchSharp {expected:R}, Nabla {actual:R}");
            nStep(); tStep();
        }
    }

    [Fact]
    public void StepLR() => Compare(o => new StepLR(o, 4, 0.5).Step, o => TS.StepLR(o, 4, 0.5).step);

    [Fact]
    public void MultiStepLR() => Compare(o => new MultiStepLR(o, [3, 7, 20], 0.3).Step, o => TS.MultiStepLR(o, [3, 7, 20], 0.3).step);

    [Fact]
    public void ExponentialLR() => Compare(o => new ExponentialLR(o, 0.93).Step, o => TS.ExponentialLR(o, 0.93).step);

    [Fact]
    public void CosineAnnealingLR() => Compare(o => new CosineAnnealingLR(o, 7, 0.001).Step, o => TS.CosineAnnealingLR(o, 7, 0.001).step);

    [Fact]
    public void LinearLR() => Compare(o => new LinearLR(o, 0.2, 0.9, 6).Step, o => TS.LinearLR(o, 0.2, 0.9, 6).step);

    [Fact]
    public void LambdaLR() => Compare(o => new LambdaLR(o, e => 1.0 / (1 + 0.3 * e)).Step, o => TS.LambdaLR(o, e => 1.0 / (1 + 0.3 * e)).step);

    [Fact]
    public void ReduceLROnPlateau()
    {
        double[] metrics = Enumerable.Range(0, Epochs).Select(e => e < 5 ? 1.0 / (e + 1) : 0.2 + 0.001 * (e % 3)).ToArray();
        var (n, t) = Optimizers();
        var ns = new Nabla.Optim.LRScheduler.ReduceLROnPlateau(n, factor: 0.5, patience: 2, cooldown: 1, minLr: 0.01);
        var ts = TS.ReduceLROnPlateau(t, factor: 0.5, patience: 2, cooldown: 1, min_lr: [0.01]);
        foreach (var m in metrics)
        {
            ns.Step(m); ts.step(m);
            Assert.Equal(t.ParamGroups.First().LearningRate, n.ParamGroups[0].Lr, 13);
        }
    }
}
