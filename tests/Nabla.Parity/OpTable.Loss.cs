using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TF = TorchSharp.torch.nn.functional;

namespace Nabla.Parity;

/// <summary>Losses: nll_loss, cross_entropy, and the pointwise losses.</summary>
public static partial class OpTable
{
    private static Reduction NRed(P p) => p.Mode switch { "none" => Reduction.None, "sum" => Reduction.Sum, _ => Reduction.Mean };
    private static torch.nn.Reduction TRed(P p) => p.Mode switch { "none" => torch.nn.Reduction.None, "sum" => torch.nn.Reduction.Sum, _ => torch.nn.Reduction.Mean };
    private static long TRedInt(P p) => p.Mode switch { "none" => 0, "sum" => 2, _ => 1 };

    // nll_loss_nd through TorchScript: TorchSharp's nll_loss has no ignore_index (probed in a child process first).
    private const string NllScript =
        "def f(x: Tensor, t: Tensor, reduction: int, ignore_index: int):\n    return torch.nll_loss_nd(x, t, None, reduction, ignore_index)\n"
        + "def fw(x: Tensor, t: Tensor, w: Tensor, reduction: int, ignore_index: int):\n    return torch.nll_loss_nd(x, t, w, reduction, ignore_index)\n";

    /// <summary>
    /// Class-index targets for inputs (C), (N, C) and (N, C, d...): P.Mode = reduction, P.N = ignore_index, P.Flag = a
    /// class-weight input follows. Targets sometimes hold the ignore index; error samples cover bounds, sizes, dtypes.
    /// </summary>
    private static IEnumerable<Sample> ClassTargetSamples(Gen g, DType dt, bool logProbabilities)
    {
        int[][] shapes = [[4], [3, 4], [2, 3, 2], [2, 3, 2, 2], [2, 3, 1, 2, 2], [0, 3], [1, 1]];
        foreach (var shape in shapes.Concat(shapes))
        {
            int c = shape.Length == 1 ? shape[0] : shape[1];
            int[] tshape = shape.Length == 1 ? [] : [shape[0], .. shape[2..]];
            int count = tshape.Aggregate(1, (a, b) => a * b);
            long ignore = g.Pick(-100L, 1L, -1L);
            var targets = Enumerable.Range(0, count).Select(_ => g.Coin(0.2) ? (double)ignore : g.Int(0, c)).ToArray();
            if (ignore >= c || (ignore < 0 && ignore != -100 && targets.Contains(ignore))) targets = targets.Select(t => t == ignore ? 0.0 : t).ToArray();
            bool weighted = g.Coin();
            // A non-contiguous 4-d input makes libtorch's nll_loss2d backward fail ("grad_input must be contiguous") inside the
            // autograd engine, which terminates the process through TorchSharp: 4-d inputs stay contiguous.
            var layout = logProbabilities && shape.Length == 4 ? "contiguous" : g.Layout();
            var kind = logProbabilities ? Values.Normal : FloatKind(g, dt, Values.Normal);
            var inputs = new List<InputSpec> { g.Input(dt, shape, layout, kind), IndexInput(tshape, targets) };
            if (weighted) inputs.Add(g.Input(dt, [c], Values.Positive, grad: false));
            var red = g.Pick("none", "mean", "sum");
            yield return new Sample($"{shape.Length}d/{layout}/{red}{(weighted ? "/weight" : "")}/ignore{ignore}", [.. inputs], new P { Mode = red, N = (int)ignore, Flag = weighted });
        }
        yield return new Sample("all-ignored/mean", [g.Input(dt, [2, 3]), IndexInput([2], [-100, -100])], new P { Mode = "mean", N = -100 });
        yield return new Sample("error:target-bounds", [g.Input(dt, [2, 3]), IndexInput([2], [0, 3])], new P { Mode = "mean", N = -100 });
        yield return new Sample("error:target-negative", [g.Input(dt, [2, 3]), IndexInput([2], [-1, 0])], new P { Mode = "none", N = -100 });
        yield return new Sample("error:spatial-bounds", [g.Input(dt, [1, 3, 2, 1]), IndexInput([1, 2, 1], [0, 5])], new P { Mode = "sum", N = -100 });
        yield return new Sample("error:batch", [g.Input(dt, [2, 3]), IndexInput([3], [0, 1, 2])], new P { Mode = "mean", N = -100 });
        yield return new Sample("error:spatial-size", [g.Input(dt, [2, 3, 4]), IndexInput([2, 3], [0, 1, 2, 0, 1, 2])], new P { Mode = "mean", N = -100 });
        yield return new Sample("error:weight-size", [g.Input(dt, [2, 3]), IndexInput([2], [0, 1]), g.Input(dt, [2], Values.Positive, grad: false)], new P { Mode = "mean", N = -100, Flag = true });
        yield return new Sample("error:target-rank", [g.Input(dt, [2, 3]), IndexInput([2, 1], [0, 1])], new P { Mode = "mean", N = -100 });
        yield return new Sample("error:target-int32", [g.Input(dt, [2, 3]), new InputSpec(DType.Int32, [2], [0, 1], [], false)], new P { Mode = "mean", N = -100 });
        yield return new Sample("error:0d", [g.Input(dt, []), IndexInput([], [0])], new P { Mode = "mean", N = -100 });
    }

