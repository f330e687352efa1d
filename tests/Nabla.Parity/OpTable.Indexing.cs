using System.Runtime.InteropServices;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TIdx = TorchSharp.torch.TensorIndex;
using static Nabla.Parity.Harness.Values;

namespace Nabla.Parity;

/// <summary>Gather / scatter / index / mask / sort / search / einsum / diagonal ops.</summary>
public static partial class OpTable
{
    // ----- TorchScript for ops TorchSharp does not wrap -----

    private static readonly Dictionary<string, torch.jit.CompilationUnit> Compiled = new();

    /// <summary>
    /// Runs a TorchScript function (compiled once per source). TorchScript wraps libtorch errors in an interpreter
    /// traceback; the libtorch message is the text after its last "RuntimeError: " (or IndexError...) line, so that
    /// is what gets rethrown for the harness to compare. Every script was probed in a child process first.
    /// </summary>
    private static TT Script(string source, string fn, params object[] args)
    {
        torch.jit.CompilationUnit cu;
        lock (Compiled)
            if (!Compiled.TryGetValue(source, out cu!)) Compiled[source] = cu = torch.jit.compile(source);
        try { return (TT)cu.invoke(fn, args); }
        catch (ExternalException e)
        {
            var lines = e.Message.Split('\n');
            int at = Array.FindIndex(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^(RuntimeError|IndexError|ValueError|TypeError|NotImplementedError): "));
            if (at < 0) throw;
            var first = lines[at][(lines[at].IndexOf(": ", StringComparison.Ordinal) + 2)..];
            throw new ExternalException(string.Join("\n", new[] { first }.Concat(lines.Skip(at + 1))));
        }
    }

    private static readonly string[] ScatterReduceModes = ["sum", "prod", "mean", "amax", "amin"];

    /// <summary>The typed mode of a reduce name torch takes (segment_reduce also takes amax/amin for max/min).</summary>
    private static T ReduceMode<T>(string name) where T : struct, Enum =>
        Enum.Parse<T>(typeof(T) == typeof(SegmentReduceMode) && name.StartsWith('a') ? name[1..] : name, ignoreCase: true);

    private static string ScatterReduceScript(string mode) =>
        $"def f(x: Tensor, dim: int, index: Tensor, src: Tensor, include_self: bool):\n    return torch.scatter_reduce(x, dim, index, src, '{mode}', include_self=include_self)\n";

    private const string ScatterValueScript =
        "def fi(x: Tensor, dim: int, index: Tensor, value: int):\n    return torch.scatter(x, dim, index, value)\n"
        + "def ff(x: Tensor, dim: int, index: Tensor, value: float):\n    return torch.scatter(x, dim, index, value)\n";

    private static string SegmentScript(string mode) =>
        $"def f(data: Tensor, lengths: Tensor, axis: int):\n    return torch.segment_reduce(data, '{mode}', lengths=lengths, axis=axis)\n"
        + $"def fi(data: Tensor, lengths: Tensor, axis: int, initial: float):\n    return torch.segment_reduce(data, '{mode}', lengths=lengths, axis=axis, initial=initial)\n";

    // ----- helpers -----

    private static int Numel(int[] s) => s.Aggregate(1, (a, b) => a * b);

    private static InputSpec Ix(int[] shape, IEnumerable<double> vals, DType dt = DType.Int64) => new(dt, shape, vals.ToArray(), [], false);

    /// <summary>Index values in [lo, n) for an index of shape <paramref name="ishape"/>; with distinct, distinct along <paramref name="dim"/> (needs ishape[dim] &lt;= n).</summary>
    private static double[] IndexValues(Gen g, int[] ishape, int dim, int n, bool distinct, bool negative = false)
    {
        int count = Numel(ishape);
        var vals = new double[count];
        if (count == 0) return vals;
        if (!distinct || ishape.Length == 0)
        {
            for (int i = 0; i < count; i++) vals[i] = g.Int(0, n) - (negative && g.Coin(0.3) ? n : 0);
            return vals;
        }
        int len = ishape[dim], inner = Numel(ishape[(dim + 1)..]), outer = count / (len * inner);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                var perm = Enumerable.Range(0, n).OrderBy(_ => g.R.Next()).ToArray();
                for (int j = 0; j < len; j++) vals[(o * len + j) * inner + i] = perm[j] - (negative && g.Coin(0.3) ? n : 0);
            }
        return vals;
    }

    private static readonly int[][] GatherShapes = [[5], [3, 4], [2, 3, 4], [4, 0], [2, 1, 3], [1, 4], [3, 2, 2, 2]];

