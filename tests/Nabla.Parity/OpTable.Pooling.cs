using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using static Nabla.Parity.Harness.Values;
using TF = TorchSharp.torch.nn.functional;

namespace Nabla.Parity;

/// <summary>Padding modes, pooling, and the seeded random factories.</summary>
public static partial class OpTable
{
    private static IEnumerable<Sample> PadModeSamples(Gen g, DType dt)
    {
        foreach (var mode in new[] { "reflect", "replicate", "circular" })
        {
            foreach (int pairs in new[] { 1, 1, 2, 2, 3 })
            {
                int rank = pairs + g.Int(1, 3);
                var shape = Enumerable.Range(0, rank).Select(i => i < rank - pairs ? g.Int(1, 3) : g.Int(1, 5)).ToArray();
                if (g.Coin(0.15)) shape[0] = 0;
                var pad = new int[2 * pairs];
                for (int i = 0; i < pad.Length; i++)
                {
                    int size = shape[rank - 1 - i / 2];
                    int hi = mode == "reflect" ? size - 1 : mode == "circular" ? size : 3;
                    pad[i] = g.Coin(0.15) && size > 1 && mode != "reflect" ? -1 : g.Int(0, Math.Max(hi, 0) + 1);
                }
                var layout = g.Layout();
                yield return new Sample($"{mode}/pad{pairs}/{layout}", [g.Input(dt, shape, layout, FloatKind(g, dt, Normal))], new P { Mode = mode, Shape = pad });
            }
            yield return new Sample($"error:{mode}/rank", [g.Input(dt, [4])], new P { Mode = mode, Shape = [1, 1] });
            yield return new Sample($"error:{mode}/too-wide", [g.Input(dt, [1, 2, 3])], new P { Mode = mode, Shape = [4, 4] });
        }
    }

    /// <summary>Pooling samples: P.Shape = [kernel.., stride.., padding.., dilation..]; Flag = ceil_mode; Keep = count_include_pad.</summary>
    private static IEnumerable<Sample> PoolSamples(Gen g, DType dt, int spatial, bool dilation)
    {
        for (int i = 0; i < 10; i++)
        {
            bool batch = g.Coin();
            var sp = Enumerable.Range(0, spatial).Select(_ => g.Int(1, 7)).ToArray();
            int[] shape = batch ? [g.Int(1, 3), g.Int(1, 3), .. sp] : [g.Int(1, 3), .. sp];
            var k = sp.Select(s => g.Int(1, Math.Min(s, 4) + 1)).ToArray();
            var st = k.Select(kk => g.Int(1, 4)).ToArray();
            var pd = k.Select(kk => g.Int(0, kk / 2 + 1)).ToArray();
            var dl = k.Select((kk, j) => dilation && g.Coin(0.3) && (kk - 1) * 2 + 1 <= sp[j] + 2 * pd[j] ? 2 : 1).ToArray();
            var kind = dt.IsFloatingPoint() ? g.Pick(Normal, Ties, Ties, Values.Edge) : Normal;
            var layout = g.Layout();
            yield return new Sample($"{(batch ? "batched" : "unbatched")}/{layout}/{kind}", [g.Input(dt, shape, layout, kind)],
                new P { Shape = [.. k, .. st, .. pd, .. dl], Flag = g.Coin(), Keep = g.Coin() });
        }
        if (spatial == 2)
            // 2 x 2 windows at stride 2 over rows wide enough for the vectorised max-pool path (16 columns and a tail)
            foreach (var kind in dt.IsFloatingPoint() ? new[] { Normal, Ties, Values.Edge } : [Normal])
            {
                var layout = g.Layout();
                yield return new Sample($"pairs/{layout}/{kind}", [g.Input(dt, [2, 3, 6, 38], layout, kind)],
                    new P { Shape = [2, 2, 2, 2, 0, 0, 1, 1], Flag = g.Coin(), Keep = true });
            }
        int[] one = Enumerable.Repeat(1, spatial).ToArray();
        int[] Args(int k, int s, int p) => [.. one.Select(_ => k), .. one.Select(_ => s), .. one.Select(_ => p), .. one];
        int[] sh = spatial == 1 ? [1, 2, 5] : [1, 2, 5, 5];
        yield return new Sample("ceil-last-window", [g.Input(dt, sh)], new P { Shape = Args(2, 2, 1), Flag = true, Keep = false });
        yield return new Sample("error:padding", [g.Input(dt, sh)], new P { Shape = Args(2, 1, 2) });
        yield return new Sample("error:kernel", [g.Input(dt, sh)], new P { Shape = Args(7, 1, 0) });
        yield return new Sample("error:rank", [g.Input(dt, spatial == 1 ? [5] : [5, 5])], new P { Shape = Args(2, 1, 0) });
    }

