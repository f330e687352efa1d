namespace Nabla.Distributed;

/// <summary>
/// A collective failed in the communication backend (torch.distributed.DistBackendError): MPI returned an error
/// (its MPI_Error_string text is in the message), or the process group is broken by an earlier failure. After one
/// failure a group cannot continue: the ranks no longer agree on which collectives completed.
/// </summary>
public sealed class DistBackendException : Exception
{
    /// <summary>Creates the exception with a message (and the failure that caused it, if any).</summary>
    public DistBackendException(string message, Exception? innerException = null) : base(message, innerException) { }
}
