using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// The margin losses torch.nn completes its set with: soft_margin, multilabel_soft_margin, multi_margin, multilabel_margin,
/// hinge_embedding, and gaussian_nll. Each is written as PyTorch's ATen (or Python) composition of differentiable ops, so the
/// gradients follow from the ops' own formulas; where ATen's fused backward treats a tie differently (z == 0 exactly), the
/// composition uses relu, whose gradient is zero there as the kernels' strict <c>z &gt; 0</c> is.
/// </summary>
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.soft_margin_loss: <c>log(1 + exp(-target · input))</c>, reduced. Input and target broadcast
    /// together (a shape mismatch throws ArgumentException with torch's broadcasting message).
    /// </summary>
    public static Tensor SoftMarginLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        return Reduce((-input * target).Exp().Log1p(), reduction);
    }

    /// <summary>
    /// torch.nn.functional.multilabel_soft_margin_loss: <c>-(t · logsigmoid(x) + (1 - t) · logsigmoid(-x))</c>, times
    /// <paramref name="weight"/>, averaged over the last (class) dim, then reduced over the samples.
    /// Throws IndexException for a 0-d input (it has no class dim), ArgumentException for shapes that do not broadcast.
    /// </summary>
    public static Tensor MultilabelSoftMarginLoss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        var loss = -(target * Logsigmoid(input) + (1 - target) * Logsigmoid(-input));
        if (weight is not null) loss = loss * weight;
        int classDim = input.Dim - 1;
        if (input.Dim == 0)
            throw Errors.Index("Dimension specified as -1 but tensor has no dimensions");
        return Reduce(loss.Sum(classDim) / input.Size(classDim), reduction);
    }

    /// <summary>
    /// torch.nn.functional.multi_margin_loss: for each sample, <c>Σ_{i≠y} max(0, margin - x[y] + x[i])^p · weight[y] / C</c>
    /// over an input of shape (C) or (N, C) and class-index targets of shape () or (N). Throws ArgumentException for p other
    /// than 1 or 2, a weight that is not 1-D, an empty input, targets or weights of the wrong size, and a target out of range.
    /// </summary>
    public static Tensor MultiMarginLoss(Tensor input, Tensor target, int p = 1, double margin = 1, Tensor? weight = null,
        Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        // torch.nn.functional's own (Python) checks come first.
        if (p != 1 && p != 2) throw Errors.Runtime("only p == 1 and p == 2 supported");
        if (weight is not null && weight.Dim != 1) throw Errors.Runtime("weight must be one-dimensional");
        var (frames, classes) = MarginLossFrames(input);
        Errors.Check(target.Dim <= 1 && target.Numel == frames, $"inconsistent target size, expected {frames} but got {Errors.Shape(target.Sizes)}");
        if (weight is not null)
            Errors.Check(weight.Numel == classes, $"inconsistent weight size, expected {classes} but got {Errors.Shape(weight.Sizes)}");
        var labels = MarginLossTargets(target);
        if (labels.Any(t => t < 0 || t >= classes)) throw Errors.Runtime("target out of range");

        var x = input.Reshape(frames, classes);
        var index = Tensor.From(labels).Reshape(frames, 1);
        var raw = margin - x.Gather(1, index) + x;
        // ATen adds a term only where z > 0 and i != y: a NaN or masked term contributes nothing (a product with a 0/1 mask would make inf · 0 = NaN).
        var notTarget = Tensor.Arange(classes).Reshape(1, classes).Ne(index);
        var z = Tensor.Where(raw.Gt(0).LogicalAnd(notTarget), raw, 0.0);
        if (p == 2) z = z * z;
        if (weight is not null) z = z * weight.Gather(0, index.Reshape(frames)).Reshape(frames, 1).To(z.DType);
        var perSample = z.Sum(1) / classes;
        if (reduction != Reduction.None) return Reduce(perSample, reduction);
        return target.Dim == 0 ? perSample.Reshape() : perSample;
    }

    /// <summary>
    /// torch.nn.functional.multilabel_margin_loss: for each sample, <c>Σ_j Σ_{i ∉ targets} max(0, 1 - (x[y_j] - x[i])) / C</c>,
    /// where y holds class indices of the sample's targets, ended by the first -1. Input (C) or (N, C); target of the same
    /// shape (int64). Throws ArgumentException for an empty input, a target of another shape or an index out of range.
    /// </summary>
    public static Tensor MultilabelMarginLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        var (frames, classes) = MarginLossFrames(input);
        bool sameShape = input.Dim <= 1 ? target.Dim <= 1 && target.Numel == classes
            : target.Dim == 2 && target.Size(0) == frames && target.Size(1) == classes;
        Errors.Check(sameShape, $"inconsistent target size: {Errors.Shape(target.Sizes)} for input of size: {Errors.Shape(input.Sizes)}");
        var labels = MarginLossTargets(target);
        if (labels.Length > 0 && (labels.Min() < -1 || labels.Max() >= classes)) throw Errors.Runtime("argument #2 'target' is out of range");

        // Per sample: which target slots are used (up to the first -1), and which classes are targets.
        var used = new bool[labels.Length];
        var isTarget = new bool[labels.Length];
        var gatherIndex = new long[labels.Length];
        for (int n = 0; n < frames; n++)
            for (int j = 0; j < classes; j++)
            {
                long label = labels[n * classes + j];
                if (label < 0) break;
                used[n * classes + j] = true;
                isTarget[n * classes + label] = true;
                gatherIndex[n * classes + j] = label;
            }
        var x = input.Reshape(frames, classes);
        var xTarget = x.Gather(1, Tensor.From(gatherIndex).Reshape(frames, classes));
        // z[n, j, i] = 1 - x[n, y_j] + x[n, i], counted where slot j is used and class i is not a target.
        var raw = 1 - xTarget.Unsqueeze(2) + x.Unsqueeze(1);
        var counted = Tensor.From(used).Reshape(frames, classes, 1).LogicalAnd(Tensor.From(isTarget).Reshape(frames, 1, classes).LogicalNot());
        var perSample = Tensor.Where(raw.Gt(0).LogicalAnd(counted), raw, 0.0).Sum([1, 2]) / classes;
        if (reduction != Reduction.None) return Reduce(perSample, reduction);
        return target.Dim <= 1 ? perSample.Reshape() : perSample;
    }

    /// <summary>
    /// torch.nn.functional.hinge_embedding_loss: <c>x</c> where the target is 1 and <c>max(0, margin - x)</c> where it is -1
    /// (ATen's composition: a target of any other value contributes both terms), reduced; input and target broadcast.
    /// </summary>
    public static Tensor HingeEmbeddingLoss(Tensor input, Tensor target, double margin = 1.0, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        var zeros = Tensor.ZerosLike(input);
        var marginTerm = Tensor.Where(target.Ne(1), (margin - input).ClampMin(0), zeros);
        var selfTerm = Tensor.Where(target.Ne(-1), input, zeros);
        return Reduce(marginTerm + selfTerm, reduction);
    }

    /// <summary>
    /// torch.nn.functional.gaussian_nll_loss: <c>0.5 (log(max(var, eps)) + (input - target)² / max(var, eps))</c>, plus
    /// <c>0.5 log(2π)</c> when <paramref name="full"/>, reduced. <paramref name="var"/> has the input's shape, or one dim
    /// fewer, or a last dim of 1. The clamp at eps is applied to the value only: the gradient flows to var as if unclamped,
    /// as PyTorch's in-place clamp under no_grad does. Throws ArgumentException for a negative var entry or a var of
    /// another size (torch's ValueError wording).
    /// </summary>
    public static Tensor GaussianNllLoss(Tensor input, Tensor target, Tensor var, bool full = false, double eps = 1e-6,
        Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(var);
        using (GradMode.NoGrad())
            if (var.Numel > 0 && var.Lt(0).Any().Item<bool>()) throw Errors.Runtime("var has negative entry/entries");
        if (!var.Sizes.SequenceEqual(input.Sizes))
        {
            // Python slicing: size()[:-1] of a 0-d tensor is the empty size.
            var inputLead = input.Dim == 0 ? [] : input.Sizes[..^1].ToArray();
            var varLead = var.Dim == 0 ? [] : var.Sizes[..^1].ToArray();
            if (inputLead.AsSpan().SequenceEqual(var.Sizes)) var = var.Unsqueeze(-1);
            else if (!(inputLead.AsSpan().SequenceEqual(varLead) && var.Dim > 0 && var.Size(-1) == 1))
                throw Errors.Runtime("var is of incorrect size");
        }
        var clamped = var.Clone();
        using (GradMode.NoGrad()) clamped.Clamp_(eps);
        var loss = 0.5 * (clamped.Log() + (input - target).Pow(2) / clamped);
        if (full) loss = loss + 0.5 * Math.Log(2 * Math.PI);
        return Reduce(loss, reduction);
    }

    /// <summary>The (frames, classes) of a multi-margin input: (C) is one frame, () one frame of one class; throws for an empty input.</summary>
    private static (int Frames, int Classes) MarginLossFrames(Tensor input)
    {
        int d = input.Dim;
        Errors.Check((d == 2 && input.Size(1) != 0) || (d == 1 && input.Size(0) != 0) || d == 0,
            $"Expected non-empty vector or matrix with optional 0-dim batch size, but got: {Errors.Shape(input.Sizes)}");
        return d <= 1 ? (1, d == 0 ? 1 : input.Size(0)) : (input.Size(0), input.Size(1));
    }

    /// <summary>The class indices of a margin-loss target, which must hold int64 as ATen's kernels read it.</summary>
    private static long[] MarginLossTargets(Tensor target)
    {
        if (target.DType != DType.Int64) throw Errors.Runtime($"expected scalar type Long but found {target.DType.ScalarTypeName()}");
        return target.Contiguous().ToArray<long>();
    }
}
