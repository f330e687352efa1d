using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TIdx = TorchSharp.torch.TensorIndex;
using static Nabla.Parity.Harness.Values;

namespace Nabla.Parity;

/// <summary>The table of ops checked against libtorch. Each op is declared once: name, Nabla call, torch call, dtypes, samples.</summary>
public static partial class OpTable
{
    private static Tensor[] A(params Tensor[] t) => t;
    private static TT[] A(params TT[] t) => t;
    private static long[] L(int[] xs) => xs.Select(x => (long)x).ToArray();
    private static Scalar NS(P p) => p.Flag ? (Scalar)(long)p.S : (Scalar)p.S;
    private static Scalar NS2(P p) => p.Flag ? (Scalar)(long)p.S2 : (Scalar)p.S2;
    // Cast each branch: `p.Flag ? (long)p.S : p.S` would be a double in both cases.
    private static TorchSharp.Scalar TS(P p) => p.Flag ? (TorchSharp.Scalar)(long)p.S : (TorchSharp.Scalar)p.S;
    private static TorchSharp.Scalar TS2(P p) => p.Flag ? (TorchSharp.Scalar)(long)p.S2 : (TorchSharp.Scalar)p.S2;

    /// <summary>
    /// TorchSharp's THSTensor_var_along_dimensions / std_along_dimensions do not catch c10::Error: libtorch's
    /// check on a non-floating input terminates the process. The harness raises libtorch's exact message itself.
    /// </summary>
    private static TT VarGuard(TT x) => x.is_floating_point() ? x
        : throw new System.Runtime.InteropServices.ExternalException("std and var only support floating point and complex dtypes");

    /// <summary>
    /// TorchSharp's THSTensor_matmul has no CATCH: a libtorch error terminates the process. So this follows
    /// at::matmul's own dispatch for 1-D/2-D operands (dot, mv, mm: bindings that catch, giving libtorch's own
    /// messages), raises libtorch's TORCH_CHECK message for 0-d operands, and calls matmul itself only for
    /// batched operands (the generator gives only valid batched samples, and none of dtype Bool).
    /// </summary>
    private static TT SafeMatmul(TT a, TT b)
    {
        long d1 = a.dim(), d2 = b.dim();
        if (d1 == 0 || d2 == 0)
            throw new System.Runtime.InteropServices.ExternalException($"both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D");
        if (d1 == 1 && d2 == 1)
        {
            // TorchSharp's dot() pre-checks shapes in C# with its own message; this is at::dot's (Blas.cpp dot_check).
            if (a.shape[0] != b.shape[0])
                throw new System.Runtime.InteropServices.ExternalException(
                    $"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively");
            return a.dot(b);
        }
        if (d1 == 2 && d2 == 1) return a.mv(b);
        if (d1 == 1 && d2 == 2) return a.unsqueeze(0).mm(b).squeeze(0);
        if (d1 == 2 && d2 == 2) return a.mm(b);
        return a.matmul(b);
    }

    private static readonly DType[] All = Gen.All, Floats = Gen.Floats, Numeric = Gen.Numeric;

    // ----- sample generators -----

    private static Values FloatKind(Gen g, DType dt, Values v) =>
        dt.IsFloatingPoint() && v == Normal ? g.Pick(Normal, Normal, Values.Edge, Ties) : v;

    public static IEnumerable<Sample> Unary(Gen g, DType dt) => Unary(g, dt, Normal);

    public static IEnumerable<Sample> Unary(Gen g, DType dt, Values v)
    {
        foreach (var shape in g.Shapes())
        {
            var layout = g.Layout();
            var kind = FloatKind(g, dt, v);
            yield return new Sample($"{layout}/{kind}", [g.Input(dt, shape, layout, kind)], new P());
        }
    }

    private static readonly (int[], int[])[] BroadcastPairs =
        [([3, 1], [1, 4]), ([], [2, 3]), ([2, 3, 4], [4]), ([0, 3], [1, 3]), ([2, 1, 4], [3, 1]), ([4], []), ([2, 1, 1, 3], [2, 3])];

    public static IEnumerable<Sample> Binary(Gen g, DType dt, Values rhs) => Binary(g, dt, rhs, All);

    public static IEnumerable<Sample> Binary(Gen g, DType dt, Values rhs, DType[] partners)
    {
        foreach (var shape in g.Shapes().Take(7))
        {
            string l0 = g.Layout(), l1 = g.Layout();
            var k = FloatKind(g, dt, Normal);
            yield return new Sample($"same/{l0},{l1}/{k}",
                [g.Input(dt, shape, l0, k), g.Input(dt, shape, l1, rhs == Normal ? k : rhs)], new P());
        }
        foreach (var (a, b) in BroadcastPairs)
            yield return new Sample("broadcast", [g.AnyLayout(dt, a), g.AnyLayout(dt, b, rhs)], new P());
        var other = g.Pick(partners.Where(d => d != dt).ToArray());
        var sh = g.Shape(g.Int(0, 3));
        yield return new Sample($"promote:{other}", [g.Input(dt, sh), g.Input(other, sh, rhs)], new P());
        yield return new Sample("promote:0d", [g.Input(dt, g.Shape(2)), g.Input(other, [], rhs)], new P());
        yield return new Sample("error:broadcast", [g.Input(dt, [2, 3]), g.Input(dt, [3, 2], rhs)], new P());
    }

