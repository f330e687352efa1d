using Nabla.NN;
using static Nabla.Benchmarks.TorchSetup;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TF = TorchSharp.torch.nn.functional;
using TIdx = TorchSharp.torch.TensorIndex;

namespace Nabla.Benchmarks.Workloads;

// The workloads of issue 12, forward + backward in float32 (gradients through autograd.grad with a random
// cotangent, so nothing accumulates across calls). Floors count each tensor the task must read or write once.

/// <summary>Ragged slice means of 10,000 slices (lengths 1-999) over a 100,000 x 64 sample.</summary>
public abstract class RaggedWorkload : TorchOwningWorkload
{
    protected const int Rows = 100_000, Cols = 64, Slices = 10_000;
    protected Tensor X = null!, SliceIdx = null!, Cot = null!;
    protected TT Tx = null!, TSlices = null!, TCot = null!;

    public override string FloorBasis => "read x, write grad x (25.6 MB each)";
    protected override double MinBytes => 2.0 * Rows * Cols * 4;

    public override void Setup()
    {
        Tensor.ManualSeed(1);
        var rng = new Random(1);
        var bounds = new long[Slices * 2];
        for (int s = 0; s < Slices; s++)
        {
            int len = rng.Next(1, 1000), start = rng.Next(0, Rows - len + 1);
            bounds[2 * s] = start;
            bounds[2 * s + 1] = start + len;
        }
        (X, Tx) = Leaf(Rows, Cols);
        SliceIdx = Tensor.From(bounds).Reshape(Slices, 2);
        TSlices = Own(ToTorch(SliceIdx));
        (Cot, TCot) = Data(Slices, Cols);
    }

    /// <summary>The cumsum route in libtorch (it has no ragged slice reduction): the baseline of both variants.</summary>
    public override void Torch()
    {
        var cs = TF.pad(Tx.cumsum(0), new long[] { 0, 0, 1, 0 });
        var means = cs.index(TIdx.Tensor(TSlices)).diff(1, 1).squeeze(1) / TSlices.diff(1, 1);
        torch.autograd.grad([means], [Tx], [TCot]);
    }
}

public sealed class RaggedCumsum : RaggedWorkload
{
    public override string Name => "ragged slice mean, cumsum route";

    public override void Nabla()
    {
        var cs = F.Pad(X.Cumsum(0), [0, 0, 1, 0]);
        var means = cs.Index(SliceIdx).Diff(1, 1).Squeeze(1) / SliceIdx.Diff(1, 1);
        Autograd.Grad([means], [X], [Cot]);
    }
}

public sealed class RaggedDirect : RaggedWorkload
{
    public override string Name => "ragged slice mean, RaggedSliceReduce (libtorch: cumsum route)";

    public override void Nabla()
    {
        var means = Tensor.RaggedSliceReduce(X, SliceIdx, SegmentReduceMode.Mean);
        Autograd.Grad([means], [X], [Cot]);
    }
}

/// <summary>MAE random masking of 64 x 196 x 768 keeping 49 tokens, gradient of the kept tokens.</summary>
public sealed class MaeMasking : TorchOwningWorkload
{
    private const int N = 64, L = 196, D = 768, Keep = 49;
    private Tensor _x = null!, _cot = null!;
    private TT _tx = null!, _tcot = null!;

    public override string Name => "MAE random masking";
    public override string FloorBasis => "gather kept rows (read+write 9.6 MB), backward: read grad, write grad x (38.5 MB)";
    protected override double MinBytes => (2.0 * N * Keep * D + N * Keep * D + (double)N * L * D) * 4;

    public override void Setup()
    {
        (_x, _tx) = Leaf(N, L, D);
        (_cot, _tcot) = Data(N, Keep, D);
    }

    public override void Nabla()
    {
        var idsShuffle = Tensor.Rand(N, L).Argsort(1);
        var idsRestore = idsShuffle.Argsort(1);
        var idsKeep = idsShuffle[.., ..Keep];
        var kept = _x.Gather(1, idsKeep.Unsqueeze(-1).Repeat(1, 1, D));
        var mask = Tensor.Ones(N, L);
        mask[.., ..Keep] = Tensor.From(0f);
        _ = mask.Gather(1, idsRestore);
        Autograd.Grad([kept], [_x], [_cot]);
    }

    public override void Torch()
    {
        var idsShuffle = torch.rand(N, L).argsort(1);
        var idsRestore = idsShuffle.argsort(1);
        var idsKeep = idsShuffle[TIdx.Colon, TIdx.Slice(null, Keep)];
        var kept = _tx.gather(1, idsKeep.unsqueeze(-1).repeat(1, 1, D));
        var mask = torch.ones(N, L);
        mask[TIdx.Colon, TIdx.Slice(null, Keep)] = torch.tensor(0f);
        _ = mask.gather(1, idsRestore);
        torch.autograd.grad([kept], [_tx], [_tcot]);
    }
}

