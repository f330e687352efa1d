using Nabla.Core;

namespace Nabla;

/// <summary>The ctx of a custom <see cref="Function"/>: what forward leaves for backward (torch.autograd.function.FunctionCtx).</summary>
public sealed class FunctionContext
{
    private Tensor?[] _toSave = [];
    private SavedTensor?[]? _saved;
    internal readonly List<Tensor> Dirty = [];
    internal readonly List<Tensor> NonDifferentiable = [];

    internal FunctionContext(bool[] needsInputGrad) => NeedsInputGrad = needsInputGrad;

    /// <summary>One flag per forward input: whether that input needs a gradient.</summary>
    public IReadOnlyList<bool> NeedsInputGrad { get; }

    /// <summary>When true (the default), gradients of outputs that received none arrive as zeros rather than null.</summary>
    public bool MaterializeGrads { get; private set; } = true;

    /// <summary>Keeps tensors for backward; their versions are recorded when forward returns.</summary>
    public void SaveForBackward(params Tensor?[] tensors) => _toSave = tensors;

    /// <summary>The saved tensors, each checked against in-place changes since forward returned.</summary>
    public IReadOnlyList<Tensor?> SavedTensors
    {
        get
        {
            if (_saved is null) return _toSave;
            return Array.ConvertAll(_saved, s => s?.Unpack());
        }
    }

    /// <summary>Declares inputs that forward modified in place; they must be returned as outputs.</summary>
    public void MarkDirty(params Tensor[] tensors) => Dirty.AddRange(tensors);

    /// <summary>Outputs that get no gradient (backward still receives a zero-filled slot for them).</summary>
    public void MarkNonDifferentiable(params Tensor[] outputs) => NonDifferentiable.AddRange(outputs);

    /// <summary>ctx.set_materialize_grads: when false, backward receives null instead of a zero tensor for outputs without a gradient.</summary>
    public void SetMaterializeGrads(bool value) => MaterializeGrads = value;

    /// <summary>Turns the tensors passed to <see cref="SaveForBackward"/> into version-checked saved tensors.</summary>
    internal void Seal(Node? node, Tensor[] outputs)
    {
        _saved = Array.ConvertAll(_toSave, t =>
        {
            if (t is null) return null;
            int i = Array.FindIndex(outputs, o => ReferenceEquals(o, t));
            return i >= 0 && node is not null ? new SavedTensor(t, node, i) : new SavedTensor(t);
        });
    }

    internal void Release()
    {
        if (_saved is null) return;
        foreach (var s in _saved) s?.Release();
    }
}