    public static IEnumerable<Sample> WithScalar(Gen g, DType dt, Values v)
    {
        foreach (var sample in Unary(g, dt, v).Take(6))
        {
            bool isInt = g.Coin();
            double s = isInt ? g.Pick(-2, 0, 1, 3) : g.Pick(-1.5, 0.5, 2.0, 0.0);
            if (v == NonZero && s == 0) s = 2;
            if (v == Small) s = isInt ? g.Pick(0, 1, 2, 3) : g.Pick(0.5, 2.0, 3.0);
            yield return sample with { Kind = sample.Kind + (isInt ? "/int-scalar" : "/float-scalar"), Args = new P { S = s, Flag = isInt } };
        }
    }

    /// <summary>Reductions over dims: full, one dim (maybe negative), several dims, keepdim; out-of-range and repeated dims.</summary>
    public static IEnumerable<Sample> Reduce(Gen g, DType dt, bool multi, bool allowFull = true)
    {
        foreach (var shape in g.Shapes())
        {
            int r = shape.Length;
            var layout = g.Layout();
            var k = FloatKind(g, dt, Normal);
            var x = g.Input(dt, shape, layout, k);
            bool keep = g.Coin();
            if (allowFull) yield return new Sample($"full/{layout}/{k}", [x], new P { Keep = keep });
            int d = g.DimIn(r);
            yield return new Sample($"dim/{layout}/{k}", [x], new P { Dims = [d], Dim = d, Keep = keep });
            if (multi && r >= 2)
            {
                int a = g.Int(0, r), b = (a + 1 + g.Int(0, r - 1)) % r;
                yield return new Sample($"dims/{layout}/{k}", [x], new P { Dims = [a, b - r], Keep = !keep });
            }
        }
        var e = g.Input(dt, [2, 3]);
        yield return new Sample("error:dim", [e], new P { Dims = [2], Dim = 2 });
        yield return new Sample("error:negdim", [e], new P { Dims = [-3], Dim = -3 });
        if (multi) yield return new Sample("error:dupdim", [e], new P { Dims = [1, -1] });
    }

    /// <summary>Ops over one required dim (softmax, cumsum, ...).</summary>
    public static IEnumerable<Sample> OneDim(Gen g, DType dt) =>
        Reduce(g, dt, multi: false, allowFull: false).Where(s => !s.Kind.StartsWith("error:dup"));

    private static IEnumerable<Sample> Matmul(Gen g, DType dt, (int[], int[])[] pairs)
    {
        foreach (var (a, b) in pairs)
        {
            bool err = a.Length == 0 || b.Length == 0 || a[^1] != (b.Length == 1 ? b[0] : b[^2]);
            if (dt == DType.Bool && a.Length + b.Length > 4) continue;
            yield return new Sample(err ? "error:shape" : $"{a.Length}d@{b.Length}d", [g.AnyLayout(dt, a), g.AnyLayout(dt, b)], new P());
        }
    }

    private static InputSpec IndexInput(int[] shape, double[] values) => new(DType.Int64, shape, values, [], false);

    // ----- the table -----

    public static readonly OpInfo[] Ops =
    [
        .. Build(),
        .. BuildIndexing(),
        .. BuildPooling(),
        .. BuildPooling3d(),
        .. BuildConvolution(),
        .. BuildFold(),
        .. BuildEmbedding(),
        .. BuildEmbeddingBag(),
        .. BuildUpsampling(),
        .. BuildRandom(),
        .. BuildBadInput(),
        .. BuildLoss(),
        .. BuildNormalization(),
        .. BuildDropout(),
        .. BuildPointwiseMath(),
        .. BuildActivation(),
        .. BuildMarginLoss(),
        .. BuildDistance(),
    ];

    public static OpInfo Get(string name) => Ops.Single(o => o.Name == name);

