using System.Globalization;

namespace Nabla.Distributed;

/// <summary>
/// What the launcher told this process through its environment, readable before (and without) initialising MPI:
/// MPICH's hydra mpirun sets PMI_RANK, PMI_SIZE, MPI_LOCALRANKID and MPI_LOCALNRANKS; Open MPI's mpirun sets
/// OMPI_COMM_WORLD_RANK, _SIZE, _LOCAL_RANK and _LOCAL_SIZE; torchrun-style launchers set RANK, WORLD_SIZE,
/// LOCAL_RANK and LOCAL_WORLD_SIZE. A program started without a launcher is rank 0 of 1.
/// </summary>
public static class LaunchEnvironment
{
    /// <summary>True when a launcher started this process as one of several (the world size is above 1).</summary>
    public static bool IsDistributed => WorldSize > 1;

    /// <summary>This process's rank in the job (0 without a launcher).</summary>
    public static int Rank => Read("PMI_RANK", "OMPI_COMM_WORLD_RANK", "RANK") ?? 0;

    /// <summary>The number of processes in the job (1 without a launcher).</summary>
    public static int WorldSize => Read("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "WORLD_SIZE") ?? 1;

    /// <summary>This process's rank among the processes on its machine (LOCAL_RANK; 0 without a launcher).</summary>
    public static int LocalRank => Read("MPI_LOCALRANKID", "OMPI_COMM_WORLD_LOCAL_RANK", "LOCAL_RANK") ?? 0;

    /// <summary>The number of the job's processes on this machine (LOCAL_WORLD_SIZE; 1 without a launcher).</summary>
    public static int LocalWorldSize => Read("MPI_LOCALNRANKS", "OMPI_COMM_WORLD_LOCAL_SIZE", "LOCAL_WORLD_SIZE") ?? 1;

    private static int? Read(params string[] names)
    {
        foreach (var name in names)
        {
            if (int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
                return value;
        }
        return null;
    }
}
