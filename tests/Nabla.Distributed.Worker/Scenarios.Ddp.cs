using Nabla.NN;

namespace Nabla.Distributed.Worker;

/// <summary>DistributedDataParallel under mpirun: equivalence with one process, NoSync accumulation, state broadcast, unused parameters.</summary>
public static class DdpScenarios
{
    /// <summary>args: accumulate (0/1), bucket cap in MiB. Parameters after 4 steps equal the single-process ones to float32 rounding.</summary>
    [Scenario("ddp-equivalence")]
    public static void Equivalence(ScenarioContext ctx)
    {
        bool accumulate = ctx.IntArg(0, 0) != 0;
        double cap = ctx.Args.Length > 1 ? double.Parse(ctx.Args[1], System.Globalization.CultureInfo.InvariantCulture) : 25;
        var ddp = DdpTraining.TrainDdp(ctx.Group, steps: 4, accumulate, cap);
        var reference = DdpTraining.TrainReference(steps: 4);
        double diff = DdpTraining.MaxDifference(ddp, reference);
        ctx.Log($"max |ddp - single process| = {diff:E2} (accumulate={accumulate}, bucket cap {cap} MiB)");
        ctx.Check(diff < 2e-6, $"parameters differ from the single-process run by {diff}");
    }

    private sealed class WithStats : Module<Tensor, Tensor>
    {
        private readonly Linear _linear;
        private readonly BatchNorm1d _norm;

        public WithStats()
        {
            _linear = RegisterModule("linear", new Linear(3, 4));
            _norm = RegisterModule("norm", new BatchNorm1d(4));
        }

        public override Tensor Forward(Tensor input) => _norm.Call(_linear.Call(input));
    }

    /// <summary>Rank 0's parameters and buffers reach every rank at construction, and its buffers again at each training forward.</summary>
    [Scenario("ddp-broadcast")]
    public static void Broadcast(ScenarioContext ctx)
    {
        Generator.Default.ManualSeed((ulong)(10 + ctx.Rank));
        var model = new WithStats();
        using (GradMode.NoGrad()) foreach (var b in model.Buffers()) b.Add_(ctx.Rank); // running stats differ per rank
        var ddp = new DistributedDataParallel<Tensor, Tensor>(model, ctx.Group);
        Generator.Default.ManualSeed(10);
        var rank0 = new WithStats();
        foreach (var ((name, mine), (_, expected)) in ddp.Module.StateDict().Zip(rank0.StateDict()))
            ctx.Check(Same(mine, expected), $"{name} is not rank 0's after construction");
        ctx.Check(ddp.StateDict().Keys.All(k => k.StartsWith("module.", StringComparison.Ordinal)), "state dict keys lack the module. prefix");

        // Each rank's forward updates its running stats from its own data; the next training forward starts from rank 0's again.
        ddp.Call(Tensor.Randn(5, 3) + ctx.Rank).Sum().Backward();
        ctx.Check(!SameOnEveryRank(ctx.Group, model.Buffers().First()), "the ranks' running_mean should differ after a forward on different data");
        Tensor? seen = null;
        using (ddp.Module.RegisterForwardPreHook((m, x) => { seen = m.Buffers().First().Clone(); }))
            ddp.Call(Tensor.Randn(5, 3)).Sum().Backward();
        ctx.Check(SameOnEveryRank(ctx.Group, seen!), "running_mean differs between ranks at the start of a training forward");
        ddp.Eval();
        using (GradMode.NoGrad()) ddp.Call(Tensor.Randn(2, 3) * (ctx.Rank + 1)); // eval: no broadcast, stats untouched
    }

    private static bool Same(Tensor a, Tensor b) => a.Eq(b).All().Item<bool>();

    private static bool SameOnEveryRank(ProcessGroup group, Tensor t)
    {
        var (max, min) = (t.Clone(), t.Clone());
        group.AllReduce(max, ReduceOp.Max);
        group.AllReduce(min, ReduceOp.Min);
        return Same(max, min);
    }

    /// <summary>A parameter that gets no gradient makes the next forward throw PyTorch's error, naming it, on every rank; nobody hangs.</summary>
    [Scenario("ddp-unused-parameter")]
    public static void UnusedParameter(ScenarioContext ctx)
    {
        Generator.Default.ManualSeed(3);
        var ddp = new DistributedDataParallel<Tensor, Tensor>(new DdpTraining.HalfUsed(), ctx.Group);
        ddp.Call(Tensor.Randn(2, 3)).Sum().Backward();
        try
        {
            ddp.Call(Tensor.Randn(2, 3));
            ctx.Check(false, "the second forward did not throw");
        }
        catch (ArgumentException e)
        {
            ctx.Check(e.Message.StartsWith("Expected to have finished reduction in the prior iteration", StringComparison.Ordinal), e.Message);
            ctx.Check(e.Message.Contains("module.unused.weight, module.unused.bias", StringComparison.Ordinal), e.Message);
        }
    }
}
