using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TF = TorchSharp.torch.nn.functional;

namespace Nabla.Parity;

/// <summary>
/// Linear, convolutions (1-3 d, transposed), unfold and fold. Convolution samples: inputs (input, weight[, bias]);
/// P.Shape = [stride.., padding.., dilation.., output_padding..] (one entry per spatial dim each), P.N = groups,
/// P.Mode = "same" / "valid" for string padding.
/// </summary>
public static partial class OpTable
{
    private static IEnumerable<Sample> ConvSamples(Gen g, DType dt, int spatial, bool transposed)
    {
        for (int i = 0; i < 10; i++)
        {
            int groups = g.Pick(1, 1, 2, 3), cinG = g.Int(1, 3), coutG = g.Int(1, 3);
            var k = Enumerable.Range(0, spatial).Select(_ => g.Int(1, 4)).ToArray();
            var st = k.Select(_ => g.Int(1, 3)).ToArray();
            var dl = k.Select(_ => g.Coin(0.3) ? 2 : 1).ToArray();
            var pd = k.Select(kk => g.Int(0, 3)).ToArray();
            var op = k.Select((_, j) => transposed ? g.Int(0, Math.Max(st[j], dl[j])) : 0).ToArray();
            var sp = k.Select((kk, j) => Math.Max(dl[j] * (kk - 1) + 1 - 2 * pd[j], 1) + g.Int(0, 4)).ToArray();
            // keep the transposed output non-empty: libtorch's float32 (oneDNN) route returns empty outputs or aborts the process
            for (int j = 0; j < spatial && transposed; j++)
                while ((sp[j] - 1) * st[j] - 2 * pd[j] + dl[j] * (k[j] - 1) + op[j] + 1 < 1) sp[j]++;
            bool batch = g.Coin(0.8);
            int cin = groups * cinG, cout = groups * coutG;
            int[] shape = batch ? [g.Int(1, 3), cin, .. sp] : [cin, .. sp];
            int[] wshape = transposed ? [cin, coutG, .. k] : [cout, cinG, .. k];
            var layout = g.Layout();
            var inputs = new List<InputSpec> { g.Input(dt, shape, layout), g.Input(dt, wshape, g.Pick("contiguous", "transposed", "sliced")) };
            if (g.Coin(0.7)) inputs.Add(g.Input(dt, [cout]));
            yield return new Sample($"{(batch ? "batched" : "unbatched")}/{layout}/g{groups}/{(inputs.Count == 3 ? "bias" : "nobias")}", [.. inputs],
                new P { Shape = [.. st, .. pd, .. dl, .. op], N = groups });
        }
        int[] ones = Enumerable.Repeat(1, spatial).ToArray();
        int[] Args(int s, int p, int d, int o = 0) => [.. ones.Select(_ => s), .. ones.Select(_ => p), .. ones.Select(_ => d), .. ones.Select(_ => o)];
        int[] Sp(int s) => ones.Select(_ => s).ToArray();
        int[] W(int a, int b, int k) => [a, b, .. Sp(k)];
        yield return new Sample("empty-batch", [g.Input(dt, [0, 2, .. Sp(4)]), g.Input(dt, W(2, 2, 2))], new P { Shape = Args(1, 0, 1), N = 1 });
        yield return new Sample("error:rank", [g.Input(dt, [2, 2]), g.Input(dt, W(2, 2, 2))], new P { Shape = Args(1, 0, 1), N = 1 });
        yield return new Sample("error:channels", [g.Input(dt, [1, 3, .. Sp(4)]), g.Input(dt, W(2, 2, 2))], new P { Shape = Args(1, 0, 1), N = 1 });
        yield return new Sample("error:groups-divide", [g.Input(dt, [1, 4, .. Sp(4)]), g.Input(dt, W(3, 2, 2))], new P { Shape = Args(1, 0, 1), N = 2 });
        yield return new Sample("error:groups-at-least", [g.Input(dt, [1, 4, .. Sp(4)]), g.Input(dt, W(1, 4, 2))], new P { Shape = Args(1, 0, 1), N = 2 });
        yield return new Sample("error:bias", [g.Input(dt, [1, 2, .. Sp(4)]), g.Input(dt, W(2, 2, 2)), g.Input(dt, [3])], new P { Shape = Args(1, 0, 1), N = 1 });
        yield return new Sample("error:negative-padding", [g.Input(dt, [1, 2, .. Sp(4)]), g.Input(dt, W(2, 2, 2))], new P { Shape = Args(1, -1, 1), N = 1 });
        yield return new Sample("error:stride", [g.Input(dt, [1, 2, .. Sp(4)]), g.Input(dt, W(2, 2, 2))], new P { Shape = Args(0, 0, 1), N = 1 });
        yield return new Sample("error:dilation", [g.Input(dt, [1, 2, .. Sp(4)]), g.Input(dt, W(2, 2, 2))], new P { Shape = Args(1, 0, 0), N = 1 });
        yield return new Sample("error:weight-rank", [g.Input(dt, [1, 2, .. Sp(4)]), g.Input(dt, [2, 2])], new P { Shape = Args(1, 0, 1), N = 1 });
        yield return new Sample("error:groups-zero", [g.Input(dt, [1, 2, .. Sp(4)]), g.Input(dt, W(2, 2, 2))], new P { Shape = Args(1, 0, 1), N = 0 });
        yield return new Sample("error:dtype", [g.Input(dt, [1, 2, .. Sp(4)]), g.Input(dt == DType.Float64 ? DType.Float32 : DType.Float64, W(2, 2, 2))],
            new P { Shape = Args(1, 0, 1), N = 1 });
        yield return new Sample("error:bias-dtype", [g.Input(dt, [1, 2, .. Sp(4)]), g.Input(dt, W(2, 2, 2)), g.Input(dt == DType.Float64 ? DType.Float32 : DType.Float64, [2])],
            new P { Shape = Args(1, 0, 1), N = 1 });
        if (!transposed)
        {
            yield return new Sample("error:kernel", [g.Input(dt, [1, 2, .. Sp(2)]), g.Input(dt, W(2, 2, 3))], new P { Shape = Args(1, 0, 1), N = 1 });
            yield return new Sample("error:dilated-kernel", [g.Input(dt, [1, 2, .. Sp(4)]), g.Input(dt, W(2, 2, 3))], new P { Shape = Args(1, 0, 2), N = 1 });
            foreach (var mode in new[] { "same", "valid" })
                for (int i = 0; i < 3; i++)
                {
                    var k = Enumerable.Range(0, spatial).Select(_ => g.Int(1, 5)).ToArray();
                    var dl = k.Select(_ => g.Coin(0.3) ? 2 : 1).ToArray();
                    var sp = k.Select((kk, j) => dl[j] * (kk - 1) + 1 + g.Int(0, 3)).ToArray();
                    yield return new Sample($"{mode}/{string.Join("x", k)}", [g.Input(dt, [g.Int(1, 3), 2, .. sp], g.Layout()), g.Input(dt, [3, 2, .. k])],
                        new P { Shape = [.. ones, .. ones.Select(_ => 0), .. dl, .. ones.Select(_ => 0)], N = 1, Mode = mode });
                }
            yield return new Sample("error:same-strided", [g.Input(dt, [1, 2, .. Sp(4)]), g.Input(dt, W(2, 2, 2))], new P { Shape = Args(2, 0, 1), N = 1, Mode = "same" });
        }
        else
        {
            yield return new Sample("error:output-padding", [g.Input(dt, [1, 2, .. Sp(3)]), g.Input(dt, W(2, 2, 2))], new P { Shape = Args(2, 0, 1, 2), N = 1 });
            yield return new Sample("error:negative-output-padding", [g.Input(dt, [1, 2, .. Sp(3)]), g.Input(dt, W(2, 2, 2))], new P { Shape = Args(2, 0, 1, -1), N = 1 });
            if (dt != DType.Float32) // libtorch's float32 route aborts the process on this input
                yield return new Sample("error:output-size", [g.Input(dt, [1, 2, .. Sp(1)]), g.Input(dt, W(2, 2, 1))], new P { Shape = Args(1, 1, 1), N = 1 });
        }
    }

