namespace Nabla;

/// <summary>Where a gradient goes: input <see cref="InputNr"/> of <see cref="Node"/> (the node's output slot).</summary>
public readonly record struct Edge(Node Node, int InputNr);

/// <summary>
/// A backward function in the autograd graph (torch.autograd.graph.Node). It receives one gradient per forward
/// output and returns one gradient per forward input; the engine routes them along <see cref="NextEdges"/>.
/// </summary>
public abstract class Node
{
    private static long _sequence;

    internal Node(string name, Edge?[] nextEdges, InputMetadata[] inputs)
    {
        Name = name;
        NextEdges = nextEdges;
        Inputs = inputs;
        Sequence = Interlocked.Increment(ref _sequence);
    }

    /// <summary>PyTorch's node name, e.g. MulBackward0.</summary>
    public string Name { get; }

    /// <summary>One entry per forward input: where its gradient goes (null when it needs none).</summary>
    public IReadOnlyList<Edge?> NextFunctions => NextEdges;

    internal readonly Edge?[] NextEdges;

    /// <summary>Shape and dtype of each forward input, to which the engine sums and casts returned gradients.</summary>
    internal readonly InputMetadata[] Inputs;

    /// <summary>Creation order; the engine runs the newest ready node first.</summary>
    internal long Sequence { get; init; }

    internal virtual int NumOutputs => 1;

    /// <summary>Non-leaf tensors that asked for <c>RetainGrad()</c>, by output slot.</summary>
    internal List<(int Output, Tensor Tensor)>? RetainedGrads;

    private static readonly Lock HookRegistration = new();

    /// <summary>Tensor hooks (Tensor.RegisterHook) by output slot; null until one is registered.</summary>
    internal volatile (int Output, NN.HookList<Func<Tensor, Tensor?>> Hooks)[]? TensorPreHooks;

    /// <summary>The hook list of output <paramref name="output"/>, created on first use.</summary>
    internal NN.HookList<Func<Tensor, Tensor?>> TensorPreHooksFor(int output)
    {
        lock (HookRegistration)
        {
            var all = TensorPreHooks ?? [];
            foreach (var (o, hooks) in all)
                if (o == output) return hooks;
            var created = new NN.HookList<Func<Tensor, Tensor?>>();
            TensorPreHooks = [.. all, (output, created)];
            return created;
        }
    }

    /// <summary>Computes input gradients from output gradients (null entries mean zero / not needed).</summary>
    internal abstract Tensor?[] Apply(Tensor?[] gradOutputs);

    /// <summary>Drops saved tensors after a backward pass that did not retain the graph.</summary>
    internal virtual void Release() { }

    /// <summary>The node's name in angle brackets, e.g. <c>&lt;MulBackward0&gt;</c>.</summary>
    public override string ToString() => $"<{Name}>";
}

internal readonly record struct InputMetadata(int[] Shape, DType DType)
{
    public static InputMetadata Of(Tensor t) => new(t.Shape, t.DType);
}
