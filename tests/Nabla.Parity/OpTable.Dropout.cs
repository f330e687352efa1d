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

    private static IEnumerable<OpInfo> BuildDropout()
    {
        yield return new("nn.functional.dropout(seeded)",
            (x, p) => { Tensor.ManualSeed((ulong)p.N); return A(F.Dropout(x[0], p.S, p.Flag)); },
            (x, p) => { torch.manual_seed(p.N); return A(TF.dropout(x[0], p.S, p.Flag)); },
            [DType.Float32, DType.Float64, DType.Int64], DropoutSamples);
    }
}
