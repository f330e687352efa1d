using Nabla.Core;
using Nabla.NN;

namespace Nabla.Distributed;

/// <summary>
/// DistributedDataParallel's gradient reducer (PyTorch's Reducer): parameters in buckets of about a size cap, in reverse
/// order of registration (the order backward reaches them); a post-accumulate-grad hook per parameter marks it ready,
/// and a bucket whose parameters are all ready is copied into its flat buffer and all-reduced asynchronously while
/// backward goes on. Buckets are launched in bucket order, so every rank issues the same collectives in the same
/// order. When the last bucket is launched the reducer waits for all of them and writes the averaged gradients back.
/// </summary>
internal sealed class Reducer
{
    /// <summary>PyTorch's first bucket is small (1 MiB) so that the first all-reduce starts early in backward.</summary>
    internal const long FirstBucketBytes = 1024 * 1024;

    internal sealed class Bucket(int[] parameters, int[] offsets, Tensor buffer)
    {
        /// <summary>Indices into the reducer's parameters, in the order they sit in <see cref="Buffer"/>.</summary>
        public int[] Parameters { get; } = parameters;
        public int[] Offsets { get; } = offsets;
        public Tensor Buffer { get; } = buffer;
        public int Pending;
        public Work? Work;
    }

    private readonly ProcessGroup _group;
    private readonly Tensor[] _parameters;
    private readonly string[] _names;
    private readonly int[] _bucketOf;
    private readonly bool[] _ready;
    private readonly RemovableHandle[] _handles;
    private int _readyCount;
    private int _nextBucket;
    private bool _expectHooks;

    public Reducer(ProcessGroup group, IReadOnlyList<(string Name, Tensor Parameter)> parameters, long bucketBytes)
    {
        _group = group;
        _parameters = parameters.Select(p => p.Parameter).ToArray();
        _names = parameters.Select(p => p.Name).ToArray();
        Buckets = Assign(_parameters, bucketBytes);
        _bucketOf = new int[_parameters.Length];
        for (int b = 0; b < Buckets.Length; b++)
            foreach (var p in Buckets[b].Parameters) _bucketOf[p] = b;
        _ready = new bool[_parameters.Length];
        _handles = new RemovableHandle[_parameters.Length];
        for (int i = 0; i < _parameters.Length; i++)
        {
            int index = i;
            _handles[i] = _parameters[i].RegisterPostAccumulateGradHook(_ => MarkReady(index));
        }
    }

    /// <summary>The buckets in launch order (the first holds the last parameters).</summary>
    internal Bucket[] Buckets { get; }

    /// <summary>How many all-reduces have been started since the reducer was made (tests watch the overlap with it).</summary>
    internal int LaunchedCount { get; private set; }

    /// <summary>
    /// compute_bucket_assignment_by_size: walks the parameters from last to first, one open bucket per dtype, closing a
    /// bucket once it holds at least the current cap (1 MiB for the first, then <paramref name="bucketBytes"/>); buckets
    /// are then ordered by the first parameter they hold in that walk.
    /// </summary>
    private static Bucket[] Assign(Tensor[] parameters, long bucketBytes)
    {
        var closed = new List<List<int>>();
        var open = new Dictionary<DType, (List<int> Members, long Bytes, bool First)>();
        bool firstClosed = false;
        for (int i = parameters.Length - 1; i >= 0; i--)
        {
            var dtype = parameters[i].DType;
            var (members, bytes, _) = open.TryGetValue(dtype, out var o) ? o : ([], 0, false);
            members.Add(i);
            bytes += (long)parameters[i].Numel * dtype.ElementSize();
            long cap = firstClosed ? bucketBytes : Math.Min(FirstBucketBytes, bucketBytes);
            if (bytes >= cap)
            {
                closed.Add(members);
                open.Remove(dtype);
                firstClosed = true;
            }
            else open[dtype] = (members, bytes, false);
        }
        closed.AddRange(open.Values.Select(v => v.Members));
        return closed.OrderByDescending(members => members[0]).Select(members =>
        {
            var offsets = new int[members.Count];
            int total = 0;
            for (int k = 0; k < members.Count; k++)
            {
                offsets[k] = total;
                total += parameters[members[k]].Numel;
            }
            var buffer = Tensor.Zeros([total], parameters[members[0]].DType);
            return new Bucket([.. members], offsets, buffer);
        }).ToArray();
    }

