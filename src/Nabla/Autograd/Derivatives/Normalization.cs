namespace Nabla;

/// <summary>
/// Backward formulas of the fused normalisations, written with differentiable ops so that double backward works.
/// Each saves (input, mean, rstd, weight or an empty tensor when there is none).
/// </summary>
internal static class NormalizationDerivatives
{
    internal const string NativeBatchNormBackward0 = nameof(NativeBatchNormBackward0);
    internal const string NativeLayerNormBackward0 = nameof(NativeLayerNormBackward0);
    internal const string NativeGroupNormBackward0 = nameof(NativeGroupNormBackward0);

    /// <summary>native_batch_norm: batch statistics in training (all three gradients), running ones in evaluation.</summary>
    public static Tensor?[] BatchNorm(Tensor grad, Tensor[] s, bool[] needs, (int[] Dims, bool Training, double Eps) a)
    {
        var (x, mean, rstd, weight) = (s[0], s[1], s[2], s[3]);
        if (!GradMode.IsEnabled) return FusedBatchNorm(grad, x, mean, rstd, weight, needs, a.Training);
        if (a.Training) (mean, rstd) = Statistics(x, a.Dims, a.Eps, mean, rstd);
        int channels = x.Size(1);
        var w = weight.Numel == 0 ? null : weight.View(mean.Shape);
        var xhat = (x - mean) * rstd;
        Tensor? gInput = null;
        if (needs[0])
        {
            var gw = w is null ? grad : grad * w;
            gInput = a.Training ? InputGrad(gw, xhat, rstd, a.Dims) : gw * rstd;
        }
        return
        [
            gInput,
            needs[1] ? (grad * xhat).Sum(a.Dims).View(channels) : null,
            needs[2] ? grad.Sum(a.Dims).View(channels) : null,
        ];
    }

    /// <summary>
    /// native_batch_norm's backward when it is not being recorded: two fused passes per channel (Σ grad and
    /// Σ (x - mean) grad, then the input gradient in libtorch's CPU form) instead of a chain of broadcast ops.
    /// </summary>
    private static Tensor?[] FusedBatchNorm(Tensor grad, Tensor x, Tensor mean, Tensor rstd, Tensor weight, bool[] needs, bool training)
    {
        int channels = x.Size(1), count = x.Numel / Math.Max(channels, 1);
        var (g, xc) = (grad.Contiguous(), x.Contiguous());
        var (sumGrad, dot) = Kernels.BatchNorm.GradSums(g, xc, mean);
        var r = rstd.To(DType.Float64).Reshape(channels).ToArray<double>();
        var w = weight.Numel == 0 ? null : weight.To(DType.Float64).ToArray<double>();
        Tensor? gInput = null;
        if (needs[0])
        {
            var meanGrad = new double[channels];
            var k = new double[channels];
            var scale = new double[channels];
            for (int c = 0; c < channels; c++)
            {
                scale[c] = r[c] * (w?[c] ?? 1);
                if (!training) continue;
                meanGrad[c] = sumGrad[c] / count;
                k[c] = dot[c] * r[c] * r[c] / count;
            }
            gInput = Tensor.AllocateForOutput(x.Shape, x.DType);
            Kernels.BatchNorm.InputGrad(g, xc, mean, meanGrad, k, scale, gInput);
        }
        return
        [
            gInput,
            needs[1] ? Tensor.From(dot.Select((d, c) => d * r[c]).ToArray()).To(x.DType) : null,
            needs[2] ? Tensor.From(sumGrad).To(x.DType) : null,
        ];
    }

    /// <summary>
    /// native_layer_norm: statistics over the trailing dims, weight and bias of their shape. The input
    /// gradient in libtorch's CPU form, <c>rstd * dy' + b * x + c</c> (dy' = dy * weight), so float32 rounds alike.
    /// </summary>
    public static Tensor?[] LayerNorm(Tensor grad, Tensor[] s, bool[] needs, (int[] Dims, double Eps) a)
    {
        var (x, mean, rstd, weight) = (s[0], s[1], s[2], s[3]);
        var dims = a.Dims;
        (mean, rstd) = Statistics(x, dims, a.Eps, mean, rstd);
        var outer = Enumerable.Range(0, x.Dim - dims.Length).ToArray();
        Tensor? gInput = null;
        if (needs[0])
        {
            var dy = weight.Numel == 0 ? grad : grad * weight;
            var ds = (dy * x).Sum(dims, keepdim: true);
            var db = dy.Sum(dims, keepdim: true);
            double scale = 1.0 / Math.Max(dims.Aggregate(1, (p, d) => p * x.Size(d)), 1);
            var b = (db * mean - ds) * rstd * rstd * rstd * scale;
            var c = -b * mean - db * rstd * scale;
            gInput = rstd * dy + b * x + c;
        }
        return
        [
            gInput,
            needs[1] ? SumOver(grad * ((x - mean) * rstd), outer) : null,
            needs[2] ? SumOver(grad, outer) : null,
        ];
    }