    /// <summary>Samples for gather / scatter* (x, index[, src]): index sizes within x's off the dim; distinct along dim when asked.</summary>
    private static IEnumerable<Sample> GatherSamples(Gen g, DType dt, bool scatter, bool distinct, bool withSrc)
    {
        foreach (var shape in GatherShapes.Concat([g.Shape(g.Int(1, 4), 4), g.Shape(g.Int(1, 4), 4)]))
        {
            int r = shape.Length, d = g.Int(0, r);
            var ishape = shape.Select((s, i) => i == d
                ? (s == 0 ? 0 : distinct ? g.Int(0, s + 1) : scatter ? g.Int(1, s + 3) : g.Int(1, s + 3))
                : (s == 0 ? 0 : g.Int(1, s + 1))).ToArray();
            var layout = g.Layout();
            var k = FloatKind(g, dt, Normal);
            var x = g.Input(dt, shape, layout, k);
            var idx = Ix(ishape, IndexValues(g, ishape, d, shape[d], distinct));
            var inputs = new List<InputSpec> { x, idx };
            if (withSrc)
            {
                // A src larger than the index only where no gradient flows: libtorch's ScatterBackward0 returns an
                // index-shaped src gradient, which its engine rejects with an error TorchSharp does not catch.
                var sshape = dt.IsFloatingPoint() ? ishape : ishape.Select(s => s + g.Int(0, 2)).ToArray();
                inputs.Add(g.AnyLayout(dt, sshape, FloatKind(g, dt, Normal)));
            }
            yield return new Sample($"{layout}/{k}/dim{d}", inputs.ToArray(), new P { Dim = g.Coin() ? d - r : d });
        }
        yield return new Sample("0d", withSrc ? [g.Input(dt, []), Ix([], [0]), g.Input(dt, [])] : [g.Input(dt, []), Ix([], [0])], new P { Dim = 0 });
        InputSpec[] E(InputSpec i) => withSrc ? [g.Input(dt, [3, 4]), i, g.Input(dt, i.Shape)] : [g.Input(dt, [3, 4]), i];
        yield return new Sample("error:out-of-bounds", E(Ix([1, 2], [0, 3])), new P { Dim = 0 });
        yield return new Sample("error:negative", E(Ix([1, 2], [-1, 0])), new P { Dim = 0 });
        yield return new Sample("error:rank", E(Ix([2], [0, 1])), new P { Dim = 0 });
        yield return new Sample("error:int32-index", E(Ix([1, 2], [0, 1], DType.Int32)), new P { Dim = 1 });
        yield return new Sample("error:dim", E(Ix([1, 2], [0, 1])), new P { Dim = 2 });
        if (withSrc) yield return new Sample("error:src-smaller", [g.Input(dt, [3, 4]), Ix([2, 2], [0, 1, 2, 0]), g.Input(dt, [1, 2])], new P { Dim = 0 });
    }

    /// <summary>Samples for index_add / index_copy / index_fill / index_select: x, 1-D index along dim[, source].</summary>
    private static IEnumerable<Sample> IndexDimSamples(Gen g, DType dt, bool distinct, bool withSource, bool int32 = false)
    {
        foreach (var shape in GatherShapes.Concat([[], g.Shape(g.Int(1, 4), 4)]))
        {
            int r = shape.Length, d = r == 0 ? 0 : g.Int(0, r), n = r == 0 ? 1 : shape[d];
            int len = n == 0 ? 0 : distinct ? g.Int(0, n + 1) : g.Int(0, n + 3);
            bool zeroD = len == 1 && g.Coin(0.3);
            var idx = Ix(zeroD ? [] : [len], IndexValues(g, [len], 0, n, distinct, negative: false));
            var layout = g.Layout();
            var k = FloatKind(g, dt, Normal);
            var inputs = new List<InputSpec> { g.Input(dt, shape, layout, k), idx };
            if (withSource)
            {
                var sshape = (int[])shape.Clone();
                if (r > 0) sshape[d] = len;
                inputs.Add(g.AnyLayout(dt, sshape, FloatKind(g, dt, Normal)));
            }
            bool isInt = !dt.IsFloatingPoint() || g.Coin();
            double s = dt == DType.Bool ? 1 : isInt ? g.Pick(-2, 1, 3) : g.Pick(-1.5, 0.5, 2.0);
            yield return new Sample($"{layout}/{k}/dim{d}/len{len}{(zeroD ? "/0d-index" : "")}", inputs.ToArray(),
                new P { Dim = g.Coin() && r > 0 ? d - r : d, S = s, Flag = isInt });
        }
        InputSpec[] E(InputSpec i, int srcRows = 2) => withSource ? [g.Input(dt, [3, 4]), i, g.Input(dt, [srcRows, 4])] : [g.Input(dt, [3, 4]), i];
        yield return new Sample("error:out-of-bounds", E(Ix([2], [0, 3])), new P { Dim = 0, S = 1, Flag = true });
        yield return new Sample("error:negative", E(Ix([2], [-1, 0])), new P { Dim = 0, S = 1, Flag = true });
        yield return new Sample("error:2d-index", E(Ix([1, 2], [0, 1])), new P { Dim = 0, S = 1, Flag = true });
        yield return new Sample("error:dim", E(Ix([2], [0, 1])), new P { Dim = 2, S = 1, Flag = true });
        // TorchSharp's index_add / index_copy / index_fill check the index dtype in C# with their own message.
        if (int32) yield return new Sample("int32-index", E(Ix([2], [2, 1], DType.Int32)), new P { Dim = 0, S = 1, Flag = true });
        if (withSource) yield return new Sample("error:source-size", E(Ix([2], [0, 1]), 3), new P { Dim = 0, S = 1, Flag = true });
    }

