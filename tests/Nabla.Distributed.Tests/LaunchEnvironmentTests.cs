namespace Nabla.Distributed.Tests;

/// <summary>LaunchEnvironment reads hydra's, Open MPI's and torchrun's variables, without MPI (a plain process with those variables).</summary>
public class LaunchEnvironmentTests
{
    [Theory]
    [InlineData("PMI_RANK=3 PMI_SIZE=4 MPI_LOCALRANKID=1 MPI_LOCALNRANKS=2", "rank=3 world=4 local=1 localWorld=2 distributed=True getLocalRank=1")]
    [InlineData("OMPI_COMM_WORLD_RANK=2 OMPI_COMM_WORLD_SIZE=3 OMPI_COMM_WORLD_LOCAL_RANK=0 OMPI_COMM_WORLD_LOCAL_SIZE=1", "rank=2 world=3 local=0 localWorld=1 distributed=True getLocalRank=0")]
    [InlineData("RANK=1 WORLD_SIZE=2 LOCAL_RANK=1 LOCAL_WORLD_SIZE=2", "rank=1 world=2 local=1 localWorld=2 distributed=True getLocalRank=1")]
    [InlineData("", "rank=0 world=1 local=0 localWorld=1 distributed=False getLocalRank=0")]
    public void ReadsTheLaunchersVariables(string variables, string expected)
    {
        var environment = variables.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split('=')).ToDictionary(p => p[0], p => p[1]);
        foreach (var name in new[] { "PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID", "MPI_LOCALNRANKS", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE",
                     "OMPI_COMM_WORLD_LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE", "RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE" })
            environment.TryAdd(name, ""); // an empty value counts as unset, whatever the test runner's own environment holds
        var result = MpiRun.RunAlone("launch-env", environment);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(expected, result.Output);
    }
}