    private static IEnumerable<OpInfo> Build()
    {
        // Binary pointwise
        yield return new("add", (x, p) => A(x[0].Add(x[1])), (x, p) => A(x[0].add(x[1])), All, (g, d) => Binary(g, d, Normal));
        yield return new("sub", (x, p) => A(x[0].Sub(x[1])), (x, p) => A(x[0].sub(x[1])), All, (g, d) => Binary(g, d, Normal));
        yield return new("mul", (x, p) => A(x[0].Mul(x[1])), (x, p) => A(x[0].mul(x[1])), All, (g, d) => Binary(g, d, Normal));
        yield return new("div", (x, p) => A(x[0].Div(x[1])), (x, p) => A(x[0].div(x[1])), All, (g, d) => Binary(g, d, Normal));
        yield return new("div(rounding_mode='trunc')", (x, p) => A(x[0].Div(x[1], RoundingMode.Trunc)), (x, p) => A(x[0].div(x[1], torch.RoundingMode.trunc)), All, (g, d) => Binary(g, d, NonZero));
        yield return new("div(rounding_mode='floor')", (x, p) => A(x[0].Div(x[1], RoundingMode.Floor)), (x, p) => A(x[0].div(x[1], torch.RoundingMode.floor)), All, (g, d) => Binary(g, d, NonZero));
        yield return new("remainder", (x, p) => A(x[0].Remainder(x[1])), (x, p) => A(x[0].remainder(x[1])), All, (g, d) => Binary(g, d, NonZero));
        yield return new("pow", (x, p) => A(x[0].Pow(x[1])), (x, p) => A(x[0].pow(x[1])), All,
            // No Bool exponent next to a differentiable base: libtorch's pow backward then fails inside the
            // autograd engine with an error TorchSharp does not catch (the process terminates).
            (g, d) => Binary(g, d, Small, Numeric).Where(s => !(s.Inputs[1].DType == DType.Bool && s.Inputs[0].DType.IsFloatingPoint())));
        yield return new("maximum", (x, p) => A(x[0].Maximum(x[1])), (x, p) => A(torch.maximum(x[0], x[1])), All, (g, d) => Binary(g, d, Normal));
        yield return new("minimum", (x, p) => A(x[0].Minimum(x[1])), (x, p) => A(torch.minimum(x[0], x[1])), All, (g, d) => Binary(g, d, Normal));
        yield return new("eq", (x, p) => A(x[0].Eq(x[1])), (x, p) => A(x[0].eq(x[1])), All, (g, d) => Binary(g, d, Normal));
        yield return new("ne", (x, p) => A(x[0].Ne(x[1])), (x, p) => A(x[0].ne(x[1])), All, (g, d) => Binary(g, d, Normal));
        yield return new("lt", (x, p) => A(x[0].Lt(x[1])), (x, p) => A(x[0].lt(x[1])), All, (g, d) => Binary(g, d, Normal));
        yield return new("le", (x, p) => A(x[0].Le(x[1])), (x, p) => A(x[0].le(x[1])), All, (g, d) => Binary(g, d, Normal));
        yield return new("gt", (x, p) => A(x[0].Gt(x[1])), (x, p) => A(x[0].gt(x[1])), All, (g, d) => Binary(g, d, Normal));
        yield return new("ge", (x, p) => A(x[0].Ge(x[1])), (x, p) => A(x[0].ge(x[1])), All, (g, d) => Binary(g, d, Normal));
        yield return new("logical_and", (x, p) => A(x[0].LogicalAnd(x[1])), (x, p) => A(x[0].logical_and(x[1])), All, (g, d) => Binary(g, d, Normal));

        // Tensor-scalar
        yield return new("add(scalar)", (x, p) => A(x[0].Add(NS(p))), (x, p) => A(x[0].add(TS(p))), All, (g, d) => WithScalar(g, d, Normal));
        yield return new("mul(scalar)", (x, p) => A(x[0].Mul(NS(p))), (x, p) => A(x[0].mul(TS(p))), All, (g, d) => WithScalar(g, d, Normal));
        yield return new("div(scalar)", (x, p) => A(x[0].Div(NS(p))), (x, p) => A(x[0].div(TS(p))), All, (g, d) => WithScalar(g, d, NonZero));
        yield return new("pow(scalar)", (x, p) => A(x[0].Pow(NS(p))), (x, p) => A(x[0].pow(TS(p))), All, (g, d) => WithScalar(g, d, Small));
        yield return new("rsub(scalar)", (x, p) => A(NS(p) - x[0]),
            (x, p) => A(x[0].sub(TS(p)).neg()), // TorchSharp has no rsub; -(x - s) == s - x exactly (also mod 256)
            All, (g, d) => WithScalar(g, d, Normal));

        // Unary pointwise
        yield return new("neg", (x, p) => A(x[0].Neg()), (x, p) => A(x[0].neg()), All, Unary);
        yield return new("abs", (x, p) => A(x[0].Abs()), (x, p) => A(x[0].abs()), All, Unary);
        yield return new("sign", (x, p) => A(x[0].Sign()), (x, p) => A(x[0].sign()), All, Unary);
        yield return new("exp", (x, p) => A(x[0].Exp()), (x, p) => A(x[0].exp()), All, Unary);
        yield return new("log", (x, p) => A(x[0].Log()), (x, p) => A(x[0].log()), All, Unary);
        yield return new("sqrt", (x, p) => A(x[0].Sqrt()), (x, p) => A(x[0].sqrt()), All, Unary);
        yield return new("rsqrt", (x, p) => A(x[0].Rsqrt()), (x, p) => A(x[0].rsqrt()), All, Unary);
        yield return new("sin", (x, p) => A(x[0].Sin()), (x, p) => A(x[0].sin()), All, Unary);
        yield return new("cos", (x, p) => A(x[0].Cos()), (x, p) => A(x[0].cos()), All, Unary);
        yield return new("tanh", (x, p) => A(x[0].Tanh()), (x, p) => A(x[0].tanh()), All, Unary);
        yield return new("sigmoid", (x, p) => A(x[0].Sigmoid()), (x, p) => A(x[0].sigmoid()), All, Unary);
        yield return new("relu", (x, p) => A(x[0].Relu()), (x, p) => A(x[0].relu()), All, Unary);
        yield return new("isnan", (x, p) => A(x[0].IsNan()), (x, p) => A(x[0].isnan()), All, Unary);
        yield return new("clamp",
            (x, p) => A(x[0].Clamp(p.Mode == "max" ? null : NS(p), p.Mode == "min" ? null : NS2(p))),
            (x, p) => A(x[0].clamp(p.Mode == "max" ? null : TS(p), p.Mode == "min" ? null : TS2(p))),
            All, (g, d) => Unary(g, d).Select(s =>
            {
                bool isInt = g.Coin();
                var mode = g.Pick("min", "max", "both", "both");
                double lo = isInt ? g.Int(-2, 1) : -0.5, hi = isInt ? g.Int(0, 3) : g.Pick(0.75, -1.0);
                return s with { Kind = $"{s.Kind}/{mode}/{(isInt ? "int" : "float")}", Args = new P { Mode = mode, S = lo, S2 = hi, Flag = isInt } };
            }));
        yield return new("where", (x, p) => A(Tensor.Where(x[0], x[1], x[2])), (x, p) => A(torch.where(x[0], x[1], x[2])), All, WhereSamples);

        // Reductions
        yield return new("sum", (x, p) => A(p.Dims is null ? x[0].Sum(null, p.Keep) : x[0].Sum(p.Dims, p.Keep)),
            (x, p) => A(p.Dims is null ? x[0].sum(L(Enumerable.Range(0, (int)x[0].dim()).ToArray()), p.Keep) : x[0].sum(L(p.Dims), p.Keep)),
            All, (g, d) => Reduce(g, d, true));
        yield return new("mean", (x, p) => A(x[0].Mean(p.Dims, p.Keep)),
            (x, p) => A(x[0].mean(p.Dims is null ? L(Enumerable.Range(0, (int)x[0].dim()).ToArray()) : L(p.Dims), p.Keep)),
            All, (g, d) => Reduce(g, d, true));
        yield return new("prod", (x, p) => A(p.Dims is null ? x[0].Prod(null, p.Keep) : x[0].Prod(p.Dim, p.Keep)),
            (x, p) => A(p.Dims is null ? (p.Keep ? throw new InvalidOperationException("unreachable") : x[0].prod()) : x[0].prod(p.Dim, p.Keep)),
            All, (g, d) => Reduce(g, d, false).Select(s => s.Args.Dims is null ? s with { Args = s.Args with { Keep = false } } : s));
        yield return new("amax", (x, p) => A(x[0].Amax(p.Dims, p.Keep)), (x, p) => A(x[0].amax(p.Dims is null ? [] : L(p.Dims), p.Keep)), All, (g, d) => Reduce(g, d, true));
        yield return new("amin", (x, p) => A(x[0].Amin(p.Dims, p.Keep)), (x, p) => A(x[0].amin(p.Dims is null ? [] : L(p.Dims), p.Keep)), All, (g, d) => Reduce(g, d, true));
        yield return new("max", (x, p) => A(x[0].Max()), (x, p) => A(x[0].max()), All, (g, d) => Reduce(g, d, false).Where(s => s.Kind.StartsWith("full")));
        yield return new("min", (x, p) => A(x[0].Min()), (x, p) => A(x[0].min()), All, (g, d) => Reduce(g, d, false).Where(s => s.Kind.StartsWith("full")));
        yield return new("max(dim)", (x, p) => { var (v, i) = x[0].Max(p.Dim, p.Keep); return A(v, i); },
            (x, p) => { var (v, i) = x[0].max(p.Dim, p.Keep); return A(v, i); }, All, OneDim);
        yield return new("min(dim)", (x, p) => { var (v, i) = x[0].Min(p.Dim, p.Keep); return A(v, i); },
            (x, p) => { var (v, i) = x[0].min(p.Dim, p.Keep); return A(v, i); }, All, OneDim);
        yield return new("argmax", (x, p) => A(p.Dims is null ? x[0].Argmax(null, p.Keep) : x[0].Argmax(p.Dim, p.Keep)),
            (x, p) => A(p.Dims is null ? (p.Keep ? x[0].argmax().reshape(Enumerable.Repeat(1L, (int)x[0].dim()).ToArray()) : x[0].argmax()) : x[0].argmax(p.Dim, p.Keep)),
            All, (g, d) => Reduce(g, d, false));
        yield return new("argmin", (x, p) => A(p.Dims is null ? x[0].Argmin(null, p.Keep) : x[0].Argmin(p.Dim, p.Keep)),
            (x, p) => A(p.Dims is null ? (p.Keep ? x[0].argmin().reshape(Enumerable.Repeat(1L, (int)x[0].dim()).ToArray()) : x[0].argmin()) : x[0].argmin(p.Dim, p.Keep)),
            All, (g, d) => Reduce(g, d, false));
        yield return new("var", (x, p) => A(x[0].Var(p.Dims, p.Flag ? 0 : 1, p.Keep)),
            (x, p) => A(VarGuard(x[0]).var(p.Dims is null ? L(Enumerable.Range(0, (int)x[0].dim()).ToArray()) : L(p.Dims), !p.Flag, p.Keep)),
            All, (g, d) => Reduce(g, d, true).Select(s => s with { Args = s.Args with { Flag = g.Coin() } }));
        yield return new("std", (x, p) => A(x[0].Std(p.Dims, p.Flag ? 0 : 1, p.Keep)),
            (x, p) => A(VarGuard(x[0]).std(p.Dims is null ? L(Enumerable.Range(0, (int)x[0].dim()).ToArray()) : L(p.Dims), !p.Flag, p.Keep)),
            All, (g, d) => Reduce(g, d, true).Select(s => s with { Args = s.Args with { Flag = g.Coin() } }));
        yield return new("logsumexp", (x, p) => A(x[0].Logsumexp(p.Dim, p.Keep)), (x, p) => A(x[0].logsumexp(p.Dim, p.Keep)), All, OneDim);
        yield return new("softmax", (x, p) => A(x[0].Softmax(p.Dim)), (x, p) => A(x[0].softmax(p.Dim)), All, OneDim);
        yield return new("log_softmax", (x, p) => A(x[0].LogSoftmax(p.Dim)), (x, p) => A(x[0].log_softmax(p.Dim)), All, OneDim);

        // Scans
        yield return new("cumsum", (x, p) => A(x[0].Cumsum(p.Dim)), (x, p) => A(x[0].cumsum(p.Dim)), All, OneDim);
        yield return new("cumprod", (x, p) => A(x[0].Cumprod(p.Dim)), (x, p) => A(x[0].cumprod(p.Dim)), All, OneDim);
        yield return new("diff",
            (x, p) => A(x[0].Diff(1, p.Dim, x.Length > 1 ? x[1] : null, x.Length > 2 ? x[2] : null)),
            (x, p) => A(x[0].diff(1, p.Dim, x.Length > 1 ? x[1] : null, x.Length > 2 ? x[2] : null)),
            All, DiffSamples);

        // Padding (constant mode)
        yield return new("nn.functional.pad(constant)",
            (x, p) => A(F.Pad(x[0], p.Shape!, PadMode.Constant, p.S)),
            (x, p) => A(torch.nn.functional.pad(x[0], L(p.Shape!), PaddingModes.Constant, p.S)),
            All, PadSamples);

        // Views and shape ops
        yield return new("view", (x, p) => A(x[0].View(p.Shape!)), (x, p) => A(x[0].view(L(p.Shape!))), All, ReshapeSamples);
        yield return new("reshape", (x, p) => A(x[0].Reshape(p.Shape!)), (x, p) => A(x[0].reshape(L(p.Shape!))), All, ReshapeSamples);
        yield return new("permute", (x, p) => A(x[0].Permute(p.Dims!)), (x, p) => A(x[0].permute(L(p.Dims!))), All, PermuteSamples);
        yield return new("transpose", (x, p) => A(x[0].Transpose(p.Dim, p.Dim2)), (x, p) => A(x[0].transpose(p.Dim, p.Dim2)), All,
            (g, d) => Unary(g, d).Select(s => s with { Args = new P { Dim = g.DimIn(s.Inputs[0].Shape.Length), Dim2 = g.DimIn(s.Inputs[0].Shape.Length) } })
                .Append(new Sample("error:dim", [g.Input(d, [2, 3])], new P { Dim = 0, Dim2 = 2 })));
        yield return new("squeeze", (x, p) => A(x[0].Squeeze()), (x, p) => A(x[0].squeeze()), All, SqueezeSamples);
        yield return new("squeeze(dim)", (x, p) => A(x[0].Squeeze(p.Dim)), (x, p) => A(x[0].squeeze(p.Dim)), All, SqueezeSamples);
        yield return new("unsqueeze", (x, p) => A(x[0].Unsqueeze(p.Dim)), (x, p) => A(x[0].unsqueeze(p.Dim)), All,
            (g, d) => Unary(g, d).Select(s => s with { Args = new P { Dim = g.Int(-s.Inputs[0].Shape.Length - 1, s.Inputs[0].Shape.Length + 1) } })
                .Append(new Sample("error:dim", [g.Input(d, [2, 3])], new P { Dim = 3 })));
        yield return new("expand", (x, p) => A(x[0].Expand(p.Shape!)), (x, p) => A(x[0].expand(L(p.Shape!))), All, ExpandSamples);
        yield return new("repeat", (x, p) => A(x[0].Repeat(p.Shape!)), (x, p) => A(x[0].repeat(L(p.Shape!))), All, RepeatSamples);
        yield return new("flatten", (x, p) => A(x[0].Flatten(p.Dim, p.Dim2)), (x, p) => A(x[0].flatten(p.Dim, p.Dim2)), All, FlattenSamples);
        yield return new("narrow", (x, p) => A(x[0].Narrow(p.Dim, (int)p.S, p.N)), (x, p) => A(x[0].narrow(p.Dim, (long)p.S, p.N)), All, NarrowSamples);
        yield return new("select", (x, p) => A(x[0].Select(p.Dim, p.N)), (x, p) => A(x[0].select(p.Dim, p.N)), All, SelectSamples);
        yield return new("slice", (x, p) => A(x[0].Slice(p.Dim, (int)p.S, (int)p.S2, p.N)), (x, p) => A(x[0].slice(p.Dim, (long)p.S, (long)p.S2, p.N)), All, SliceSamples);
        yield return new("cat", (x, p) => A(Tensor.Cat(x, p.Dim)), (x, p) => A(torch.cat(x, p.Dim)), All, CatSamples);
        yield return new("stack", (x, p) => A(Tensor.Stack(x, p.Dim)), (x, p) => A(torch.stack(x, p.Dim)), All, StackSamples);
        yield return new("flip", (x, p) => A(x[0].Flip(p.Dims!)), (x, p) => A(x[0].flip(L(p.Dims!))), All, FlipSamples);

        // Linear algebra
        yield return new("matmul", (x, p) => A(x[0].Matmul(x[1])), (x, p) => A(SafeMatmul(x[0], x[1])), All, (g, d) => Matmul(g, d,
            [([3], [3]), ([2, 3], [3]), ([3], [3, 4]), ([2, 3], [3, 4]), ([2, 2, 3], [3, 4]), ([2, 1, 2, 3], [3, 3, 2]), ([4, 3], [2, 3, 2]),
             ([0, 3], [3, 2]), ([2, 0], [0, 3]), ([2, 3], [2, 3]), ([], [3]), ([3], [4])]));
        yield return new("mm", (x, p) => A(x[0].Mm(x[1])), (x, p) => A(x[0].mm(x[1])), All, (g, d) => Matmul(g, d,
            [([2, 3], [3, 4]), ([1, 5], [5, 1]), ([0, 3], [3, 2]), ([3, 0], [0, 2]), ([2, 3], [2, 3]), ([3], [3, 4])]));
        yield return new("bmm", (x, p) => A(x[0].Bmm(x[1])), (x, p) => A(x[0].bmm(x[1])), All, (g, d) => Matmul(g, d,
            [([2, 2, 3], [2, 3, 4]), ([1, 1, 5], [1, 5, 2]), ([0, 2, 3], [0, 3, 1]), ([2, 2, 3], [3, 3, 4]), ([2, 3], [3, 4])]));

        // Indexing
        yield return new("index(int64 tensor)", (x, p) => A(x[0][x[1]]), (x, p) => A(x[0].index(TIdx.Tensor(x[1]))), All, IndexSamples);
        yield return new("index(basic)", (x, p) => A(p.N switch
            {
                0 => x[0][TensorIndex.Slice(1, null), TensorIndex.Slice(null, null, 2)],
                1 => x[0][TensorIndex.Ellipsis, -1],
                2 => x[0][TensorIndex.NewAxis, 0],
                _ => x[0][TensorIndex.Slice(-2, null), 1],
            }),
            (x, p) => A(p.N switch
            {
                0 => x[0].index(TIdx.Slice(1, null), TIdx.Slice(null, null, 2)),
                1 => x[0].index(TIdx.Ellipsis, TIdx.Single(-1)),
                2 => x[0].index(TIdx.None, TIdx.Single(0)),
                _ => x[0].index(TIdx.Slice(-2, null), TIdx.Single(1)),
            }), All, (g, d) => Enumerable.Range(0, 8).Select(i =>
            {
                var shape = g.Shape(g.Int(2, 5), 4);
                var layout = g.Layout();
                return new Sample($"form{i % 4}/{layout}", [g.Input(d, shape, layout)], new P { N = i % 4 });
            }));

        // Conversion
        yield return new("to(dtype)", (x, p) => A(x[0].To(p.To)), (x, p) => A(x[0].to_type(Runner.ToTorch(p.To))), All,
            (g, d) => All.Select(to =>
            {
                var kind = d.IsFloatingPoint() && !to.IsFloatingPoint() ? (to == DType.Bool ? Values.Edge : Small) : FloatKind(g, d, Normal);
                var shape = g.Shape(g.Int(0, 4));
                var layout = g.Layout();
                return new Sample($"to:{to}/{layout}/{kind}", [g.Input(d, shape, layout, kind)], new P { To = to });
            }));

        // Factories (no tensor inputs)
        yield return new("arange",
            (x, p) => A(p.Flag ? Tensor.Arange((long)p.S, (long)p.S2, p.N) : Tensor.Arange(p.S, p.S2, p.N / 4.0)),
            (x, p) => A(p.Flag ? torch.arange((long)p.S, (long)p.S2, (long)p.N, torch.ScalarType.Int64) : torch.arange(p.S, p.S2, p.N / 4.0, torch.ScalarType.Float32)),
            [DType.Int64, DType.Float32], (g, d) => new (double, double, int)[] { (0, 5, 1), (2, -3, -1), (-3, 7, 3), (0, 0, 1), (5, 1, 2), (1, 4, 0), (-1.5, 2.5, 1), (0, 1, 2) }
                .Select(t => new Sample(t.Item3 == 0 ? "error:step0" : "range", [], new P { S = d == DType.Int64 ? Math.Round(t.Item1) : t.Item1, S2 = t.Item2, N = t.Item3, Flag = d == DType.Int64 })));
        yield return new("linspace", (x, p) => A(Tensor.Linspace(p.S, p.S2, p.N, p.To)), (x, p) => A(torch.linspace(p.S, p.S2, p.N, Runner.ToTorch(p.To))),
            Floats, (g, d) => new (double, double, int)[] { (0, 1, 5), (-2, 3, 7), (1, 1, 1), (0, 10, 0), (3, -1, 4), (0, 1, 2), (0, 1, -1), (0.1, 0.7, 13) }
                .Select(t => new Sample(t.Item3 < 0 ? "error:steps" : "range", [], new P { S = t.Item1, S2 = t.Item2, N = t.Item3, To = d })));
        yield return new("eye", (x, p) => A(p.Flag ? Tensor.Eye(p.N, (int)p.S, p.To) : Tensor.Eye(p.N, null, p.To)),
            (x, p) => A(torch.eye(p.N, p.Flag ? (long)p.S : p.N, Runner.ToTorch(p.To))),
            All, (g, d) => new (int, int?)[] { (0, null), (1, null), (3, null), (2, 4), (4, 2), (3, 0), (-1, null) }
                .Select(t => new Sample(t.Item1 < 0 ? "error:n" : "shape", [], new P { N = t.Item1, S = t.Item2 ?? 0, Flag = t.Item2 is not null, To = d })));
    }

