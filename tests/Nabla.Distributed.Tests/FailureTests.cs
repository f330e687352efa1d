namespace Nabla.Distributed.Tests;

/// <summary>
/// A rank that throws, dies or stalls makes the whole job stop, nonzero, within bounded time and with a message
/// saying what happened, instead of hanging.
/// </summary>
public class FailureTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(3)]
    public void ARankThatThrowsStopsTheJob(int np)
    {
        MpiRun.SkipUnlessAvailable();
        var result = MpiRun.Run(np, "rank-throws", limit: Bound);
        Assert.False(result.TimedOut, result.ToString());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"rank {np - 1} fails on purpose before AllReduce", result.Output);
        Assert.DoesNotContain("PASS", result.Output);
    }

    [SkippableFact]
    public void ARankThatDiesStopsTheJob()
    {
        MpiRun.SkipUnlessAvailable();
        var result = MpiRun.Run(2, "rank-dies", limit: Bound);
        Assert.False(result.TimedOut, result.ToString());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("rank 1 dies on purpose", result.Output);
        Assert.Contains("BAD TERMINATION", result.Output);
    }

    [SkippableFact]
    public void ARankThatStallsMakesTheOthersTimeOutNamingTheCollective()
    {
        MpiRun.SkipUnlessAvailable();
        // Rank 1 sleeps 120 s; rank 0's AllReduce must time out after 3 s and end the job long before.
        var result = MpiRun.Run(2, "rank-stalls", ["120"], timeoutSeconds: 3, limit: Bound);
        Assert.False(result.TimedOut, result.ToString());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("System.TimeoutException: AllReduce(Sum) of torch.float32 [1000] timed out on rank 0 of 2 after waiting 3 s", result.Output);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(40), result.ToString());
    }

    [SkippableFact]
    public void AnMpiErrorBecomesADistBackendExceptionWithMpisText()
    {
        MpiRun.SkipUnlessAvailable();
        // Rank 0 broadcasts 100000 floats into rank 1's 10: MPICH reports the truncation through MPI_ERRORS_RETURN.
        var result = MpiRun.Run(2, "mismatched-sizes", timeoutSeconds: 10, limit: Bound);
        Assert.False(result.TimedOut, result.ToString());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Nabla.Distributed.DistBackendException: Broadcast(src=0) of torch.float32 [10] failed on rank 1 of 2: ", result.Output);
        Assert.Contains("MPI_Test", result.Output); // MPI_Error_string's error stack
    }
}
