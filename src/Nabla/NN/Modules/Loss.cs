namespace Nabla.NN;

/// <summary>torch.nn.CrossEntropyLoss: F.cross_entropy(input, target) with fixed weight (a buffer), ignore_index,
/// reduction and label_smoothing.</summary>
public class CrossEntropyLoss : Module<Tensor, Tensor, Tensor>
{
    /// <summary>nn.CrossEntropyLoss(weight, ignore_index, reduction, label_smoothing).</summary>
    public CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    {
        RegisterBuffer("weight", weight);
        IgnoreIndex = ignoreIndex;
        Reduction = reduction;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>The per-class weight buffer, or null.</summary>
    public Tensor? Weight => BufferSlot("weight");
    /// <summary>ignore_index.</summary>
    public long IgnoreIndex { get; }
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; }
    /// <summary>label_smoothing.</summary>
    public double LabelSmoothing { get; }

    /// <summary>F.cross_entropy(input, target, ...).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2)
    {
        ArgumentNullException.ThrowIfNull(input1);
        ArgumentNullException.ThrowIfNull(input2);
        return F.CrossEntropy(input1, input2, Weight, IgnoreIndex, Reduction, LabelSmoothing);
    }
}

/// <summary>torch.nn.NLLLoss: F.nll_loss(input, target) with fixed weight (a buffer), ignore_index and reduction.</summary>
public class NLLLoss : Module<Tensor, Tensor, Tensor>
{
    /// <summary>nn.NLLLoss(weight, ignore_index, reduction).</summary>
    public NLLLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        RegisterBuffer("weight", weight);
        IgnoreIndex = ignoreIndex;
        Reduction = reduction;
    }

    /// <summary>The per-class weight buffer, or null.</summary>
    public Tensor? Weight => BufferSlot("weight");
    /// <summary>ignore_index.</summary>
    public long IgnoreIndex { get; }
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; }

    /// <summary>F.nll_loss(input, target, ...).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2)
    {
        ArgumentNullException.ThrowIfNull(input1);
        ArgumentNullException.ThrowIfNull(input2);
        return F.NllLoss(input1, input2, Weight, IgnoreIndex, Reduction);
    }
}

/// <summary>torch.nn.MSELoss.</summary>
public class MSELoss(Reduction reduction = Reduction.Mean) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; } = reduction;
    /// <summary>F.mse_loss(input, target, reduction).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.MseLoss(input1, input2, Reduction);
}

/// <summary>torch.nn.L1Loss.</summary>
public class L1Loss(Reduction reduction = Reduction.Mean) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; } = reduction;
    /// <summary>F.l1_loss(input, target, reduction).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.L1Loss(input1, input2, Reduction);
}

/// <summary>torch.nn.SmoothL1Loss.</summary>
public class SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; } = reduction;
    /// <summary>beta.</summary>
    public double Beta { get; } = beta;
    /// <summary>F.smooth_l1_loss(input, target, reduction, beta).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.SmoothL1Loss(input1, input2, Reduction, Beta);
}

/// <summary>torch.nn.HuberLoss.</summary>
public class HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; } = reduction;
    /// <summary>delta.</summary>
    public double Delta { get; } = delta;
    /// <summary>F.huber_loss(input, target, reduction, delta).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.HuberLoss(input1, input2, Reduction, Delta);
}

/// <summary>torch.nn.BCELoss: binary cross entropy of probabilities, with an optional weight buffer.</summary>
public class BCELoss : Module<Tensor, Tensor, Tensor>
{
    /// <summary>nn.BCELoss(weight, reduction).</summary>
    public BCELoss(Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        RegisterBuffer("weight", weight);
        Reduction = reduction;
    }

    /// <summary>The weight buffer, or null.</summary>
    public Tensor? Weight => BufferSlot("weight");
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; }
    /// <summary>F.binary_cross_entropy(input, target, weight, reduction).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.BinaryCrossEntropy(input1, input2, Weight, Reduction);
}