    private static Tensor? NBias(Tensor[] x) => x.Length > 2 ? x[2] : null;
    private static TT? TBias(TT[] x) => x.Length > 2 ? x[2] : null;

    private static Tensor NConv(Tensor[] x, P p, int spatial, bool transposed)
    {
        int[] part(int which) => Part(p, spatial, which);
        if (transposed)
            return spatial switch
            {
                1 => F.ConvTranspose1d(x[0], x[1], NBias(x), part(0), part(1), part(3), p.N, part(2)),
                2 => F.ConvTranspose2d(x[0], x[1], NBias(x), part(0), part(1), part(3), p.N, part(2)),
                _ => F.ConvTranspose3d(x[0], x[1], NBias(x), part(0), part(1), part(3), p.N, part(2)),
            };
        if (p.Mode is { } mode)
        {
            var pad = mode == "same" ? ConvPadding.Same : ConvPadding.Valid;
            return spatial switch
            {
                1 => F.Conv1d(x[0], x[1], NBias(x), part(0), pad, part(2), p.N),
                2 => F.Conv2d(x[0], x[1], NBias(x), part(0), pad, part(2), p.N),
                _ => F.Conv3d(x[0], x[1], NBias(x), part(0), pad, part(2), p.N),
            };
        }
        return spatial switch
        {
            1 => F.Conv1d(x[0], x[1], NBias(x), part(0), part(1), part(2), p.N),
            2 => F.Conv2d(x[0], x[1], NBias(x), part(0), part(1), part(2), p.N),
            _ => F.Conv3d(x[0], x[1], NBias(x), part(0), part(1), part(2), p.N),
        };
    }