/// <summary>AdaptiveAvgPool2d 32 x 256 x 14 x 14 -> 5 x 5.</summary>
public sealed class AdaptiveAvgPool : TorchOwningWorkload
{
    private Tensor _x = null!, _cot = null!;
    private TT _tx = null!, _tcot = null!;

    public override string Name => "AdaptiveAvgPool2d 14x14 -> 5x5";
    public override string FloorBasis => "read x, write y, read grad y, write grad x";
    protected override double MinBytes => 2.0 * (32 * 256 * 14 * 14 + 32 * 256 * 25) * 4;

    public override void Setup()
    {
        (_x, _tx) = Leaf(32, 256, 14, 14);
        (_cot, _tcot) = Data(32, 256, 5, 5);
    }

    public override void Nabla() => Autograd.Grad([F.AdaptiveAvgPool2d(_x, 5)], [_x], [_cot]);

    public override void Torch() => torch.autograd.grad([TF.adaptive_avg_pool2d(_tx, new long[] { 5, 5 })], [_tx], [_tcot]);
}

/// <summary>MaxPool2d(2, 2) of 32 x 64 x 112 x 112.</summary>
public sealed class MaxPool : TorchOwningWorkload
{
    private Tensor _x = null!, _cot = null!;
    private TT _tx = null!, _tcot = null!;

    public override string Name => "MaxPool2d(2, 2)";
    public override string FloorBasis => "read x, write y, read grad y, write grad x (103 + 26 MB, twice)";
    protected override double MinBytes => 2.0 * (32 * 64 * 112 * 112 + 32 * 64 * 56 * 56) * 4;

    public override void Setup()
    {
        (_x, _tx) = Leaf(32, 64, 112, 112);
        (_cot, _tcot) = Data(32, 64, 56, 56);
    }

    public override void Nabla() => Autograd.Grad([F.MaxPool2d(_x, 2, 2)], [_x], [_cot]);

    public override void Torch() => torch.autograd.grad([TF.max_pool2d(_tx, new long[] { 2, 2 }, new long[] { 2, 2 })], [_tx], [_tcot]);
}

/// <summary>y = x / x.sum(1, keepdim=True) of 64 x 512 x 512 with a random cotangent.</summary>
public sealed class SumNormalize : TorchOwningWorkload
{
    private const int A = 64, B = 512, C = 512;
    private Tensor _x = null!, _cot = null!;
    private TT _tx = null!, _tcot = null!;

    public override string Name => "y = x / x.sum(1, keepdim)";
    public override string FloorBasis => "forward: read x, write y; backward: read grad y and x, write grad x (67 MB each)";
    protected override double MinBytes => 5.0 * A * B * C * 4;

    public override void Setup()
    {
        (_x, _tx) = Leaf(A, B, C);
        (_cot, _tcot) = Data(A, B, C);
    }

    public override void Nabla() => Autograd.Grad([_x / _x.Sum([1], keepdim: true)], [_x], [_cot]);

    public override void Torch() => torch.autograd.grad([_tx / _tx.sum(1, keepdim: true)], [_tx], [_tcot]);
}

/// <summary>1,000 chained adds of 16-element tensors: per-op overhead.</summary>
public sealed class ChainedTinyAdds : TorchOwningWorkload
{
    private Tensor _a = null!, _b = null!;
    private TT _ta = null!, _tb = null!;

    public override string Name => "1,000 chained tiny adds";
    public override string FloorBasis => "n/a (overhead)";
    protected override double MinBytes => 0;
    public override double? FloorSeconds => null;

    public override void Setup()
    {
        (_a, _ta) = Data(16);
        (_b, _tb) = Data(16);
    }

    public override void Nabla()
    {
        var x = _a;
        for (int i = 0; i < 1000; i++) x = x + _b;
    }

    public override void Torch()
    {
        var x = _ta;
        for (int i = 0; i < 1000; i++) x = x + _tb;
    }
}

/// <summary>Matmul 1024 x 1024 x 1024, forward.</summary>
public sealed class Matmul1024 : TorchOwningWorkload
{
    private const int N = 1024;
    private Tensor _a = null!, _b = null!;
    private TT _ta = null!, _tb = null!;

    public override string Name => "matmul 1024^3";
    public override string FloorBasis => "2n^3 FLOPs at the measured peak of libtorch (see GFLOP/s)";
    protected override double MinBytes => 0;
    public override double? FloorSeconds => null;
    public override double? Flops => 2.0 * N * N * N;

    public override void Setup()
    {
        (_a, _ta) = Data(N, N);
        (_b, _tb) = Data(N, N);
    }

    public override void Nabla() => _a.Matmul(_b);

    public override void Torch() => _ta.matmul(_tb);
}

// The CNN training step of the main job lives in CnnTrainingStep.cs.