    private static int[] Part(P p, int spatial, int which) => p.Shape!.Skip(which * spatial).Take(spatial).ToArray();
    private static long[] TPart(P p, int spatial, int which) => L(Part(p, spatial, which));

    private static IEnumerable<Sample> AdaptiveSamples(Gen g, DType dt, int spatial)
    {
        for (int i = 0; i < 8; i++)
        {
            bool batch = g.Coin();
            var sp = Enumerable.Range(0, spatial).Select(_ => g.Int(1, 7)).ToArray();
            int[] shape = batch ? [g.Int(1, 3), g.Int(1, 3), .. sp] : [g.Int(1, 3), .. sp];
            var outSize = sp.Select(s => g.Int(1, s + 3)).ToArray(); // including larger than the input
            var kind = dt.IsFloatingPoint() ? g.Pick(Normal, Ties, Values.Edge) : Normal;
            var layout = g.Layout();
            yield return new Sample($"{(batch ? "batched" : "unbatched")}/{layout}/{kind}/out[{string.Join(",", outSize)}]", [g.Input(dt, shape, layout, kind)], new P { Shape = outSize });
        }
        yield return new Sample("error:rank", [g.Input(dt, spatial == 1 ? [5] : [5, 5])], new P { Shape = Enumerable.Repeat(2, spatial).ToArray() });
        yield return new Sample("error:empty", [g.Input(dt, spatial == 1 ? [2, 0] : [2, 0, 3])], new P { Shape = Enumerable.Repeat(2, spatial).ToArray() });
    }

    private static IEnumerable<OpInfo> BuildPooling()
    {
        var all = Gen.All;
        yield return new("nn.functional.pad(reflect/replicate/circular)", (x, p) => A(F.Pad(x[0], p.Shape!, Enum.Parse<PadMode>(p.Mode!, ignoreCase: true))),
            (x, p) => A(TF.pad(x[0], L(p.Shape!), p.Mode switch { "reflect" => PaddingModes.Reflect, "replicate" => PaddingModes.Replicate, _ => PaddingModes.Circular })),
            all, PadModeSamples);
        yield return new("max_pool1d_with_indices",
            (x, p) => { var (o, i) = F.MaxPool1dWithIndices(x[0], p.Shape![0], p.Shape[1], p.Shape[2], p.Shape[3], p.Flag); return A(o, i); },
            (x, p) => { var (o, i) = TF.max_pool1d_with_indices(x[0], p.Shape![0], p.Shape[1], p.Shape[2], p.Shape[3], p.Flag); return A(o, i); },
            all, (g, d) => PoolSamples(g, d, 1, true));
        yield return new("max_pool2d_with_indices",
            (x, p) => { var (o, i) = F.MaxPool2dWithIndices(x[0], Part(p, 2, 0), Part(p, 2, 1), Part(p, 2, 2), Part(p, 2, 3), p.Flag); return A(o, i); },
            (x, p) => { var (o, i) = TF.max_pool2d_with_indices(x[0], TPart(p, 2, 0), TPart(p, 2, 1), TPart(p, 2, 2), TPart(p, 2, 3), p.Flag); return A(o, i); },
            all, (g, d) => PoolSamples(g, d, 2, true));
        yield return new("avg_pool1d",
            (x, p) => A(F.AvgPool1d(x[0], p.Shape![0], p.Shape[1], p.Shape[2], p.Flag, p.Keep)),
            (x, p) => A(TF.avg_pool1d(x[0], p.Shape![0], p.Shape[1], p.Shape[2], p.Flag, p.Keep)),
            all, (g, d) => PoolSamples(g, d, 1, false));
        yield return new("avg_pool2d",
            (x, p) => A(F.AvgPool2d(x[0], Part(p, 2, 0), Part(p, 2, 1), Part(p, 2, 2), p.Flag, p.Keep)),
            (x, p) => A(TF.avg_pool2d(x[0], TPart(p, 2, 0), TPart(p, 2, 1), TPart(p, 2, 2), p.Flag, p.Keep)),
            all, (g, d) => PoolSamples(g, d, 2, false).Where(s => !s.Kind.StartsWith("error:rank")));
        yield return new("adaptive_avg_pool1d", (x, p) => A(F.AdaptiveAvgPool1d(x[0], p.Shape![0])), (x, p) => A(TF.adaptive_avg_pool1d(x[0], p.Shape![0])),
            all, (g, d) => AdaptiveSamples(g, d, 1));
        yield return new("adaptive_avg_pool2d", (x, p) => A(F.AdaptiveAvgPool2d(x[0], p.Shape!.Select(v => (int?)v).ToArray())),
            (x, p) => A(TF.adaptive_avg_pool2d(x[0], L(p.Shape!))), all, (g, d) => AdaptiveSamples(g, d, 2));
        yield return new("adaptive_max_pool2d", (x, p) => A(F.AdaptiveMaxPool2d(x[0], p.Shape!.Select(v => (int?)v).ToArray())),
            (x, p) => A(TF.adaptive_max_pool2d(x[0], L(p.Shape!))), all, (g, d) => AdaptiveSamples(g, d, 2));
        yield return new("max_unpool2d(max_pool2d)",
            (x, p) =>
            {
                var (o, i) = F.MaxPool2dWithIndices(x[0], Part(p, 2, 0), Part(p, 2, 1));
                return A(F.MaxUnpool2d(o, i, Part(p, 2, 0), Part(p, 2, 1), null, p.Flag ? [.. x[0].Shape[^2..]] : null));
            },
            (x, p) =>
            {
                var (o, i) = TF.max_pool2d_with_indices(x[0], TPart(p, 2, 0), TPart(p, 2, 1));
                // TorchSharp 0.107's max_unpool2d rejects a missing or 2-element output_size ("length of '0'", probed);
                // a 4-element one works (its first two entries are dropped, as in Python): give the default that way.
                var k = TPart(p, 2, 0); var s = TPart(p, 2, 1);
                long[] size = p.Flag ? [1, 1, .. x[0].shape[^2..]] : [1, 1, (o.shape[^2] - 1) * s[0] + k[0], (o.shape[^1] - 1) * s[1] + k[1]];
                return A(TF.max_unpool2d(o, i, k, s, null, size));
            },
            Gen.Floats, (g, d) => PoolSamples(g, d, 2, false).Where(s => !s.Kind.StartsWith("error")).Select(s =>
                s with { Args = s.Args with { Shape = [.. Part(s.Args, 2, 0), .. Part(s.Args, 2, 1)] } }));
    }