    private static TT TConv(TT[] x, P p, int spatial, bool transposed)
    {
        long[] part(int which) => TPart(p, spatial, which);
        if (transposed)
            return spatial switch
            {
                1 => TF.conv_transpose1d(x[0], x[1], TBias(x), part(0)[0], part(1)[0], part(3)[0], part(2)[0], p.N),
                2 => TF.conv_transpose2d(x[0], x[1], TBias(x), part(0), part(1), part(3), part(2), p.N),
                _ => TF.conv_transpose3d(x[0], x[1], TBias(x), part(0), part(1), part(3), part(2), p.N),
            };
        if (p.Mode is { } mode)
        {
            var pad = mode == "same" ? Padding.Same : Padding.Valid;
            return spatial switch
            {
                1 => TF.conv1d_padding(x[0], x[1], TBias(x), part(0)[0], pad, part(2)[0], p.N),
                2 => TF.conv2d_padding(x[0], x[1], TBias(x), part(0), pad, part(2), p.N),
                _ => TF.conv3d_padding(x[0], x[1], TBias(x), part(0), pad, part(2), p.N),
            };
        }
        return spatial switch
        {
            1 => TF.conv1d(x[0], x[1], TBias(x), part(0)[0], part(1)[0], part(2)[0], p.N),
            2 => TF.conv2d(x[0], x[1], TBias(x), part(0), part(1), part(2), p.N),
            _ => TF.conv3d(x[0], x[1], TBias(x), part(0), part(1), part(2), p.N),
        };
    }

