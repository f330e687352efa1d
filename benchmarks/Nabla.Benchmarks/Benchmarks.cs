using BenchmarkDotNet.Attributes;
using static Nabla.Benchmarks.TorchSetup;
using TT = TorchSharp.torch.Tensor;
using TorchApi = TorchSharp.torch;

namespace Nabla.Benchmarks;

// Every class: [Benchmark(Baseline = true)] Torch and [Benchmark] Nabla on the same data, so Ratio = Nabla / libtorch.
// Each TorchSharp body opens a DisposeScope so its results are freed every invocation.

public abstract class PairBench
{
    protected readonly List<TT> Owned = [];

    protected (Tensor, TT) Pair(params int[] shape)
    {
        Init();
        var (n, t) = RandPair(shape);
        Owned.Add(t);
        return (n, t);
    }

    protected TT Own(TT t) { Owned.Add(t); return t; }

    /// <summary>Creates the data of both sides ([GlobalSetup] in every class).</summary>
    public abstract void Setup();

    /// <summary>The libtorch side's result (inside the caller's DisposeScope); used by the benchmark and by --check.</summary>
    internal abstract TT TorchOp();

    /// <summary>The baseline: the libtorch side, its temporaries freed every invocation.</summary>
    [Benchmark(Baseline = true)]
    public void Torch() { using var scope = TorchApi.NewDisposeScope(); TorchOp(); }

    /// <summary>The Nabla side's result.</summary>
    public abstract Tensor? Nabla();

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in Owned) t.Dispose();
        Owned.Clear();
    }
}

public class Add : PairBench
{
    [Params(1_000, 1_000_000)] public int N;
    private Tensor _a = null!, _b = null!;
    private TT _ta = null!, _tb = null!;

    [GlobalSetup]
    public override void Setup() { (_a, _ta) = Pair(N); (_b, _tb) = Pair(N); }


    internal override TT TorchOp() => _ta + _tb;

    [Benchmark]
    public override Tensor Nabla() => _a + _b;
}

public class BroadcastAdd : PairBench
{
    private Tensor _a = null!, _b = null!;
    private TT _ta = null!, _tb = null!;

    [GlobalSetup]
    public override void Setup() { (_a, _ta) = Pair(1000, 1000); (_b, _tb) = Pair(1000); }


    internal override TT TorchOp() => _ta + _tb;

    [Benchmark]
    public override Tensor Nabla() => _a + _b;
}

public class Exp : PairBench
{
    [Params(1_000_000)] public int N;
    private Tensor _a = null!;
    private TT _ta = null!;

    [GlobalSetup]
    public override void Setup() => (_a, _ta) = Pair(N);


    internal override TT TorchOp() => _ta.exp();

    [Benchmark]
    public override Tensor Nabla() => _a.Exp();
}

public class SumAll : PairBench
{
    private Tensor _a = null!;
    private TT _ta = null!;

    [GlobalSetup]
    public override void Setup() => (_a, _ta) = Pair(1000, 1000);


    internal override TT TorchOp() => _ta.sum();

    [Benchmark]
    public override Tensor Nabla() => _a.Sum();
}

public class SumDim1 : PairBench
{
    private Tensor _a = null!;
    private TT _ta = null!;

    [GlobalSetup]
    public override void Setup() => (_a, _ta) = Pair(1000, 1000);


    internal override TT TorchOp() => _ta.sum(dim: 1); // named: a bare literal binds to the dtype overload

    [Benchmark]
    public override Tensor Nabla() => _a.Sum(1);
}

public class CumsumDim0 : PairBench
{
    private Tensor _a = null!;
    private TT _ta = null!;

    [GlobalSetup]
    public override void Setup() => (_a, _ta) = Pair(1000, 1000);


    internal override TT TorchOp() => _ta.cumsum(0);

    [Benchmark]
    public override Tensor Nabla() => _a.Cumsum(0);
}

public class Matmul : PairBench
{
    [Params(128, 512)] public int N;
    private Tensor _a = null!, _b = null!;
    private TT _ta = null!, _tb = null!;

    [GlobalSetup]
    public override void Setup() { (_a, _ta) = Pair(N, N); (_b, _tb) = Pair(N, N); }


    internal override TT TorchOp() => _ta.matmul(_tb);

    [Benchmark]
    public override Tensor Nabla() => _a.Matmul(_b);
}

public class Softmax : PairBench
{
    private Tensor _a = null!;
    private TT _ta = null!;

    [GlobalSetup]
    public override void Setup() => (_a, _ta) = Pair(256, 1024);


    internal override TT TorchOp() => _ta.softmax(-1);

    [Benchmark]
    public override Tensor Nabla() => _a.Softmax(-1);
}

public class IndexRows : PairBench
{
    private Tensor _x = null!, _idx = null!;
    private TT _tx = null!, _tidx = null!;

    [GlobalSetup]
    public override void Setup()
    {
        (_x, _tx) = Pair(10_000, 64);
        _idx = Tensor.Randint(10_000, [100_000]);
        _tidx = Own(ToTorch(_idx));
    }


    internal override TT TorchOp() => _tx[_tidx];

    [Benchmark]
    public override Tensor Nabla() => _x[_idx];
}

public class TransposeContiguous : PairBench
{
    private Tensor _a = null!;
    private TT _ta = null!;

    [GlobalSetup]
    public override void Setup() => (_a, _ta) = Pair(1000, 1000);


    internal override TT TorchOp() => _ta.transpose(0, 1).contiguous();

    [Benchmark]
    public override Tensor Nabla() => _a.Transpose(0, 1).Contiguous();
}

/// <summary>Per-op overhead: the arithmetic is nothing, dispatch and allocation are everything.</summary>
public class TinyAdd : PairBench
{
    private Tensor _a = null!, _b = null!;
    private TT _ta = null!, _tb = null!;

    [GlobalSetup]
    public override void Setup() { (_a, _ta) = Pair(4); (_b, _tb) = Pair(4); }


    internal override TT TorchOp() => _ta + _tb;

    [Benchmark]
    public override Tensor Nabla() => _a + _b;
}

/// <summary>relu(relu(x @ W1) @ W2).sum().backward(), x 64×256, W1 256×256, W2 256×128; grads reset to None each time.</summary>
public class MlpForwardBackward : PairBench
{
    private Tensor _x = null!, _w1 = null!, _w2 = null!;
    private TT _tx = null!, _tw1 = null!, _tw2 = null!;

    [GlobalSetup]
    public override void Setup()
    {
        (_x, _tx) = Pair(64, 256);
        var (w1, tw1) = Pair(256, 256);
        var (w2, tw2) = Pair(256, 128);
        _w1 = (w1 - 0.5).Detach().RequiresGrad_();
        _w2 = (w2 - 0.5).Detach().RequiresGrad_();
        _tw1 = Own(ToTorch(_w1)).requires_grad_();
        _tw2 = Own(ToTorch(_w2)).requires_grad_();
    }


    internal override TT TorchOp()
    {
        _tw1.grad = null;
        _tw2.grad = null;
        var h = _tx.matmul(_tw1).relu();
        var y = h.matmul(_tw2).relu();
        y.sum().backward();
        return _tw1.grad!;
    }

    [Benchmark]
    public override Tensor? Nabla()
    {
        _w1.Grad = null;
        _w2.Grad = null;
        var h = _x.Matmul(_w1).Relu();
        var y = h.Matmul(_w2).Relu();
        y.Sum().Backward();
        return _w1.Grad;
    }
}
