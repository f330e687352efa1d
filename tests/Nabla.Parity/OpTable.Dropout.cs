using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TF = TorchSharp.torch.nn.functional;

namespace Nabla.Parity;

/// <summary>Dropout: the same seed must give libtorch's CPU mask bit for bit, in the input's memory order.</summary>
public static partial class OpTable
{
    /// <summary>P.N = seed, P.S = p, P.Flag = training.</summary>
    private static IEnumerable<Sample> DropoutSamples(Gen g, DType dt)
    {
        foreach (var shape in g.Shapes().Concat([[40, 30], [7, 5, 3]]))
        {
            var layout = g.Layout();
            bool training = g.Coin(0.85);
            double p = g.Pick(0.5, 0.2, 0.9, 0.0, 1.0);
            yield return new Sample($"{layout}/p{p}/{(training ? "train" : "eval")}", [g.Input(dt, shape, layout)], new P { N = g.Int(0, 1000), S = p, Flag = training });
        }
        yield return new Sample("error:p", [g.Input(dt, [3])], new P { S = 1.5, Flag = true });
        yield return new Sample("error:negative-p", [g.Input(dt, [3])], new P { S = -0.5, Flag = true });
    }

    /// <summary>Channel-wise dropout inputs of the ranks each op reads: P.N = seed, P.S = p, P.Flag = training.</summary>
    private static IEnumerable<Sample> FeatureDropoutSamples(Gen g, DType dt, int[][] shapes, int[]? badShape)
    {
        foreach (var shape in shapes)
        {
            var layout = g.Layout();
            bool training = g.Coin(0.85);
            double p = g.Pick(0.5, 0.2, 0.9, 0.0, 1.0);
            yield return new Sample($"[{string.Join(",", shape)}]/{layout}/p{p}/{(training ? "train" : "eval")}", [g.Input(dt, shape, layout)], new P { N = g.Int(0, 1000), S = p, Flag = training });
        }
        yield return new Sample("error:p", [g.Input(dt, shapes[0])], new P { S = 1.5, Flag = true });
        if (badShape is not null) yield return new Sample("error:rank", [g.Input(dt, badShape)], new P { S = 0.5, Flag = true });
    }

    private static IEnumerable<OpInfo> BuildDropout()
    {
        yield return new("nn.functional.dropout(seeded)",
            (x, p) => { Tensor.ManualSeed((ulong)p.N); return A(F.Dropout(x[0], p.S, p.Flag)); },
            (x, p) => { torch.manual_seed(p.N); return A(TF.dropout(x[0], p.S, p.Flag)); },
            [DType.Float32, DType.Float64, DType.Int64], DropoutSamples);
        yield return new("nn.functional.dropout1d(seeded)",
            (x, p) => { Tensor.ManualSeed((ulong)p.N); return A(F.Dropout1d(x[0], p.S, p.Flag)); },
            (x, p) => { torch.manual_seed(p.N); return A(TF.dropout1d(x[0], p.S, p.Flag)); },
            [DType.Float32, DType.Float64], (g, dt) => FeatureDropoutSamples(g, dt, [[4, 6, 5], [6, 9], [3, 40, 7]], null));
        // Python's dropout2d reads a 3-D input as (N, C, L); libtorch's C++ dropout2d (TorchSharp's) reads it as unbatched
        // (C, H, W), so the 3-D reference is dropout1d, the same feature_dropout on (N, C, L). The rank errors Python raises
        // for dropout1d/2d are Python-side checks libtorch's C++ API lacks: they are unit-tested in Nabla.Tests.
        yield return new("nn.functional.dropout2d(seeded)",
            (x, p) => { Tensor.ManualSeed((ulong)p.N); return A(F.Dropout2d(x[0], p.S, p.Flag)); },
            (x, p) => { torch.manual_seed(p.N); return A(x[0].dim() == 3 ? TF.dropout1d(x[0], p.S, p.Flag) : TF.dropout2d(x[0], p.S, p.Flag)); },
            [DType.Float32, DType.Float64], (g, dt) => FeatureDropoutSamples(g, dt, [[4, 6, 3, 5], [2, 30, 2, 2], [5, 7, 4]], null));
        yield return new("nn.functional.dropout3d(seeded)",
            (x, p) => { Tensor.ManualSeed((ulong)p.N); return A(F.Dropout3d(x[0], p.S, p.Flag)); },
            (x, p) => { torch.manual_seed(p.N); return A(TF.dropout3d(x[0], p.S, p.Flag)); },
            [DType.Float32, DType.Float64], (g, dt) => FeatureDropoutSamples(g, dt, [[3, 5, 2, 3, 2], [6, 2, 3, 4], [2, 20, 1, 2, 2], [7, 3]], []));
        yield return new("nn.functional.alpha_dropout(seeded)",
            (x, p) => { Tensor.ManualSeed((ulong)p.N); return A(F.AlphaDropout(x[0], p.S, p.Flag)); },
            (x, p) => { torch.manual_seed(p.N); return A(TF.alpha_dropout(x[0], p.S, p.Flag)); },
            [DType.Float32, DType.Float64], DropoutSamples);
        yield return new("nn.functional.feature_alpha_dropout(seeded)",
            (x, p) => { Tensor.ManualSeed((ulong)p.N); return A(F.FeatureAlphaDropout(x[0], p.S, p.Flag)); },
            (x, p) => { torch.manual_seed(p.N); return A(TF.feature_alpha_dropout(x[0], p.S, p.Flag)); },
            [DType.Float32, DType.Float64], (g, dt) => FeatureDropoutSamples(g, dt, [[4, 6, 5], [6, 9], [3, 40, 7], [2, 3, 2, 2, 3]], [5]));
    }
}
