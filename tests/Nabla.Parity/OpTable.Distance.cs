using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TF = TorchSharp.torch.nn.functional;

namespace Nabla.Parity;

/// <summary>Distances: pairwise_distance (every p, keepdim, broadcasting) and cosine_similarity (dims, eps, zero vectors).</summary>
public static partial class OpTable
{
    /// <summary>Pairs of shapes that broadcast, including 0-d, 1-d and a row against a batch.</summary>
    private static readonly (int[] A, int[] B)[] DistanceShapes =
        [([4, 5], [4, 5]), ([3, 4], [4]), ([2, 1, 3], [4, 3]), ([6], [6]), ([], []), ([], [3]), ([2, 3, 4], [2, 3, 4]), ([0, 3], [0, 3])];

    /// <summary>pairwise_distance samples: P.S = p, P.S2 = eps, P.Keep = keepdim.</summary>
    private static IEnumerable<Sample> PairwiseDistanceSamples(Gen g, DType dt)
    {
        foreach (var (a, b) in DistanceShapes)
            foreach (double p in new[] { 2.0, 1.0, 3.0, 0.5, double.PositiveInfinity, 0.0 })
            {
                var layout = g.Layout();
                // Ties: equal rows make zero distances (the gradient's masked case) and tied maxima (p = inf).
                var kind = g.Coin(0.25) ? Values.Ties : Values.Normal;
                yield return new Sample($"[{string.Join(",", a)}]-[{string.Join(",", b)}]/p{p}/{layout}", [g.Input(dt, a, layout, kind), g.Input(dt, b, kind)],
                    new P { S = p, S2 = g.Pick(1e-6, 0.0, 0.1), Keep = g.Coin() });
            }
        yield return new Sample("error:broadcast", [g.Input(dt, [3, 4]), g.Input(dt, [3, 5])], new P { S = 2, S2 = 1e-6 });
    }

    /// <summary>cosine_similarity samples: P.Dim = dim, P.S2 = eps.</summary>
    private static IEnumerable<Sample> CosineSimilaritySamples(Gen g, DType dt)
    {
        foreach (var (a, b) in DistanceShapes.Where(s => s.A.Length > 0 || s.B.Length > 0))
        {
            int rank = Math.Max(a.Length, b.Length);
            var layout = g.Layout();
            yield return new Sample($"[{string.Join(",", a)}]-[{string.Join(",", b)}]/{layout}", [g.Input(dt, a, layout), g.Input(dt, b)],
                new P { Dim = g.DimIn(rank), S2 = g.Pick(1e-8, 1e-3, 0.5) });
        }
        // Zero vectors and tiny ones: the eps clamp, whose gradient still flows through the norm.
        yield return new Sample("zero-rows", [new InputSpec(dt, [2, 3], [0, 0, 0, 1, 2, 3], [], dt.IsFloatingPoint()), new InputSpec(dt, [2, 3], [1, -1, 2, 1e-5, 0, 2e-5], [], dt.IsFloatingPoint())],
            new P { Dim = 1, S2 = 1e-3 });
        yield return new Sample("error:dim", [g.Input(dt, [2, 3]), g.Input(dt, [2, 3])], new P { Dim = 2, S2 = 1e-8 });
        yield return new Sample("error:broadcast", [g.Input(dt, [2, 3]), g.Input(dt, [4, 3])], new P { Dim = 1, S2 = 1e-8 });
    }

    private static IEnumerable<OpInfo> BuildDistance()
    {
        yield return new("nn.functional.pairwise_distance",
            (x, p) => A(F.PairwiseDistance(x[0], x[1], p.S, p.S2, p.Keep)),
            (x, p) => A(TF.pairwise_distance(x[0], x[1], p.S, p.S2, p.Keep)),
            Floats, PairwiseDistanceSamples);
        yield return new("nn.functional.cosine_similarity",
            (x, p) => A(F.CosineSimilarity(x[0], x[1], p.Dim, p.S2)),
            (x, p) => A(TF.cosine_similarity(x[0], x[1], p.Dim, p.S2)),
            [DType.Float32, DType.Float64, DType.Int64], CosineSimilaritySamples);
    }
}