    private static IEnumerable<Sample> WhereSamples(Gen g, DType dt)
    {
        foreach (var (c, a, b) in new (int[], int[], int[])[] { ([3, 4], [3, 4], [3, 4]), ([3, 1], [1, 4], [3, 4]), ([], [2, 3], [3]), ([0, 2], [2], [1, 2]), ([2, 3, 4], [4], []), ([2], [3], [2]) })
        {
            var other = g.Coin(0.3) ? g.Pick(All) : dt;
            yield return new Sample(c.Length == 1 && a.Length == 1 && c[0] != a[0] ? "error:broadcast" : other == dt ? "broadcast" : $"promote:{other}",
                [g.AnyLayout(DType.Bool, c), g.AnyLayout(dt, a, FloatKind(g, dt, Normal)), g.AnyLayout(other, b)], new P());
        }
    }

    private static IEnumerable<Sample> DiffSamples(Gen g, DType dt)
    {
        foreach (var s in OneDim(g, dt).Where(s => s.Inputs[0].Shape.Length >= 1 || s.Kind.StartsWith("error")))
        {
            yield return s;
            var shape = s.Inputs[0].Shape;
            if (shape.Length >= 1 && !s.Kind.StartsWith("error"))
            {
                int d = ((s.Args.Dim % shape.Length) + shape.Length) % shape.Length;
                var pre = (int[])shape.Clone(); pre[d] = 2;
                var app = (int[])shape.Clone(); app[d] = 1;
                yield return s with { Kind = s.Kind + "/prepend+append", Inputs = [s.Inputs[0], g.Input(dt, pre), g.AnyLayout(dt, app)] };
            }
        }
        yield return new Sample("error:0d", [g.Input(dt, [])], new P { Dim = -1 });
    }

