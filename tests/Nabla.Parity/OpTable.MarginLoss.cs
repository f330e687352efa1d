using System.Runtime.InteropServices;
using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TF = TorchSharp.torch.nn.functional;

namespace Nabla.Parity;

/// <summary>
/// The margin losses and gaussian_nll. Where torch.nn.functional checks or computes in Python (which TorchSharp does not
/// run), the torch side follows the Python function on libtorch ops, with its ValueError wording.
/// </summary>
public static partial class OpTable
{
    private static TT TReduce(TT loss, P p) => p.Mode switch { "none" => loss, "sum" => loss.sum(), _ => loss.mean() };

    /// <summary>torch.nn.functional.multilabel_soft_margin_loss as Python computes it.</summary>
    private static TT TorchMultilabelSoftMargin(TT x, TT t, TT? w, P p)
    {
        var loss = -(t * TF.logsigmoid(x) + (1 - t) * TF.logsigmoid(-x));
        if (w is not null) loss = loss * w;
        if (x.dim() == 0) throw new ExternalException("Dimension specified as -1 but tensor has no dimensions");
        long classDim = x.dim() - 1;
        return TReduce(loss.sum(classDim) / x.size((int)classDim), p);
    }

    /// <summary>torch.nn.functional.gaussian_nll_loss as Python computes it (clone, then clamp_ under no_grad).</summary>
    private static TT TorchGaussianNll(TT x, TT t, TT v, P p)
    {
        if (v.numel() > 0 && v.lt(0).any().item<bool>()) throw new ExternalException("var has negative entry/entries");
        if (!v.shape.SequenceEqual(x.shape))
        {
            var xLead = x.dim() == 0 ? [] : x.shape[..^1];
            var vLead = v.dim() == 0 ? [] : v.shape[..^1];
            if (xLead.SequenceEqual(v.shape)) v = v.unsqueeze(-1);
            else if (!(xLead.SequenceEqual(vLead) && v.dim() > 0 && v.shape[^1] == 1)) throw new ExternalException("var is of incorrect size");
        }
        v = v.clone();
        using (torch.no_grad()) v.clamp_(p.S2);
        var loss = 0.5 * (v.log() + (x - t).pow(2) / v);
        if (p.Flag) loss = loss + 0.5 * Math.Log(2 * Math.PI);
        return TReduce(loss, p);
    }

    /// <summary>torch.nn.functional.multi_margin_loss: Python's p and weight checks, then ATen.</summary>
    private static TT TorchMultiMargin(TT x, TT t, TT? w, P p)
    {
        if (p.N != 1 && p.N != 2) throw new ExternalException("only p == 1 and p == 2 supported");
        if (w is not null && w.dim() != 1) throw new ExternalException("weight must be one-dimensional");
        return TF.multi_margin_loss(x, t, p.N, p.S, w, TRed(p));
    }