/// <summary>torch.nn.BCEWithLogitsLoss: binary cross entropy of logits, with optional weight and pos_weight buffers.</summary>
public class BCEWithLogitsLoss : Module<Tensor, Tensor, Tensor>
{
    /// <summary>nn.BCEWithLogitsLoss(weight, reduction, pos_weight).</summary>
    public BCEWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null)
    {
        RegisterBuffer("weight", weight);
        RegisterBuffer("pos_weight", posWeight);
        Reduction = reduction;
    }

    /// <summary>The weight buffer, or null.</summary>
    public Tensor? Weight => BufferSlot("weight");
    /// <summary>The pos_weight buffer, or null.</summary>
    public Tensor? PosWeight => BufferSlot("pos_weight");
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; }
    /// <summary>F.binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.BinaryCrossEntropyWithLogits(input1, input2, Weight, Reduction, PosWeight);
}

/// <summary>torch.nn.KLDivLoss: input holds log-probabilities; the target probabilities, or log-probabilities with log_target.</summary>
public class KLDivLoss(KlDivReduction reduction = KlDivReduction.Mean, bool logTarget = false) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>reduction.</summary>
    public KlDivReduction Reduction { get; } = reduction;
    /// <summary>log_target.</summary>
    public bool LogTarget { get; } = logTarget;
    /// <summary>F.kl_div(input, target, reduction, log_target).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.KlDiv(input1, input2, Reduction, LogTarget);
}

/// <summary>torch.nn.MarginRankingLoss: max(0, −y·(x₁ − x₂) + margin).</summary>
public class MarginRankingLoss(double margin = 0.0, Reduction reduction = Reduction.Mean) : Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>margin.</summary>
    public double Margin { get; } = margin;
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; } = reduction;
    /// <summary>F.margin_ranking_loss(input1, input2, target, margin, reduction).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor input3) => F.MarginRankingLoss(input1, input2, input3, Margin, Reduction);
}

/// <summary>torch.nn.CosineEmbeddingLoss.</summary>
public class CosineEmbeddingLoss(double margin = 0.0, Reduction reduction = Reduction.Mean) : Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>margin.</summary>
    public double Margin { get; } = margin;
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; } = reduction;
    /// <summary>F.cosine_embedding_loss(input1, input2, target, margin, reduction).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor input3) => F.CosineEmbeddingLoss(input1, input2, input3, Margin, Reduction);
}

/// <summary>torch.nn.TripletMarginLoss on (anchor, positive, negative).</summary>
public class TripletMarginLoss(double margin = 1.0, double p = 2.0, double eps = 1e-6, bool swap = false, Reduction reduction = Reduction.Mean)
    : Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>margin.</summary>
    public double Margin { get; } = margin;
    /// <summary>p, the norm degree.</summary>
    public double P { get; } = p;
    /// <summary>eps.</summary>
    public double Eps { get; } = eps;
    /// <summary>swap.</summary>
    public bool Swap { get; } = swap;
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; } = reduction;
    /// <summary>F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor input3) =>
        F.TripletMarginLoss(input1, input2, input3, Margin, P, Eps, Swap, Reduction);
}

/// <summary>torch.nn.PoissonNLLLoss.</summary>
/// <param name="logInput">log_input.</param><param name="full">full.</param><param name="eps">eps.</param><param name="reduction">reduction.</param>
public class PoissonNLLLoss(bool logInput = true, bool full = false, double eps = 1e-8, Reduction reduction = Reduction.Mean)
    : Module<Tensor, Tensor, Tensor>
{
    /// <summary>log_input: the input is the log of the rate.</summary>
    public bool LogInput { get; } = logInput;
    /// <summary>full: add Stirling's approximation term.</summary>
    public bool Full { get; } = full;
    /// <summary>eps, keeping log(input) finite when log_input is false.</summary>
    public double Eps { get; } = eps;
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; } = reduction;
    /// <summary>F.poisson_nll_loss(input, target, log_input, full, eps, reduction).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.PoissonNllLoss(input1, input2, LogInput, Full, Eps, Reduction);
}
