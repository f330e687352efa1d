using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
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
        // TorchSharp's pixel_shuffle bindings do not catch libtorch's errors (the process aborts), so the torch side goes
        // through TorchScript, which does.
        yield return new Sample("error:rank", [g.Input(dt, [4, 2])], new P { N = 2 });
        yield return new Sample("error:divisible", [g.Input(dt, shuffle ? [1, 3, 2, 2] : [1, 1, 3, 4])], new P { N = 2 });
        yield return new Sample("error:factor", [g.Input(dt, [1, 4, 2, 2])], new P { N = 0 });
    }

    private const string PixelShuffleScript = "def s(x: Tensor, r: int):\n    return torch.pixel_shuffle(x, r)\n"
        + "def u(x: Tensor, r: int):\n    return torch.pixel_unshuffle(x, r)\n";

    /// <summary>interpolate samples: P.Mode = mode, P.Shape = size or P.S = one scale for every spatial dim, P.Flag = align_corners,
    /// P.Keep = recompute_scale_factor.</summary>
    private static IEnumerable<Sample> InterpolateSamples(Gen g, DType dt)
    {
        (string Mode, int Dim)[] modes = [("nearest", 1), ("nearest", 2), ("nearest", 3), ("nearest-exact", 2), ("linear", 1), ("bilinear", 2),
            ("bicubic", 2), ("trilinear", 3), ("area", 1), ("area", 2)];
        foreach (var (mode, dim) in modes)
            for (int k = 0; k < 4; k++)
            {
                int[] shape = [g.Int(1, 3), g.Int(1, 3), .. Enumerable.Range(0, dim).Select(_ => g.Int(1, 6))];
                bool corners = mode is "linear" or "bilinear" or "bicubic" or "trilinear" && g.Coin();
                var layout = g.Layout();
                var x = g.Input(dt, shape, layout);
                if (k % 2 == 0)
                    yield return new Sample($"{mode}/size/{layout}", [x], new P { Mode = mode, Shape = [.. Enumerable.Range(0, dim).Select(_ => g.Int(1, 9))], Flag = corners });
                else
                    yield return new Sample($"{mode}/scale/{layout}", [x], new P { Mode = mode, S = g.Pick(0.5, 1.5, 1.7, 2.0, 2.3, 3.0), Flag = corners, Keep = g.Coin() });
            }
        // The kernels' own check (the Python-level checks have no libtorch oracle: InterpolateTests holds their messages).
        yield return new Sample("error:zero-size", [g.Input(dt, [1, 2, 3, 3])], new P { Mode = "bilinear", Shape = [0, 2] });
    }

    private static InterpolationMode NablaMode(string mode) => mode switch
    {
        "nearest" => InterpolationMode.Nearest, "nearest-exact" => InterpolationMode.NearestExact, "linear" => InterpolationMode.Linear,
        "bilinear" => InterpolationMode.Bilinear, "bicubic" => InterpolationMode.Bicubic, "trilinear" => InterpolationMode.Trilinear,
        _ => InterpolationMode.Area,
    };

    private static TorchSharp.torch.InterpolationMode TorchMode(string mode) => (TorchSharp.torch.InterpolationMode)Enum.Parse(typeof(TorchSharp.torch.InterpolationMode), NablaMode(mode).ToString());

    private static bool? Corners(P p) => p.Mode is "nearest" or "nearest-exact" or "area" ? null : p.Flag;

    private static IEnumerable<OpInfo> BuildUpsampling()
    {
        yield return new("nn.functional.interpolate",
            (x, p) => A(F.Interpolate(x[0], p.Shape, p.S == 0 ? null : [.. Enumerable.Repeat(p.S, x[0].Dim - 2)], NablaMode(p.Mode!), Corners(p), p.S == 0 ? null : p.Keep)),
            (x, p) => A(TF.interpolate(x[0], p.Shape?.Select(s => (long)s).ToArray(), p.S == 0 ? null : [.. Enumerable.Repeat(p.S, (int)x[0].dim() - 2)], TorchMode(p.Mode!), Corners(p), p.Keep)),
            Gen.Floats, InterpolateSamples);
        yield return new("nn.functional.pixel_shuffle", (x, p) => A(F.PixelShuffle(x[0], p.N)), (x, p) => A(Script(PixelShuffleScript, "s", x[0], (long)p.N)),
            Gen.All, (g, d) => PixelShuffleSamples(g, d, true));
        yield return new("nn.functional.pixel_unshuffle", (x, p) => A(F.PixelUnshuffle(x[0], p.N)), (x, p) => A(Script(PixelShuffleScript, "u", x[0], (long)p.N)),
            Gen.All, (g, d) => PixelShuffleSamples(g, d, false));
    }
}
