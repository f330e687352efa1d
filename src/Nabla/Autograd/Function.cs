using Nabla.Core;

namespace Nabla;

/// <summary>
/// A custom differentiable operation (torch.autograd.Function) with any number of tensor inputs and outputs.
/// Non-tensor arguments are ordinary constructor parameters of the derived class. Forward runs without
/// recording; Backward returns one gradient (or null) per input.
/// </summary>
public abstract class Function
{
    /// <summary>Computes the outputs (torch.autograd.Function.forward); runs with gradient recording off. Save what backward needs on <paramref name="ctx"/>.</summary>
    protected abstract Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs);

    /// <summary>Returns one gradient (or null) per input from one gradient per output (torch.autograd.Function.backward).</summary>
    protected abstract Tensor?[] Backward(FunctionContext ctx, Tensor?[] gradOutputs);

    /// <summary>The name of the backward node is this name followed by "Backward", as in PyTorch.</summary>
    protected virtual string Name => GetType().Name;

    /// <summary>Runs forward and, when some input requires grad, records a node that calls <see cref="Backward"/>.</summary>
    public Tensor[] Apply(params Tensor?[] inputs)
    {
        var needs = Array.ConvertAll(inputs, t => t is not null && t.RequiresGrad);
        bool record = GradMode.IsEnabled && needs.Any(n => n);
        var ctx = new FunctionContext(needs);
        Tensor[] outputs;
        using (GradMode.NoGrad()) outputs = Forward(ctx, inputs);

        foreach (var d in ctx.Dirty)
        {
            if (!outputs.Any(o => ReferenceEquals(o, d)))
                throw Errors.Runtime("Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.");
            if (record && d.IsLeaf && d.RequiresGrad)
                throw Errors.Runtime("a leaf Variable that requires grad has been used in an in-place operation.");
            d.VersionCounter.Bump();
        }

        CustomFunctionNode? node = null;
        if (record)
        {
            node = new CustomFunctionNode(this, ctx, inputs, outputs);
            for (int i = 0; i < outputs.Length; i++)
            {
                var o = outputs[i];
                bool differentiable = o.IsFloatingPoint && !ctx.NonDifferentiable.Any(n => ReferenceEquals(n, o));
                bool isInput = inputs.Any(t => ReferenceEquals(t, o));
                bool dirty = ctx.Dirty.Any(t => ReferenceEquals(t, o));
                if (isInput && !dirty) outputs[i] = o = o.AliasCreatedInFunction(); // an input returned as-is becomes a view
                if (differentiable) o.SetHistory(node, i);
            }
        }
        ctx.Seal(node, outputs);
        return outputs;
    }

    internal Tensor?[] RunBackward(FunctionContext ctx, Tensor?[] grads) => Backward(ctx, grads);

    internal string BackwardName => Name + "Backward";
}

/// <summary>A custom function of one tensor to one tensor, called as <c>TSelf.Apply(x)</c>.</summary>
public abstract class Function<TSelf> where TSelf : Function<TSelf>, new()
{
    /// <summary>Computes the output (torch.autograd.Function.forward); runs with gradient recording off.</summary>
    protected abstract Tensor Forward(FunctionContext ctx, Tensor input);

    /// <summary>Returns the input's gradient (or null) from the output's (torch.autograd.Function.backward).</summary>
    protected abstract Tensor? Backward(FunctionContext ctx, Tensor gradOutput);

    /// <summary>Runs <c>TSelf</c> on <paramref name="input"/> and records its backward (torch.autograd.Function.apply).</summary>
    /// <exception cref="ArgumentException">Forward marked an input dirty without returning it, or modified a leaf that requires grad.</exception>
    public static Tensor Apply(Tensor input) => new Adapter(new TSelf()).Apply(input)[0];

    private sealed class Adapter(Function<TSelf> f) : Function
    {
        protected override string Name => typeof(TSelf).Name;
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [f.Forward(ctx, inputs[0]!)];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] gradOutputs) => [f.Backward(ctx, gradOutputs[0]!)];
    }
}

/// <summary>The backward node of a custom <see cref="Function"/>.</summary>
internal sealed class CustomFunctionNode : Node
{
    private readonly Function _function;
    private readonly FunctionContext _ctx;
    private readonly InputMetadata[] _outputs;

    public CustomFunctionNode(Function function, FunctionContext ctx, Tensor?[] inputs, Tensor[] outputs)
        : base(function.BackwardName, Array.ConvertAll(inputs, t => t?.GradientEdge()),
            Array.ConvertAll(inputs, t => t is null ? new InputMetadata([], DType.Float32) : InputMetadata.Of(t)))
    {
        _function = function;
        _ctx = ctx;
        _outputs = Array.ConvertAll(outputs, InputMetadata.Of);
    }

    internal override int NumOutputs => _outputs.Length;

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        var grads = (Tensor?[])gradOutputs.Clone();
        if (_ctx.MaterializeGrads)
            for (int i = 0; i < grads.Length; i++)
                grads[i] ??= Tensor.Zeros(_outputs[i].Shape, _outputs[i].DType);
        var result = _function.RunBackward(_ctx, grads);
        int expected = NextEdges.Length;
        if (result.Length > expected && result.Skip(expected).All(r => r is null)) result = result[..expected];
        if (result.Length != expected)
            throw Errors.Runtime($"function {Name} returned an incorrect number of gradients (expected {expected}, got {result.Length})");
        return result;
    }

    internal override void Release() => _ctx.Release();
}
