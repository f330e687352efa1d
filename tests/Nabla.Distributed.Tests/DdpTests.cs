namespace Nabla.Distributed.Tests;

/// <summary>
/// DistributedDataParallel under mpirun -np 2 and 3 (the check: DDP on shards of a global batch gives one
/// process's parameters, with and without NoSync accumulation; state broadcast; unused parameters).
/// </summary>
public class DdpTests
{
    [SkippableTheory]
    [InlineData(2, "ddp-equivalence", new[] { "0", "25" })]
    [InlineData(2, "ddp-equivalence", new[] { "1", "25" })]
    [InlineData(2, "ddp-equivalence", new[] { "0", "0.001" })] // one bucket per parameter or two: several all-reduces in flight
    [InlineData(3, "ddp-equivalence", new[] { "1", "0.001" })]
    [InlineData(2, "ddp-broadcast", new string[0])]
    [InlineData(2, "ddp-unused-parameter", new string[0])]
    public void ScenarioPassesOnEveryRank(int np, string scenario, string[] args)
    {
        MpiRun.SkipUnlessAvailable();
        var result = MpiRun.Run(np, scenario, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        for (int rank = 0; rank < np; rank++)
            Assert.Contains($"[rank {rank}/{np}] PASS {scenario}", result.Output);
    }
}
