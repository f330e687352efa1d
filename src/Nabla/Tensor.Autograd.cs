using Nabla.Core;

namespace Nabla;

public sealed partial class Tensor
{
    private bool _leafRequiresGrad;
    private AccumulateGrad? _accumulator;
    private bool _retainsGrad;

    private Node? _gradFn;

    /// <summary>
    /// The node that produced this tensor (torch.Tensor.grad_fn); null for leaves. A view whose base was written in
    /// place since the view's node was recorded gets a fresh node replayed from the base's current history, as
    /// PyTorch regenerates a view's grad_fn when its version moved on.
    /// </summary>
    public Node? GradFn
    {
        get
        {
            RefreshViewHistory();
            return _gradFn;
        }
        private set => _gradFn = value;
    }

    /// <summary>The version this view's node was recorded at (null: not a replayable view).</summary>
    private int? _viewHistoryVersion;

    private void RefreshViewHistory()
    {
        if (_viewHistoryVersion is not { } recorded || recorded == Version) return;
        if (ViewBase is not { } root || ViewReplay is not { } replay || Creation != ViewCreation.Default || root.GradFn is null) return;
        Tensor fresh;
        using (GradMode.EnableGrad()) fresh = replay(root);
        _gradFn = fresh._gradFn;
        OutputNr = fresh.OutputNr;
        _viewHistoryVersion = Version;
    }

    /// <summary>Which output of <see cref="GradFn"/> this tensor is.</summary>
    internal int OutputNr { get; private set; }

    private Tensor? _grad;

    /// <summary>
    /// The accumulated gradient of a leaf (or of a tensor that called <see cref="RetainGrad"/>), torch.Tensor.grad.
    /// Assigning checks what PyTorch checks: ArgumentException when the value is this tensor itself, or differs
    /// from it in dtype or shape.
    /// </summary>
    public Tensor? Grad
    {
        get => _grad;
        set
        {
            if (value is not null)
            {
                if (ReferenceEquals(value, this)) throw Errors.Runtime("can't assign Variable as its own grad");
                if (value.DType != DType)
                    throw Errors.Runtime($"attempting to assign a gradient with dtype '{value.DType.TypeMetaName()}' to a tensor with dtype '{DType.TypeMetaName()}'. Please ensure that the gradient and the tensor have the same dtype");
                if (!value.Sizes.SequenceEqual(Sizes))
                    throw Errors.Runtime($"attempting to assign a gradient of size '{Errors.Shape(value.Sizes)}' to a tensor of size '{Errors.Shape(Sizes)}'. Please ensure that the gradient and the tensor are the same size");
            }
            _grad = value;
        }
    }

    /// <summary>torch.Tensor.is_leaf: true unless the tensor was produced by a recorded op (it has no grad_fn).</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>torch.Tensor.retains_grad: whether <see cref="RetainGrad"/> was called on this non-leaf.</summary>
    public bool RetainsGrad => _retainsGrad;

    /// <summary>torch.Tensor.requires_grad. Only leaves can be changed, and only floating-point ones can require grad.</summary>
    public bool RequiresGrad
    {
        get => GradFn is not null || _leafRequiresGrad;
        set
        {
            if (!IsLeaf)
                throw Errors.Runtime("you can only change requires_grad flags of leaf variables." + (value ? "" :
                    " If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."));
            if (value && !IsFloatingPoint)
                throw Errors.Runtime("only Tensors of floating point and complex dtype can require gradients");
            _leafRequiresGrad = value;
        }
    }

    /// <summary>torch.Tensor.requires_grad_: sets <see cref="RequiresGrad"/> and returns this tensor.</summary>
    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        // A non-leaf already requires grad: requires_grad_(True) leaves it alone; only False is refused.
        if (requiresGrad && !IsLeaf) return this;
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>Keeps the gradient of a non-leaf tensor in <see cref="Grad"/> during backward.</summary>
    public void RetainGrad()
    {
        if (!RequiresGrad) throw Errors.Runtime("can't retain_grad on Tensor that has requires_grad=False");
        if (IsLeaf || _retainsGrad) return;
        _retainsGrad = true;
        (GradFn!.RetainedGrads ??= []).Add((OutputNr, this));
    }

    /// <summary>A tensor sharing this one's data and version counter, cut from the graph (torch.Tensor.detach).</summary>
    public Tensor Detach() => new(Storage, Layout, DType, VersionCounter);

    /// <summary>Cuts this tensor from the graph in place.</summary>
    public Tensor Detach_()
    {
        if (ViewBase is not null && GradFn is not null)
            throw Errors.Runtime("Can't detach views in-place. Use detach() instead.");
        GradFn = null;
        _leafRequiresGrad = false;
        return this;
    }

    internal void SetHistory(Node node, int outputNr)
    {
        GradFn = node;
        OutputNr = outputNr;
        _retainsGrad = false;
        _viewHistoryVersion = ViewBase is not null && ViewReplay is not null ? Version : null;
    }

    /// <summary>Set on an input a custom Function returned as-is: the version its base had then.</summary>
    private int? _functionAliasVersion;

    /// <summary>A view of this tensor standing for it as a custom Function's output (PyTorch's view_as under no_grad).</summary>
    internal Tensor AliasCreatedInFunction()
    {
        var alias = MakeView(Layout, b => b);
        alias._functionAliasVersion = Version;
        return alias;
    }

    /// <summary>Where a gradient for this tensor must be sent, or null when it needs none.</summary>
    internal Edge? GradientEdge()
    {
        if (_functionAliasVersion is { } v && v != Version && GradFn is { } fn)
            throw Errors.Runtime($"Output {OutputNr} of {fn.Name} is a view and its base or another view of its base has been modified inplace. " +
                "This view was created inside a custom Function (or because an input was returned as-is) and the autograd logic to handle " +
                "view+inplace would override the custom backward associated with the custom Function, leading to incorrect gradients. " +
                "This behavior is forbidden. You can fix this by cloning the output of the custom Function.");
        if (GradFn is not null) return new Edge(GradFn, OutputNr);
        if (!_leafRequiresGrad) return null;
        if (_accumulator is null) Interlocked.CompareExchange(ref _accumulator, new AccumulateGrad(this), null); // one per leaf, also across threads
        return new Edge(_accumulator, 0);
    }

    /// <summary>
    /// torch.Tensor.backward: accumulates d(this)/d(leaf) into every leaf's <see cref="Grad"/>.
    /// <paramref name="gradient"/> may be omitted only for a one-element tensor.
    /// </summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false) =>
        Autograd.Backward([this], gradient is null ? null : [gradient], retainGraph || createGraph, createGraph);
}
