using Nabla.Core;

namespace Nabla;

/// <summary>
/// Runs backward passes: counts dependencies from the roots, then executes ready nodes newest-first,
/// summing gradients that meet at a node and fitting each returned gradient to its input's shape and dtype.
/// </summary>
internal static class Engine
{
    /// <summary>
    /// Propagates <paramref name="rootGrads"/> from <paramref name="roots"/>. With <paramref name="captures"/>
    /// (autograd.grad) the gradients reaching those edges are returned and leaves are left alone.
    /// </summary>
    public static Tensor?[] Run(Edge[] roots, Tensor[] rootGrads, bool retainGraph, bool createGraph, Edge[]? captures = null)
    {
        var dependencies = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Node>();
        foreach (var r in roots)
            if (seen.Add(r.Node)) stack.Push(r.Node);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            foreach (var e in n.NextEdges)
            {
                if (e is not { } edge) continue;
                dependencies[edge.Node] = dependencies.GetValueOrDefault(edge.Node) + 1;
                if (seen.Add(edge.Node)) stack.Push(edge.Node);
            }
        }

        HashSet<Node>? needed = captures is null ? null : NeededFor(captures, seen);
        var results = captures is null ? [] : new Tensor?[captures.Length];

        var buffers = new Dictionary<Node, Tensor?[]>(ReferenceEqualityComparer.Instance);
        var ready = new PriorityQueue<Node, long>();
        for (int i = 0; i < roots.Length; i++)
            Accumulate(buffers, roots[i], rootGrads[i]);
        foreach (var r in roots.Select(r => r.Node).Distinct(ReferenceEqualityComparer.Instance).Cast<Node>())
            if (dependencies.GetValueOrDefault(r) == 0) ready.Enqueue(r, -r.Sequence);

        using var mode = GradMode.Set(createGraph);
        while (ready.TryDequeue(out var node, out _))
        {
            var grads = buffers.Remove(node, out var b) ? b : new Tensor?[node.NumOutputs];
            // Tensor hooks run on every node that runs or is captured (autograd.grad sees the hooked gradient).
            if (node.TensorPreHooks is { } hooks && (needed is null || needed.Contains(node) || IsCaptured(captures!, node)))
                TensorHooks.Run(hooks, grads);
            if (captures is not null)
                for (int i = 0; i < captures.Length; i++)
                    if (ReferenceEquals(captures[i].Node, node) && grads[captures[i].InputNr] is { } g)
                        results[i] = results[i] is null ? g : results[i]! + g;

            bool run = needed is null ? true : needed.Contains(node) && node is not AccumulateGrad;
            Tensor?[] outputs = [];
            if (run && grads.Any(g => g is not null))
            {
                if (node.RetainedGrads is { } retained)
                    foreach (var (output, tensor) in retained)
                        if (grads[output] is { } rg)
                            tensor.Grad = tensor.Grad is null ? rg.Detach().Clone() : tensor.Grad.Detach() + rg.Detach();
                outputs = node.Apply(grads);
                if (!retainGraph) node.Release();
                Validate(node, outputs);
            }
            if (!run) continue;
            for (int i = 0; i < node.NextEdges.Length; i++)
            {
                if (node.NextEdges[i] is not { } edge) continue;
                if (i < outputs.Length && outputs[i] is { } og) Accumulate(buffers, edge, og);
                int left = dependencies[edge.Node] - 1;
                dependencies[edge.Node] = left;
                if (left == 0) ready.Enqueue(edge.Node, -edge.Node.Sequence);
            }
        }
        return results;
    }

    /// <summary>
    /// Nodes from which some capture can be reached; only these run in autograd.grad. Walks the reversed edges from
    /// the captures with an explicit stack, so graphs of any depth fit (no recursion).
    /// </summary>
    private static HashSet<Node> NeededFor(Edge[] captures, HashSet<Node> all)
    {
        var consumers = new Dictionary<Node, List<Node>>(ReferenceEqualityComparer.Instance);
        foreach (var n in all)
            foreach (var e in n.NextEdges)
                if (e is { } edge)
                {
                    if (!consumers.TryGetValue(edge.Node, out var list)) consumers[edge.Node] = list = [];
                    list.Add(n);
                }
        var needed = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<Node>(captures.Select(c => c.Node));
        while (pending.Count > 0)
            if (consumers.TryGetValue(pending.Pop(), out var users))
                foreach (var u in users)
                    if (needed.Add(u)) pending.Push(u);
        return needed;
    }

    private static bool IsCaptured(Edge[] captures, Node node)
    {
        foreach (var c in captures)
            if (ReferenceEquals(c.Node, node)) return true;
        return false;
    }

    private static void Accumulate(Dictionary<Node, Tensor?[]> buffers, Edge edge, Tensor grad)
    {
        if (!buffers.TryGetValue(edge.Node, out var buffer))
            buffers[edge.Node] = buffer = new Tensor?[Math.Max(edge.Node.NumOutputs, edge.InputNr + 1)];
        buffer[edge.InputNr] = buffer[edge.InputNr] is { } existing ? existing + grad : grad;
    }

    /// <summary>validate_outputs: sum a gradient to its input's shape when it broadcasts, cast it to the input's dtype.</summary>
    private static void Validate(Node node, Tensor?[] outputs)
    {
        if (outputs.Length != node.NextEdges.Length && node is not AccumulateGrad)
            throw Errors.State($"function {node.Name} returned an incorrect number of gradients (expected {node.NextEdges.Length}, got {outputs.Length})");
        for (int i = 0; i < outputs.Length; i++)
        {
            if (outputs[i] is not { } g || node.NextEdges[i] is null) continue;
            var meta = node.Inputs[i];
            if (!g.Sizes.SequenceEqual(meta.Shape))
            {
                if (!Shapes.IsExpandableTo(meta.Shape, g.Sizes))
                    throw Errors.State($"Function {node.Name} returned an invalid gradient at index {i} - got {Errors.Shape(g.Sizes)} but expected shape compatible with {Errors.Shape(meta.Shape)}");
                g = g.SumTo(meta.Shape);
            }
            if (g.DType != meta.DType) g = g.To(meta.DType);
            outputs[i] = g;
        }
    }
}
