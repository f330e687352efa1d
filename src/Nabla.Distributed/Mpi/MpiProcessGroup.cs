using Nabla.Core;
using Nabla.Distributed.Mpi;

namespace Nabla.Distributed;

/// <summary>
/// A <see cref="ProcessGroup"/> over MPI_COMM_WORLD (torch.distributed's "mpi" backend), made by
/// <see cref="Dist.InitProcessGroup"/>. One background thread owns MPI and runs the collectives in call order with
/// MPI's nonblocking calls; each returns a <see cref="Work"/> at once. Tensors must be contiguous and, for a given
/// collective, have the same shape and dtype on every rank; their storage is written in place (their version counter
/// is bumped when the collective is issued). A collective that does not finish within <see cref="Timeout"/> fails with
/// a <see cref="TimeoutException"/>, an MPI error with a <see cref="DistBackendException"/> carrying MPI's text; either
/// breaks the group, and every later collective fails at once.
/// </summary>
public sealed class MpiProcessGroup : ProcessGroup
{
    private readonly MpiCommThread _comm;
    private bool _destroyed;

    internal MpiProcessGroup(MpiCommThread comm, TimeSpan timeout)
    {
        _comm = comm;
        Timeout = timeout;
    }

    /// <inheritdoc />
    public override int Rank => _comm.Rank;

    /// <inheritdoc />
    public override int WorldSize => _comm.WorldSize;

    /// <summary>How long a collective may run before it fails with a <see cref="TimeoutException"/> (init_process_group's timeout).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The MPI library in use, as MPI_Get_library_version reports it (e.g. "MPICH Version: 4.0.2").</summary>
    public string LibraryVersion => _comm.LibraryVersion;

