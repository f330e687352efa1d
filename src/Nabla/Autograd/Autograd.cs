using Nabla.Core;

namespace Nabla;

/// <summary>torch.autograd: backward passes over several roots and gradients without touching leaves.</summary>
public static partial class Autograd
{
    /// <summary>torch.autograd.backward.</summary>
    public static void Backward(Tensor[] tensors, Tensor?[]? gradTensors = null, bool retainGraph = false, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Errors.NoNullTensors(tensors, nameof(tensors));
        var (roots, grads) = Roots(tensors, gradTensors);
        Engine.Run(roots, grads, retainGraph || createGraph, createGraph);
    }

    /// <summary>
    /// torch.autograd.grad: the gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>.
    /// An input no output depends on is an error unless <paramref name="allowUnused"/>, which gives null for it.
    /// </summary>
    public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs = null,
        bool? retainGraph = null, bool createGraph = false, bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        Errors.NoNullTensors(outputs, nameof(outputs));
        Errors.NoNullTensors(inputs, nameof(inputs));
        var (roots, grads) = Roots(outputs, gradOutputs);
        var captures = new Edge[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
            captures[i] = inputs[i].GradientEdge()
                ?? throw Errors.Runtime($"One of the differentiated Tensors does not require grad");
        var result = Engine.Run(roots, grads, retainGraph ?? createGraph, createGraph, captures);
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] is null && !allowUnused)
                throw Errors.Runtime("One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.");
            if (result[i] is { } r && !createGraph) result[i] = r.Detach();
        }
        return result;
    }

    /// <inheritdoc cref="Grad(Tensor[], Tensor[], Tensor?[], bool?, bool, bool)"/>
    public static Tensor? Grad(Tensor output, Tensor input, Tensor? gradOutput = null, bool? retainGraph = null,
        bool createGraph = false, bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(input);
        return Grad([output], [input], gradOutput is null ? null : [gradOutput], retainGraph, createGraph, allowUnused)[0];
    }

    private static (Edge[], Tensor[]) Roots(Tensor[] tensors, Tensor?[]? grads)
    {
        if (grads is not null && grads.Length != tensors.Length)
            throw Errors.Runtime($"grad_tensors should have the same length as tensors ({grads.Length} != {tensors.Length})");
        var roots = new Edge[tensors.Length];
        var rootGrads = new Tensor[tensors.Length];
        for (int i = 0; i < tensors.Length; i++)
        {
            var t = tensors[i];
            roots[i] = t.GradientEdge()
                ?? throw Errors.Runtime($"element {i} of tensors does not require grad and does not have a grad_fn");
            var g = grads?[i];
            if (g is null)
            {
                if (t.Numel != 1) throw Errors.Runtime("grad can be implicitly created only for scalar outputs");
                g = Tensor.OnesLike(t);
            }
            else if (!g.Sizes.SequenceEqual(t.Sizes))
                // This check lives in Python (torch.autograd's _make_grads), so it prints shapes as torch.Size.
                throw Errors.Runtime($"Mismatch in shape: grad_output[{i}] has a shape of torch.Size({Errors.Shape(g.Sizes)}) and output[{i}] has a shape of torch.Size({Errors.Shape(t.Sizes)}).");
            rootGrads[i] = g;
        }
        return (roots, rootGrads);
    }
}
