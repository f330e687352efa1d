using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TF = TorchSharp.torch.nn.functional;

namespace Nabla.Parity;

/// <summary>
/// Embedding (through TorchScript's torch.embedding, which TorchSharp's functional API lacks) and bilinear. Embedding samples:
/// inputs (weight, indices); P.N = padding_idx (-1 none), P.Flag = scale_grad_by_freq. max_norm is unit-tested only: a TorchScript
/// calling torch.embedding_renorm_ under no_grad failed to compile and aborted the process.
/// </summary>
public static partial class OpTable
{
    private const string EmbeddingScript =
        "def f(w: Tensor, i: Tensor, pad: int, scale: bool):\n    return torch.embedding(w, i, pad, scale, False)\n";

    private static IEnumerable<Sample> EmbeddingSamples(Gen g, DType dt)
    {
        int[][] shapes = [[], [4], [2, 3], [0], [3, 1, 2]];
        foreach (var shape in shapes)
            for (int k = 0; k < 2; k++)
            {
                int n = g.Int(1, 6), d = g.Int(1, 4);
                var idx = new InputSpec(g.Pick(DType.Int64, DType.Int32), shape, Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => (double)g.Int(0, n)).ToArray(), [], false);
                var layout = g.Pick("contiguous", "transposed", "sliced");
                yield return new Sample($"{layout}", [g.Input(dt, [n, d], layout), idx],
                    new P { N = g.Coin() ? g.Int(0, n) : -1, Flag = g.Coin() });
            }
        yield return new Sample("error:out-of-range", [g.Input(dt, [3, 2]), new InputSpec(DType.Int64, [2], [1, 3], [], false)], new P { N = -1 });
        yield return new Sample("error:negative", [g.Input(dt, [3, 2]), new InputSpec(DType.Int64, [2], [1, -1], [], false)], new P { N = -1 });
        yield return new Sample("error:float-indices", [g.Input(dt, [3, 2]), new InputSpec(DType.Float32, [2], [1, 0], [], false)], new P { N = -1 });
        yield return new Sample("error:weight-rank", [g.Input(dt, [3]), new InputSpec(DType.Int64, [2], [1, 0], [], false)], new P { N = -1 });
    }

    private static IEnumerable<Sample> BilinearSamples(Gen g, DType dt)
    {
        int[][] leads = [[3], [2, 2], [1], [0]];
        foreach (var lead in leads)
            foreach (var bias in new[] { true, false })
            {
                int i1 = g.Int(1, 4), i2 = g.Int(1, 4), o = g.Int(1, 4);
                var inputs = new List<InputSpec> { g.Input(dt, [.. lead, i1], g.Layout()), g.Input(dt, [.. lead, i2], g.Layout()), g.Input(dt, [o, i1, i2], g.Pick("contiguous", "transposed")) };
                if (bias) inputs.Add(g.Input(dt, [o]));
                yield return new Sample($"lead{lead.Length}/{(bias ? "bias" : "nobias")}", [.. inputs], new P());
            }
        yield return new Sample("error:rank", [g.Input(dt, [2, 3]), g.Input(dt, [3]), g.Input(dt, [1, 3, 3])], new P());
        yield return new Sample("error:batch", [g.Input(dt, [2, 3]), g.Input(dt, [3, 3]), g.Input(dt, [1, 3, 3])], new P());
        yield return new Sample("error:in1", [g.Input(dt, [2, 2]), g.Input(dt, [2, 3]), g.Input(dt, [1, 3, 3])], new P());
        yield return new Sample("error:in2", [g.Input(dt, [2, 3]), g.Input(dt, [2, 2]), g.Input(dt, [1, 3, 3])], new P());
        yield return new Sample("error:bias", [g.Input(dt, [2, 3]), g.Input(dt, [2, 3]), g.Input(dt, [1, 3, 3]), g.Input(dt, [2])], new P());
    }

    private static IEnumerable<OpInfo> BuildEmbedding()
    {
        yield return new("nn.functional.embedding",
            (x, p) => A(F.Embedding(x[1], x[0], p.N >= 0 ? p.N : null, p.S > 0 ? p.S : null, p.S2 == 0 ? 2 : p.S2, p.Flag)),
            (x, p) => A(Script(EmbeddingScript, "f", x[0], x[1], (long)p.N, p.Flag)),
            Floats, EmbeddingSamples);
        yield return new("nn.functional.bilinear",
            (x, p) => A(F.Bilinear(x[0], x[1], x[2], x.Length > 3 ? x[3] : null)),
            (x, p) => A(TF.bilinear(x[0], x[1], x[2], x.Length > 3 ? x[3] : null)),
            Floats, BilinearSamples);
    }
}

