using TT = TorchSharp.torch.Tensor;

namespace Nabla.Benchmarks.Workloads;

/// <summary>
/// One workload of issue 12: the same computation in Nabla and in libtorch on the same data, and the floor
/// the machine allows for it (bytes that must move at the measured streaming bandwidth, or FLOPs at peak).
/// </summary>
public abstract class Workload
{
    /// <summary>
    /// The bandwidth the floors assume: measured by <see cref="MemoryBandwidth"/> at the start of the run, else the
    /// ~60 GB/s of a 2-thread triad that DESIGN.md records for these machines.
    /// </summary>
    public static double BytesPerSecond { get; set; } = 60e9;

    public abstract string Name { get; }

    /// <summary>How the floor is computed, for the results table.</summary>
    public abstract string FloorBasis { get; }

    /// <summary>The floor in seconds, or null when the workload measures overhead, not work.</summary>
    public abstract double? FloorSeconds { get; }

    /// <summary>Floating-point operations of one call, when the workload reports GFLOP/s.</summary>
    public virtual double? Flops => null;

    /// <summary>Builds the inputs of both sides.</summary>
    public abstract void Setup();

    /// <summary>One call on the Nabla side (forward and backward where the workload has one).</summary>
    public abstract void Nabla();

    /// <summary>One call on the libtorch side; runs inside a DisposeScope opened by the runner.</summary>
    public abstract void Torch();

    /// <summary>A line derived from the two per-call times (e.g. throughput), printed under the table, or null.</summary>
    public virtual string? Derived(double nablaSeconds, double torchSeconds) => null;

    /// <summary>Releases the libtorch inputs.</summary>
    public virtual void Cleanup() { }
}

/// <summary>A workload whose floor is the bytes it must move.</summary>
public abstract class BandwidthWorkload : Workload
{
    /// <summary>Minimum bytes read and written by one call.</summary>
    protected abstract double MinBytes { get; }

    public override double? FloorSeconds => MinBytes / BytesPerSecond;
}

/// <summary>Keeps libtorch tensors of a workload alive across calls and frees them at the end.</summary>
public abstract class TorchOwningWorkload : BandwidthWorkload
{
    private readonly List<TT> _owned = [];

    protected TT Own(TT t) { _owned.Add(t); return t; }

    /// <summary>Uniform [0, 1) data on both sides, kept for the run.</summary>
    protected (Tensor, TT) Data(params int[] shape)
    {
        TorchSetup.Init();
        var (n, t) = TorchSetup.RandPair(shape);
        Own(t);
        return (n, t);
    }

    /// <summary>As <see cref="Data"/>, as leaves that require grad.</summary>
    protected (Tensor, TT) Leaf(params int[] shape)
    {
        var (n, t) = Data(shape);
        t.requires_grad_();
        return (n.Detach().RequiresGrad_(), t);
    }

    public override void Cleanup()
    {
        foreach (var t in _owned) t.Dispose();
        _owned.Clear();
    }
}