    /// <summary>True once a collective has failed or timed out: the group cannot run collectives any more.</summary>
    public bool IsBroken => _comm.Broken is not null;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The tensor is not contiguous, or <paramref name="op"/> is Avg on an integer or Bool tensor.</exception>
    public override Work AllReduceAsync(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        const string name = "AllReduce";
        CheckTensor(name, tensor);
        int mpiOp = MpiTypes.Op(op, tensor.DType, name);
        var pins = new MpiPins();
        var (buffer, count, type) = (Pin(pins, tensor), tensor.Numel, MpiTypes.Datatype(tensor.DType));
        Action? finish = op == ReduceOp.Avg ? () => MpiTypes.DivideInPlace(tensor.Storage.Data, tensor.StorageOffset, count, WorldSize) : null;
        return Issue($"{name}({op}) of {Describe(tensor)}", Bytes(tensor), pins, finish, [tensor],
            (out int request) => Native.Iallreduce(buffer, count, type, mpiOp, out request));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The tensor is not contiguous, or <paramref name="src"/> is not a rank of the group.</exception>
    public override Work BroadcastAsync(Tensor tensor, int src)
    {
        const string name = "Broadcast";
        CheckTensor(name, tensor);
        if (src < 0 || src >= WorldSize)
            throw Errors.Runtime($"{name}: invalid root rank {src}: the group's ranks are 0 to {WorldSize - 1}.");
        var pins = new MpiPins();
        var (buffer, count, type) = (Pin(pins, tensor), tensor.Numel, MpiTypes.Datatype(tensor.DType));
        return Issue($"{name}(src={src}) of {Describe(tensor)}", Bytes(tensor), pins, null, [tensor],
            (out int request) => Native.Ibcast(buffer, count, type, src, out request));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// A tensor is not contiguous, there is not one output per rank, or an output's shape or dtype differs from the input's.
    /// </exception>
    public override Work AllGatherAsync(IReadOnlyList<Tensor> outputs, Tensor input)
    {
        const string name = "AllGather";
        CheckTensor(name, input);
        CheckList(name, "output", outputs, input);
        int count = input.Numel, size = input.DType.ElementSize();
        var gathered = Storage.Allocate(input.DType, count * WorldSize, zeroed: false);
        var pins = new MpiPins();
        var (send, recv, type) = (Pin(pins, input), pins.Pin(gathered.Data, 0, size), MpiTypes.Datatype(input.DType));
        void Scatter()
        {
            for (int r = 0; r < outputs.Count; r++)
                Buffer.BlockCopy(gathered.Data, r * count * size, outputs[r].Storage.Data, outputs[r].StorageOffset * size, count * size);
        }
        return Issue($"{name} of {WorldSize} x {Describe(input)}", Bytes(input) * WorldSize, pins, Scatter, outputs,
            (out int request) => Native.Iallgather(send, count, type, recv, out request));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// A tensor is not contiguous, there is not one input per rank, an input's shape or dtype differs from the output's,
    /// or <paramref name="op"/> is Avg on an integer or Bool tensor.
    /// </exception>
    public override Work ReduceScatterAsync(Tensor output, IReadOnlyList<Tensor> inputs, ReduceOp op = ReduceOp.Sum)
    {
        const string name = "ReduceScatter";
        CheckTensor(name, output);
        CheckList(name, "input", inputs, output);
        int mpiOp = MpiTypes.Op(op, output.DType, name);
        int count = output.Numel, size = output.DType.ElementSize();
        // MPI_Reduce_scatter_block reads one contiguous buffer holding every rank's block in rank order.
        var packed = Storage.Allocate(output.DType, count * WorldSize, zeroed: false);
        for (int r = 0; r < inputs.Count; r++)
            Buffer.BlockCopy(inputs[r].Storage.Data, inputs[r].StorageOffset * size, packed.Data, r * count * size, count * size);
        var pins = new MpiPins();
        var (send, recv, type) = (pins.Pin(packed.Data, 0, size), Pin(pins, output), MpiTypes.Datatype(output.DType));
        Action? finish = op == ReduceOp.Avg ? () => MpiTypes.DivideInPlace(output.Storage.Data, output.StorageOffset, count, WorldSize) : null;
        return Issue($"{name}({op}) of {WorldSize} x {Describe(output)}", Bytes(output) * WorldSize, pins, finish, [output],
            (out int request) => Native.IreduceScatterBlock(send, recv, count, type, mpiOp, out request));
    }

    /// <inheritdoc />
    public override Work BarrierAsync() =>
        Issue("Barrier", 0, new MpiPins(), null, [], (out int request) => Native.Ibarrier(out request));

    /// <summary>
    /// Finalizes MPI (MPI_Finalize) after every queued collective has finished; called by
    /// <see cref="Dist.DestroyProcessGroup"/>. A broken group is not finalized (its collectives can never complete), so
    /// the launcher sees the process end without MPI_Finalize and stops the other ranks. Returns false when
    /// finalizing did not finish within <paramref name="timeout"/>.
    /// </summary>
    internal bool Destroy(TimeSpan timeout)
    {
        if (_destroyed) return true;
        _destroyed = true;
        return _comm.RunControl(comm =>
        {
            if (comm.Broken is null) comm.Check(MpiNative.Finalize(), "MPI_Finalize");
            comm.Stop();
        }, timeout);
    }

    private Work Issue(string description, long bytes, MpiPins pins, Action? finish, IReadOnlyList<Tensor> written, MpiWork.Poster post)
    {
        if (_destroyed)
        {
            pins.Dispose();
            throw Errors.State($"{description}: the process group has been destroyed.");
        }
        if (_comm.Broken is { } broken)
        {
            pins.Dispose();
            throw MpiCommThread.BrokenError(description, broken);
        }
        // The tensors count as modified from now on: autograd must not use a saved copy of them meanwhile.
        foreach (var tensor in written) tensor.VersionCounter.Bump();
        var work = new MpiWork(description, bytes, post, finish, pins, Timeout);
        _comm.Enqueue(work);
        return work;
    }

    private static long Bytes(Tensor tensor) => (long)tensor.Numel * tensor.DType.ElementSize();

    private static IntPtr Pin(MpiPins pins, Tensor tensor) =>
        pins.Pin(tensor.Storage.Data, tensor.StorageOffset, tensor.DType.ElementSize());

    private static void CheckTensor(string collective, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!tensor.IsContiguous()) throw Errors.Runtime($"{collective}: Tensors must be contiguous");
    }

    private void CheckList(string collective, string role, IReadOnlyList<Tensor> list, Tensor reference)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (list.Count != WorldSize)
            throw Errors.Runtime($"{collective}: expected {WorldSize} {role} tensors (one per rank), got {list.Count}.");
        for (int r = 0; r < list.Count; r++)
        {
            CheckTensor(collective, list[r]);
            if (list[r].DType != reference.DType || !list[r].Shape.AsSpan().SequenceEqual(reference.Shape))
                throw Errors.Runtime($"{collective}: {role} tensor {r} is {Describe(list[r])} but the other side is {Describe(reference)}: " +
                    "every tensor must have the same shape and dtype.");
        }
    }

    private static string Describe(Tensor tensor) => $"{tensor.DType.TorchName()} [{string.Join(", ", tensor.Shape)}]";

    /// <summary>The MPI calls with the communicator fixed to MPI_COMM_WORLD and the request as an out parameter.</summary>
    private static unsafe class Native
    {
        public static int Iallreduce(IntPtr recv, int count, int type, int op, out int request)
        {
            request = MpiNative.RequestNull;
            fixed (int* r = &request) return MpiNative.Iallreduce(MpiNative.InPlace, (void*)recv, count, type, op, MpiNative.CommWorld, r);
        }

        public static int Ibcast(IntPtr buffer, int count, int type, int root, out int request)
        {
            request = MpiNative.RequestNull;
            fixed (int* r = &request) return MpiNative.Ibcast((void*)buffer, count, type, root, MpiNative.CommWorld, r);
        }

        public static int Iallgather(IntPtr send, int count, int type, IntPtr recv, out int request)
        {
            request = MpiNative.RequestNull;
            fixed (int* r = &request) return MpiNative.Iallgather((void*)send, count, type, (void*)recv, count, type, MpiNative.CommWorld, r);
        }

        public static int IreduceScatterBlock(IntPtr send, IntPtr recv, int count, int type, int op, out int request)
        {
            request = MpiNative.RequestNull;
            fixed (int* r = &request) return MpiNative.IreduceScatterBlock((void*)send, (void*)recv, count, type, op, MpiNative.CommWorld, r);
        }

        public static int Ibarrier(out int request)
        {
            request = MpiNative.RequestNull;
            fixed (int* r = &request) return MpiNative.Ibarrier(MpiNative.CommWorld, r);
        }
    }
}
