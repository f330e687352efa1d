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
    public Tensor? Weight => GetBuffer("weight");
    /// <summary>ignore_index.</summary>
    public long IgnoreIndex { get; }
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; }
    /// <summary>label_smoothing.</summary>
    public double LabelSmoothing { get; }

    /// <summary>F.cross_entropy(input, target, ...).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.CrossEntropy(input1, input2, Weight, IgnoreIndex, Reduction, LabelSmoothing);
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
    public Tensor? Weight => GetBuffer("weight");
    /// <summary>ignore_index.</summary>
    public long IgnoreIndex { get; }
    /// <summary>reduction.</summary>
    public Reduction Reduction { get; }

    /// <summary>F.nll_loss(input, target, ...).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.NllLoss(input1, input2, Weight, IgnoreIndex, Reduction);
}
