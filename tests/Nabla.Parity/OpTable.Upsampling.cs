using Nabla.NN;
using Nabla.Parity.Harness;
using TF = TorchSharp.torch.nn.functional;

namespace Nabla.Parity;

/// <summary>pixel_shuffle / pixel_unshuffle. P.N = the factor.</summary>
public static partial class OpTable
{
    private static IEnumerable<Sample> PixelShuffleSamples(Gen g, DType dt, bool shuffle)
    {
        int[][] leads = [[], [2], [2, 1]];
        foreach (var lead in leads)
            for (int k = 0; k < 2; k++)
            {
                int r = g.Int(1, 4), c = g.Int(1, 3), h = g.Int(1, 4), w = g.Int(1, 4);
                int[] shape = shuffle ? [.. lead, c * r * r, h, w] : [.. lead, c, h * r, w * r];
                var layout = g.Layout();
                yield return new Sample($"{layout}/r{r}", [g.Input(dt, shape, layout)], new P { N = r });
            }
        // No error or empty-batch samples: TorchSharp's pixel_shuffle bindings do not catch libtorch's errors (the process
        // aborts; an empty batch aborted too); unit tests hold the messages.
    }

    private static IEnumerable<OpInfo> BuildUpsampling()
    {
        yield return new("nn.functional.pixel_shuffle", (x, p) => A(F.PixelShuffle(x[0], p.N)), (x, p) => A(TF.pixel_shuffle(x[0], p.N)),
            Gen.All, (g, d) => PixelShuffleSamples(g, d, true));
        yield return new("nn.functional.pixel_unshuffle", (x, p) => A(F.PixelUnshuffle(x[0], p.N)), (x, p) => A(TF.pixel_unshuffle(x[0], p.N)),
            Gen.All, (g, d) => PixelShuffleSamples(g, d, false));
    }
}