    /// <summary>A Bool mask broadcastable to (or, with mutual, broadcasting with) the shape.</summary>
    private static int[] MaskShape(Gen g, int[] shape, bool mutual)
    {
        var m = shape.Select(s => g.Coin(0.3) ? 1 : s).ToList();
        int drop = g.Int(0, m.Count + 1);
        m = m.Skip(drop).ToList();
        if (mutual && g.Coin(0.3)) m.Insert(0, 2);
        return m.ToArray();
    }

    private static IEnumerable<Sample> MaskSamples(Gen g, DType dt, bool mutual, bool withSource)
    {
        foreach (var shape in g.Shapes())
        {
            var layout = g.Layout();
            var k = FloatKind(g, dt, Normal);
            var ms = MaskShape(g, shape, mutual);
            var mask = g.AnyLayout(DType.Bool, ms);
            var inputs = new List<InputSpec> { g.Input(dt, shape, layout, k), mask };
            if (withSource)
            {
                var src = g.Coin() ? shape : [Numel(shape) + g.Int(0, 3)];
                inputs.Add(g.AnyLayout(dt, src, FloatKind(g, dt, Normal)));
            }
            bool isInt = !dt.IsFloatingPoint() || g.Coin();
            double s = dt == DType.Bool ? 1 : isInt ? g.Pick(-2, 1, 3) : g.Pick(-1.5, 0.5, 2.0, double.NaN);
            yield return new Sample($"{layout}/{k}/mask[{string.Join(",", ms)}]", inputs.ToArray(), new P { S = s, Flag = isInt });
        }
        InputSpec[] E(InputSpec m, int srcLen = 12) => withSource ? [g.Input(dt, [3, 4]), m, g.Input(dt, [srcLen])] : [g.Input(dt, [3, 4]), m];
        yield return new Sample("error:broadcast", E(g.Input(DType.Bool, [5])), new P { S = 1, Flag = true });
        // TorchSharp's masked_select checks the mask dtype in C# with its own message.
        if (!mutual) yield return new Sample("error:uint8-mask", E(g.Input(DType.UInt8, [3, 4], Small)), new P { S = 1, Flag = true });
        if (!mutual) yield return new Sample("error:mask-expands-self", E(g.Input(DType.Bool, [2, 3, 4])), new P { S = 1, Flag = true });
        if (withSource) yield return new Sample("error:source-too-small", E(new InputSpec(DType.Bool, [3, 4], Enumerable.Repeat(1.0, 12).ToArray(), [], false), 5), new P());
    }

    /// <summary>Advanced indexing forms: P.Dims maps each index position to an input (-1 = full slice).</summary>
    private static IEnumerable<Sample> AdvancedIndexSamples(Gen g, DType dt, bool put)
    {
        IEnumerable<(string, int[], int[], InputSpec[])> Forms()
        {
            double[] V(int[] s, int n) => IndexValues(g, s, 0, n, put, negative: true);
            yield return ("broadcast-2", [4, 5], [1, 2], [Ix([2, 1], V([2, 1], 4)), Ix([3], V([3], 5))]);
            yield return ("slice-then-index", [3, 4, 5], [-1, 1], [Ix([2, 2], put ? [0, 1, 2, 3] : V([2, 2], 4))]);
            yield return ("non-adjacent", [3, 4, 5], [1, -1, 2], [Ix([2], V([2], 3)), Ix([2], V([2], 5))]);
            yield return ("adjacent-middle", [2, 3, 4, 2], [-1, 1, 2], [Ix([3, 1], V([3, 1], 3)), Ix([1, 2], V([1, 2], 4))]);
            yield return ("mask-full", [3, 4], [1], [g.Input(DType.Bool, [3, 4])]);
            yield return ("mask-leading", [3, 4, 5], [1], [g.Input(DType.Bool, [3, 4])]);
            yield return ("slice-then-mask", [3, 4, 5], [-1, 1], [g.Input(DType.Bool, [4])]);
            yield return ("0d-and-1d", [3, 4], [1, 2], [Ix([], [g.Int(-3, 3)]), Ix([3], V([3], 4))]);
            yield return ("int-and-mask", [2, 3, 4], [1, -1, 2], [Ix([2], V([2], 2)), new InputSpec(DType.Bool, [4], [1, 0, 0, 1], [], false)]);
            yield return ("empty-index", [3, 4], [1], [Ix([0], [])]);
            yield return ("error:out-of-bounds", [3, 4], [1], [Ix([2], [0, 3])]);
            yield return ("error:negative-out-of-bounds", [3, 4], [-1, 1], [Ix([1], [-5])]);
            yield return ("error:too-many", [3], [1, 2], [Ix([1], [0]), Ix([1], [0])]);
            yield return ("error:broadcast", [3, 4], [1, 2], [Ix([2], [0, 1]), Ix([3], [0, 1, 2])]);
            yield return ("error:mask-shape", [3, 4], [1], [g.Input(DType.Bool, [3, 5])]);
        }
        foreach (var (kind, shape, map, idx) in Forms())
        {
            var layout = kind.StartsWith("error") ? "contiguous" : g.Layout();
            var x = g.Input(dt, shape, layout, FloatKind(g, dt, Normal));
            if (!put)
            {
                yield return new Sample($"{kind}/{layout}", [x, .. idx], new P { Dims = map });
                continue;
            }
            // index_put: values shaped like the indexing result, or broadcast from fewer dims, or 0-d.
            int[] rshape;
            try
            {
                var probe = Tensor.Zeros(shape, DType.Float32);
                rshape = probe.Index(map.Select(k => k < 0 ? null : idx[k - 1].MakeNablaLeaf()).ToArray()).Shape;
            }
            catch (Exception) { rshape = [1]; }
            foreach (bool acc in new[] { false, true })
            {
                var vshape = g.Pick(0, 0, 1, 2) switch { 0 => rshape, 1 => rshape.Skip(1).ToArray(), _ => [] };
                yield return new Sample($"{kind}/{layout}/{(acc ? "acc" : "set")}/v[{string.Join(",", vshape)}]",
                    [x, g.AnyLayout(dt, vshape, FloatKind(g, dt, Normal)), .. idx], new P { Dims = map.Select(k => k < 0 ? k : k + 1).ToArray(), Keep = acc });
            }
        }
        if (put) yield return new Sample("error:dtype", [g.Input(dt, [3, 4]), g.Input(dt == DType.Float64 ? DType.Float32 : DType.Float64, [4]), Ix([1], [1])], new P { Dims = [2] });
    }