    // ----- seeded random factories: exact equality of the draws, shown as values and as bit patterns -----

    private static Tensor NBits(Tensor t)
    {
        var v = t.DType.IsFloatingPoint() ? t.ToArray<double>().Select(BitConverter.DoubleToInt64Bits).ToArray() : t.ToArray<long>();
        return Tensor.From(v).Reshape(t.Shape);
    }

    private static TT TBits(TT t)
    {
        var v = t.is_floating_point() ? Runner.Read<double>(t, torch.ScalarType.Float64).Select(BitConverter.DoubleToInt64Bits).ToArray() : Runner.Read<long>(t, torch.ScalarType.Int64);
        return torch.tensor(v, t.shape);
    }

    private static IEnumerable<Sample> RandomSamples(Gen g, DType dt) =>
        from seed in new[] { 0, 1, 42, 20261126 }
        from n in new[] { 3, 16, 17, 100 }
        select new Sample($"seed{seed}/n{n}", [], new P { N = seed, Dim = n, To = dt });

    private static IEnumerable<OpInfo> BuildRandom()
    {
        Tensor[] N(Func<Tensor> f, P p) { Tensor.ManualSeed((ulong)p.N); var t = f(); return A(t, NBits(t)); }
        TT[] T(Func<TT> f, P p) { torch.manual_seed(p.N); var t = f(); return A(t, TBits(t)); }
        yield return new("rand(seeded)", (x, p) => N(() => Tensor.Rand([p.Dim], p.To), p), (x, p) => T(() => torch.rand(p.Dim, Runner.ToTorch(p.To)), p),
            Gen.Floats, RandomSamples, Differentiable: false);
        yield return new("randn(seeded)", (x, p) => N(() => Tensor.Randn([p.Dim], p.To), p), (x, p) => T(() => torch.randn(p.Dim, Runner.ToTorch(p.To)), p),
            Gen.Floats, RandomSamples, Differentiable: false);
        yield return new("randint(seeded)", (x, p) => N(() => Tensor.Randint(0, 10, [p.Dim], p.To), p),
            (x, p) => T(() => torch.randint(0L, 10L, new long[] { p.Dim }, Runner.ToTorch(p.To)), p),
            [DType.Int64, DType.Int32, DType.Float32], RandomSamples, Differentiable: false);
        yield return new("randperm(seeded)", (x, p) => N(() => Tensor.Randperm(p.Dim, p.To), p), (x, p) => T(() => torch.randperm(p.Dim, Runner.ToTorch(p.To)), p),
            [DType.Int64, DType.Float32], RandomSamples, Differentiable: false);
    }
}