    /// <summary>Probability targets of the input's shape (P.Flag: class weights), label smoothing in P.S.</summary>
    private static IEnumerable<Sample> ProbabilityTargetSamples(Gen g, DType dt)
    {
        foreach (var shape in new[] { new[] { 4 }, [3, 4], [2, 3, 2], [2, 3, 2, 2], [0, 3] })
        {
            int c = shape.Length == 1 ? shape[0] : shape[1];
            bool weighted = g.Coin();
            var layout = g.Layout();
            var inputs = new List<InputSpec> { g.Input(dt, shape, layout), g.Input(dt, shape, Values.Small) };
            if (weighted) inputs.Add(g.Input(dt, [c], Values.Positive, grad: false));
            var red = g.Pick("none", "mean", "sum");
            double smoothing = g.Pick(0.0, 0.0, 0.2);
            yield return new Sample($"probs/{shape.Length}d/{layout}/{red}{(weighted ? "/weight" : "")}/ls{smoothing}", [.. inputs],
                new P { Mode = red, N = -100, Flag = weighted, S = smoothing });
        }
        yield return new Sample("error:probs-ignore-index", [g.Input(dt, [2, 3]), g.Input(dt, [2, 3], Values.Small)], new P { Mode = "mean", N = 1 });
        yield return new Sample("error:probs-int-target", [g.Input(dt, [2, 3]), IndexInput([2, 3], [0, 1, 0, 1, 0, 1])], new P { Mode = "mean", N = -100 });
        yield return new Sample("error:smoothing", [g.Input(dt, [2, 3]), IndexInput([2], [0, 1])], new P { Mode = "mean", N = -100, S = 1.5 });
    }

    private static IEnumerable<OpInfo> BuildLoss()
    {
        yield return new("nn.functional.nll_loss",
            (x, p) => A(F.NllLoss(x[0], x[1], p.Flag ? x[2] : null, p.N, NRed(p))),
            (x, p) => A(p.Flag ? Script(NllScript, "fw", x[0], x[1], x[2], TRedInt(p), (long)p.N) : Script(NllScript, "f", x[0], x[1], TRedInt(p), (long)p.N)),
            [DType.Float32, DType.Float64, DType.Int64], (g, d) => ClassTargetSamples(g, d, logProbabilities: true));
        yield return new("nn.functional.cross_entropy",
            (x, p) => A(F.CrossEntropy(x[0], x[1], p.Flag ? x[2] : null, p.N, NRed(p), p.S)),
            (x, p) => A(TF.cross_entropy(x[0], x[1], p.Flag ? x[2] : null, p.N, TRed(p), p.S)),
            Floats, (g, d) => ClassTargetSamples(g, d, logProbabilities: false)
                .Concat(ClassTargetSamples(g, d, logProbabilities: false).Where(s => !s.Kind.StartsWith("error")).Select(s => s with { Kind = s.Kind + "/ls0.1", Args = s.Args with { S = 0.1 } }))
                .Concat(ProbabilityTargetSamples(g, d)));
    }
}
