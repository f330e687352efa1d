namespace Nabla;

/// <summary>A derivative formula: output gradient, saved tensors and the needs-input-grad mask in, input gradients out.</summary>
internal delegate Tensor?[] BackwardFormula(Tensor grad, Tensor[] saved, bool[] needsInputGrad);

/// <summary>The backward node of a built-in op with one differentiable output.</summary>
internal sealed class OpNode : Node
{
    private readonly BackwardFormula _formula;
    private readonly bool[] _needs;
    private SavedTensor[] _saved = [];

    public OpNode(string name, Edge?[] next, InputMetadata[] inputs, BackwardFormula formula)
        : base(name, next, inputs)
    {
        _formula = formula;
        _needs = Array.ConvertAll(next, e => e is not null);
    }

    internal void Save(SavedTensor[] saved) => _saved = saved;

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        var grad = gradOutputs[0];
        if (grad is null) return new Tensor?[NextEdges.Length];
        var saved = Array.ConvertAll(_saved, s => s.Unpack());
        return _formula(grad, saved, _needs);
    }

    internal override void Release()
    {
        foreach (var s in _saved) s.Release();
    }
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

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        var g = gradOutputs[0];
        if (g is null) return [];
        if (Variable.Grad is null)
            Variable.Grad = GradMode.IsEnabled ? g : g.Detach().Clone();
        else if (GradMode.IsEnabled)
            Variable.Grad = Variable.Grad + g;
        else
            Variable.Grad.Add_(g);
        return [];
    }
}

/// <summary>Attaches backward nodes to the results of operations.</summary>
internal static class Graph
{
    /// <summary>True when an op on these inputs must be recorded.</summary>
    public static bool ShouldRecord(ReadOnlySpan<Tensor?> inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in inputs)
            if (t is not null && t.RequiresGrad) return true;
        return false;
    }

    /// <summary>
    /// Makes <paramref name="result"/> the output of a new node named <paramref name="name"/> whose inputs are
    /// <paramref name="inputs"/>, when recording is on and some input requires grad. Tensors in <paramref name="saved"/>
    /// are version-checked when the formula runs; <paramref name="result"/> itself may be among them.
    /// </summary>
    public static Tensor Record(Tensor result, string name, Tensor?[] inputs, BackwardFormula formula, params Tensor[] saved)
    {
        if (!ShouldRecord(inputs) || !result.IsFloatingPoint) return result; // integer outputs are never differentiable
        var node = new OpNode(name, Array.ConvertAll(inputs, t => t?.GradientEdge()),
            Array.ConvertAll(inputs, t => t is null ? new InputMetadata([], DType.Float32) : InputMetadata.Of(t)), formula);
        result.SetHistory(node, 0);
        node.Save(Array.ConvertAll(saved, t => ReferenceEquals(t, result) ? new SavedTensor(t, node, 0) : new SavedTensor(t)));
        return result;
    }
}
