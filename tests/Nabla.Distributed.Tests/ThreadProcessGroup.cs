using System.Collections.Concurrent;

namespace Nabla.Distributed.Tests;

/// <summary>
/// A tests-only <see cref="ProcessGroup"/> whose ranks are threads of this process: each rank has a communication
/// thread that runs its collectives in call order (as MPI's would), meeting the other ranks' threads at a barrier.
/// Only AllReduce and Broadcast, the two collectives DistributedDataParallel uses.
/// </summary>
internal sealed class ThreadProcessGroup : ProcessGroup
{
    private sealed class World(int size)
    {
        public readonly Barrier Barrier = new(size);
        public readonly Tensor?[] Slots = new Tensor?[size];
    }

    private readonly World _world;
    private readonly BlockingCollection<Action> _queue = [];

    private ThreadProcessGroup(World world, int rank)
    {
        _world = world;
        Rank = rank;
        var thread = new Thread(() => { foreach (var job in _queue.GetConsumingEnumerable()) job(); }) { IsBackground = true, Name = $"comm {rank}" };
        thread.Start();
    }

    /// <summary>One group object per rank of a world of <paramref name="size"/> threads.</summary>
    public static ThreadProcessGroup[] Create(int size)
    {
        var world = new World(size);
        return [.. Enumerable.Range(0, size).Select(r => new ThreadProcessGroup(world, r))];
    }

    /// <summary>Runs <paramref name="body"/> once per rank, each on its own thread, and rethrows the first failure.</summary>
    public static void RunRanks(int size, Action<ThreadProcessGroup> body)
    {
        var groups = Create(size);
        var failures = new ConcurrentQueue<Exception>();
        var threads = groups.Select(g => new Thread(() =>
        {
            try { body(g); }
            catch (Exception e) { failures.Enqueue(e); }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromSeconds(60)), "a rank did not finish within 60 s");
        foreach (var g in groups) g._queue.CompleteAdding();
        if (failures.TryDequeue(out var first)) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
    }

    public override int Rank { get; }

    public override int WorldSize => _world.Slots.Length;

    /// <summary>How many all-reduces this rank has issued.</summary>
    public int AllReduceCalls;

    public override Work AllReduceAsync(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        if (op != ReduceOp.Sum) throw new NotSupportedException("the test group only sums");
        Interlocked.Increment(ref AllReduceCalls);
        return Enqueue(tensor, slots =>
        {
            var sum = slots[0]!.Clone();
            for (int r = 1; r < slots.Length; r++) sum.Add_(slots[r]!);
            return sum;
        });
    }

    public override Work BroadcastAsync(Tensor tensor, int src) => Enqueue(tensor, slots => slots[src]!.Clone());

    public override Work AllGatherAsync(IReadOnlyList<Tensor> outputs, Tensor input) => throw new NotSupportedException();

    public override Work ReduceScatterAsync(Tensor output, IReadOnlyList<Tensor> inputs, ReduceOp op = ReduceOp.Sum) => throw new NotSupportedException();

    public override Work BarrierAsync() => Enqueue(Tensor.Zeros(1), slots => slots[Rank]!.Clone());

    /// <summary>Deposit, meet, compute from every rank's tensor, meet again (nobody writes while others read), write.</summary>
    private Work Enqueue(Tensor tensor, Func<Tensor?[], Tensor> combine)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
        {
            try
            {
                _world.Slots[Rank] = tensor;
                _world.Barrier.SignalAndWait();
                Tensor result;
                using (GradMode.NoGrad()) result = combine(_world.Slots);
                _world.Barrier.SignalAndWait();
                using (GradMode.NoGrad()) tensor.Copy_(result);
                done.SetResult();
            }
            catch (Exception e) { done.SetException(e); }
        });
        return new TaskWork(done.Task);
    }

    private sealed class TaskWork(Task task) : Work
    {
        public override bool IsCompleted => task.IsCompleted;

        public override void Wait()
        {
            if (!task.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("test collective timed out");
        }
    }
}
