using System.Collections.Concurrent;
using System.Diagnostics;

namespace Nabla.Distributed.Mpi;

/// <summary>
/// The one thread that owns MPI: it calls MPI_Init_thread (MPI_THREAD_FUNNELED) and then every MPI call, so the
/// rest of Nabla may call collectives from any thread. Collectives are posted in the order they were queued (every
/// rank must issue them in the same order), several may be in flight, and the thread drives them with MPI_Test,
/// which is also what makes MPI progress. A collective still running when its deadline passes fails with a
/// <see cref="TimeoutException"/>; any failure breaks the group, and later collectives fail at once.
/// </summary>
internal sealed unsafe class MpiCommThread
{
    private readonly BlockingCollection<object> _queue = [];
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _started = new(false);
    private Exception? _startFailure;
    private volatile Exception? _broken;
    private volatile bool _stopped;

    public int Rank { get; private set; }
    public int WorldSize { get; private set; }
    public string LibraryVersion { get; private set; } = "";

    /// <summary>The failure that broke the group, or null while it works.</summary>
    public Exception? Broken => _broken;

    /// <summary>A control step (MPI_Finalize) run on the thread once no collective is in flight.</summary>
    private sealed class Control(Action<MpiCommThread> action)
    {
        public readonly ManualResetEventSlim Done = new(false);
        public Exception? Failure;
        public void Run(MpiCommThread owner)
        {
            try { action(owner); }
            catch (Exception e) { Failure = e; }
            Done.Set();
        }
    }

