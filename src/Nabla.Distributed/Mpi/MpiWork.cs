using System.Runtime.ExceptionServices;

namespace Nabla.Distributed.Mpi;

/// <summary>
/// One collective queued to the <see cref="MpiCommThread"/>: how to post it (a nonblocking MPI call), what to do
/// once MPI completes it (copy out, divide for Avg), and the buffers pinned meanwhile.
/// </summary>
internal sealed class MpiWork(string description, long bytes, MpiWork.Poster post, Action? finish, MpiPins pins, TimeSpan timeout) : Work
{
    /// <summary>Posts the nonblocking call: returns MPI's error code and the request to test.</summary>
    public delegate int Poster(out int request);

    private readonly ManualResetEventSlim _done = new(false);
    private Exception? _failure;

    /// <summary>What the collective is, for messages: "AllReduce(Sum) of Float32 [1000]".</summary>
    public string Description { get; } = description;

    /// <summary>How many bytes the collective moves per rank, which tells the thread how long to poll eagerly.</summary>
    public long Bytes { get; } = bytes;

    public Poster Post { get; } = post;

    public TimeSpan Timeout { get; } = timeout;

    /// <inheritdoc />
    public override bool IsCompleted => _done.IsSet;

    /// <summary>Called on the communication thread once MPI reports completion.</summary>
    public void Succeed()
    {
        try { finish?.Invoke(); }
        catch (Exception e) { _failure = e; }
        Complete();
    }

    /// <summary>Called on the communication thread when the collective failed before MPI took its buffers.</summary>
    public void Fail(Exception failure)
    {
        _failure = failure;
        Complete();
    }

    /// <summary>
    /// Called on the communication thread for a posted collective given up on (timed out, or the group broke): MPI still
    /// holds its buffers' addresses and may write them, and a collective cannot be cancelled, so they stay pinned for
    /// the rest of the process instead of letting the GC move them under MPI.
    /// </summary>
    public void Abandon(Exception failure)
    {
        _failure = failure;
        _done.Set();
    }

    private void Complete()
    {
        pins.Dispose();
        _done.Set();
    }

    /// <inheritdoc />
    public override void Wait()
    {
        // The communication thread enforces the timeout; the extra margin only guards against a thread stuck inside
        // an MPI call, so that Wait itself never hangs forever.
        var guard = Timeout + TimeSpan.FromSeconds(Math.Min(60, Timeout.TotalSeconds + 5));
        if (!_done.Wait(guard))
            throw new TimeoutException($"{Description} did not complete within {guard.TotalSeconds:0.#} s: the MPI communication thread is stuck.");
        if (_failure is { } failure) ExceptionDispatchInfo.Throw(failure);
    }
}
