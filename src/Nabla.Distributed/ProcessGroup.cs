namespace Nabla.Distributed;

/// <summary>
/// A group of processes that run collectives on tensors together (torch.distributed's ProcessGroup). Every rank
/// must call the same collectives in the same order with tensors of the same shape and dtype. Collectives work in
/// place on contiguous tensors.
/// </summary>
public abstract class ProcessGroup
{
    /// <summary>This process's rank, 0 to <see cref="WorldSize"/> - 1 (torch.distributed.get_rank).</summary>
    public abstract int Rank { get; }

    /// <summary>The number of processes in the group (torch.distributed.get_world_size).</summary>
    public abstract int WorldSize { get; }

    /// <summary>Starts reducing <paramref name="tensor"/> over all ranks in place; every rank gets the result.</summary>
    public abstract Work AllReduceAsync(Tensor tensor, ReduceOp op = ReduceOp.Sum);

    /// <summary>Starts copying rank <paramref name="src"/>'s <paramref name="tensor"/> into every other rank's.</summary>
    public abstract Work BroadcastAsync(Tensor tensor, int src);

    /// <summary>Starts gathering every rank's <paramref name="input"/> into <paramref name="outputs"/>[rank] on every rank.</summary>
    public abstract Work AllGatherAsync(IReadOnlyList<Tensor> outputs, Tensor input);

    /// <summary>Starts reducing <paramref name="inputs"/>[r] over all ranks into rank r's <paramref name="output"/>.</summary>
    public abstract Work ReduceScatterAsync(Tensor output, IReadOnlyList<Tensor> inputs, ReduceOp op = ReduceOp.Sum);

    /// <summary>Starts a barrier: its Wait returns once every rank has reached it.</summary>
    public abstract Work BarrierAsync();

    /// <summary>Reduces <paramref name="tensor"/> over all ranks in place (torch.distributed.all_reduce).</summary>
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum) => AllReduceAsync(tensor, op).Wait();

    /// <summary>Copies rank <paramref name="src"/>'s tensor into every rank's (torch.distributed.broadcast).</summary>
    public void Broadcast(Tensor tensor, int src) => BroadcastAsync(tensor, src).Wait();

    /// <summary>Gathers every rank's tensor into <paramref name="outputs"/> (torch.distributed.all_gather).</summary>
    public void AllGather(IReadOnlyList<Tensor> outputs, Tensor input) => AllGatherAsync(outputs, input).Wait();

    /// <summary>Reduces and scatters <paramref name="inputs"/> (torch.distributed.reduce_scatter).</summary>
    public void ReduceScatter(Tensor output, IReadOnlyList<Tensor> inputs, ReduceOp op = ReduceOp.Sum) =>
        ReduceScatterAsync(output, inputs, op).Wait();

    /// <summary>Waits until every rank has reached this point (torch.distributed.barrier).</summary>
    public void Barrier() => BarrierAsync().Wait();
}
