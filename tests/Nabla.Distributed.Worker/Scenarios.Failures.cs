namespace Nabla.Distributed.Worker;

/// <summary>
/// A rank that throws, exits or stalls: the others must stop with a clear error instead of hanging. The tests
/// check that mpirun ends in bounded time with a nonzero exit code and the message.
/// </summary>
public static class FailureScenarios
{
    /// <summary>The last rank throws before the collective the others are waiting in.</summary>
    [Scenario("rank-throws")]
    public static void RankThrows(ScenarioContext ctx)
    {
        if (ctx.Rank == ctx.WorldSize - 1)
            throw new InvalidOperationException($"rank {ctx.Rank} fails on purpose before AllReduce");
        var tensor = Tensor.Zeros(1000);
        ctx.Group.AllReduce(tensor);
        throw new ScenarioFailedException($"rank {ctx.Rank}: AllReduce completed although a rank never joined it");
    }

    /// <summary>The last rank dies (Environment.FailFast: no cleanup, no MPI_Finalize), as a crashed process does.</summary>
    [Scenario("rank-dies")]
    public static void RankDies(ScenarioContext ctx)
    {
        if (ctx.Rank == ctx.WorldSize - 1)
        {
            Console.Error.WriteLine($"rank {ctx.Rank} dies on purpose (Environment.FailFast)");
            Console.Error.Flush();
            Environment.FailFast($"rank {ctx.Rank} dies on purpose");
        }
        ctx.Group.Barrier();
        throw new ScenarioFailedException($"rank {ctx.Rank}: Barrier completed although a rank died");
    }

    /// <summary>
    /// The last rank stalls (sleeps for args[0] seconds) instead of calling AllReduce: the others' AllReduce times
    /// out with a message naming the collective, the rank and the wait; the group is then broken and says so.
    /// </summary>
    [Scenario("rank-stalls")]
    public static void RankStalls(ScenarioContext ctx)
    {
        if (ctx.Rank == ctx.WorldSize - 1)
        {
            Thread.Sleep(TimeSpan.FromSeconds(ctx.IntArg(0, 120)));
            return;
        }
        var tensor = Tensor.Zeros(1000);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        TimeoutException? timeout = null;
        try { ctx.Group.AllReduce(tensor); }
        catch (TimeoutException e) { timeout = e; }
        ctx.Check(timeout is not null, "AllReduce completed although a rank never joined it");
        ctx.Log($"timed out after {stopwatch.Elapsed.TotalSeconds:0.0} s");
        CollectiveScenarios.ExpectThrows<DistBackendException>(ctx, () => ctx.Group.Barrier(), "the process group is broken");
        ctx.Check(((MpiProcessGroup)ctx.Group).IsBroken, "the group must report IsBroken after a timeout");
        throw timeout!;
    }

    /// <summary>Without an MPI library (NABLA_MPI_LIBRARY names a missing file) Nabla works and Dist says what is missing.</summary>
    [Scenario("no-mpi", InitGroup = false)]
    public static void NoMpi(ScenarioContext ctx)
    {
        ctx.Check((Tensor.Arange(4.0, 8.0) * 2).Sum().Item<float>() == 44, "tensor math must work without MPI");
        ctx.Check(!Dist.IsAvailable(), "Dist.IsAvailable() must be false without MPI");
        ctx.Check(!Dist.IsInitialized(), "Dist.IsInitialized() must be false before InitProcessGroup");
        CollectiveScenarios.ExpectThrows<DllNotFoundException>(ctx, () => Dist.InitProcessGroup(), "apt-get install mpich");
        CollectiveScenarios.ExpectThrows<InvalidOperationException>(ctx, () => Dist.GetRank(), "Default process group has not been initialized");
    }
}

/// <summary>Collectives that MPI itself rejects: its error comes back (MPI_ERRORS_RETURN) as a DistBackendException.</summary>
public static class MpiErrorScenarios
{
    /// <summary>Rank 0 broadcasts 100000 floats into rank r's 10: MPI reports the truncated message; the group is broken afterwards.</summary>
    [Scenario("mismatched-sizes")]
    public static void MismatchedSizes(ScenarioContext ctx)
    {
        var tensor = Tensor.Zeros(ctx.Rank == 0 ? 100_000 : 10);
        try
        {
            ctx.Group.Broadcast(tensor, 0);
            ctx.Log("Broadcast of mismatched sizes returned without error");
        }
        catch (DistBackendException e)
        {
            ctx.Log($"DistBackendException: {e.Message}");
            CollectiveScenarios.ExpectThrows<DistBackendException>(ctx, () => ctx.Group.Barrier(), "the process group is broken");
            throw;
        }
    }
}