    private static string IndexPutScript(int[] map) =>
        $"def f(x: Tensor, v: Tensor, {string.Concat(map.Where(k => k >= 0).Select(k => $"i{k}: Tensor, "))}acc: bool):\n"
        + $"    return torch.index_put(x, [{string.Join(", ", map.Select(k => k < 0 ? "None" : $"i{k}"))}], v, acc)\n";

    private static Tensor?[] NIdx(Tensor[] x, int[] map) => map.Select(k => k < 0 ? null : x[k]).ToArray();
    private static TIdx[] TIdxs(TT[] x, int[] map) => map.Select(k => k < 0 ? TIdx.Colon : TIdx.Tensor(x[k])).ToArray();

    /// <summary>Sort-like samples: OneDim plus a descending flag; Ties are common.</summary>
    private static IEnumerable<Sample> SortSamples(Gen g, DType dt) =>
        OneDim(g, dt).Select(s => s with { Args = s.Args with { Flag = g.Coin() } })
            .Concat(Unary(g, dt, dt.IsFloatingPoint() ? Ties : Normal).Take(5).Select(s => s with
            {
                Kind = s.Kind + "/ties",
                Args = new P { Dim = g.DimIn(s.Inputs[0].Shape.Length), Flag = g.Coin() },
            }))
            .Append(new Sample("empty-sliced", [g.Input(dt, [2, 0, 3], "sliced")], new P { Dim = 1 }));

    /// <summary>topk / kthvalue: indices (and gradients) are compared only where no ties are possible.</summary>
    private static IEnumerable<Sample> SelectKSamples(Gen g, DType dt, bool kth)
    {
        foreach (var shape in g.Shapes())
        {
            int r = shape.Length, d = g.DimIn(r);
            int n = r == 0 ? 1 : shape[(d % r + r) % r];
            int k = kth ? g.Int(1, n + 1) : g.Int(0, n + 1);
            bool unique = dt.IsFloatingPoint() && g.Coin(0.7);
            var layout = g.Layout();
            var x = g.Input(dt, shape, layout, unique ? Normal : dt.IsFloatingPoint() ? g.Pick(Values.Edge, Ties) : Normal, grad: unique);
            if (kth && n == 0) k = 1;
            yield return new Sample($"{layout}/{(unique ? "distinct" : "ties")}", [x], new P { Dim = d, N = k, Keep = g.Coin(), Flag = unique, Mode = g.Coin() ? "largest" : "smallest" });
        }
        yield return new Sample("empty-sliced", [g.Input(dt, [2, 0, 3], "sliced", grad: false)], new P { Dim = 1, N = kth ? 1 : 0, Mode = "largest" });
        yield return new Sample("error:k", [g.Input(dt, [3, 4])], new P { Dim = 1, N = 5 });
        yield return new Sample("error:dim", [g.Input(dt, [3, 4])], new P { Dim = 2, N = 1 });
        if (kth) yield return new Sample("error:k0", [g.Input(dt, [3, 4])], new P { Dim = 1, N = 0 });
    }

    private static InputSpec Sorted(Gen g, DType dt, int[] shape, Values kind)
    {
        var v = g.ValuesFor(dt, Numel(shape), kind);
        int m = shape.Length == 0 ? 1 : shape[^1];
        if (m > 0)
            for (int o = 0; o < v.Length / m; o++) Array.Sort(v, o * m, m);
        return new InputSpec(dt, shape, v, [], false);
    }