    private static InputSpec Signs(Gen g, DType dt, int[] shape, bool withZero = false) =>
        new(dt, shape, Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => withZero && g.Coin(0.15) ? 0.0 : g.Coin() ? 1.0 : -1.0).ToArray(), [], false);

    private static IEnumerable<Sample> SoftMarginSamples(Gen g, DType dt, bool hinge)
    {
        foreach (var shape in g.Shapes(0, 3))
        {
            var red = g.Pick("none", "mean", "sum");
            var layout = g.Layout();
            yield return new Sample($"{layout}/{red}", [g.Input(dt, shape, layout, FloatKind(g, dt, Values.Normal)), Signs(g, dt, shape, withZero: hinge)],
                new P { Mode = red, S = g.Pick(1.0, 0.5, -0.2) });
        }
        yield return new Sample("broadcast", [g.Input(dt, [3, 4]), Signs(g, dt, [4])], new P { Mode = "mean", S = 1 });
        yield return new Sample("error:broadcast", [g.Input(dt, [2, 3]), Signs(g, dt, [2])], new P { Mode = "mean", S = 1 });
    }

    private static IEnumerable<Sample> MultilabelSoftMarginSamples(Gen g, DType dt)
    {
        foreach (var shape in new[] { new[] { 3, 4 }, [5], [2, 3, 4], [0, 3], [1, 1], [4, 2] })
        {
            int c = shape[^1];
            var red = g.Pick("none", "mean", "sum");
            var layout = g.Layout();
            bool weighted = g.Coin();
            var target = g.Input(dt, shape, g.Layout(), Values.Small);
            target = target with { Values = target.Values.Select(v => Math.Round(v / 2, 1)).ToArray() };
            yield return new Sample($"{shape.Length}d/{layout}/{red}{(weighted ? "/weight" : "")}",
                [g.Input(dt, shape, layout), target, .. weighted ? new[] { g.Input(dt, [c], Values.Positive, grad: false) } : []], new P { Mode = red, Flag = weighted });
        }
        yield return new Sample("error:0d", [g.Input(dt, []), g.Input(dt, [], Values.Small)], new P { Mode = "mean" });
        yield return new Sample("error:broadcast", [g.Input(dt, [2, 3]), g.Input(dt, [2, 4], Values.Small)], new P { Mode = "mean" });
    }

    private static IEnumerable<Sample> MultiMarginSamples(Gen g, DType dt)
    {
        foreach (var shape in new[] { new[] { 3, 4 }, [5], [], [1, 3], [0, 3], [4, 2], [2, 5] })
        {
            int frames = shape.Length == 2 ? shape[0] : 1, classes = shape.Length == 0 ? 1 : shape[^1];
            int[] tshape = shape.Length == 2 ? [frames] : g.Coin() ? [] : [1];
            var labels = Enumerable.Range(0, frames).Select(_ => (double)g.Int(0, classes)).ToArray();
            bool weighted = g.Coin();
            // libtorch returns uninitialised memory for an empty batch reduced by mean or sum (probed): empty batches use none.
            var red = frames == 0 ? "none" : g.Pick("none", "mean", "sum");
            var layout = g.Layout();
            var kind = FloatKind(g, dt, Values.Normal);
            yield return new Sample($"{shape.Length}d/{layout}/{kind}/{red}{(weighted ? "/weight" : "")}",
                [g.Input(dt, shape, layout, kind), IndexInput(tshape, labels), .. weighted ? new[] { g.Input(dt, [classes], Values.Positive, grad: false) } : []],
                new P { Mode = red, N = g.Pick(1, 2), S = g.Pick(1.0, 0.5, 0.0), Flag = weighted });
        }
        var x = g.Input(dt, [2, 3]);
        var t = IndexInput([2], [0, 2]);
        yield return new Sample("error:p", [x, t], new P { Mode = "mean", N = 3, S = 1 });
        yield return new Sample("error:weight-2d", [x, t, g.Input(dt, [1, 3], Values.Positive, grad: false)], new P { Mode = "mean", N = 1, S = 1, Flag = true });
        yield return new Sample("error:weight-size", [x, t, g.Input(dt, [2], Values.Positive, grad: false)], new P { Mode = "mean", N = 1, S = 1, Flag = true });
        yield return new Sample("error:empty", [g.Input(dt, [2, 0]), t], new P { Mode = "mean", N = 1, S = 1 });
        yield return new Sample("error:target-size", [x, IndexInput([3], [0, 1, 2])], new P { Mode = "mean", N = 1, S = 1 });
        yield return new Sample("error:target-range", [x, IndexInput([2], [0, 3])], new P { Mode = "sum", N = 1, S = 1 });
        yield return new Sample("error:target-negative", [x, IndexInput([2], [-1, 0])], new P { Mode = "none", N = 1, S = 1 });
    }

    private static IEnumerable<Sample> MultilabelMarginSamples(Gen g, DType dt)
    {
        foreach (var shape in new[] { new[] { 3, 4 }, [5], [1, 3], [4, 2], [2, 5], [] })
        {
            int frames = shape.Length == 2 ? shape[0] : 1, classes = shape.Length == 0 ? 1 : shape[^1];
            var labels = new List<double>();
            for (int n = 0; n < frames; n++)
                for (int j = 0; j < classes; j++) labels.Add(g.Coin(0.3) ? -1 : g.Int(0, classes));
            var red = g.Pick("none", "mean", "sum");
            var layout = g.Layout();
            var kind = FloatKind(g, dt, Values.Normal);
            int[] tshape = shape.Length == 0 ? [1] : shape;
            yield return new Sample($"{shape.Length}d/{layout}/{kind}/{red}", [g.Input(dt, shape, layout, kind), IndexInput(tshape, [.. labels])], new P { Mode = red });
        }
        var x = g.Input(dt, [2, 3]);
        yield return new Sample("error:empty", [g.Input(dt, [2, 0]), IndexInput([2, 0], [])], new P { Mode = "mean" });
        yield return new Sample("error:target-size", [x, IndexInput([2], [0, 1])], new P { Mode = "mean" });
        yield return new Sample("error:target-range", [x, IndexInput([2, 3], [0, 3, -1, 0, 0, 0])], new P { Mode = "mean" });
        yield return new Sample("error:target-negative", [x, IndexInput([2, 3], [0, -2, -1, 0, 0, 0])], new P { Mode = "mean" });
    }

    private static IEnumerable<Sample> GaussianNllSamples(Gen g, DType dt)
    {
        foreach (var (x, v) in new (int[], int[])[] { ([3, 4], [3, 4]), ([3, 4], [3]), ([2, 3, 4], [2, 3, 1]), ([5], [5]), ([5], []), ([], []), ([0, 3], [0, 1]), ([2, 3], [2, 3]) })
        {
            var red = g.Pick("none", "mean", "sum");
            var layout = g.Layout();
            var variance = g.AnyLayout(dt, v, Values.Small);
            // With eps = 0.1 some variances lie below it: the value is clamped, the gradient flows as if it were not. (Tiny
            // variances under eps = 1e-6 would make float32 gradients of order 1e12 whose rounding no tolerance covers.)
            double eps = g.Pick(1e-6, 0.1);
            variance = variance with { Values = variance.Values.Select(a => eps > 0.01 && g.Coin(0.3) ? a * 0.02 : a + 0.05).ToArray() };
            yield return new Sample($"{x.Length}d/var{v.Length}d/{layout}/{red}/eps{eps}", [g.Input(dt, x, layout), g.AnyLayout(dt, x), variance],
                new P { Mode = red, Flag = g.Coin(), S2 = eps });
        }
        yield return new Sample("error:negative-var", [g.Input(dt, [2, 3]), g.Input(dt, [2, 3]), new InputSpec(dt, [2, 3], [1, 1, -0.5, 1, 1, 1], [], true)], new P { Mode = "mean", S2 = 1e-6 });
        yield return new Sample("error:var-size", [g.Input(dt, [2, 3]), g.Input(dt, [2, 3]), g.Input(dt, [2, 2], Values.Positive)], new P { Mode = "mean", S2 = 1e-6 });
        yield return new Sample("error:broadcast", [g.Input(dt, [2, 3]), g.Input(dt, [2, 2]), g.Input(dt, [2, 3], Values.Positive)], new P { Mode = "mean", S2 = 1e-6 });
    }

    private static IEnumerable<OpInfo> BuildMarginLoss()
    {
        yield return new("nn.functional.soft_margin_loss", (x, p) => A(F.SoftMarginLoss(x[0], x[1], NRed(p))), (x, p) => A(TF.soft_margin_loss(x[0], x[1], TRed(p))),
            Floats, (g, d) => SoftMarginSamples(g, d, hinge: false));
        yield return new("nn.functional.hinge_embedding_loss", (x, p) => A(F.HingeEmbeddingLoss(x[0], x[1], p.S, NRed(p))),
            (x, p) => A(TF.hinge_embedding_loss(x[0], x[1], p.S, TRed(p))), Floats, (g, d) => SoftMarginSamples(g, d, hinge: true));
        yield return new("nn.functional.multilabel_soft_margin_loss", (x, p) => A(F.MultilabelSoftMarginLoss(x[0], x[1], p.Flag ? x[2] : null, NRed(p))),
            (x, p) => A(TorchMultilabelSoftMargin(x[0], x[1], p.Flag ? x[2] : null, p)), Floats, MultilabelSoftMarginSamples);
        yield return new("nn.functional.multi_margin_loss", (x, p) => A(F.MultiMarginLoss(x[0], x[1], p.N, p.S, p.Flag ? x[2] : null, NRed(p))),
            (x, p) => A(TorchMultiMargin(x[0], x[1], p.Flag ? x[2] : null, p)), Floats, MultiMarginSamples);
        yield return new("nn.functional.multilabel_margin_loss", (x, p) => A(F.MultilabelMarginLoss(x[0], x[1], NRed(p))),
            (x, p) => A(TF.multi_label_margin_loss(x[0], x[1], TRed(p))), Floats, MultilabelMarginSamples);
        yield return new("nn.functional.gaussian_nll_loss", (x, p) => A(F.GaussianNllLoss(x[0], x[1], x[2], p.Flag, p.S2, NRed(p))),
            (x, p) => A(TorchGaussianNll(x[0], x[1], x[2], p)), Floats, GaussianNllSamples);
    }
}
