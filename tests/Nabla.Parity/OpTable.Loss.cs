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

    /// <summary>Input/target pairs of one shape (some broadcast), values of <paramref name="input"/> and <paramref name="target"/> kinds; P.Mode = reduction.</summary>
    private static IEnumerable<Sample> PairLossSamples(Gen g, DType dt, Values input, Values target, bool broadcast, params double[] extras)
    {
        foreach (var shape in g.Shapes(0, 3))
        {
            var red = g.Pick("none", "mean", "sum");
            yield return new Sample($"{g.Layout()}/{red}", [g.AnyLayout(dt, shape, input), g.AnyLayout(dt, shape, target)],
                new P { Mode = red, S = extras.Length > 0 ? g.Pick(extras) : 0 });
        }
        if (broadcast) yield return new Sample("broadcast", [g.Input(dt, [3, 4], input), g.Input(dt, [4], target)], new P { Mode = "mean", S = extras.Length > 0 ? extras[0] : 0 });
        yield return new Sample("error:broadcast", [g.Input(dt, [2, 3], input), g.Input(dt, [2, 2], target)], new P { Mode = "mean", S = extras.Length > 0 ? extras[0] : 0 });
    }

    /// <summary>Three same-shaped operands (two inputs and a ±1 target, or anchor/positive/negative).</summary>
    private static IEnumerable<Sample> TripleLossSamples(Gen g, DType dt, int[][] shapes, bool signTarget, params double[] extras)
    {
        foreach (var shape in shapes)
        {
            var red = g.Pick("none", "mean", "sum");
            int[] tshape = signTarget ? shape.Length == 2 && extras.Length == 0 ? [shape[0]] : shape : shape;
            var target = signTarget ? new InputSpec(dt, tshape, g.ValuesFor(dt, tshape.Aggregate(1, (a, b) => a * b), Values.Normal).Select(v => v >= 0 ? 1.0 : -1.0).ToArray(), [], false)
                : g.AnyLayout(dt, tshape);
            yield return new Sample($"{shape.Length}d/{red}", [g.AnyLayout(dt, shape), g.AnyLayout(dt, shape), target],
                new P { Mode = red, S = extras.Length > 0 ? g.Pick(extras) : g.Pick(0.0, 0.5), Flag = g.Coin() });
        }
    }

    private static IEnumerable<OpInfo> BuildPointwiseLoss()
    {
        yield return new("nn.functional.mse_loss", (x, p) => A(F.MseLoss(x[0], x[1], NRed(p))), (x, p) => A(TF.mse_loss(x[0], x[1], TRed(p))),
            Floats, (g, d) => PairLossSamples(g, d, Values.Normal, Values.Normal, true));
        yield return new("nn.functional.l1_loss", (x, p) => A(F.L1Loss(x[0], x[1], NRed(p))), (x, p) => A(TF.l1_loss(x[0], x[1], TRed(p))),
            Floats, (g, d) => PairLossSamples(g, d, Values.Normal, Values.Normal, true));
        yield return new("nn.functional.smooth_l1_loss", (x, p) => A(F.SmoothL1Loss(x[0], x[1], NRed(p), p.S)), (x, p) => A(TF.smooth_l1_loss(x[0], x[1], TRed(p), p.S)),
            Floats, (g, d) => PairLossSamples(g, d, Values.Normal, Values.Normal, true, 1.0, 0.5, 0.0)
                .Append(new Sample("error:beta", [g.Input(d, [3]), g.Input(d, [3])], new P { Mode = "mean", S = -1 })));
        yield return new("nn.functional.huber_loss", (x, p) => A(F.HuberLoss(x[0], x[1], NRed(p), p.S)), (x, p) => A(TF.huber_loss(x[0], x[1], p.S, TRed(p))),
            Floats, (g, d) => PairLossSamples(g, d, Values.Normal, Values.Normal, true, 1.0, 0.5, 2.0)
                .Append(new Sample("error:delta", [g.Input(d, [3]), g.Input(d, [3])], new P { Mode = "mean", S = 0 })));
        yield return new("nn.functional.binary_cross_entropy", (x, p) => A(F.BinaryCrossEntropy(x[0], x[1], x.Length > 2 ? x[2] : null, NRed(p))),
            (x, p) => A(!x[0].shape.SequenceEqual(x[1].shape)
                // torch.nn.functional.binary_cross_entropy checks the sizes in Python (TorchSharp's C++ frontend words it otherwise).
                ? throw new System.Runtime.InteropServices.ExternalException($"Using a target size (torch.Size([{string.Join(", ", x[1].shape)}])) that is different to the input size (torch.Size([{string.Join(", ", x[0].shape)}])) is deprecated. Please ensure they have the same size.")
                : TF.binary_cross_entropy(x[0], x[1], x.Length > 2 ? x[2] : null, TRed(p))),
            Floats, (g, d) => PairLossSamples(g, d, Values.Small, Values.Small, false).Select(s => s with
            {
                Inputs = [s.Inputs[0] with { Values = s.Inputs[0].Values.Select(v => v / 2.2 + 0.02).ToArray() }, s.Inputs[1] with { Values = s.Inputs[1].Values.Select(v => v / 2).ToArray() },
                    .. g.Coin() ? new[] { g.Input(d, s.Inputs[0].Shape, Values.Positive, grad: false) } : []],
            }).Append(new Sample("error:range", [g.Input(d, [3], Values.Positive), g.Input(d, [3], Values.Small)], new P { Mode = "mean" })));
        yield return new("nn.functional.binary_cross_entropy_with_logits",
            (x, p) => A(F.BinaryCrossEntropyWithLogits(x[0], x[1], null, NRed(p), p.Flag ? x[2] : null)),
            (x, p) => A(TF.binary_cross_entropy_with_logits(x[0], x[1], null, TRed(p), p.Flag ? x[2] : null)),
            Floats, (g, d) => PairLossSamples(g, d, Values.Normal, Values.Small, false).Select(s =>
            {
                bool pw = g.Coin() && s.Inputs[0].Shape.Length > 0;
                return s with
                {
                    Inputs = [s.Inputs[0], s.Inputs[1] with { Values = s.Inputs[1].Values.Select(v => v / 2).ToArray() },
                        .. pw ? new[] { g.Input(d, [s.Inputs[0].Shape[^1]], Values.Positive, grad: false) } : []],
                    Args = s.Args with { Flag = pw },
                };
            }));
        yield return new("nn.functional.kl_div",
            (x, p) => A(F.KlDiv(x[0], x[1], p.Mode switch { "none" => KlDivReduction.None, "sum" => KlDivReduction.Sum, "batchmean" => KlDivReduction.BatchMean, _ => KlDivReduction.Mean }, p.Flag)),
            (x, p) => A(p.Mode == "batchmean" ? TF.kl_div(x[0], x[1], p.Flag, torch.nn.Reduction.Sum) / (x[0].dim() == 0 ? 1 : x[0].shape[0]) : TF.kl_div(x[0], x[1], p.Flag, TRed(p))),
            Floats, (g, d) => PairLossSamples(g, d, Values.Normal, Values.Small, false).Select(s => s with { Args = s.Args with { Flag = g.Coin(), Mode = g.Pick("none", "sum", "mean", "batchmean") } }));
        yield return new("nn.functional.margin_ranking_loss", (x, p) => A(F.MarginRankingLoss(x[0], x[1], x[2], p.S, NRed(p))),
            (x, p) => A(x[0].dim() != x[1].dim() || x[0].dim() != x[2].dim()
                // torch.nn.functional checks the ranks in Python, which TorchSharp does not run.
                ? throw new System.Runtime.InteropServices.ExternalException($"margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: torch.Size([{string.Join(", ", x[0].shape)}]), input2: torch.Size([{string.Join(", ", x[1].shape)}]), target: torch.Size([{string.Join(", ", x[2].shape)}]) ")
                : TF.margin_ranking_loss(x[0], x[1], x[2], p.S, TRed(p))), Floats,
            (g, d) => TripleLossSamples(g, d, [[5], [3, 4], []], signTarget: true, 0.0, 0.5, -0.3)
                .Append(new Sample("error:rank", [g.Input(d, [3]), g.Input(d, [3]), new InputSpec(d, [3, 1], [1, -1, 1], [], false)], new P { Mode = "mean" })));
        yield return new("nn.functional.cosine_embedding_loss", (x, p) => A(F.CosineEmbeddingLoss(x[0], x[1], x[2], p.S, NRed(p))),
            (x, p) => A(TF.cosine_embedding_loss(x[0], x[1], x[2], p.S, TRed(p))), Floats,
            (g, d) => TripleLossSamples(g, d, [[3, 4], [2, 5]], signTarget: true)
                .Concat(new[] { new Sample("1d", [g.Input(d, [4]), g.Input(d, [4]), new InputSpec(d, [], [-1], [], false)], new P { Mode = "none", S = 0.2 }) })
                .Append(new Sample("error:rank", [g.Input(d, [4]), g.Input(d, [4]), new InputSpec(d, [4], [1, 1, 1, 1], [], false)], new P { Mode = "mean" })));
        yield return new("nn.functional.triplet_margin_loss", (x, p) => A(F.TripletMarginLoss(x[0], x[1], x[2], p.S, p.Flag ? 1 : 2, 1e-6, p.Flag, NRed(p))),
            (x, p) => A(TF.triplet_margin_loss(x[0], x[1], x[2], p.S, p.Flag ? 1 : 2, 1e-6, p.Flag, TRed(p))), Floats,
            (g, d) => TripleLossSamples(g, d, [[3, 4], [2, 5], [4]], signTarget: false, 1.0, 0.5)
                .Append(new Sample("error:rank", [g.Input(d, [2, 3]), g.Input(d, [2, 3]), g.Input(d, [3])], new P { Mode = "mean", S = 1 })));
        yield return new("nn.functional.poisson_nll_loss", (x, p) => A(F.PoissonNllLoss(x[0], x[1], !p.Flag, p.Keep, 1e-8, NRed(p))),
            (x, p) => A(TF.poisson_nll_loss(x[0], x[1], !p.Flag, p.Keep, 1e-8f, TRed(p))), Floats,
            (g, d) => PairLossSamples(g, d, Values.Positive, Values.Positive, false).Select(s => s with { Args = s.Args with { Flag = g.Coin(), Keep = g.Coin() } }));
    }

    private static IEnumerable<OpInfo> BuildLoss()
    {
        foreach (var op in BuildPointwiseLoss()) yield return op;
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