    /// <summary>
    /// native_group_norm: statistics per (sample, group), weight and bias per channel. The input gradient follows
    /// libtorch's CPU kernel, <c>dx = rstd * gamma * dy + c2 * x + c3</c> with per-group c2 and c3 built from the
    /// per-channel sums of dy and dy * x, so float32 results round as libtorch's do.
    /// </summary>
    public static Tensor?[] GroupNorm(Tensor grad, Tensor[] s, bool[] needs, (int Groups, double Eps) a)
    {
        var (x, mean, rstd, weight) = (s[0], s[1], s[2], s[3]);
        int n = x.Size(0), c = x.Size(1), groups = a.Groups;
        if (GradMode.IsEnabled && x.RequiresGrad)
            (mean, rstd) = Statistics(x.Reshape(n, groups, -1), [2], a.Eps, mean, rstd);
        var channelShape = Enumerable.Repeat(1, x.Dim).ToArray();
        channelShape[1] = c;
        int[] spatial = [.. Enumerable.Range(2, x.Dim - 2)];
        var ds = SumOver(grad * x, spatial).Reshape(n, c);   // per (sample, channel)
        var db = SumOver(grad, spatial).Reshape(n, c);
        Tensor? gInput = null;
        if (needs[0])
        {
            var gamma = weight.Numel == 0 ? null : weight.View(1, groups, c / groups);
            var dsG = gamma is null ? ds.View(n, groups, -1) : ds.View(n, groups, -1) * gamma;
            var dbG = gamma is null ? db.View(n, groups, -1) : db.View(n, groups, -1) * gamma;
            var dsSum = dsG.Sum(2, keepdim: true);
            var dbSum = dbG.Sum(2, keepdim: true);
            double scale = 1.0 / (x.Numel / Math.Max(n * groups, 1));
            var c2 = (dbSum * mean - dsSum) * rstd * rstd * rstd * scale;
            var c3 = -c2 * mean - dbSum * rstd * scale;
            var c1 = gamma is null ? rstd : rstd * gamma;                    // (n, groups, 1 or c/groups)
            var dy = grad.Reshape(n, groups, c / groups, -1);
            var xg = x.Reshape(n, groups, c / groups, -1);
            gInput = (c1.Unsqueeze(-1) * dy + c2.Unsqueeze(-1) * xg + c3.Unsqueeze(-1)).Reshape(x.Shape);
        }
        Tensor? gWeight = null;
        if (needs[1])
        {
            // sum over the batch of (ds - db * mean) * rstd, per channel
            var meanC = mean.Expand(n, groups, c / groups).Reshape(n, c);
            var rstdC = rstd.Expand(n, groups, c / groups).Reshape(n, c);
            gWeight = ((ds - db * meanC) * rstdC).Sum(0);
        }
        return [gInput, gWeight, needs[2] ? db.Sum(0) : null];
    }

    /// <summary>torch's linalg_vector_norm_backward along a kept dim: <c>g · sign(x) |x|^(p-1) / norm^(p-1)</c>, zero where the
    /// norm is zero; for ±inf the gradient goes to the extreme elements, shared evenly; zero for p = 0.</summary>
    public static Tensor?[] VectorNorm(Tensor grad, Tensor[] s, bool[] needs, (double P, int Dim) a)
    {
        var (x, norm) = (s[0], s[1]);
        double p = a.P;
        if (p == 0) return [Tensor.ZerosLike(x)];
        if (p == 1) return [x.Sign() * grad];
        if (p == 2) return [grad * (x / norm).MaskedFill(norm.Eq(0.0), 0.0)];
        if (double.IsInfinity(p))
        {
            var abs = x.Abs();
            var mask = abs.Eq(norm).LogicalOr(abs.IsNan());
            return [x.Sign() * (grad / mask.Sum(a.Dim, keepdim: true) * mask)];
        }
        if (p < 1) return [x.Sign() * x.Abs().Pow(p - 1).MaskedFill(x.Eq(0.0), 0.0) * grad * norm.Pow(1 - p)];
        var scaled = p < 2 ? x.Sign() * x.Abs().Pow(p - 1) : x * x.Abs().Pow(p - 2);
        return [scaled * (grad / norm.Pow(p - 1)).MaskedFill(norm.Eq(0.0), 0.0)];
    }

    /// <summary>
    /// The saved statistics, or, when the backward itself is being recorded (double backward), the same statistics
    /// recomputed from <paramref name="x"/> with differentiable ops so that their dependence on x is differentiated too.
    /// </summary>
    private static (Tensor Mean, Tensor Rstd) Statistics(Tensor x, int[] dims, double eps, Tensor mean, Tensor rstd)
    {
        if (!GradMode.IsEnabled || !x.RequiresGrad) return (mean, rstd);
        var m = x.Mean(dims, keepdim: true);
        return (m, ((x - m).Pow(2).Mean(dims, keepdim: true) + eps).Rsqrt());
    }

    /// <summary>The sum over <paramref name="dims"/>; the tensor itself when there are none (Sum([]) would reduce everything).</summary>
    private static Tensor SumOver(Tensor t, int[] dims) => dims.Length == 0 ? t : t.Sum(dims);

    /// <summary>
    /// The input gradient of <c>xhat = (x - mean(x)) * rstd</c> normalised over <paramref name="dims"/>, given the
    /// gradient <paramref name="gw"/> arriving at xhat: <c>rstd * (gw - mean(gw) - xhat * mean(gw * xhat))</c>.
    /// </summary>
    private static Tensor InputGrad(Tensor gw, Tensor xhat, Tensor rstd, int[] dims) =>
        rstd * (gw - gw.Mean(dims, keepdim: true) - xhat * (gw * xhat).Mean(dims, keepdim: true));
}