    private static IEnumerable<Sample> LinearSamples(Gen g, DType dt)
    {
        int[][] lead = [[], [3], [2, 3], [0], [2, 1, 2]];
        foreach (var l in lead)
            foreach (var bias in new[] { true, false })
            {
                int fin = g.Int(1, 5), fout = g.Int(1, 4);
                var layout = g.Layout();
                var inputs = new List<InputSpec> { g.Input(dt, [.. l, fin], layout), g.Input(dt, [fout, fin], g.Pick("contiguous", "transposed")) };
                if (bias) inputs.Add(g.Input(dt, g.Coin(0.8) ? [fout] : [1]));
                // TorchSharp calls the C++ frontend's linear, which matmuls an N-d input where Python's at::linear flattens it into addmm:
                // the values agree, only Bool's dispatch error names another kernel
                if (bias && l.Length >= 2 && dt == DType.Bool) continue;
                yield return new Sample($"lead{l.Length}/{layout}/{(bias ? "bias" : "nobias")}", [.. inputs], new P());
            }
        yield return new Sample("weight-1d", [g.Input(dt, [2, 3]), g.Input(dt, [3])], new P());
        yield return new Sample("error:features", [g.Input(dt, [2, 3]), g.Input(dt, [4, 2])], new P());
        yield return new Sample("error:features-bias", [g.Input(dt, [2, 3]), g.Input(dt, [4, 2]), g.Input(dt, [4])], new P());
        yield return new Sample("error:bias-size", [g.Input(dt, [2, 3]), g.Input(dt, [4, 3]), g.Input(dt, [3])], new P());
        // No 0-d sample: TorchSharp calls the C++ frontend's linear (matmul's message), Python at::linear (its own); a unit test holds the latter.
        yield return new Sample("error:dtype", [g.Input(dt, [2, 3]), g.Input(dt == DType.Float64 ? DType.Float32 : DType.Float64, [4, 3])], new P());
        yield return new Sample("error:bias-dtype", [g.Input(dt, [2, 3]), g.Input(dt, [4, 3]), g.Input(dt == DType.Float64 ? DType.Float32 : DType.Float64, [4])], new P());
    }

    private static IEnumerable<OpInfo> BuildConvolution()
    {
        DType[] dts = [DType.Float32, DType.Float64, DType.Int64, DType.Bool];
        yield return new("nn.functional.linear", (x, p) => A(F.Linear(x[0], x[1], NBias(x))), (x, p) => A(TF.linear(x[0], x[1], TBias(x))),
            dts, LinearSamples);
        foreach (var spatial in new[] { 1, 2, 3 })
        {
            int s = spatial;
            yield return new($"nn.functional.conv{s}d", (x, p) => A(NConv(x, p, s, false)), (x, p) => A(TConv(x, p, s, false)),
                dts, (g, d) => ConvSamples(g, d, s, false));
            yield return new($"nn.functional.conv_transpose{s}d", (x, p) => A(NConv(x, p, s, true)), (x, p) => A(TConv(x, p, s, true)),
                dts, (g, d) => ConvSamples(g, d, s, true));
        }
    }
}

/// <summary>Unfold and fold samples: P.Shape = [kH, kW, dH, dW, pH, pW, sH, sW]; fold's output size in P.Dims.</summary>
public static partial class OpTable
{
    private static IEnumerable<Sample> UnfoldSamples(Gen g, DType dt)
    {
        for (int i = 0; i < 10; i++)
        {
            var k = new[] { g.Int(1, 4), g.Int(1, 4) };
            var d = new[] { g.Coin(0.3) ? 2 : 1, g.Coin(0.3) ? 2 : 1 };
            var p = new[] { g.Int(0, 2), g.Int(0, 2) };
            var s = new[] { g.Int(1, 3), g.Int(1, 3) };
            var sp = k.Select((kk, j) => Math.Max(d[j] * (kk - 1) + 1 - 2 * p[j], 1) + g.Int(0, 3)).ToArray();
            var layout = g.Layout();
            yield return new Sample($"{layout}", [g.Input(dt, [g.Int(1, 3), g.Int(1, 4), .. sp], layout)], new P { Shape = [.. k, .. d, .. p, .. s] });
        }
        yield return new Sample("empty-batch", [g.Input(dt, [0, 2, 3, 3])], new P { Shape = [2, 2, 1, 1, 0, 0, 1, 1] });
        yield return new Sample("error:too-small", [g.Input(dt, [1, 2, 3, 3])], new P { Shape = [4, 2, 1, 1, 0, 0, 1, 1] });
        yield return new Sample("error:kernel", [g.Input(dt, [1, 2, 3, 3])], new P { Shape = [0, 2, 1, 1, 0, 0, 1, 1] });
        yield return new Sample("error:dilation", [g.Input(dt, [1, 2, 3, 3])], new P { Shape = [1, 2, 0, 1, 0, 0, 1, 1] });
        yield return new Sample("error:padding", [g.Input(dt, [1, 2, 3, 3])], new P { Shape = [1, 2, 1, 1, -1, 0, 1, 1] });
        yield return new Sample("error:stride", [g.Input(dt, [1, 2, 3, 3])], new P { Shape = [1, 2, 1, 1, 0, 0, 1, 0] });
        yield return new Sample("error:empty", [g.Input(dt, [1, 0, 3, 3])], new P { Shape = [1, 2, 1, 1, 0, 0, 1, 1] });
    }

