using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TF = TorchSharp.torch.nn.functional;

namespace Nabla.Parity;

/// <summary>Activation functions.</summary>
public static partial class OpTable
{
    /// <summary>Unary samples with a scalar argument drawn from <paramref name="values"/> in P.S (and P.S2).</summary>
    private static IEnumerable<Sample> UnaryWith(Gen g, DType dt, double[] values, double[]? second = null) =>
        Unary(g, dt).Select(s => s with { Args = new P { S = g.Pick(values), S2 = second is null ? 0 : g.Pick(second) } });

    private static IEnumerable<Sample> PreluSamples(Gen g, DType dt)
    {
        foreach (var shape in new[] { new[] { 5 }, [3, 4], [2, 3, 4], [2, 3, 2, 2], [], [0, 3] })
        {
            int c = shape.Length > 1 ? shape[1] : 1;
            bool perChannel = c > 1 && g.Coin();
            yield return new Sample($"{shape.Length}d/{(perChannel ? "channels" : "single")}", [g.AnyLayout(dt, shape), g.Input(dt, perChannel ? [c] : [1])], new P());
        }
        yield return new Sample("error:count", [g.Input(dt, [2, 3]), g.Input(dt, [2])], new P());
    }

    private static IEnumerable<Sample> GluSamples(Gen g, DType dt)
    {
        foreach (var shape in new[] { new[] { 4 }, [3, 4], [2, 6, 3], [2, 2, 2, 2] })
        {
            var dims = Enumerable.Range(-shape.Length, 2 * shape.Length).Where(d => shape[(d + shape.Length) % shape.Length] % 2 == 0).ToArray();
            yield return new Sample($"{shape.Length}d", [g.AnyLayout(dt, shape)], new P { Dim = g.Pick(dims) });
        }
        yield return new Sample("error:odd", [g.Input(dt, [2, 3])], new P { Dim = 1 });
        yield return new Sample("error:0d", [g.Input(dt, [])], new P { Dim = 0 });
    }

    private static IEnumerable<OpInfo> BuildActivation()
    {
        OpInfo U(string name, Func<Tensor, P, Tensor> n, Func<TT, P, TT> t, Func<Gen, DType, IEnumerable<Sample>>? samples = null, DType[]? dtypes = null) =>
            new(name, (x, p) => A(n(x[0], p)), (x, p) => A(t(x[0], p)), dtypes ?? Numeric, samples ?? Unary);
        yield return U("nn.functional.relu6", (x, p) => F.Relu6(x), (x, p) => TF.relu6(x));
        // TorchSharp 0.107's hardtanh (functional and Tensor method) returns its input unclamped for these bounds (probed):
        // through TorchScript's aten::hardtanh instead, which reaches libtorch's values, gradients and errors.
        yield return new("nn.functional.hardtanh", (x, p) => A(F.Hardtanh(x[0], p.S, p.S2)),
            (x, p) => A(Script("def f(x: Tensor, lo: float, hi: float):\n    return torch.hardtanh(x, lo, hi)\n", "f", x[0], p.S, p.S2)),
            All, (g, d) => UnaryWith(g, d, [-1, -0.5, 0], [0.5, 1, 2]));
        yield return U("nn.functional.leaky_relu", (x, p) => F.LeakyRelu(x, p.S), (x, p) => TF.leaky_relu(x, p.S), (g, d) => UnaryWith(g, d, [0.01, 0.2, -0.5]));
        yield return new("nn.functional.prelu", (x, p) => A(F.Prelu(x[0], x[1])), (x, p) => A(TF.prelu(x[0], x[1])), Floats, PreluSamples);
        yield return U("nn.functional.elu", (x, p) => F.Elu(x, p.S), (x, p) => TF.elu(x, p.S), (g, d) => UnaryWith(g, d, [1, 0.5, 2]));
        yield return U("nn.functional.selu", (x, p) => F.Selu(x), (x, p) => TF.selu(x));
        yield return U("nn.functional.celu", (x, p) => F.Celu(x, p.S), (x, p) => TF.celu(x, p.S), (g, d) => UnaryWith(g, d, [1, 0.5, 2]));
        yield return U("nn.functional.gelu", (x, p) => F.Gelu(x, p.Flag ? GeluApproximate.Tanh : GeluApproximate.None),
            (x, p) => TF.gelu(x, p.Flag ? TorchSharp.Modules.GELU.Approximate.tanh : TorchSharp.Modules.GELU.Approximate.none), (g, d) => Unary(g, d).Select(s => s with { Args = new P { Flag = g.Coin() } }));
        yield return U("nn.functional.silu", (x, p) => F.Silu(x), (x, p) => TF.silu(x));
        yield return U("nn.functional.mish", (x, p) => F.Mish(x), (x, p) => TF.mish(x));
        yield return U("nn.functional.softplus", (x, p) => F.Softplus(x, p.S, p.S2), (x, p) => TF.softplus(x, p.S, p.S2),
            (g, d) => UnaryWith(g, d, [1, 2, 0.5], [20, 1, 0.5]));
        yield return U("nn.functional.softsign", (x, p) => F.Softsign(x), (x, p) => TF.softsign(x));
        yield return U("nn.functional.tanhshrink", (x, p) => F.Tanhshrink(x), (x, p) => TF.tanhshrink(x));
        yield return U("nn.functional.hardsigmoid", (x, p) => F.Hardsigmoid(x), (x, p) => TF.hardsigmoid(x), (g, d) => UnaryIn(g, d, -4, 4));
        yield return U("nn.functional.hardswish", (x, p) => F.Hardswish(x), (x, p) => TF.hardswish(x), (g, d) => UnaryIn(g, d, -4, 4));
        yield return U("nn.functional.threshold", (x, p) => F.Threshold(x, p.S, p.S2), (x, p) => TF.threshold(x, p.S, p.S2),
            (g, d) => UnaryWith(g, d, [0, 1, -0.5], [0, -2, 3]));
        yield return U("nn.functional.logsigmoid", (x, p) => F.Logsigmoid(x), (x, p) => TF.logsigmoid(x));
        yield return U("nn.functional.hardshrink", (x, p) => F.Hardshrink(x, p.S), (x, p) => TF.hardshrink(x, p.S), (g, d) => UnaryWith(g, d, [0.5, 1, 0]));
        yield return U("nn.functional.softshrink", (x, p) => F.Softshrink(x, p.S), (x, p) => TF.softshrink(x, p.S),
            (g, d) => UnaryWith(g, d, [0.5, 1, 0]).Append(new Sample("error:lambda", [g.Input(d, [3])], new P { S = -1 })));
        yield return new("nn.functional.glu", (x, p) => A(F.Glu(x[0], p.Dim)), (x, p) => A(TF.glu(x[0], p.Dim)), Numeric, GluSamples);
        yield return new("nn.functional.softmin", (x, p) => A(F.Softmin(x[0], p.Dim)), (x, p) => A(TF.softmin(x[0], p.Dim)), Floats, OneDim);
    }
}