    /// <summary>
    /// prepare_for_backward: the backward of the forward now running reduces gradients. Fails when the previous
    /// synchronised backward left some parameters without a gradient (the reduction never finished).
    /// </summary>
    public void PrepareForBackward(int rank)
    {
        EnsurePriorReductionFinished(rank);
        Reset();
        _expectHooks = true;
    }

    /// <summary>The backward of the forward now running only accumulates locally (no_sync, or no grad).</summary>
    public void SkipBackward()
    {
        if (_readyCount == 0) _expectHooks = false;
    }

    private void EnsurePriorReductionFinished(int rank)
    {
        if (_readyCount == 0) return;
        var missing = Enumerable.Range(0, _parameters.Length).Where(i => !_ready[i]).Select(i => _names[i]);
        throw Errors.Runtime("Expected to have finished reduction in the prior iteration before starting a new one. This error " +
            "indicates that your module has parameters that were not used in producing loss. Nabla's DistributedDataParallel " +
            "has no find_unused_parameters: make every parameter that requires grad take part in computing the loss, or set " +
            "RequiresGrad = false on the ones that do not.\nParameters which did not receive grad for rank " +
            $"{rank}: {string.Join(", ", missing)}");
    }

    private void Reset()
    {
        Array.Clear(_ready);
        _readyCount = 0;
        _nextBucket = 0;
        foreach (var b in Buckets)
        {
            b.Pending = b.Parameters.Length;
            b.Work = null;
        }
    }

    /// <summary>autograd_hook + mark_variable_ready: runs on the backward thread right after .grad was accumulated.</summary>
    private void MarkReady(int index)
    {
        if (!_expectHooks) return;
        if (_ready[index])
            throw Errors.Runtime($"Expected to mark a variable ready only once. Parameter {_names[index]} received a gradient twice " +
                "in one synchronised iteration: a second backward through the same forward, or the parameter used outside forward.");
        _ready[index] = true;
        _readyCount++;
        var bucket = Buckets[_bucketOf[index]];
        int slot = Array.IndexOf(bucket.Parameters, index);
        var grad = _parameters[index].Grad!;
        using (GradMode.NoGrad())
            bucket.Buffer.Narrow(0, bucket.Offsets[slot], grad.Numel).Copy_(grad.Reshape(-1));
        bucket.Pending--;
        while (_nextBucket < Buckets.Length && Buckets[_nextBucket].Pending == 0)
        {
            var next = Buckets[_nextBucket++];
            next.Work = _group.AllReduceAsync(next.Buffer, ReduceOp.Sum);
            LaunchedCount++;
        }
        if (_nextBucket == Buckets.Length) FinishBackward();
    }

    /// <summary>finalize_backward: waits for every bucket, averages by the world size and writes .grad back.</summary>
    private void FinishBackward()
    {
        using var _ = GradMode.NoGrad();
        foreach (var bucket in Buckets)
        {
            bucket.Work!.Wait();
            bucket.Buffer.Div_(_group.WorldSize);
            for (int k = 0; k < bucket.Parameters.Length; k++)
            {
                var grad = _parameters[bucket.Parameters[k]].Grad!;
                grad.Copy_(bucket.Buffer.Narrow(0, bucket.Offsets[k], grad.Numel).View(grad.Shape));
            }
        }
        Reset();
        _expectHooks = false;
    }

    /// <summary>Unregisters the hooks (the wrapped module is left as it was).</summary>
    public void Detach()
    {
        foreach (var h in _handles) h.Remove();
    }
}
