namespace Nabla.NN;

/// <summary>torch.nn.SoftMarginLoss: log(1 + exp(−y·x)), reduced.</summary>
/// <param name="reduction">reduction.</param>
public class SoftMarginLoss(Reduction reduction = Reduction.Mean) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; } = reduction;
    /// <summary>F.soft_margin_loss(input, target, reduction).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.SoftMarginLoss(input1, input2, Reduction);
}

/// <summary>torch.nn.MultiLabelSoftMarginLoss: one-versus-all logistic loss averaged over classes, with an optional weight buffer.</summary>
public class MultiLabelSoftMarginLoss : Module<Tensor, Tensor, Tensor>
{
    /// <summary>nn.MultiLabelSoftMarginLoss(weight, reduction).</summary>
    public MultiLabelSoftMarginLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        RegisterBuffer("weight", weight);
        Reduction = reduction;
    }

    /// <summary>The per-class weight buffer, or null.</summary>
    public Tensor? Weight => GetBuffer("weight");
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; }
    /// <summary>F.multilabel_soft_margin_loss(input, target, weight, reduction).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.MultilabelSoftMarginLoss(input1, input2, Weight, Reduction);
}

/// <summary>torch.nn.MultiMarginLoss: the multi-class hinge loss, with an optional weight buffer. Throws ArgumentException for p other than 1 or 2, or a weight that is not 1-D.</summary>
public class MultiMarginLoss : Module<Tensor, Tensor, Tensor>
{
    /// <summary>nn.MultiMarginLoss(p, margin, weight, reduction).</summary>
    public MultiMarginLoss(int p = 1, double margin = 1.0, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        if (p != 1 && p != 2) throw Core.Errors.Runtime("only p == 1 and p == 2 supported");
        if (weight is not null && weight.Dim != 1) throw Core.Errors.Runtime("MultiMarginLoss: expected weight to be None or 1D tensor, got " + weight.Dim + "D instead");
        P = p;
        Margin = margin;
        RegisterBuffer("weight", weight);
        Reduction = reduction;
    }

    /// <summary>p, 1 or 2.</summary>
    public int P { get; }
    /// <summary>margin.</summary>
    public double Margin { get; }
    /// <summary>The per-class weight buffer, or null.</summary>
    public Tensor? Weight => GetBuffer("weight");
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; }
    /// <summary>F.multi_margin_loss(input, target, p, margin, weight, reduction).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.MultiMarginLoss(input1, input2, P, Margin, Weight, Reduction);
}

/// <summary>torch.nn.MultiLabelMarginLoss: the multi-class multi-label hinge loss over class-index targets ended by -1.</summary>
/// <param name="reduction">reduction.</param>
public class MultiLabelMarginLoss(Reduction reduction = Reduction.Mean) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; } = reduction;
    /// <summary>F.multilabel_margin_loss(input, target, reduction).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.MultilabelMarginLoss(input1, input2, Reduction);
}

/// <summary>torch.nn.HingeEmbeddingLoss: x where y = 1, max(0, margin − x) where y = −1.</summary>
/// <param name="margin">margin.</param><param name="reduction">reduction.</param>
public class HingeEmbeddingLoss(double margin = 1.0, Reduction reduction = Reduction.Mean) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>margin.</summary>
    public double Margin { get; } = margin;
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; } = reduction;
    /// <summary>F.hinge_embedding_loss(input, target, margin, reduction).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.HingeEmbeddingLoss(input1, input2, Margin, Reduction);
}

/// <summary>torch.nn.GaussianNLLLoss on (input, target, var).</summary>
/// <param name="full">full: add the constant 0.5·log(2π).</param><param name="eps">eps, the clamp of var.</param><param name="reduction">reduction.</param>
public class GaussianNLLLoss(bool full = false, double eps = 1e-6, Reduction reduction = Reduction.Mean) : Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>full.</summary>
    public bool Full { get; } = full;
    /// <summary>eps.</summary>
    public double Eps { get; } = eps;
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; } = reduction;
    /// <summary>F.gaussian_nll_loss(input, target, var, full, eps, reduction).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor input3) => F.GaussianNllLoss(input1, input2, input3, Full, Eps, Reduction);
}
