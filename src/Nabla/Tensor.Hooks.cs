using Nabla.Core;
using Nabla.NN;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>
    /// torch.Tensor.register_hook: <paramref name="hook"/> is called with the gradient with respect to this tensor each
    /// time one is computed (by <see cref="Backward"/> or <see cref="Autograd.Grad(Tensor[], Tensor[], Tensor?[], bool?, bool, bool)"/>);
    /// it may return a replacement of the same dtype and shape (null keeps the gradient). Hooks run in registration
    /// order, each seeing the previous one's result; on a leaf they run before the gradient is accumulated into
    /// <see cref="Grad"/>, and a retained gradient (<see cref="RetainGrad"/>) is the hooked one. Returns a handle
    /// whose Remove (or Dispose) unregisters the hook. Throws ArgumentException when this tensor does not require grad.
    /// A replacement of another dtype or shape fails the backward pass with ArgumentException.
    /// </summary>
    public RemovableHandle RegisterHook(Func<Tensor, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!RequiresGrad) throw Errors.Runtime("cannot register a hook on a tensor that doesn't require gradient");
        var edge = GradientEdge()!.Value;
        return edge.Node.TensorPreHooksFor(edge.InputNr).Add(hook, prepend: false);
    }

    /// <summary>
    /// torch.Tensor.register_post_accumulate_grad_hook: <paramref name="hook"/> is called with this leaf tensor itself
    /// after a backward pass has accumulated its gradient into <see cref="Grad"/> (not by autograd.grad, which leaves
    /// .grad alone). It may read and change the tensor and its .grad (an optimizer step in backward). Hooks run in
    /// registration order. Returns a handle whose Remove (or Dispose) unregisters the hook. Throws ArgumentException
    /// when this tensor does not require grad or is not a leaf.
    /// </summary>
    public RemovableHandle RegisterPostAccumulateGradHook(Action<Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!RequiresGrad) throw Errors.Runtime("cannot register a hook on a tensor that doesn't require gradient");
        if (!IsLeaf) throw Errors.Runtime("post accumulate grad hooks cannot be registered on non-leaf tensors");
        var accumulator = (AccumulateGrad)GradientEdge()!.Value.Node;
        if (accumulator.PostAccumulateGradHooks is null)
            Interlocked.CompareExchange(ref accumulator.PostAccumulateGradHooks, new HookList<Action<Tensor>>(), null);
        return accumulator.PostAccumulateGradHooks.Add(hook, prepend: false);
    }
}