/// <summary>
/// embedding_bag through TorchScript's torch.embedding_bag. Inputs (weight, indices[, offsets][, per_sample_weights]);
/// P.Mode = sum/mean/max, P.Flag = include_last_offset, P.N = padding_idx (-1 none), P.Dim = 1 when offsets are given,
/// P.Keep = per_sample_weights given.
/// </summary>
public static partial class OpTable
{
    // torch.embedding_bag wraps a negative padding_idx (-1 is the last row): "no padding" must be None, hence the n* variants
    private const string EmbeddingBagScript =
        "def f(w: Tensor, i: Tensor, o: Tensor, mode: int, last: bool, pad: int):\n    return torch.embedding_bag(w, i, o, False, mode, False, None, last, pad)[0]\n"
        + "def nf(w: Tensor, i: Tensor, o: Tensor, mode: int, last: bool):\n    return torch.embedding_bag(w, i, o, False, mode, False, None, last, None)[0]\n"
        + "def fw(w: Tensor, i: Tensor, o: Tensor, psw: Tensor, last: bool, pad: int):\n    return torch.embedding_bag(w, i, o, False, 0, False, psw, last, pad)[0]\n"
        + "def nfw(w: Tensor, i: Tensor, o: Tensor, psw: Tensor, last: bool):\n    return torch.embedding_bag(w, i, o, False, 0, False, psw, last, None)[0]\n";

    private static IEnumerable<Sample> EmbeddingBagSamples(Gen g, DType dt)
    {
        foreach (var mode in new[] { "sum", "mean", "max" })
            for (int k = 0; k < 4; k++)
            {
                int n = g.Int(1, 6), d = g.Int(1, 4), len = g.Int(0, 7);
                bool flat = g.Coin(0.7), last = flat && g.Coin(0.4);
                var values = Enumerable.Range(0, flat ? len : 2 * Math.Max(len / 2, 1)).Select(_ => (double)g.Int(0, n)).ToArray();
                var inputs = new List<InputSpec> { g.Input(dt, [n, d], g.Pick("contiguous", "transposed")) };
                if (flat)
                {
                    var cuts = Enumerable.Range(0, g.Int(1, 4)).Select(_ => (double)g.Int(0, values.Length + 1)).Append(0).OrderBy(v => v).ToList();
                    if (last) cuts.Add(values.Length);
                    inputs.Add(new InputSpec(DType.Int64, [values.Length], values, [], false));
                    inputs.Add(new InputSpec(DType.Int64, [cuts.Count], [.. cuts], [], false));
                }
                else inputs.Add(new InputSpec(DType.Int64, [2, values.Length / 2], values, [], false));
                bool weighted = mode == "sum" && g.Coin(0.4);
                if (weighted) inputs.Add(g.Input(dt, inputs[1].Shape));
                yield return new Sample($"{mode}/{(flat ? "offsets" : "2d")}{(last ? "/last" : "")}{(weighted ? "/weighted" : "")}", [.. inputs],
                    new P { Mode = mode, Flag = last, N = g.Coin(0.3) ? g.Int(0, n) : -1, Dim = flat ? 1 : 0, Keep = weighted });
            }
        yield return new Sample("error:index", [g.Input(dt, [3, 2]), new InputSpec(DType.Int64, [3], [0, 3, 1], [], false), new InputSpec(DType.Int64, [2], [0, 1], [], false)],
            new P { Mode = "sum", N = -1, Dim = 1 });
        yield return new Sample("error:index-max", [g.Input(dt, [3, 2]), new InputSpec(DType.Int64, [3], [0, 1, 5], [], false), new InputSpec(DType.Int64, [2], [0, 1], [], false)],
            new P { Mode = "max", N = -1, Dim = 1 });
        yield return new Sample("error:offsets-start", [g.Input(dt, [3, 2]), new InputSpec(DType.Int64, [3], [0, 2, 1], [], false), new InputSpec(DType.Int64, [2], [1, 2], [], false)],
            new P { Mode = "mean", N = -1, Dim = 1 });
    }

    private static NN.EmbeddingBagMode BagMode(P p) => p.Mode switch { "sum" => NN.EmbeddingBagMode.Sum, "mean" => NN.EmbeddingBagMode.Mean, _ => NN.EmbeddingBagMode.Max };

    private static IEnumerable<OpInfo> BuildEmbeddingBag()
    {
        yield return new("nn.functional.embedding_bag",
            (x, p) => A(F.EmbeddingBag(x[1], x[0], p.Dim == 1 ? x[2] : null, mode: BagMode(p), perSampleWeights: p.Keep ? x[^1] : null,
                includeLastOffset: p.Flag, paddingIdx: p.N >= 0 ? p.N : null)),
            (x, p) =>
            {
                var offsets = p.Dim == 1 ? x[2] : torch.arange(0L, x[1].numel(), Math.Max(x[1].shape[1], 1L), torch.int64);
                var input = x[1].reshape(-1);
                long mode = p.Mode == "sum" ? 0 : p.Mode == "mean" ? 1 : 2;
                object[] pad = p.N >= 0 ? [(long)p.N] : [];
                string prefix = p.N >= 0 ? "" : "n";
                return A(p.Keep ? Script(EmbeddingBagScript, prefix + "fw", [x[0], input, offsets, x[^1].reshape(-1), p.Flag, .. pad])
                    : Script(EmbeddingBagScript, prefix + "f", [x[0], input, offsets, mode, p.Flag, .. pad]));
            },
            Floats, EmbeddingBagSamples);
    }
}
