using Nabla.NN;
using Nabla.Optim;
using static Nabla.Benchmarks.TorchSetup;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TF = TorchSharp.torch.nn.functional;
using TNN = TorchSharp.torch.nn;

namespace Nabla.Benchmarks.Workloads;

/// <summary>
/// One training step of the main job's network (examples/Nabla.Train/FashionCnn.cs, rebuilt identically on both
/// sides): forward in training mode, cross entropy, zero_grad, backward and an AdamW step, batch 64 of 1 x 28 x 28
/// random images. Both sides draw their own initial weights (timing does not depend on their values).
/// </summary>
public sealed class CnnTrainingStep : TorchOwningWorkload
{
    private const int Batch = 64, EpochImages = 60_000;
    private Sequential _model = null!;
    private AdamW _optimizer = null!;
    private Tensor _x = null!, _y = null!;
    private TNN.Module<TT, TT> _tmodel = null!;
    private torch.optim.Optimizer _toptimizer = null!;
    private TT _tx = null!, _ty = null!;

    public override string Name => "CNN training step (batch 64, AdamW)";
    public override string FloorBasis => "convolution FLOPs (forward 2x, backward 4x multiply-adds) at the measured rate of libtorch (see GFLOP/s)";
    protected override double MinBytes => 0;
    public override double? FloorSeconds => null;

    /// <summary>2 FLOPs per multiply-add of the three convolutions: forward, grad input (not for the first) and grad weight.</summary>
    public override double? Flops
    {
        get
        {
            static double Conv(int hw, int cin, int cout) => 2.0 * Batch * hw * hw * cout * cin * 9;
            double c1 = Conv(28, 1, 32), c2 = Conv(14, 32, 64), c3 = Conv(7, 64, 128);
            return 2 * c1 + 3 * (c2 + c3);
        }
    }

    /// <summary>The time of one epoch of 60,000 images at this step's speed (937.5 steps).</summary>
    public override string? Derived(double nablaSeconds, double torchSeconds) =>
        $"{Name}: {Batch / nablaSeconds:F0} vs {Batch / torchSeconds:F0} images/s; one epoch of {EpochImages:N0} images " +
        $"{nablaSeconds * EpochImages / Batch:F1} s (Nabla) vs {torchSeconds * EpochImages / Batch:F1} s (libtorch)";

    public override void Setup()
    {
        Tensor.ManualSeed(1);
        _model = new Sequential(
            new Conv2d(1, 32, 3, padding: 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, padding: 1), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
            new Conv2d(64, 128, 3, padding: 1), new BatchNorm2d(128), new ReLU(),
            new AdaptiveAvgPool2d(3), new Flatten(), new Dropout(0.25), new Linear(128 * 3 * 3, 10));
        _optimizer = new AdamW(_model.Parameters(), lr: 1e-3, weightDecay: 0.01);
        (_x, _tx) = Data(Batch, 1, 28, 28);
        var rng = new Random(1);
        var labels = new long[Batch];
        for (int i = 0; i < Batch; i++) labels[i] = rng.Next(10);
        _y = Tensor.From(labels);
        _ty = Own(ToTorch(_y));

        torch.manual_seed(1);
        _tmodel = TNN.Sequential(
            TNN.Conv2d(1, 32, 3, padding: 1), TNN.BatchNorm2d(32), TNN.ReLU(), TNN.MaxPool2d(2),
            TNN.Conv2d(32, 64, 3, padding: 1), TNN.BatchNorm2d(64), TNN.ReLU(), TNN.MaxPool2d(2),
            TNN.Conv2d(64, 128, 3, padding: 1), TNN.BatchNorm2d(128), TNN.ReLU(),
            TNN.AdaptiveAvgPool2d(3), TNN.Flatten(), TNN.Dropout(0.25), TNN.Linear(128 * 3 * 3, 10));
        _tmodel.train();
        _toptimizer = torch.optim.AdamW(_tmodel.parameters(), lr: 1e-3, weight_decay: 0.01);
    }

    public override void Nabla()
    {
        var loss = F.CrossEntropy(_model.Call(_x), _y);
        _optimizer.ZeroGrad();
        loss.Backward();
        _optimizer.Step();
    }

    public override void Torch()
    {
        var loss = TF.cross_entropy(_tmodel.call(_tx), _ty);
        _toptimizer.zero_grad();
        loss.backward();
        _toptimizer.step();
    }

    public override void Cleanup()
    {
        base.Cleanup();
        _toptimizer.Dispose();
        _tmodel.Dispose();
    }
}
