namespace Nabla;

/// <summary>
/// A derivative formula: output gradient, saved tensors and the needs-input-grad mask in, input gradients out.
/// Formulas are static (a static lambda or a named static method): a tensor they captured would escape the
/// version check and the release of saved tensors. Tensors go through <c>saved</c>, plain values through
/// <see cref="BackwardFormula{TArgs}"/>'s arguments.
/// </summary>
internal delegate Tensor?[] BackwardFormula(Tensor grad, Tensor[] saved, bool[] needsInputGrad);

/// <summary>A derivative formula that also reads plain (non-tensor) arguments of the forward call.</summary>
internal delegate Tensor?[] BackwardFormula<TArgs>(Tensor grad, Tensor[] saved, bool[] needsInputGrad, TArgs args);

/// <summary>The backward node of a built-in op with one differentiable output.</summary>
internal abstract class OpNode : Node
{
    private readonly bool[] _needs;
    private SavedTensor[] _saved = [];

    protected OpNode(string name, Edge?[] next, InputMetadata[] inputs) : base(name, next, inputs)
    {
        _needs = Array.ConvertAll(next, e => e is not null);
    }

    /// <summary>The formula this node runs, for checks that formulas capture no tensors.</summary>
    internal abstract Delegate Formula { get; }

    internal void Save(SavedTensor[] saved) => _saved = saved;

    protected abstract Tensor?[] Compute(Tensor grad, Tensor[] saved, bool[] needs);

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        var grad = gradOutputs[0];
        if (grad is null) return new Tensor?[NextEdges.Length];
        var saved = Array.ConvertAll(_saved, s => s.Unpack());
        return Compute(grad, saved, _needs);
    }

    internal override void Release()
    {
        foreach (var s in _saved) s.Release();
    }
}

/// <summary>An <see cref="OpNode"/> whose formula reads only saved tensors.</summary>
internal sealed class PlainOpNode(string name, Edge?[] next, InputMetadata[] inputs, BackwardFormula formula) : OpNode(name, next, inputs)
{
    internal override Delegate Formula => formula;
    protected override Tensor?[] Compute(Tensor grad, Tensor[] saved, bool[] needs) => formula(grad, saved, needs);
}

/// <summary>An <see cref="OpNode"/> whose formula also reads plain arguments of the forward call.</summary>
internal sealed class ArgsOpNode<TArgs>(string name, Edge?[] next, InputMetadata[] inputs, BackwardFormula<TArgs> formula, TArgs args)
    : OpNode(name, next, inputs)
{
    internal override Delegate Formula => formula;
    internal TArgs Args => args;
    protected override Tensor?[] Compute(Tensor grad, Tensor[] saved, bool[] needs) => formula(grad, saved, needs, args);
}

/// <summary>The sink of a leaf tensor: adds incoming gradients into its <see cref="Tensor.Grad"/>.</summary>
internal sealed class AccumulateGrad : Node
{
    public Tensor Variable { get; }

    public AccumulateGrad(Tensor variable) : base("AccumulateGrad", [], [])
    {
        Variable = variable;
        Sequence = long.MaxValue; // accumulate as soon as the gradient is complete
    }

    /// <summary>
    /// Adds under this leaf's lock, as PyTorch's AccumulateGrad does: backward passes running on several threads
    /// that reach the same leaf add every contribution.
    /// </summary>
    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        var g = gradOutputs[0];
        if (g is null) return [];
        lock (_lock)
        {
            Add(g);
            // Post-accumulate-grad hooks see the updated .grad, under the same lock as PyTorch calls them.
            if (PostAccumulateGradHooks is { } hooks)
                foreach (var hook in hooks.Snapshot()) hook(Variable);
        }
        return [];
    }

    /// <summary>Tensor.RegisterPostAccumulateGradHook hooks; null until one is registered.</summary>
    internal NN.HookList<Action<Tensor>>? PostAccumulateGradHooks;

    private readonly Lock _lock = new();

    private void Add(Tensor g)
    {
        if (Variable.Grad is null)
            Variable.Grad = GradMode.IsEnabled ? g : g.Detach().Clone();
        else if (GradMode.IsEnabled)
            Variable.Grad = Variable.Grad + g;
        else
            Variable.Grad.Add_(g);
    }
}

/// <summary>Attaches backward nodes to the results of operations.</summary>
internal static class Graph
{
    /// <summary>True when an op on these inputs must be recorded.</summary>
    public static bool ShouldRecord(ReadOnlySpan<Tensor?> inputs)
    {
        foreach (var t in inputs) // the flags first: reading the grad mode (an AsyncLocal) costs more
            if (t is not null && t.RequiresGrad) return GradMode.IsEnabled;
        return false;
    }

    /// <summary>
    /// Makes <paramref name="result"/> the output of a new node named <paramref name="name"/> whose inputs are
    /// <paramref name="inputs"/>, when recording is on and some input requires grad. Tensors in <paramref name="saved"/>
    /// are version-checked when the formula runs; <paramref name="result"/> itself may be among them.
    /// </summary>
    /// <remarks>Inputs and saved tensors come as spans, so an op that records nothing (no_grad, or no input
    /// requiring grad) allocates nothing for them: the per-op cost of small tensors.</remarks>
    public static Tensor Record(Tensor result, string name, ReadOnlySpan<Tensor?> inputs, BackwardFormula formula, params ReadOnlySpan<Tensor> saved)
    {
        if (!result.IsFloatingPoint || !ShouldRecord(inputs)) return result; // integer outputs are never differentiable
        return Attach(result, new PlainOpNode(name, Edges(inputs), Metadata(inputs), formula), saved);
    }

    /// <summary>
    /// As <see cref="Record(Tensor, string, ReadOnlySpan{Tensor?}, BackwardFormula, ReadOnlySpan{Tensor})"/>, for a formula that also reads
    /// <paramref name="args"/>: plain values of the forward call (dims, sizes, flags), never tensors.
    /// </summary>
    public static Tensor Record<TArgs>(Tensor result, string name, ReadOnlySpan<Tensor?> inputs, TArgs args, BackwardFormula<TArgs> formula, params ReadOnlySpan<Tensor> saved)
    {
        if (!result.IsFloatingPoint || !ShouldRecord(inputs)) return result;
        return Attach(result, new ArgsOpNode<TArgs>(name, Edges(inputs), Metadata(inputs), formula, args), saved);
    }

    /// <summary>Observes every recorded node (tests check that no formula captures a tensor).</summary>
    internal static Action<OpNode>? Recorded;

    private static Edge?[] Edges(ReadOnlySpan<Tensor?> inputs)
    {
        var edges = new Edge?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) edges[i] = inputs[i]?.GradientEdge();
        return edges;
    }

    private static InputMetadata[] Metadata(ReadOnlySpan<Tensor?> inputs)
    {
        var metadata = new InputMetadata[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
            metadata[i] = inputs[i] is { } t ? InputMetadata.Of(t) : new InputMetadata([], DType.Float32);
        return metadata;
    }

    private static Tensor Attach(Tensor result, OpNode node, ReadOnlySpan<Tensor> saved)
    {
        result.SetHistory(node, 0);
        var slots = new SavedTensor[saved.Length];
        for (int i = 0; i < saved.Length; i++)
            slots[i] = ReferenceEquals(saved[i], result) ? new SavedTensor(saved[i], node, 0) : new SavedTensor(saved[i]);
        node.Save(slots);
        Recorded?.Invoke(node);
        return result;
    }
}
