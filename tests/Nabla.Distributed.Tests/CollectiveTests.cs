[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Nabla.Distributed.Tests;

/// <summary>
/// Collectives under mpirun on 2 ranks and on 3 (uneven) ranks: each rank checks every collective × op × dtype
/// against its own single-process computation of the same reduction (Scenarios.Collectives.cs in the worker).
/// </summary>
public class CollectiveTests
{
    [SkippableTheory]
    [InlineData(2, "collectives")]
    [InlineData(3, "collectives")]
    [InlineData(2, "async")]
    [InlineData(3, "argument-errors")]
    public void ScenarioPassesOnEveryRank(int np, string scenario)
    {
        MpiRun.SkipUnlessAvailable();
        var result = MpiRun.Run(np, scenario);
        Assert.True(result.ExitCode == 0, result.ToString());
        for (int rank = 0; rank < np; rank++)
            Assert.Contains($"[rank {rank}/{np}] PASS {scenario}", result.Output);
    }

    [SkippableFact]
    public void AProcessStartedWithoutMpirunIsAGroupOfOne()
    {
        MpiRun.SkipUnlessAvailable();
        var result = MpiRun.RunAlone("collectives", new Dictionary<string, string>());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[rank 0/1] PASS collectives", result.Output);
    }

    [Fact]
    public void WithoutMpiNablaWorksAndDistSaysHowToInstallIt()
    {
        var result = MpiRun.RunAlone("no-mpi", new Dictionary<string, string> { ["NABLA_MPI_LIBRARY"] = "/nonexistent/libmpich.so.12" });
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[rank 0/1] PASS no-mpi", result.Output);
    }
}