    private static IEnumerable<Sample> SearchSamples(Gen g, DType dt, bool bucketize)
    {
        foreach (var shape in g.Shapes())
        {
            int m = g.Int(0, 6);
            var kind = dt.IsFloatingPoint() ? g.Pick(Normal, Ties, Ties, Values.Edge) : Normal;
            bool nd = !bucketize && shape.Length >= 1 && g.Coin(0.4);
            var seqShape = nd ? [.. shape[..^1], m] : new[] { m };
            var layout = g.Layout();
            yield return new Sample($"{layout}/{kind}/{(nd ? "nd" : "1d")}-boundaries", [Sorted(g, dt, seqShape, kind), g.Input(dt, shape, layout, kind, grad: false)],
                new P { Flag = g.Coin(), Keep = g.Coin() });
        }
        if (!bucketize)
        {
            yield return new Sample("error:leading-dims", [Sorted(g, dt, [2, 3], Normal), g.Input(dt, [3, 2], grad: false)], new P());
            yield return new Sample("promote", [Sorted(g, dt, [4], Normal), g.Input(dt == DType.Float64 ? DType.Int64 : DType.Float64, [3], grad: false)], new P());
        }
        else yield return new Sample("error:2d-boundaries", [Sorted(g, dt, [2, 3], Normal), g.Input(dt, [3], grad: false)], new P());
    }

    private static IEnumerable<Sample> UniqueSamples(Gen g, DType dt)
    {
        foreach (var s in Unary(g, dt, dt.IsFloatingPoint() ? Ties : Small))
        {
            int r = s.Inputs[0].Shape.Length;
            yield return s with { Inputs = [s.Inputs[0] with { Grad = false }], Args = new P { N = g.Int(0, 4), Mode = g.Pick("sorted", "unsorted") } };
            if (r > 0 && g.Coin())
                yield return s with { Kind = s.Kind + "/dim", Inputs = [s.Inputs[0] with { Grad = false }], Args = new P { N = g.Int(0, 4), Keep = true, Dim = g.DimIn(r), Mode = "sorted" } };
        }
        var e = g.Input(dt, [3, 4], dt.IsFloatingPoint() ? Values.Edge : Normal, grad: false);
        yield return new Sample("edge", [e], new P { N = 3, Mode = "sorted" });
        yield return new Sample("empty-sliced", [g.Input(dt, [2, 0, 3], "sliced", grad: false)], new P { N = 3, Mode = "sorted" });
        yield return new Sample("error:dim", [e], new P { N = 3, Keep = true, Dim = 2 });
    }

    private static Tensor[] UniqueN(Tensor x, P p)
    {
        var (o, inv, cnt) = x.Unique(p.Mode == "sorted", (p.N & 1) != 0, (p.N & 2) != 0, p.Keep ? p.Dim : null);
        return new[] { o, inv, cnt }.Where(t => t is not null).ToArray()!;
    }

    private static TT[] UniqueT(TT x, P p)
    {
        var (o, inv, cnt) = x.unique(p.Mode == "sorted", (p.N & 1) != 0, (p.N & 2) != 0, p.Keep ? p.Dim : null);
        return new[] { o, (p.N & 1) != 0 ? inv : null, (p.N & 2) != 0 ? cnt : null }.Where(t => t is not null).ToArray()!;
    }