    private static IEnumerable<Sample> FoldSamples(Gen g, DType dt)
    {
        foreach (var u in UnfoldSamples(g, dt).Where(u => !u.Kind.StartsWith("error") && u.Kind != "empty-batch"))
        {
            var x = u.Inputs[0].Shape;
            var a = u.Args.Shape!;
            var blocks = Enumerable.Range(0, 2).Select(j => (x[2 + j] + 2 * a[4 + j] - a[2 + j] * (a[j] - 1) - 1) / a[6 + j] + 1).ToArray();
            var layout = g.Layout();
            yield return new Sample($"{layout}", [g.Input(dt, [x[0], x[1] * a[0] * a[1], blocks[0] * blocks[1]], layout)], u.Args with { Dims = [x[2], x[3]] });
        }
        P Args(int[] shape, int[] size) => new() { Shape = shape, Dims = size };
        yield return new Sample("unbatched", [g.Input(dt, [4, 4])], Args([2, 2, 1, 1, 0, 0, 1, 1], [3, 3]));
        yield return new Sample("error:divisible", [g.Input(dt, [1, 3, 4])], Args([2, 2, 1, 1, 0, 0, 1, 1], [3, 3]));
        yield return new Sample("error:blocks", [g.Input(dt, [1, 4, 5])], Args([2, 2, 1, 1, 0, 0, 1, 1], [3, 3]));
        yield return new Sample("error:too-small", [g.Input(dt, [1, 4, 0])], Args([2, 2, 1, 1, 0, 0, 1, 1], [1, 1]));
        yield return new Sample("error:kernel", [g.Input(dt, [1, 4, 4])], Args([0, 2, 1, 1, 0, 0, 1, 1], [3, 3]));
    }

    private static (long, long) T2(int[] v, int at) => (v[at], v[at + 1]);

    private static IEnumerable<OpInfo> BuildFold()
    {
        DType[] dts = [DType.Float32, DType.Float64, DType.Int64, DType.Bool];
        yield return new("nn.functional.unfold",
            (x, p) => A(F.Unfold(x[0], p.Shape![0..2], p.Shape[2..4], p.Shape[4..6], p.Shape[6..8])),
            (x, p) => A(TF.unfold(x[0], T2(p.Shape!, 0), T2(p.Shape!, 2), T2(p.Shape!, 4), T2(p.Shape!, 6))), dts, UnfoldSamples);
        yield return new("nn.functional.fold",
            (x, p) => A(F.Fold(x[0], p.Dims!, p.Shape![0..2], p.Shape[2..4], p.Shape[4..6], p.Shape[6..8])),
            (x, p) => A(TF.fold(x[0], T2(p.Dims!, 0), T2(p.Shape!, 0), T2(p.Shape!, 2), T2(p.Shape!, 4), T2(p.Shape!, 6))), dts, FoldSamples);
    }
}
