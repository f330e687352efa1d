using System.Collections;
using System.Reflection;
using Nabla.NN;

namespace Nabla.Tests;

/// <summary>
/// The derivative table's rule, checked on every node recorded while a broad set of ops runs forward, backward
/// and double backward: a formula reads tensors only through its saved list (version-checked, released after
/// backward), never through a captured variable or a tensor hidden in its plain arguments.
/// </summary>
public class FormulaCaptureTests
{
    private static readonly Func<Tensor[], Tensor>[] ExtraOps =
    [
        x => x[0].Gather(1, Tensor.From(new long[,] { { 0, 2 }, { 1, 1 }, { 3, 0 } })),
        x => x[0].Scatter(1, Tensor.From(new long[,] { { 0 }, { 2 }, { 1 } }), x[0].Narrow(1, 0, 1)),
        x => x[0].ScatterAdd(0, Tensor.From(new long[,] { { 0, 1, 2, 0 } }), x[0].Narrow(0, 0, 1)),
        x => x[0].ScatterReduce(0, Tensor.From(new long[,] { { 0, 1, 2, 0 } }), x[0].Narrow(0, 1, 1), ScatterReduceMode.Prod, includeSelf: false),
        x => x[0].ScatterReduce(1, Tensor.From(new long[,] { { 0, 0 }, { 1, 1 }, { 2, 2 } }), x[0].Narrow(1, 0, 2), ScatterReduceMode.Amax),
        x => x[0].IndexAdd(0, Tensor.From(new long[] { 2, 0 }), x[0].Narrow(0, 0, 2), alpha: 2),
        x => x[0].IndexCopy(1, Tensor.From(new long[] { 3 }), x[0].Narrow(1, 0, 1)),
        x => x[0].IndexFill(1, Tensor.From(new long[] { 1 }), x[0].Sum()),
        x => x[0].MaskedFill(x[0] > 0, x[0].Mean()),
        x => x[0].MaskedSelect(x[0] > 0),
        x => x[0].MaskedScatter(x[0] > 0, x[0] * 3),
        x => x[0].Take(Tensor.From(new long[] { 0, -1, 5 })),
        x => x[0].TakeAlongDim(Tensor.From(new long[,] { { 0 }, { 1 }, { 2 } }), 1),
        x => x[0].Diagonal(1),
        x => x[0][Tensor.From(new long[] { 1 }), .., TensorIndex.NewAxis],
        x => x[0][x[0] > 0],
        x => Tensor.Einsum("ij,kj->ik", x[0], x[0]),
        x => x[0].MaskedFill(x[0] > 0.5, 0.0).Cumprod(1),
        x => x[0].Min(1).Values + x[0].Amin(0).Sum() + x[0].Min(),
        x => x[0].Unbind(1)[2] * x[0].Chunk(2, 0)[1].Sum(),
        x => F.Pad(x[0], [1, 2, 0, 1], value: 0.5),
        x => F.MaxPool2d(x[0].Reshape(1, 3, 4), 2),
        x => F.AvgPool2d(x[0].Reshape(1, 3, 4), 2, padding: 1),
        x => F.AdaptiveAvgPool2d(x[0].Reshape(1, 3, 4), 2),
        x => F.AdaptiveMaxPool2d(x[0].Reshape(1, 3, 4), 2),
        x =>
        {
            var (y, idx) = F.MaxPool2dWithIndices(x[0].Reshape(1, 3, 4), 2, 1);
            return F.MaxUnpool2d(y, idx, 2, 1);
        },
        x => Tensor.SegmentReduce(x[0], SegmentReduceMode.Sum, lengths: Tensor.From(new long[] { 1, 2 })),
        x => Tensor.RaggedSliceReduce(x[0], Tensor.From(new long[,] { { 0, 2 }, { 1, 3 } }), SegmentReduceMode.Mean),
        x => { var y = x[0] * 1; y[.., 1] = x[0][.., 0].Sum(); return y; },
        x => F.Linear(x[0], x[0].Narrow(0, 0, 2), x[0][0, ..2]),
        x => F.Conv2d(x[0].Reshape(1, 1, 3, 4), x[0].Reshape(12)[..8].Reshape(2, 1, 2, 2), x[0][0, ..2]),
        x => F.ConvTranspose2d(x[0].Reshape(1, 1, 3, 4), x[0].Reshape(12)[..8].Reshape(1, 2, 2, 2)),
        x => F.BatchNorm(x[0], null, null, x[0][0], x[0][1], training: true),
        x => F.LayerNorm(x[0], [4], x[0][0], x[0][1]),
        x => F.GroupNorm(x[0].Reshape(1, 4, 3), 2, x[0][0], x[0][1]),
        x => F.NllLoss(x[0].LogSoftmax(1), Tensor.From(new long[] { 0, 3, 1 })),
        x => F.CrossEntropy(x[0], Tensor.From(new long[] { 2, -100, 1 })),
    ];

    /// <summary>Its own generator, so other tests' seeded draws from the default one are left alone.</summary>
    private static readonly Generator Seeded = new(11);

