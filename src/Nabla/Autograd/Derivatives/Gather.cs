using Nabla.Core;

namespace Nabla;

internal static partial class Derivatives
{
    // ---- gather, scatter, index_*, masked_*, take: node names --------------------------------------------------
    internal const string GatherBackward0 = nameof(GatherBackward0);
    internal const string ScatterBackward0 = nameof(ScatterBackward0);
    internal const string ScatterBackward1 = nameof(ScatterBackward1);
    internal const string ScatterAddBackward0 = nameof(ScatterAddBackward0);
    internal const string ScatterReduceBackward0 = nameof(ScatterReduceBackward0);
    internal const string IndexAddBackward0 = nameof(IndexAddBackward0);
    internal const string IndexCopyBackward0 = nameof(IndexCopyBackward0);
    internal const string IndexFillBackward0 = nameof(IndexFillBackward0);
    internal const string IndexFillBackward1 = nameof(IndexFillBackward1);
    internal const string MaskedFillBackward0 = nameof(MaskedFillBackward0);
    internal const string MaskedFillBackward1 = nameof(MaskedFillBackward1);
    internal const string MaskedSelectBackward0 = nameof(MaskedSelectBackward0);
    internal const string MaskedScatterBackward0 = nameof(MaskedScatterBackward0);
    internal const string TakeBackward0 = nameof(TakeBackward0);

    /// <summary>PyTorch's node for a backward that must not be differentiated again; running it raises its message.</summary>
    internal const string DelayedErrorNode = "DelayedError";

    /// <summary>scatter_reduce's plain arguments.</summary>
    internal readonly record struct ScatterReduceArgs(int Dim, string Reduce, bool IncludeSelf);

    /// <summary>scatter_reduce (saved: self, index, src, result).</summary>
    internal static Tensor?[] ScatterReduce(Tensor g, Tensor[] s, bool[] needs, ScatterReduceArgs a) =>
        ScatterReduceBackward(g, s[0], a.Dim, s[1], s[2], a.Reduce, a.IncludeSelf, s[3], needs);

    /// <summary>scatter_reduce_backward (FunctionsManual): the gradient of every reduction, built from differentiable ops.</summary>
    private static Tensor?[] ScatterReduceBackward(Tensor grad, Tensor self, int dim, Tensor index, Tensor src,
        string reduce, bool includeSelf, Tensor result, bool[] needs)
    {
        Tensor gradSelf, gradSrc;
        switch (reduce)
        {
            case "sum":
                gradSelf = grad;
                gradSrc = grad.Gather(dim, index);
                break;
            case "prod":
                (gradSelf, gradSrc) = ScatterProdBackward(grad, self, dim, index, src, includeSelf, result);
                break;
            case "mean":
                var n = (includeSelf ? Tensor.OnesLike(grad) : Tensor.ZerosLike(grad)).ScatterAdd(dim, index, Tensor.OnesLike(src));
                n = n.MaskedFill(n.Eq(0), 1);
                gradSelf = grad / n;
                gradSrc = grad.Gather(dim, index) / n.Gather(dim, index);
                break;
            default:
                // amax / amin: ties share the gradient evenly; self counts whenever it equals the result.
                var value = result.Gather(dim, index);
                var selfIsResult = self.Eq(result);
                var srcIsResult = src.Eq(value);
                var count = selfIsResult.To(self.DType).ScatterAdd(dim, index, srcIsResult.To(self.DType));
                var distributed = grad / count;
                gradSelf = selfIsResult * distributed;
                gradSrc = srcIsResult * distributed.Gather(dim, index);
                break;
        }
        // Positions written by src never see self's value when it is excluded.
        if (!includeSelf) gradSelf = gradSelf.Scatter(dim, index, 0);
        return [needs[0] ? gradSelf : null, needs[1] ? gradSrc : null];
    }

    /// <summary>prod: the product of the other factors at each target, exact when some factors are zero.</summary>
    private static (Tensor Self, Tensor Src) ScatterProdBackward(Tensor grad, Tensor self, int dim, Tensor index, Tensor src,
        bool includeSelf, Tensor result)
    {
        var maskedSelf = self.MaskedFill(self.Eq(0), 1);
        var gradSelf = grad * maskedSelf.ScatterReduce(dim, index, src, ScatterReduceMode.Prod, includeSelf) / maskedSelf;
        var srcZero = src.Eq(0);
        var srcNumZeros = Tensor.ZerosLike(self).ScatterAdd(dim, index, srcZero.To(self.DType)).Gather(dim, index);
        // A zero that is alone at its target gets the product of the rest; dividing by it would lose that.
        var singleZero = srcZero & srcNumZeros.Eq(1);
        var maskedSrcResult = self.ScatterReduce(dim, index, src.MaskedFill(singleZero, 1), ScatterReduceMode.Prod, includeSelf);
        var gradSrc = Tensor.Where(singleZero, (grad * maskedSrcResult).Gather(dim, index),
            (grad * result).Gather(dim, index) / src.MaskedFill(srcZero, 1));
        if (srcNumZeros.Gt(1).ToArray<bool>().Any(z => z))
            gradSrc = DelayedError(gradSrc,
                "scatter_reduce(): Double backward is unsupported for src when >1 zeros in src are scattered to the same position in self");
        return (gradSelf, gradSrc);
    }

    /// <summary>The same values, whose own backward raises <paramref name="message"/> (PyTorch's DelayedError node).</summary>
    private static Tensor DelayedError(Tensor t, string message) =>
        Graph.Record(t.Detach(), DelayedErrorNode, [t], message, static (_, _, _, message) => throw Errors.Runtime(message));

    /// <summary>The gradient of masked_scatter's source: the selected gradients, zero-padded to the source's shape.</summary>
    internal static Tensor MaskedScatterSource(Tensor grad, Tensor mask, int[] sourceShape)
    {
        var selected = grad.MaskedSelect(mask);
        int missing = Layout.NumelOf(sourceShape) - selected.Numel;
        if (missing > 0) selected = Tensor.Cat([selected, Tensor.Zeros([missing], grad.DType)]);
        return selected.View(sourceShape);
    }
}
