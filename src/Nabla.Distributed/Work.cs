namespace Nabla.Distributed;

/// <summary>
/// A collective in flight, as torch.distributed's Work returned with async_op=True: its tensors must not be read
/// or written until <see cref="Wait"/> returns.
/// </summary>
public abstract class Work
{
    /// <summary>True once the collective has finished (successfully or not).</summary>
    public abstract bool IsCompleted { get; }

    /// <summary>
    /// Blocks until the collective has finished. Throws the collective's failure, or a
    /// <see cref="TimeoutException"/> naming the collective when the group's timeout passes first.
    /// </summary>
    public abstract void Wait();
}