    /// <summary>A float64 leaf in (-1, 1), or (0.5, 1.5) for ops that need positive inputs, seen through a transposed view.</summary>
    private static Tensor Leaf(int[] shape, bool positive)
    {
        var t = Tensor.Rand(shape, DType.Float64, Seeded);
        t = positive ? t + 0.5 : t * 2 - 1;
        if (shape.Length >= 2) t = t.Transpose(-1, -2).Contiguous().Transpose(-1, -2);
        return t.Detach().RequiresGrad_();
    }

    [Fact]
    public void NoRecordedFormulaCapturesATensor()
    {
        var offenders = new List<string>();
        int seen = 0;
        void Inspect(OpNode node)
        {
            lock (offenders)
            {
                seen++;
                var path = TensorHeldBy(node.Formula.Target, "formula target", new HashSet<object>(ReferenceEqualityComparer.Instance))
                    ?? (node.GetType().IsGenericType ? TensorTypedField(node.GetType().GetGenericArguments()[0], "args") : null)
                    ?? TensorHeldBy(ArgsOf(node), "args", new HashSet<object>(ReferenceEqualityComparer.Instance));
                if (path is not null) offenders.Add($"{node.Name}: {path}");
            }
        }
        var ops = GradCheckAllOpsTests.Ops.Select(o => (o.Apply, Inputs: o.Shapes.Select(s => Leaf(s, o.Positive)).ToArray()))
            .Concat(ExtraOps.Select(f => (Apply: f, Inputs: new[] { Leaf([3, 4], positive: false) })));
        Graph.Recorded += Inspect;
        try
        {
            foreach (var (apply, inputs) in ops)
            {
                var y = apply(inputs);
                var cotangent = Tensor.Rand(y.Shape, y.DType, Seeded);
                // create_graph records the backward's own nodes, so second-order formulas are checked too.
                var grads = Autograd.Grad([y], inputs, [cotangent], createGraph: true, allowUnused: true);
                var used = grads.OfType<Tensor>().Where(g => g.RequiresGrad).ToArray();
                try { if (used.Length > 0) Autograd.Grad(used.Select(g => (g * g).Sum()).ToArray(), inputs, allowUnused: true); }
                catch (NotSupportedException) { } // segment_reduce's backward has no derivative, as in PyTorch
            }
        }
        finally { Graph.Recorded -= Inspect; }
        Assert.True(seen > 300, $"only {seen} nodes recorded");
        Assert.Empty(offenders);
    }

    [Fact]
    public void TheCheckCatchesACapturedTensor()
    {
        var captured = Tensor.Ones(3);
        var direct = new PlainOpNode("Captures", [], [], (g, _, _) => [g * captured]);
        Assert.NotNull(TensorHeldBy(direct.Formula.Target, "formula target", new HashSet<object>(ReferenceEqualityComparer.Instance)));

        var hidden = new ArgsOpNode<Func<Tensor, Tensor>>("CapturesInArgs", [], [], static (g, _, _, f) => [f(g)], g => g * captured);
        Assert.Null(TensorHeldBy(hidden.Formula.Target, "formula target", new HashSet<object>(ReferenceEqualityComparer.Instance)));
        Assert.NotNull(TensorHeldBy(ArgsOf(hidden), "args", new HashSet<object>(ReferenceEqualityComparer.Instance)));

        Assert.NotNull(TensorTypedField(typeof((int, Tensor[])), "args"));
        Assert.Null(TensorTypedField(typeof((int[], Scalar?, string)), "args"));
    }

    private static object? ArgsOf(OpNode node) =>
        node.GetType().GetProperty("Args", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(node);

    /// <summary>A field path to a tensor reachable from <paramref name="value"/> (through fields, collections and delegates), or null.</summary>
    private static string? TensorHeldBy(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || value is Pointer) return null;
        if (value is Tensor) return path;
        if (!value.GetType().IsValueType && !visited.Add(value)) return null;
        if (value is Delegate d)
        {
            foreach (var (inner, k) in d.GetInvocationList().Select((x, k) => (x, k)))
                if (TensorHeldBy(inner.Target, $"{path} -> delegate {k} target", visited) is { } p) return p;
            return null;
        }
        if (value is IEnumerable items && value is not Array { Rank: > 1 })
        {
            int i = 0;
            foreach (var item in items)
                if (TensorHeldBy(item, $"{path}[{i++}]", visited) is { } p) return p;
            return null;
        }
        if (value.GetType().Namespace?.StartsWith("System") == true && !value.GetType().IsGenericType) return null;
        foreach (var f in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            if (TensorHeldBy(f.GetValue(value), $"{path}.{f.Name}", visited) is { } p) return p;
        return null;
    }

    /// <summary>A field of <paramref name="type"/> (recursively through value types) typed as a tensor or a tensor collection.</summary>
    private static string? TensorTypedField(Type type, string path, int depth = 0)
    {
        if (IsTensorish(type)) return path;
        if (!type.IsValueType || type.IsPrimitive || type.IsEnum || depth > 8) return null;
        foreach (var f in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            if (TensorTypedField(f.FieldType, $"{path}.{f.Name}", depth + 1) is { } p) return p;
        return null;
    }

    private static bool IsTensorish(Type t) =>
        t == typeof(Tensor)
        || (t.IsArray && IsTensorish(t.GetElementType()!))
        || (t.IsGenericType && t.GetGenericArguments().Any(a => a == typeof(Tensor) || (a.IsArray && IsTensorish(a)))
            && typeof(IEnumerable).IsAssignableFrom(t));
}
