using Nabla.NN;
using Nabla.Optim;

namespace Nabla.Distributed.Worker;

/// <summary>
/// The DDP check, shared by the mpirun scenarios and the in-process (thread) tests: a few SGD steps of a small
/// MLP with DistributedDataParallel on each rank's shard of a global batch, against one process training the same
/// model on the whole batch. Every rank computes the single-process reference itself (the data and the reference
/// model come from fixed seeds), so each can check its own parameters.
/// </summary>
public static class DdpTraining
{
    public const int GlobalBatch = 12, Features = 5, Hidden = 16, Classes = 4;
    private const ulong ReferenceSeed = 100;
    private static readonly Lock DefaultGeneratorGate = new();

    /// <summary>The MLP, initialised from the default generator seeded with <paramref name="seed"/> (under a lock: ranks may be threads).</summary>
    public static Sequential MakeModel(ulong seed)
    {
        lock (DefaultGeneratorGate)
        {
            Generator.Default.ManualSeed(seed);
            return new Sequential(new Linear(Features, Hidden), new ReLU(), new Linear(Hidden, Hidden), new ReLU(), new Linear(Hidden, Classes));
        }
    }

    /// <summary>The global batch of step <paramref name="step"/>, the same on every rank.</summary>
    public static (Tensor X, Tensor Y) Batch(int step)
    {
        var g = new Generator(7000 + (ulong)step);
        return (Tensor.Randn([GlobalBatch, Features], generator: g), Tensor.Randint(Classes, [GlobalBatch], generator: g));
    }

    private static Tensor Loss(Module<Tensor, Tensor> model, Tensor x, Tensor y, double scale) => F.CrossEntropy(model.Call(x), y) * scale;

    /// <summary>One process, the whole batch, one backward per step.</summary>
    public static Tensor[] TrainReference(int steps)
    {
        var model = MakeModel(ReferenceSeed);
        var optimizer = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
        for (int step = 0; step < steps; step++)
        {
            var (x, y) = Batch(step);
            optimizer.ZeroGrad();
            Loss(model, x, y, 1).Backward();
            optimizer.Step();
        }
        return [.. model.Parameters().Select(p => p.Detach().Clone())];
    }

    /// <summary>
    /// DDP on this rank's rows of each global batch. Rank r starts from a different initialisation (seed + r): the
    /// constructor's broadcast must make every rank start from rank 0's. With <paramref name="accumulate"/> each step is
    /// two micro-batches, the first inside NoSync, each loss halved.
    /// </summary>
    public static Tensor[] TrainDdp(ProcessGroup group, int steps, bool accumulate, double bucketCapMb)
    {
        var model = MakeModel(ReferenceSeed + (ulong)group.Rank);
        var ddp = new DistributedDataParallel<Tensor, Tensor>(model, group, bucketCapMb: bucketCapMb);
        var optimizer = new SGD(ddp.Parameters(), lr: 0.1, momentum: 0.9);
        int share = GlobalBatch / group.WorldSize;
        for (int step = 0; step < steps; step++)
        {
            var (x, y) = Batch(step);
            var (mx, my) = (x.Narrow(0, group.Rank * share, share), y.Narrow(0, group.Rank * share, share));
            optimizer.ZeroGrad();
            if (accumulate)
            {
                int half = share / 2;
                using (ddp.NoSync()) Loss(ddp, mx.Narrow(0, 0, half), my.Narrow(0, 0, half), 0.5).Backward();
                Loss(ddp, mx.Narrow(0, half, share - half), my.Narrow(0, half, share - half), 0.5).Backward();
            }
            else Loss(ddp, mx, my, 1).Backward();
            optimizer.Step();
        }
        return [.. model.Parameters().Select(p => p.Detach().Clone())];
    }

    /// <summary>A model with a child that forward never uses: its parameters get no gradient.</summary>
    public sealed class HalfUsed : Module<Tensor, Tensor>
    {
        private readonly Linear _used;

        public HalfUsed()
        {
            _used = RegisterModule("used", new Linear(3, 3));
            RegisterModule("unused", new Linear(3, 3));
        }

        public override Tensor Forward(Tensor input) => _used.Call(input);
    }

    /// <summary>The largest |a - b| over all parameters.</summary>
    public static double MaxDifference(Tensor[] a, Tensor[] b) =>
        a.Zip(b).Max(p => (p.First - p.Second).Abs().Max().Item<float>());
}