    private static IEnumerable<Sample> DiagonalSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes(minRank: 2, random: 4))
        {
            int r = shape.Length, a = g.Int(0, r), b = (a + 1 + g.Int(0, r - 1)) % r;
            var layout = g.Layout();
            yield return new Sample(layout, [g.Input(dt, shape, layout)], new P { N = g.Int(-3, 4), Dim = g.Coin() ? a - r : a, Dim2 = g.Coin() ? b - r : b });
        }
        yield return new Sample("error:dim", [g.Input(dt, [3, 4])], new P { Dim = 0, Dim2 = 2 });
        yield return new Sample("error:1d", [g.Input(dt, [3])], new P { Dim = 0, Dim2 = 1 });
    }

    private static readonly (string Eq, int[][] Shapes)[] Equations =
    [
        ("ij,jk->ik", [[2, 3], [3, 4]]), ("ii->i", [[3, 3]]), ("ii", [[3, 3]]), ("bij,bjk->bik", [[2, 2, 3], [2, 3, 2]]),
        ("i,j->ij", [[3], [4]]), ("...ij->...ji", [[2, 3, 4]]), ("ij->", [[3, 4]]), ("ijk,ik->j", [[2, 3, 4], [2, 4]]),
        ("i,i->", [[4], [4]]), ("ij,ij->ij", [[2, 3], [2, 3]]), ("...j,j->...", [[2, 3, 4], [4]]), ("ij,jk", [[2, 3], [3, 4]]),
        ("ab,bc,cd->ad", [[2, 3], [3, 4], [4, 2]]), ("iij->ij", [[2, 2, 3]]), ("bi,bj->bij", [[2, 0], [2, 3]]),
        ("ij,jk->ik", [[2, 3], [4, 4]]), ("ij->k", [[2, 3]]), ("ij,jk->ik", [[2, 3]]),
    ];

    private static IEnumerable<Sample> EinsumSamples(Gen g, DType dt) =>
        Equations.Select(e =>
        {
            bool err = e.Eq == "ij->k" || (e.Eq == "ij,jk->ik" && (e.Shapes.Length == 1 || e.Shapes[1][0] == 4));
            return new Sample(err ? "error:" + e.Eq : e.Eq, e.Shapes.Select(s => g.AnyLayout(dt, s, FloatKind(g, dt, Normal))).ToArray(), new P { Mode = e.Eq });
        });

    private static IEnumerable<Sample> NonzeroSamples(Gen g, DType dt) =>
        Unary(g, dt, dt.IsFloatingPoint() ? Ties : Small).Select(s => s with { Inputs = [s.Inputs[0] with { Grad = false }] });

    private static IEnumerable<Sample> AnyAllSamples(Gen g, DType dt) =>
        Reduce(g, dt, false).Select(s => s.Args.Dims is null ? s with { Args = s.Args with { Keep = false } } : s)
            .Concat(Unary(g, dt, dt.IsFloatingPoint() ? Ties : Small).Take(4).Select(s => s with { Kind = "full/" + s.Kind }));

    private static IEnumerable<Sample> SegmentSamples(Gen g, DType dt)
    {
        foreach (var mode in ScatterReduceModes)
            foreach (var rows in new[] { 0, 1, 2 })
            {
                int n = g.Int(1, 7);
                var lens = new List<double>();
                int left = n;
                while (left > 0) { int l = g.Coin(0.25) ? 0 : g.Int(1, left + 1); lens.Add(l); left -= l; }
                if (g.Coin(0.3)) lens.Insert(g.Int(0, lens.Count + 1), 0);
                int[] shape = rows == 0 ? [n] : [n, rows + 1];
                bool initial = g.Coin(0.3);
                var kind = FloatKind(g, dt, Normal);
                yield return new Sample($"{mode}/{kind}{(initial ? "/initial" : "")}", [g.AnyLayout(dt, shape, kind), Ix([lens.Count], lens)],
                    new P { Mode = mode, Flag = initial, S = g.Pick(-1.0, 0.0, 2.5) });
            }
        yield return new Sample("error:lengths-sum", [g.Input(dt, [4]), Ix([2], [1, 1])], new P { Mode = "sum" });
        yield return new Sample("error:negative-length", [g.Input(dt, [2]), Ix([2], [3, -1])], new P { Mode = "mean" });
    }

    /// <summary>Ops whose "index N is out of bounds for dimension D" is a RuntimeError (scatter/gather kernel TORCH_CHECK).</summary>
    /// (A local, not a static field: Ops is built during static initialisation, before this file's fields.)
    private static IEnumerable<OpInfo> BuildIndexing()
    {
        string[] runtimeBoundsOps = ["gather", "scatter", "scatter(value)", "scatter_add", "scatter_reduce", "index_add", "take_along_dim"];
        return BuildIndexingOps().Select(o => runtimeBoundsOps.Contains(o.Name) ? o with { RuntimeBoundsErrors = true } : o);
    }

    private static IEnumerable<OpInfo> BuildIndexingOps()
    {
        var all = Gen.All;
        yield return new("gather", (x, p) => A(x[0].Gather(p.Dim, x[1])), (x, p) => A(x[0].gather(p.Dim, x[1])), all,
            (g, d) => GatherSamples(g, d, scatter: false, distinct: false, withSrc: false));
        yield return new("scatter", (x, p) => A(x[0].Scatter(p.Dim, x[1], x[2])), (x, p) => A(x[0].scatter(p.Dim, x[1], x[2])), all,
            (g, d) => GatherSamples(g, d, scatter: true, distinct: true, withSrc: true));
        yield return new("scatter(value)", (x, p) => A(x[0].Scatter(p.Dim, x[1], NS(p))),
            (x, p) => A(p.Flag ? Script(ScatterValueScript, "fi", x[0], (long)p.Dim, x[1], (long)p.S) : Script(ScatterValueScript, "ff", x[0], (long)p.Dim, x[1], p.S)), all,
            (g, d) => GatherSamples(g, d, scatter: true, distinct: true, withSrc: false).Select(s =>
            {
                bool isInt = !d.IsFloatingPoint() || g.Coin();
                return s with { Args = s.Args with { S = d == DType.Bool ? 1 : isInt ? g.Pick(-2, 0, 3) : g.Pick(-1.5, 2.25), Flag = isInt } };
            }));
        yield return new("scatter_add", (x, p) => A(x[0].ScatterAdd(p.Dim, x[1], x[2])), (x, p) => A(x[0].scatter_add(p.Dim, x[1], x[2])), all,
            (g, d) => GatherSamples(g, d, scatter: true, distinct: false, withSrc: true));
        yield return new("scatter_reduce", (x, p) => A(x[0].ScatterReduce(p.Dim, x[1], x[2], ReduceMode<ScatterReduceMode>(p.Mode!), p.Keep)),
            (x, p) => A(Script(ScatterReduceScript(p.Mode!), "f", x[0], (long)p.Dim, x[1], x[2], p.Keep)), all,
            (g, d) => GatherSamples(g, d, scatter: true, distinct: false, withSrc: true).SelectMany(s =>
                ScatterReduceModes.Where(_ => g.Coin(0.5)).Select(m =>
                {
                    bool self = g.Coin();
                    return s with { Kind = $"{m}/{(self ? "self" : "noself")}/{s.Kind}", Args = s.Args with { Mode = m, Keep = self } };
                }))
                .Concat(ScatterReduceModes.Select(m => new Sample($"{m}/ties", [g.Input(d, [3, 4], Ties), Ix([2, 4], [0, 0, 1, 2, 0, 0, 1, 2]), g.Input(d, [2, 4], Ties)],
                    new P { Mode = m, Keep = g.Coin() }))));

        yield return new("index_add", (x, p) => A(x[0].IndexAdd(p.Dim, x[1], x[2], NS(p))), (x, p) => A(x[0].index_add(p.Dim, x[1], x[2], TS(p))), all,
            (g, d) => IndexDimSamples(g, d, distinct: false, withSource: true));
        yield return new("index_copy", (x, p) => A(x[0].IndexCopy(p.Dim, x[1], x[2])), (x, p) => A(x[0].index_copy(p.Dim, x[1], x[2])), all,
            (g, d) => IndexDimSamples(g, d, distinct: true, withSource: true));
        yield return new("index_fill", (x, p) => A(x[0].IndexFill(p.Dim, x[1], NS(p))), (x, p) => A(x[0].index_fill(p.Dim, x[1], TS(p))), all,
            (g, d) => IndexDimSamples(g, d, distinct: false, withSource: false));
        yield return new("index_select", (x, p) => A(x[0].IndexSelect(p.Dim, x[1])), (x, p) => A(x[0].index_select(p.Dim, x[1])), all,
            (g, d) => IndexDimSamples(g, d, distinct: false, withSource: false, int32: true));
        yield return new("masked_fill", (x, p) => A(x[0].MaskedFill(x[1], NS(p))), (x, p) => A(x[0].masked_fill(x[1], TS(p))), all,
            (g, d) => MaskSamples(g, d, mutual: false, withSource: false));
        yield return new("masked_select", (x, p) => A(x[0].MaskedSelect(x[1])), (x, p) => A(x[0].masked_select(x[1])), all,
            (g, d) => MaskSamples(g, d, mutual: true, withSource: false));
        yield return new("masked_scatter", (x, p) => A(x[0].MaskedScatter(x[1], x[2])), (x, p) => A(x[0].masked_scatter(x[1], x[2])), all,
            (g, d) => MaskSamples(g, d, mutual: false, withSource: true));
        yield return new("take", (x, p) => A(x[0].Take(x[1])), (x, p) => A(x[0].take(x[1])), all, (g, d) =>
            g.Shapes().Select(s =>
            {
                int n = Numel(s);
                var ish = n == 0 ? [0] : g.Shape(g.Int(0, 3), 3);
                var layout = g.Layout();
                return new Sample($"{layout}/idx{ish.Length}d", [g.Input(d, s, layout, FloatKind(g, d, Normal)), Ix(ish, Enumerable.Range(0, Numel(ish)).Select(_ => (double)g.Int(-n, n)))], new P());
            }).Append(new Sample("error:out-of-bounds", [g.Input(d, [3, 2]), Ix([2], [0, 6])], new P()))
              .Append(new Sample("error:negative-out-of-bounds", [g.Input(d, [3, 2]), Ix([1], [-7])], new P())));
        yield return new("take_along_dim", (x, p) => A(x[0].TakeAlongDim(x[1], p.Flag ? p.Dim : null)),
            (x, p) => A(p.Flag ? x[0].take_along_dim(x[1], p.Dim) : x[0].take_along_dim(x[1])), all, (g, d) =>
            // With a dim, libtorch 2.10 wraps every index modulo the dim's size (5 of 5 reads element 0, -6 reads 4), so
            // the gather samples' out-of-bounds indices are compared as values and gradients, not as errors.
            GatherSamples(g, d, scatter: false, distinct: false, withSrc: false)
                .Select(s =>
                {
                    // take_along_dim broadcasts off the dim: sometimes make those index dims 1.
                    var ix = s.Inputs[1];
                    int r = ix.Shape.Length, dd = r == 0 ? 0 : (s.Args.Dim % r + r) % r;
                    if (r > 0 && !s.Kind.StartsWith("error") && g.Coin() && ix.Shape.Where((v, i) => i != dd).All(v => v > 0))
                    {
                        var sh = ix.Shape.Select((v, i) => i == dd ? v : 1).ToArray();
                        ix = Ix(sh, IndexValues(g, sh, dd, s.Inputs[0].Shape[dd], false));
                    }
                    return s with { Inputs = [s.Inputs[0], ix], Args = s.Args with { Flag = true } };
                })
                .Concat(g.Shapes().Take(5).Select(s =>
                {
                    int n = Numel(s);
                    var ish = n == 0 ? [0] : g.Shape(g.Int(0, 3), 3);
                    return new Sample("flat", [g.AnyLayout(d, s), Ix(ish, Enumerable.Range(0, Numel(ish)).Select(_ => (double)g.Int(0, Math.Max(n, 1))))], new P());
                })));
        yield return new("index(advanced)", (x, p) => A(x[0].Index(NIdx(x, p.Dims!))), (x, p) => A(x[0].index(TIdxs(x, p.Dims!))), all,
            (g, d) => AdvancedIndexSamples(g, d, put: false));
        yield return new("index(indexer)", (x, p) => A(x[0][p.Dims!.Select(k => k < 0 ? TensorIndex.Slice() : (TensorIndex)x[k]).ToArray()]),
            (x, p) => A(x[0].index(TIdxs(x, p.Dims!))), all, (g, d) => AdvancedIndexSamples(g, d, put: false));
        yield return new("index_put", (x, p) => A(x[0].IndexPut(NIdx(x, p.Dims!), x[1], p.Keep)),
            // TorchSharp's index_put_ with accumulate=true and a full slice (None) among the indices terminates the
            // process (probed); TorchScript's torch.index_put does not, so the torch side goes through it.
            (x, p) => A(Script(IndexPutScript(p.Dims!), "f", [x[0], x[1], .. p.Dims!.Where(k => k >= 0).Select(k => x[k]), p.Keep])), all,
            (g, d) => AdvancedIndexSamples(g, d, put: true));

        // Sorting and selection
        yield return new("sort(stable)", (x, p) => { var (v, i) = x[0].Sort(p.Dim, p.Flag, stable: true); return A(v, i); },
            (x, p) => { var (v, i) = x[0].sort(p.Dim, p.Flag, stable: true); return A(v, i); }, all, SortSamples);
        yield return new("argsort(stable)", (x, p) => A(x[0].Argsort(p.Dim, p.Flag, stable: true)),
            (x, p) => A(x[0].sort(p.Dim, p.Flag, stable: true).Indices), all, SortSamples);
        yield return new("topk", (x, p) => { var (v, i) = x[0].Topk(p.N, p.Dim, p.Mode == "largest"); return p.Flag ? A(v, i) : A(v); },
            (x, p) => { var (v, i) = x[0].topk(p.N, p.Dim, p.Mode == "largest"); return p.Flag ? A(v, i) : A(v); }, all, (g, d) => SelectKSamples(g, d, kth: false));
        yield return new("kthvalue", (x, p) => { var (v, i) = x[0].Kthvalue(p.N, p.Dim, p.Keep); return p.Flag ? A(v, i) : A(v); },
            (x, p) => { var (v, i) = x[0].kthvalue(p.N, p.Dim, p.Keep); return p.Flag ? A(v, i) : A(v); }, all, (g, d) => SelectKSamples(g, d, kth: true));
        yield return new("unique", (x, p) => UniqueN(x[0], p), (x, p) => UniqueT(x[0], p), all, UniqueSamples, Differentiable: false);
        yield return new("searchsorted", (x, p) => A(Tensor.Searchsorted(x[0], x[1], p.Flag, outInt32: p.Keep)),
            (x, p) => A(torch.searchsorted(x[0], x[1], p.Keep, p.Flag)), all, (g, d) => SearchSamples(g, d, false), Differentiable: false);
        yield return new("bucketize", (x, p) => A(Tensor.Bucketize(x[1], x[0], p.Keep, p.Flag)),
            (x, p) => A(torch.bucketize(x[1], x[0], p.Keep, p.Flag)), all, (g, d) => SearchSamples(g, d, true), Differentiable: false);
        yield return new("nonzero", (x, p) => A(x[0].Nonzero()), (x, p) => A(x[0].nonzero()), all, NonzeroSamples, Differentiable: false);
        yield return new("any", (x, p) => A(p.Dims is null ? x[0].Any() : x[0].Any(p.Dim, p.Keep)),
            (x, p) => A(p.Dims is null ? x[0].any() : x[0].any(p.Dim, p.Keep)), all, AnyAllSamples, Differentiable: false);
        yield return new("all", (x, p) => A(p.Dims is null ? x[0].All() : x[0].All(p.Dim, p.Keep)),
            (x, p) => A(p.Dims is null ? x[0].all() : x[0].all(p.Dim, p.Keep)), all, AnyAllSamples, Differentiable: false);

        yield return new("diagonal", (x, p) => A(x[0].Diagonal(p.N, p.Dim, p.Dim2)), (x, p) => A(x[0].diagonal(p.N, p.Dim, p.Dim2)), all, DiagonalSamples);
        yield return new("einsum", (x, p) => A(Tensor.Einsum(p.Mode!, x)), (x, p) => A(torch.einsum(p.Mode!, x)), all, EinsumSamples);
        yield return new("segment_reduce(lengths)",
            (x, p) => A(Tensor.SegmentReduce(x[0], ReduceMode<SegmentReduceMode>(p.Mode!), lengths: x[1], axis: 0, initial: p.Flag ? (Scalar)p.S : null)),
            (x, p) => A(p.Flag ? Script(SegmentScript(p.Mode!), "fi", x[0], x[1], 0L, p.S) : Script(SegmentScript(p.Mode!), "f", x[0], x[1], 0L)),
            all, SegmentSamples);
    }
}
