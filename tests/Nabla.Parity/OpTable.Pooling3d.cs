using Nabla.NN;
using Nabla.Parity.Harness;
using TF = TorchSharp.torch.nn.functional;

namespace Nabla.Parity;

/// <summary>3-D pooling, max_unpool1d/3d and lp_pool1d/2d, on the pooling sample generators of OpTable.Pooling.cs.</summary>
public static partial class OpTable
{
    private const string AdaptiveMaxScript =
        "def v1(x: Tensor, n: int):\n    return torch.adaptive_max_pool1d(x, [n])[0]\n"
        + "def i1(x: Tensor, n: int):\n    return torch.adaptive_max_pool1d(x, [n])[1]\n"
        + "def v3(x: Tensor, a: int, b: int, c: int):\n    return torch.adaptive_max_pool3d(x, [a, b, c])[0]\n"
        + "def i3(x: Tensor, a: int, b: int, c: int):\n    return torch.adaptive_max_pool3d(x, [a, b, c])[1]\n";

    private static IEnumerable<OpInfo> BuildPooling3d()
    {
        var all = Gen.All;
        yield return new("max_pool3d_with_indices",
            (x, p) => { var (o, i) = F.MaxPool3dWithIndices(x[0], Part(p, 3, 0), Part(p, 3, 1), Part(p, 3, 2), Part(p, 3, 3), p.Flag); return A(o, i); },
            (x, p) => { var (o, i) = TF.max_pool3d_with_indices(x[0], TPart(p, 3, 0), TPart(p, 3, 1), TPart(p, 3, 2), TPart(p, 3, 3), p.Flag); return A(o, i); },
            all, (g, d) => PoolSamples(g, d, 3, true));
        yield return new("avg_pool3d",
            (x, p) => A(F.AvgPool3d(x[0], Part(p, 3, 0), Part(p, 3, 1), Part(p, 3, 2), p.Flag, p.Keep)),
            (x, p) => A(TF.avg_pool3d(x[0], TPart(p, 3, 0), TPart(p, 3, 1), TPart(p, 3, 2), p.Flag, p.Keep)),
            all, (g, d) => PoolSamples(g, d, 3, false));
        yield return new("adaptive_avg_pool3d", (x, p) => A(F.AdaptiveAvgPool3d(x[0], p.Shape!.Select(v => (int?)v).ToArray())),
            (x, p) => A(TF.adaptive_avg_pool3d(x[0], L(p.Shape!))), all, (g, d) => AdaptiveSamples(g, d, 3));
        // TorchSharp 0.107 routes adaptive_max_pool3d (and its with_indices binding) to adaptive_max_pool1d, and has no
        // adaptive_max_pool1d of its own: both reach libtorch through TorchScript.
        yield return new("adaptive_max_pool1d",
            (x, p) => { var (o, i) = F.AdaptiveMaxPool1dWithIndices(x[0], p.Shape![0]); return A(o, i); },
            (x, p) => A(Script(AdaptiveMaxScript, "v1", x[0], (long)p.Shape![0]), Script(AdaptiveMaxScript, "i1", x[0], (long)p.Shape![0])),
            all, (g, d) => AdaptiveSamples(g, d, 1));
        yield return new("adaptive_max_pool3d",
            (x, p) => { var (o, i) = F.AdaptiveMaxPool3dWithIndices(x[0], p.Shape!.Select(v => (int?)v).ToArray()); return A(o, i); },
            (x, p) => A(Script(AdaptiveMaxScript, "v3", [x[0], .. p.Shape!.Select(v => (object)(long)v)]), Script(AdaptiveMaxScript, "i3", [x[0], .. p.Shape!.Select(v => (object)(long)v)])),
            all, (g, d) => AdaptiveSamples(g, d, 3));
        yield return new("max_unpool3d(max_pool3d)",
            (x, p) =>
            {
                var (o, i) = F.MaxPool3dWithIndices(x[0], Part(p, 3, 0), Part(p, 3, 1));
                return A(F.MaxUnpool3d(o, i, Part(p, 3, 0), Part(p, 3, 1), null, p.Flag ? [.. x[0].Shape[^3..]] : null));
            },
            (x, p) =>
            {
                var (o, i) = TF.max_pool3d_with_indices(x[0], TPart(p, 3, 0), TPart(p, 3, 1));
                var k = TPart(p, 3, 0); var s = TPart(p, 3, 1);
                long[] size = p.Flag ? x[0].shape[^3..] : Enumerable.Range(0, 3).Select(j => (o.shape[^(3 - j)] - 1) * s[j] + k[j]).ToArray();
                // as for max_unpool2d, TorchSharp drops an output_size without the N and C entries
                return A(TF.max_unpool3d(o, i, k, s, [0, 0, 0], [1, 1, .. size]));
            },
            Gen.Floats, (g, d) => PoolSamples(g, d, 3, false).Where(s => !s.Kind.StartsWith("error")).Select(s =>
                s with { Args = s.Args with { Shape = [.. Part(s.Args, 3, 0), .. Part(s.Args, 3, 1)] } }));
        yield return new("max_unpool1d(max_pool1d)",
            (x, p) =>
            {
                var (o, i) = F.MaxPool1dWithIndices(x[0], p.Shape![0], p.Shape[1]);
                return A(F.MaxUnpool1d(o, i, p.Shape[0], p.Shape[1], 0, p.Flag ? [x[0].Shape[^1]] : null));
            },
            (x, p) =>
            {
                var (o, i) = TF.max_pool1d_with_indices(x[0], p.Shape![0], p.Shape[1]);
                long size = p.Flag ? x[0].shape[^1] : (o.shape[^1] - 1) * p.Shape[1] + p.Shape[0];
                return A(TF.max_unpool1d(o, i, p.Shape[0], p.Shape[1], 0, [1, 1, size]));
            },
            Gen.Floats, (g, d) => PoolSamples(g, d, 1, false).Where(s => !s.Kind.StartsWith("error")).Select(s =>
                s with { Args = s.Args with { Shape = [.. Part(s.Args, 1, 0), .. Part(s.Args, 1, 1)] } }));
        yield return new("lp_pool1d",
            (x, p) => A(F.LpPool1d(x[0], p.Keep ? 2 : 3, p.Shape![0], p.Shape[1], p.Flag)),
            (x, p) => A(TF.lp_pool1d(x[0], p.Keep ? 2 : 3, p.Shape![0], p.Shape[1], p.Flag)),
            Gen.Floats, (g, d) => PoolSamples(g, d, 1, false).Where(s => s.Args.Shape!.Skip(2).Take(1).All(v => v == 0)));
        yield return new("lp_pool2d",
            (x, p) => A(F.LpPool2d(x[0], p.Keep ? 2 : 1.5, Part(p, 2, 0), Part(p, 2, 1), p.Flag)),
            (x, p) => A(TF.lp_pool2d(x[0], p.Keep ? 2 : 1.5, TPart(p, 2, 0), TPart(p, 2, 1), p.Flag)),
            Gen.Floats, (g, d) => PoolSamples(g, d, 2, false).Where(s => Part(s.Args, 2, 2).All(v => v == 0)));
    }
}
