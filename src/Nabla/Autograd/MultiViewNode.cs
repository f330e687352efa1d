namespace Nabla;

/// <summary>A derivative formula of a view op with several outputs: one gradient per output (null when it got none) in, the input's gradient out.</summary>
internal delegate Tensor MultiViewFormula<TArgs>(Tensor?[] grads, TArgs args);

/// <summary>
/// The one backward node of a view op that returns several views (unbind, split, split_with_sizes), as PyTorch
/// records it: each output is output i of this node. Its formula is static and reads only plain arguments.
/// </summary>
internal sealed class MultiViewNode<TArgs>(string name, Tensor input, int outputs, TArgs args, MultiViewFormula<TArgs> formula)
    : Node(name, [input.GradientEdge()], [InputMetadata.Of(input)])
{
    internal override int NumOutputs => outputs;

    internal override Tensor?[] Apply(Tensor?[] gradOutputs) => [formula(gradOutputs, args)];
}
