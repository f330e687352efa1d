using Nabla.Core;
using Nabla.NN;

namespace Nabla.Distributed;

/// <summary>
/// torch.nn.parallel.DistributedDataParallel: runs <see cref="Module"/> on each rank's share of the batch and keeps the
/// replicas identical by averaging gradients over the ranks during backward. At construction rank 0's parameters and
/// buffers are broadcast to every rank; in training mode the buffers are broadcast again before each forward
/// (broadcast_buffers=True). Gradients are all-reduced in buckets of about <c>bucketCapMb</c> megabytes, in reverse
/// order of the parameters, each bucket starting as soon as backward has produced all its gradients, so communication
/// overlaps the rest of backward; when the last bucket is done every <c>.Grad</c> holds the mean over the ranks.
/// The wrapper is itself a module: calling it runs the inner module, and its parameters and state dict are the inner
/// module's under the prefix "module." (as in PyTorch; save <c>ddp.Module.StateDict()</c> for a checkpoint without it).
/// Every parameter that requires grad must take part in the loss: there is no find_unused_parameters, and a
/// parameter left without a gradient makes the next forward throw.
/// </summary>
public sealed class DistributedDataParallel<TInput, TOutput> : Module<TInput, TOutput>
{
    private readonly Reducer _reducer;
    private readonly (string Name, Tensor Tensor)[] _buffers;
    private int _noSyncDepth;

    /// <summary>
    /// Wraps <paramref name="module"/> (torch's DistributedDataParallel(module, process_group=..., broadcast_buffers=...,
    /// bucket_cap_mb=...)). <paramref name="processGroup"/> defaults to <see cref="Dist.Group"/>. Every rank must
    /// construct it at the same point with the same model structure: the constructor broadcasts rank 0's state.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="bucketCapMb"/> is not positive, or a parameter or buffer is not contiguous.</exception>
    /// <exception cref="InvalidOperationException">No process group is given and the default one has not been initialised.</exception>
    public DistributedDataParallel(Module<TInput, TOutput> module, ProcessGroup? processGroup = null, bool broadcastBuffers = true,
        double bucketCapMb = 25)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!(bucketCapMb > 0)) throw Errors.Runtime($"DistributedDataParallel: bucket_cap_mb must be positive, got {bucketCapMb}");
        Module = RegisterModule("module", module);
        ProcessGroup = processGroup ?? Dist.Group;
        BroadcastBuffers = broadcastBuffers;
        BucketCapMb = bucketCapMb;
        Training = module.Training;
        _buffers = module.NamedBuffers().ToArray();
        var parameters = module.NamedParameters().ToArray();
        foreach (var (name, tensor) in parameters.Concat(_buffers))
            if (!tensor.IsContiguous())
                throw Errors.Runtime($"DistributedDataParallel: {name} is not contiguous; collectives need contiguous tensors");
        SyncState(parameters.Select(p => p.Parameter).Concat(_buffers.Select(b => b.Tensor)));
        _reducer = new Reducer(ProcessGroup, parameters.Where(p => p.Parameter.RequiresGrad).Select(p => ($"module.{p.Name}", p.Parameter)).ToArray(),
            (long)(bucketCapMb * 1024 * 1024));
    }

    /// <summary>The wrapped module (ddp.module).</summary>
    public Module<TInput, TOutput> Module { get; }

    /// <summary>The group whose ranks share the training (process_group).</summary>
    public ProcessGroup ProcessGroup { get; }

    /// <summary>Whether rank 0's buffers are broadcast before each training-mode forward (broadcast_buffers).</summary>
    public bool BroadcastBuffers { get; }

    /// <summary>The bucket size cap in MiB (bucket_cap_mb); the first bucket is capped at 1 MiB as in PyTorch.</summary>
    public double BucketCapMb { get; }

    /// <summary>The number of gradient buckets, each one all-reduce per synchronised backward.</summary>
    public int BucketCount => _reducer.Buckets.Length;

    /// <summary>
    /// torch's DistributedDataParallel.forward: broadcasts buffers (in training mode with <see cref="BroadcastBuffers"/>),
    /// prepares the reducer so that the backward of this output all-reduces gradients (unless inside
    /// <see cref="NoSync"/> or with grad disabled), and calls the inner module.
    /// </summary>
    /// <exception cref="ArgumentException">The previous synchronised backward left parameters without a gradient (named in the message).</exception>
    public override TOutput Forward(TInput input)
    {
        if (GradMode.IsEnabled && _noSyncDepth == 0) _reducer.PrepareForBackward(ProcessGroup.Rank);
        else _reducer.SkipBackward();
        if (Training && BroadcastBuffers && ProcessGroup.WorldSize > 1 && _buffers.Length > 0)
            SyncState(_buffers.Select(b => b.Tensor));
        return Module.Call(input);
    }

    /// <summary>
    /// torch's DistributedDataParallel.no_sync: inside the returned scope, forwards and backwards accumulate gradients
    /// locally without communication; the first forward and backward after it reduce the accumulated gradients.
    /// Dispose the scope to leave it (scopes nest).
    /// </summary>
    public IDisposable NoSync()
    {
        _noSyncDepth++;
        return new Scope(this);
    }

    private sealed class Scope(DistributedDataParallel<TInput, TOutput> owner) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            owner._noSyncDepth--;
        }
    }

    /// <summary>_sync_module_states: rank 0's tensors to every rank, started together and then awaited.</summary>
    private void SyncState(IEnumerable<Tensor> tensors)
    {
        if (ProcessGroup.WorldSize == 1) return;
        var works = tensors.Select(t => ProcessGroup.BroadcastAsync(t, 0)).ToList();
        foreach (var w in works) w.Wait();
    }

    /// <summary>For tests: all-reduces started so far (to see them start before backward ends).</summary>
    internal int LaunchedAllReduces => _reducer.LaunchedCount;
}
