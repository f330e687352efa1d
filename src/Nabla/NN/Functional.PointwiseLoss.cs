using Nabla.Core;

namespace Nabla.NN;

/// <summary>The pointwise losses (mse, l1, smooth_l1, huber, binary cross entropy, kl_div, margin and embedding losses).</summary>
public static partial class F
{
    /// <summary>torch.nn.functional.mse_loss: <c>(input - target)²</c>, reduced; input and target broadcast together.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        return FusedLoss(input, target, null, reduction, "MseLossBackward0", (x, t) => (x - t).Pow(2), 0.0, LossDerivatives.Mse);
    }

    /// <summary>torch.nn.functional.l1_loss: <c>|input - target|</c>, reduced (PyTorch's composition: abs, then mean or sum).</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        var (x, t) = BroadcastPair(input, target);
        return Reduce((x - t).Abs(), reduction);
    }

    /// <summary>
    /// torch.nn.functional.smooth_l1_loss: <c>0.5 d² / beta</c> where |d| &lt; beta, else <c>|d| - 0.5 beta</c> (d = input - target);
    /// beta = 0 is the L1 loss. Throws ArgumentException for a negative beta.
    /// </summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        Errors.Check(beta >= 0, "smooth_l1_loss does not support negative values for beta.");
        if (beta == 0) return L1Loss(input, target, reduction);
        return FusedLoss(input, target, null, reduction, "SmoothL1LossBackward0", (x, t) =>
        {
            var d = (x - t).Abs();
            return Tensor.Where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta);
        }, beta, LossDerivatives.SmoothL1);
    }

    /// <summary>
    /// torch.nn.functional.huber_loss: <c>0.5 d²</c> where |d| &lt; delta, else <c>delta (|d| - 0.5 delta)</c>.
    /// Throws ArgumentException for delta ≤ 0.
    /// </summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        Errors.Check(delta > 0, "huber_loss does not support non-positive values for delta.");
        return FusedLoss(input, target, null, reduction, "HuberLossBackward0", (x, t) =>
        {
            var d = (x - t).Abs();
            return Tensor.Where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta));
        }, delta, LossDerivatives.Huber);
    }

    /// <summary>
    /// torch.nn.functional.binary_cross_entropy: <c>-weight (t log x + (1 - t) log(1 - x))</c> with each log clamped at -100.
    /// Throws ArgumentException when the sizes differ or an input lies outside [0, 1].
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!target.Sizes.SequenceEqual(input.Sizes))
            throw Errors.Runtime($"Using a target size (torch.Size({Errors.Shape(target.Sizes)})) that is different to the input size (torch.Size({Errors.Shape(input.Sizes)})) is deprecated. Please ensure they have the same size.");
        using (GradMode.NoGrad())
            Errors.Check(input.Numel == 0 || ((input >= 0) & (input <= 1)).All().Item<bool>(), "all elements of input should be between 0 and 1");
        return FusedLoss(input, target, weight, reduction, "BinaryCrossEntropyBackward0", (x, t) =>
            -(t * x.Log().ClampMin(-100) + (1 - t) * (1 - x).Log().ClampMin(-100)), 0.0, LossDerivatives.BinaryCrossEntropy);
    }

    /// <summary>
    /// torch.nn.functional.binary_cross_entropy_with_logits: BCE of sigmoid(input) computed stably,
    /// <c>(1 - t) x + (1 + (posWeight - 1) t) (log1p(exp(-|x|)) + max(-x, 0))</c>, times weight.
    /// Throws ArgumentException when the sizes differ.
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
        Tensor? posWeight = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!target.Sizes.SequenceEqual(input.Sizes))
            throw Errors.Runtime($"Target size ({Errors.Shape(target.Sizes)}) must be the same as input size ({Errors.Shape(input.Sizes)})");
        var pw = posWeight;
        var y = FusedLoss(input, target, weight, reduction, "BinaryCrossEntropyWithLogitsBackward0", (x, t) =>
        {
            var softplusNeg = (-x.Abs()).Exp().Log1p() + (-x).ClampMin(0);
            return (1 - t) * x + (pw is null ? softplusNeg : ((pw - 1) * t + 1) * softplusNeg);
        }, 0, LossDerivatives.BinaryCrossEntropyWithLogits, pw);
        return y;
    }

    /// <summary>
    /// torch.nn.functional.kl_div: <c>target (log target - input)</c> (or <c>exp(target) (target - input)</c> with
    /// <paramref name="logTarget"/>), reduced; 'batchmean' divides the sum by input.size(0).
    /// </summary>
    public static Tensor KlDiv(Tensor input, Tensor target, KlDivReduction reduction = KlDivReduction.Mean, bool logTarget = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        var pointwise = logTarget ? target.Exp() * (target - input) : target.Xlogy(target) - target * input;
        return reduction switch
        {
            KlDivReduction.None => pointwise,
            KlDivReduction.Sum => pointwise.Sum(),
            KlDivReduction.Mean => pointwise.Mean(),
            _ => input.Dim == 0 ? pointwise.Sum() : pointwise.Sum() / input.Size(0),
        };
    }

    /// <summary>torch.nn.functional.margin_ranking_loss: <c>max(0, -y (x1 - x2) + margin)</c>. Throws ArgumentException for inputs of different ranks.</summary>
    public static Tensor MarginRankingLoss(Tensor input1, Tensor input2, Tensor target, double margin = 0, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input1);
        ArgumentNullException.ThrowIfNull(input2);
        ArgumentNullException.ThrowIfNull(target);
        if (input1.Dim != input2.Dim || input1.Dim != target.Dim)
            throw Errors.Runtime($"margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: torch.Size({Errors.Shape(input1.Sizes)}), input2: torch.Size({Errors.Shape(input2.Sizes)}), target: torch.Size({Errors.Shape(target.Sizes)}) ");
        return Reduce((-target * (input1 - input2) + margin).ClampMin(0), reduction);
    }

    /// <summary>
    /// torch.nn.functional.cosine_embedding_loss: <c>1 - cos(x1, x2)</c> where y = 1, <c>max(0, cos - margin)</c> where y = -1,
    /// over rows of (N, D) inputs with a (N) target or one (D) pair with a 0-d target.
    /// </summary>
    public static Tensor CosineEmbeddingLoss(Tensor input1, Tensor input2, Tensor target, double margin = 0, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input1);
        ArgumentNullException.ThrowIfNull(input2);
        ArgumentNullException.ThrowIfNull(target);
        int d = target.Dim;
        Errors.Check(d is 0 or 1, "0D or 1D target tensor expected, multi-target not supported");
        if (d == 1)
            Errors.Check(input1.Dim == 2 && input2.Dim == 2, $"1D target tensor expects 2D input tensors, but found inputs with sizes {Errors.Shape(input1.Sizes)} and {Errors.Shape(input2.Sizes)}.");
        else
            Errors.Check(input1.Dim == 1 && input2.Dim == 1, $"0D target tensor expects 1D input tensors, but found inputs with sizes {Errors.Shape(input1.Sizes)} and {Errors.Shape(input2.Sizes)}.");
        const double epsilon = 1e-12;
        var prodSum = (input1 * input2).Sum(d);
        var magSquare1 = (input1 * input1).Sum(d) + epsilon;
        var magSquare2 = (input2 * input2).Sum(d) + epsilon;
        var cos = prodSum / (magSquare1 * magSquare2).Sqrt();
        var zeros = Tensor.ZerosLike(cos);
        var output = Tensor.Where(target.Eq(1), 1 - cos, zeros) + Tensor.Where(target.Eq(-1), (cos - margin).ClampMin(0), zeros);
        return Reduce(output, reduction);
    }

    /// <summary>
    /// torch.nn.functional.triplet_margin_loss: <c>max(0, margin + d(a, p) - d(a, n))</c> with the p-norm distance of
    /// <c>x1 - x2 + eps</c> over the last dim; <paramref name="swap"/> uses min(d(a, n), d(p, n)).
    /// Throws ArgumentException when the ranks differ.
    /// </summary>
    public static Tensor TripletMarginLoss(Tensor anchor, Tensor positive, Tensor negative, double margin = 1.0, double p = 2, double eps = 1e-6,
        bool swap = false, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(negative);
        if (anchor.Dim != positive.Dim || positive.Dim != negative.Dim)
            throw Errors.Runtime($"The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor {anchor.Dim}D, positive {positive.Dim}D, and negative {negative.Dim}D inputs");
        var distPos = PairwiseDistance(anchor, positive, p, eps);
        var distNeg = PairwiseDistance(anchor, negative, p, eps);
        if (swap) distNeg = distNeg.Minimum(PairwiseDistance(positive, negative, p, eps));
        return Reduce((margin + distPos - distNeg).ClampMin(0), reduction);
    }

    /// <summary>
    /// torch.nn.functional.poisson_nll_loss: <c>exp(input) - target input</c> (log input) or <c>input - target log(input + eps)</c>,
    /// plus Stirling's term for target &gt; 1 when <paramref name="full"/>.
    /// </summary>
    public static Tensor PoissonNllLoss(Tensor input, Tensor target, bool logInput = true, bool full = false, double eps = 1e-8,
        Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        var loss = logInput ? input.Exp() - target * input : input - target * (input + eps).Log();
        if (full)
        {
            var stirling = target * target.Log() - target + 0.5 * (2 * Math.PI * target).Log();
            loss = loss + stirling.MaskedFill(target <= 1, 0.0);
        }
        return Reduce(loss, reduction);
    }

    /// <summary>apply_loss_reduction: mean, sum or the tensor itself.</summary>
    private static Tensor Reduce(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.Mean => loss.Mean(),
        Reduction.Sum => loss.Sum(),
        _ => loss,
    };

    /// <summary>The two operands expanded to their broadcast shape, as torch.nn.functional's losses do.</summary>
    private static (Tensor, Tensor) BroadcastPair(Tensor a, Tensor b)
    {
        var shape = Shapes.Broadcast(a.Sizes, b.Sizes);
        return (a.Sizes.SequenceEqual(shape) ? a : a.Expand(shape), b.Sizes.SequenceEqual(shape) ? b : b.Expand(shape));
    }

    /// <summary>
    /// A loss with one fused node: pointwise values computed without autograd, reduced, and a formula giving the
    /// pointwise derivatives for input and target (saved: input, target, weight, an auxiliary tensor; empty when absent).
    /// </summary>
    private static Tensor FusedLoss<TExtra>(Tensor input, Tensor target, Tensor? weight, Reduction reduction, string node,
        Func<Tensor, Tensor, Tensor> pointwise, TExtra extra, LossDerivative<TExtra> derivative, Tensor? aux = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        var (x, t) = BroadcastPair(input, target);
        Tensor y;
        using (GradMode.NoGrad())
        {
            var loss = pointwise(x.Detach(), t.Detach());
            if (weight is not null) loss = loss * weight;
            y = Reduce(loss, reduction);
        }
        return Graph.Record(y, node, [x, t], (reduction, extra, derivative), LossDerivatives.Pointwise,
            x, t, weight ?? Tensor.Zeros([0], x.DType), aux ?? Tensor.Zeros([0], x.DType));
    }
}
