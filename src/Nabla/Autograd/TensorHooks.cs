using Nabla.Core;

namespace Nabla;

/// <summary>
/// Runs tensor hooks (Tensor.RegisterHook) on the gradients that reached a node, as PyTorch's engine calls a node's
/// tensor pre-hooks: each hook in registration order sees the previous one's result, and may replace it by one of
/// the same dtype and shape.
/// </summary>
internal static class TensorHooks
{
    public static void Run((int Output, NN.HookList<Func<Tensor, Tensor?>> Hooks)[] slots, Tensor?[] grads)
    {
        foreach (var (output, list) in slots)
        {
            if (output >= grads.Length || grads[output] is not { } grad) continue;
            foreach (var hook in list.Snapshot())
                if (hook(grad) is { } replaced)
                {
                    Check(grad, replaced);
                    grad = replaced;
                }
            grads[output] = grad;
        }
    }

    /// <summary>check_variable_result: a hook may not change the gradient's dtype or shape.</summary>
    private static void Check(Tensor original, Tensor result)
    {
        if (result.DType != original.DType)
            throw Errors.Runtime($"hook 'hook' has changed the type of value (was {original.DType.CpuTypeName()} got {result.DType.CpuTypeName()})");
        if (!result.Sizes.SequenceEqual(original.Sizes))
            throw Errors.Runtime($"hook 'hook' has changed the size of value (was {Errors.Shape(original.Sizes)} got {Errors.Shape(result.Sizes)})");
    }
}