    private static IEnumerable<Sample> PadSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes(minRank: 1))
        {
            int pairs = g.Int(1, Math.Min(shape.Length, 3) + 1);
            var pad = new int[2 * pairs];
            for (int i = 0; i < pad.Length; i++)
            {
                int size = shape[shape.Length - 1 - i / 2];
                pad[i] = g.Coin(0.2) && size > 1 ? -1 : g.Int(0, 3);
            }
            var layout = g.Layout();
            double value = dt == DType.Bool ? g.Int(0, 2) : g.Pick(0.0, 1.0, 2.0, -1.0);
            yield return new Sample($"pad{pairs}/{layout}", [g.Input(dt, shape, layout)], new P { Shape = pad, S = value });
        }
        yield return new Sample("error:odd", [g.Input(dt, [2, 3])], new P { Shape = [1, 1, 1] });
        yield return new Sample("error:toolong", [g.Input(dt, [3])], new P { Shape = [1, 1, 1, 1] });
        yield return new Sample("error:negative-size", [g.Input(dt, [2, 3])], new P { Shape = [-2, -2] });
    }

    private static IEnumerable<Sample> ReshapeSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes())
        {
            int n = shape.Aggregate(1, (a, b) => a * b);
            var layout = g.Layout();
            var x = g.Input(dt, shape, layout);
            int[] target = g.Pick<int[]>([n], [-1], [1, n], n % 2 == 0 ? [2, -1] : [-1, 1], n > 0 && n % 2 == 0 ? [n / 2, 1, 2] : [n, 1]);
            yield return new Sample($"{layout}", [x], new P { Shape = target });
        }
        yield return new Sample("error:numel", [g.Input(dt, [2, 3])], new P { Shape = [7] });
        yield return new Sample("error:two-inferred", [g.Input(dt, [2, 3])], new P { Shape = [-1, -1] });
        yield return new Sample("transposed-merge", [g.Input(dt, [3, 4], "transposed")], new P { Shape = [12] });
    }

    private static IEnumerable<Sample> PermuteSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes())
        {
            int r = shape.Length;
            var perm = Enumerable.Range(0, r).OrderBy(_ => g.R.Next()).Select(d => g.Coin(0.3) ? d - r : d).ToArray();
            var layout = g.Layout();
            yield return new Sample(layout, [g.Input(dt, shape, layout)], new P { Dims = perm });
        }
        yield return new Sample("error:dup", [g.Input(dt, [2, 3])], new P { Dims = [0, 0] });
        yield return new Sample("error:count", [g.Input(dt, [2, 3])], new P { Dims = [1] });
    }

    private static IEnumerable<Sample> SqueezeSamples(Gen g, DType dt)
    {
        foreach (var shape in new int[][] { [], [1], [1, 4], [2, 1, 3, 1], [1, 0, 1], [3] }.Concat(g.Shapes().Skip(8)))
        {
            var layout = g.Layout();
            yield return new Sample(layout, [g.Input(dt, shape, layout)], new P { Dim = g.DimIn(shape.Length) });
        }
        yield return new Sample("error:dim", [g.Input(dt, [1, 3])], new P { Dim = 2 });
    }

    private static IEnumerable<Sample> ExpandSamples(Gen g, DType dt)
    {
        foreach (var shape in new int[][] { [], [1], [3, 1], [1, 4], [2, 1, 3], [1, 0] })
        {
            var target = shape.Select(s => s == 1 ? g.Pick(1, 2, 3) : g.Pick(s, -1)).ToArray();
            if (g.Coin()) target = [2, .. target];
            yield return new Sample("expand", [g.AnyLayout(dt, shape)], new P { Shape = target });
        }
        yield return new Sample("error:non-singleton", [g.Input(dt, [2, 3])], new P { Shape = [2, 5] });
        yield return new Sample("error:fewer-dims", [g.Input(dt, [2, 3])], new P { Shape = [3] });
        yield return new Sample("error:leading-minus1", [g.Input(dt, [3])], new P { Shape = [-1, 3] });
    }

    private static IEnumerable<Sample> RepeatSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes())
        {
            var reps = Enumerable.Range(0, shape.Length + g.Int(0, 2)).Select(_ => g.Int(0, 3)).ToArray();
            var layout = g.Layout();
            yield return new Sample(layout, [g.Input(dt, shape, layout)], new P { Shape = reps });
        }
        yield return new Sample("error:too-few", [g.Input(dt, [2, 3])], new P { Shape = [2] });
    }

    private static IEnumerable<Sample> FlattenSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes())
        {
            int r = shape.Length, a = r == 0 ? 0 : g.Int(0, r), b = r == 0 ? 0 : g.Int(a, r);
            var layout = g.Layout();
            yield return new Sample(layout, [g.Input(dt, shape, layout)], new P { Dim = g.Coin() && r > 0 ? a - r : a, Dim2 = g.Coin() && r > 0 ? b - r : b });
        }
        yield return new Sample("error:order", [g.Input(dt, [2, 3, 4])], new P { Dim = 2, Dim2 = 0 });
        yield return new Sample("error:dim", [g.Input(dt, [2, 3])], new P { Dim = 0, Dim2 = 2 });
    }

    private static IEnumerable<Sample> NarrowSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes(minRank: 1))
        {
            int d = g.Int(0, shape.Length), size = shape[d];
            int start = g.Int(0, size + 1), len = g.Int(0, size - start + 1);
            if (g.Coin(0.3) && start > 0) start -= size;
            var layout = g.Layout();
            yield return new Sample(layout, [g.Input(dt, shape, layout)], new P { Dim = g.Coin() ? d - shape.Length : d, S = start, N = len });
        }
        yield return new Sample("error:length", [g.Input(dt, [4, 3])], new P { Dim = 0, S = 3, N = 2 });
        yield return new Sample("error:start", [g.Input(dt, [4, 3])], new P { Dim = 1, S = 5, N = 0 });
    }

    private static IEnumerable<Sample> SelectSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes(minRank: 1).Where(s => s.All(x => x > 0)))
        {
            int d = g.Int(0, shape.Length), idx = g.Int(-shape[d], shape[d]);
            var layout = g.Layout();
            yield return new Sample(layout, [g.Input(dt, shape, layout)], new P { Dim = g.Coin() ? d - shape.Length : d, N = idx });
        }
        yield return new Sample("error:index", [g.Input(dt, [4, 3])], new P { Dim = 1, N = 3 });
        yield return new Sample("error:0d", [g.Input(dt, [])], new P { Dim = 0, N = 0 });
    }

    private static IEnumerable<Sample> SliceSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes(minRank: 1))
        {
            int d = g.Int(0, shape.Length), size = shape[d];
            int start = g.Int(-size - 2, size + 3), stop = g.Int(-size - 2, size + 3), step = g.Int(1, 4);
            var layout = g.Layout();
            yield return new Sample(layout, [g.Input(dt, shape, layout)], new P { Dim = d, S = start, S2 = stop, N = step });
        }
        yield return new Sample("error:step0", [g.Input(dt, [4, 3])], new P { Dim = 0, S = 0, S2 = 4, N = 0 });
    }

    private static IEnumerable<Sample> CatSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes(minRank: 1))
        {
            int r = shape.Length, d = g.Int(0, r);
            int count = g.Int(1, 4);
            var inputs = Enumerable.Range(0, count).Select(_ =>
            {
                var s = (int[])shape.Clone(); s[d] = g.Int(0, 4);
                return g.AnyLayout(dt, s);
            }).ToArray();
            yield return new Sample($"cat{count}", inputs, new P { Dim = g.Coin() ? d - r : d });
        }
        yield return new Sample("legacy-empty", [g.Input(dt, [2, 3]), g.Input(dt, [0])], new P { Dim = 1 });
        yield return new Sample($"promote", [g.Input(dt, [2, 3]), g.Input(g.Pick(All), [1, 3])], new P { Dim = 0 });
        yield return new Sample("error:shape", [g.Input(dt, [2, 3]), g.Input(dt, [2, 4])], new P { Dim = 0 });
        yield return new Sample("error:rank", [g.Input(dt, [2, 3]), g.Input(dt, [2, 3, 1])], new P { Dim = 0 });
        yield return new Sample("error:0d", [g.Input(dt, []), g.Input(dt, [])], new P { Dim = 0 });
        yield return new Sample("error:dim", [g.Input(dt, [2, 3]), g.Input(dt, [2, 3])], new P { Dim = 2 });
    }

    private static IEnumerable<Sample> StackSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes())
        {
            int r = shape.Length, count = g.Int(1, 4);
            yield return new Sample($"stack{count}", Enumerable.Range(0, count).Select(_ => g.AnyLayout(dt, shape)).ToArray(), new P { Dim = g.Int(-r - 1, r + 1) });
        }
        yield return new Sample("error:shape", [g.Input(dt, [2, 3]), g.Input(dt, [2, 4])], new P { Dim = 0 });
        yield return new Sample("error:dim", [g.Input(dt, [2, 3]), g.Input(dt, [2, 3])], new P { Dim = 3 });
    }

    private static IEnumerable<Sample> FlipSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes())
        {
            int r = shape.Length;
            var dims = Enumerable.Range(0, r).Where(_ => g.Coin()).Select(d => g.Coin() ? d - r : d).ToArray();
            var layout = g.Layout();
            yield return new Sample(layout, [g.Input(dt, shape, layout)], new P { Dims = dims });
        }
        yield return new Sample("error:dup", [g.Input(dt, [2, 3])], new P { Dims = [1, -1] });
        yield return new Sample("error:dim", [g.Input(dt, [2, 3])], new P { Dims = [2] });
    }

    private static IEnumerable<Sample> IndexSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes(minRank: 1).Where(s => s[0] > 0))
        {
            int n = shape[0];
            var ishape = g.Shape(g.Int(0, 3), 3, 0.1);
            var vals = Enumerable.Range(0, ishape.Aggregate(1, (a, b) => a * b)).Select(_ => (double)g.Int(-n, n)).ToArray();
            var layout = g.Layout();
            yield return new Sample($"{layout}/idx{ishape.Length}d", [g.Input(dt, shape, layout), IndexInput(ishape, vals)], new P());
        }
        yield return new Sample("error:out-of-bounds", [g.Input(dt, [3, 2]), IndexInput([2], [0, 3])], new P());
        yield return new Sample("error:negative-out-of-bounds", [g.Input(dt, [3, 2]), IndexInput([1], [-4])], new P());
        yield return new Sample("error:0d", [g.Input(dt, []), IndexInput([1], [0])], new P());
    }
}