    private MpiCommThread()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "Nabla MPI" };
    }

    /// <summary>Starts the thread and waits until MPI is initialised; throws MPI's failure to start.</summary>
    public static MpiCommThread Start(TimeSpan timeout)
    {
        var comm = new MpiCommThread();
        comm._thread.Start();
        if (!comm._started.Wait(timeout))
            throw new TimeoutException($"MPI_Init_thread did not return within {timeout.TotalSeconds:0.#} s (is every rank started by mpirun?).");
        if (comm._startFailure is { } failure) throw failure;
        return comm;
    }

    /// <summary>Queues a collective; it is failed at once if the group is broken.</summary>
    public void Enqueue(MpiWork work) => _queue.Add(work);

    /// <summary>Runs <paramref name="action"/> on the thread after every earlier collective; waits up to <paramref name="timeout"/>.</summary>
    public bool RunControl(Action<MpiCommThread> action, TimeSpan timeout)
    {
        var control = new Control(action);
        _queue.Add(control);
        if (!control.Done.Wait(timeout)) return false;
        if (control.Failure is { } failure) throw failure;
        return true;
    }

    /// <summary>Checks an MPI return code: anything but MPI_SUCCESS becomes a <see cref="DistBackendException"/>.</summary>
    public void Check(int code, string call)
    {
        if (code != MpiNative.Success) throw MpiError(call, code);
    }

    /// <summary>An MPI error code as an exception carrying MPI_Error_string's text, naming the call and this rank.</summary>
    private DistBackendException MpiError(string what, int code) =>
        new($"{what} failed on rank {Rank} of {WorldSize}: {MpiNative.DescribeError(code)}");

    private void Initialize()
    {
        int provided;
        int code = MpiNative.InitThread(null, null, MpiNative.ThreadFunneled, &provided);
        if (code != MpiNative.Success) throw new DistBackendException($"MPI_Init_thread failed: {MpiNative.DescribeError(code)}");
        // Errors come back as codes, which become exceptions, instead of MPI aborting the job.
        Check(MpiNative.CommSetErrhandler(MpiNative.CommWorld, MpiNative.ErrorsReturn), "MPI_Comm_set_errhandler");
        int rank, size;
        Check(MpiNative.CommRank(MpiNative.CommWorld, &rank), "MPI_Comm_rank");
        Check(MpiNative.CommSize(MpiNative.CommWorld, &size), "MPI_Comm_size");
        (Rank, WorldSize, LibraryVersion) = (rank, size, MpiNative.LibraryVersion());
        if (provided < MpiNative.ThreadFunneled)
            throw new DistBackendException($"{LibraryVersion} provides thread level {provided}; Nabla needs MPI_THREAD_FUNNELED.");
    }

    private void Run()
    {
        try { Initialize(); }
        catch (Exception e) { _startFailure = e; }
        _started.Set();
        if (_startFailure is not null) return;

        var active = new List<(MpiWork Work, int Request, long Deadline)>();
        Control? waiting = null;
        var pause = new PollPause();
        while (true)
        {
            // Take new items: block when idle, otherwise only look. A control step waits for the collectives before it.
            while (waiting is null)
            {
                object? item;
                if (active.Count == 0) item = _queue.Take();
                else if (!_queue.TryTake(out item)) break;
                if (item is Control control) waiting = control;
                else if (item is MpiWork work)
                {
                    Post(work, active);
                    pause.Event(work.Bytes);
                }
            }
            if (Poll(active)) pause.Event(0);
            if (waiting is not null && active.Count == 0)
            {
                waiting.Run(this);
                waiting = null;
                if (_stopped) return;
            }
            if (active.Count > 0) pause.Wait();
        }
    }

    /// <summary>Ends the loop after the current control step (used by MPI_Finalize).</summary>
    public void Stop() => _stopped = true;

    private void Post(MpiWork work, List<(MpiWork, int, long)> active)
    {
        if (_broken is { } broken) { work.Fail(BrokenError(work.Description, broken)); return; }
        int code;
        int request;
        try { code = work.Post(out request); }
        catch (Exception e) { work.Fail(e); return; }
        if (code != MpiNative.Success)
        {
            Break(work, posted: false, MpiError(work.Description, code), active);
            return;
        }
        active.Add((work, request, Stopwatch.GetTimestamp() + (long)(work.Timeout.TotalSeconds * Stopwatch.Frequency)));
    }

    /// <summary>Tests every collective in flight; true when one of them completed or failed.</summary>
    private bool Poll(List<(MpiWork Work, int Request, long Deadline)> active)
    {
        bool finished = false;
        for (int i = 0; i < active.Count; i++)
        {
            var (work, request, deadline) = active[i];
            int flag = 0;
            int code = MpiNative.Test(&request, &flag, MpiNative.StatusIgnore);
            if (code != MpiNative.Success)
            {
                active.RemoveAt(i);
                Break(work, posted: true, MpiError(work.Description, code), active);
                return true;
            }
            if (flag != 0)
            {
                active.RemoveAt(i--);
                work.Succeed();
                finished = true;
            }
            else if (Stopwatch.GetTimestamp() > deadline)
            {
                active.RemoveAt(i);
                Break(work, posted: true, new TimeoutException(
                    $"{work.Description} timed out on rank {Rank} of {WorldSize} after waiting {work.Timeout.TotalSeconds:0.###} s " +
                    "(the process group's timeout): another rank has failed, exited, is stuck, or did not call the same collectives " +
                    "in the same order."), active);
                return true;
            }
        }
        return finished;
    }

    /// <summary>
    /// Fails <paramref name="work"/> with <paramref name="failure"/> and every other collective in flight with a
    /// broken-group error (queued ones fail when taken). Requests still open in MPI are abandoned with their buffers
    /// pinned: a collective cannot be cancelled.
    /// </summary>
    private void Break(MpiWork work, bool posted, Exception failure, List<(MpiWork Work, int Request, long Deadline)> active)
    {
        _broken ??= failure;
        if (posted) work.Abandon(failure); else work.Fail(failure);
        foreach (var other in active) other.Work.Abandon(BrokenError(other.Work.Description, failure));
        active.Clear();
    }

    /// <summary>The error for a collective that cannot run because <paramref name="cause"/> broke the group.</summary>
    public static DistBackendException BrokenError(string description, Exception cause) =>
        new($"{description} cannot run: the process group is broken by an earlier failure ({cause.Message}). " +
            "Collectives cannot continue after a failure; destroy the group and exit.", cause);
}
