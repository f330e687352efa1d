namespace Nabla.Distributed.Worker;

/// <summary>What <see cref="LaunchEnvironment"/> reads from the launcher's variables, printed for the tests to check.</summary>
public static class LaunchScenarios
{
    [Scenario("launch-env", InitGroup = false)]
    public static void LaunchEnv(ScenarioContext ctx) =>
        Console.WriteLine($"rank={LaunchEnvironment.Rank} world={LaunchEnvironment.WorldSize} local={LaunchEnvironment.LocalRank} " +
            $"localWorld={LaunchEnvironment.LocalWorldSize} distributed={LaunchEnvironment.IsDistributed} getLocalRank={Dist.GetLocalRank()}");
}
