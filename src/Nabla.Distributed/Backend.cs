namespace Nabla.Distributed;

/// <summary>The communication backend of a process group (torch.distributed.Backend).</summary>
public enum Backend
{
    /// <summary>MPI through MPICH's library, launched with mpirun (Backend.MPI, "mpi").</summary>
    Mpi,
}
