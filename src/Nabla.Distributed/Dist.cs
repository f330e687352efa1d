using Nabla.Core;
using Nabla.Distributed.Mpi;

namespace Nabla.Distributed;

/// <summary>
/// torch.distributed's module functions (import torch.distributed as dist): one default process group per process,
/// made by <see cref="InitProcessGroup"/> from the launcher's environment (mpirun -np N dotnet app.dll), and the
/// collectives run on it. Everything else in Nabla works without MPI; these calls say what is missing.
/// </summary>
public static class Dist
{
    /// <summary>The default collective timeout, 30 minutes as torch.distributed's default_pg_timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    private static readonly Lock Gate = new();
    private static MpiProcessGroup? _group;
    private static bool _finalized;

    /// <summary>True when <paramref name="backend"/>'s library can be loaded here (torch.distributed.is_mpi_available).</summary>
    public static bool IsAvailable(Backend backend = Backend.Mpi) => backend == Backend.Mpi && MpiLibrary.IsAvailable;

    /// <summary>True between <see cref="InitProcessGroup"/> and <see cref="DestroyProcessGroup"/> (torch.distributed.is_initialized).</summary>
    public static bool IsInitialized() => _group is not null;

    /// <summary>
    /// Initialises MPI and the default process group of every rank mpirun started (torch.distributed.init_process_group);
    /// returns the group. A single process started without mpirun becomes a group of one. <paramref name="timeout"/>
    /// bounds each collective (default <see cref="DefaultTimeout"/>): past it the collective fails with a
    /// <see cref="TimeoutException"/> instead of hanging when another rank has died or stalled.
    /// </summary>
    /// <exception cref="DllNotFoundException">No MPI library with MPICH's ABI is installed (the message says how to install one).</exception>
    /// <exception cref="InvalidOperationException">The default group already exists, or MPI was finalized by an earlier group (MPI cannot restart).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public static ProcessGroup InitProcessGroup(Backend backend = Backend.Mpi, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero, nameof(timeout));
        if (backend != Backend.Mpi) throw Errors.Runtime($"init_process_group: unknown backend {backend}.");
        lock (Gate)
        {
            if (_group is not null) throw Errors.State("trying to initialize the default process group twice!");
            if (_finalized)
                throw Errors.State("init_process_group: MPI was finalized by DestroyProcessGroup and cannot be initialized again in this process.");
            MpiLibrary.EnsureLoaded();
            var comm = MpiCommThread.Start(limit);
            _group = new MpiProcessGroup(comm, limit);
            AppDomain.CurrentDomain.ProcessExit += FinalizeAtExit;
            return _group;
        }
    }

    /// <summary>The default process group (torch.distributed's group.WORLD).</summary>
    /// <exception cref="InvalidOperationException">The default group has not been initialised.</exception>
    public static ProcessGroup Group => Default;

    /// <summary>This process's rank in the default group (torch.distributed.get_rank).</summary>
    /// <exception cref="InvalidOperationException">The default group has not been initialised.</exception>
    public static int GetRank() => Default.Rank;

    /// <summary>The number of processes in the default group (torch.distributed.get_world_size).</summary>
    /// <exception cref="InvalidOperationException">The default group has not been initialised.</exception>
    public static int GetWorldSize() => Default.WorldSize;

    /// <summary>This process's rank on its machine, from the launcher's environment (torch.distributed.get_node_local_rank).</summary>
    public static int GetLocalRank() => LaunchEnvironment.LocalRank;

    /// <summary>
    /// Finishes the queued collectives, finalizes MPI and drops the default group (torch.distributed.destroy_process_group).
    /// A broken group is dropped without MPI_Finalize, so the launcher stops the other ranks. Does nothing without a group.
    /// </summary>
    /// <exception cref="TimeoutException">MPI_Finalize did not finish within the group's timeout plus 30 s.</exception>
    public static void DestroyProcessGroup()
    {
        lock (Gate)
        {
            if (_group is not { } group) return;
            _group = null;
            _finalized = true;
            AppDomain.CurrentDomain.ProcessExit -= FinalizeAtExit;
            // Queued collectives finish or time out (breaking the group) within the timeout; the margin is for MPI_Finalize itself.
            var limit = group.Timeout + TimeSpan.FromSeconds(30);
            if (!group.Destroy(limit))
                throw new TimeoutException($"DestroyProcessGroup: MPI_Finalize did not finish within {limit.TotalSeconds:0.#} s on rank {group.Rank} of {group.WorldSize}.");
        }
    }

    /// <summary>Reduces <paramref name="tensor"/> over all ranks in place (torch.distributed.all_reduce).</summary>
    /// <exception cref="ArgumentException">The tensor is not contiguous, or Avg is asked of an integer or Bool tensor.</exception>
    /// <exception cref="TimeoutException">The collective did not finish within the group's timeout.</exception>
    /// <exception cref="DistBackendException">MPI reported an error, or the group is broken.</exception>
    public static void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum) => Default.AllReduce(tensor, op);

    /// <summary>Copies rank <paramref name="src"/>'s tensor into every rank's (torch.distributed.broadcast).</summary>
    /// <exception cref="ArgumentException">The tensor is not contiguous, or <paramref name="src"/> is not a rank.</exception>
    /// <exception cref="TimeoutException">The collective did not finish within the group's timeout.</exception>
    /// <exception cref="DistBackendException">MPI reported an error, or the group is broken.</exception>
    public static void Broadcast(Tensor tensor, int src) => Default.Broadcast(tensor, src);

    /// <summary>Gathers every rank's <paramref name="input"/> into <paramref name="outputs"/>[rank] (torch.distributed.all_gather).</summary>
    /// <exception cref="ArgumentException">A tensor is not contiguous, or the outputs are not one per rank of the input's shape and dtype.</exception>
    /// <exception cref="TimeoutException">The collective did not finish within the group's timeout.</exception>
    /// <exception cref="DistBackendException">MPI reported an error, or the group is broken.</exception>
    public static void AllGather(IReadOnlyList<Tensor> outputs, Tensor input) => Default.AllGather(outputs, input);

    /// <summary>Reduces <paramref name="inputs"/>[r] over all ranks into rank r's <paramref name="output"/> (torch.distributed.reduce_scatter).</summary>
    /// <exception cref="ArgumentException">A tensor is not contiguous, the inputs are not one per rank of the output's shape and dtype, or Avg is asked of integers.</exception>
    /// <exception cref="TimeoutException">The collective did not finish within the group's timeout.</exception>
    /// <exception cref="DistBackendException">MPI reported an error, or the group is broken.</exception>
    public static void ReduceScatter(Tensor output, IReadOnlyList<Tensor> inputs, ReduceOp op = ReduceOp.Sum) =>
        Default.ReduceScatter(output, inputs, op);

    /// <summary>Waits until every rank has reached this point (torch.distributed.barrier).</summary>
    /// <exception cref="TimeoutException">Some rank did not arrive within the group's timeout.</exception>
    /// <exception cref="DistBackendException">MPI reported an error, or the group is broken.</exception>
    public static void Barrier() => Default.Barrier();

    private static MpiProcessGroup Default => _group ?? throw Errors.State(
        "Default process group has not been initialized, please make sure to call Dist.InitProcessGroup.");

    /// <summary>A program that ends without DestroyProcessGroup still finalizes MPI, which mpirun expects of every rank.</summary>
    private static void FinalizeAtExit(object? sender, EventArgs e)
    {
        try
        {
            lock (Gate)
            {
                if (_group is not { } group) return;
                _group = null;
                group.Destroy(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception)
        {
            // The process is ending anyway; mpirun reports a rank that exits without finalizing.
        }
    }
}
