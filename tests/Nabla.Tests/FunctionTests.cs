namespace Nabla.Tests;

/// <summary>Custom Function mechanics (PYTORCH_SEMANTICS.md §7).</summary>
public class FunctionTests
{
    /// <summary>Two inputs, two outputs, a non-tensor argument, and an integer output marked non-differentiable.</summary>
    private sealed class ScaledSumAndArgmax(double scale) : Function
    {
        public IReadOnlyList<bool>? SeenNeeds;
        public Tensor?[]? SeenGrads;

        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            var (a, b) = (inputs[0]!, inputs[1]!);
            var sum = (a + b) * scale;
            var arg = sum.Argmax();
            ctx.MarkNonDifferentiable(arg);
            SeenNeeds = ctx.NeedsInputGrad;
            return [sum, arg];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] grads)
        {
            SeenGrads = grads;
            return [grads[0]! * scale, grads[0]! * scale];
        }
    }

    [Fact]
    public void SeveralInputsAndOutputs()
    {
        var a = Tensor.From(new[] { 1.0, 5.0 }).RequiresGrad_();
        var b = Tensor.From(new[] { 2.0, 1.0 });
        var fn = new ScaledSumAndArgmax(3);
        var outs = fn.Apply(a, b);
        Assert.Equal(new[] { true, false }, fn.SeenNeeds);
        Assert.Equal(new[] { 9.0, 18.0 }, outs[0].ToArray<double>());
        Assert.False(outs[1].RequiresGrad);
        Assert.Equal("ScaledSumAndArgmaxBackward", outs[0].GradFn!.Name);
        outs[0].Sum().Backward();
        Assert.Equal(new[] { 3.0, 3.0 }, a.Grad!.ToArray<double>());
        // The non-differentiable output's slot arrives as zeros (materialised).
        Assert.Equal(0L, fn.SeenGrads![1]!.Item<long>());
    }

    private sealed class WrongCount : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]! * 2];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] grads) => [grads[0], grads[0]];
    }

    [Fact]
    public void BackwardMustReturnOneGradientPerInput()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        var y = new WrongCount().Apply(x)[0];
        var e = Assert.Throws<ArgumentException>(() => y.Sum().Backward());
        Assert.Equal("function WrongCountBackward returned an incorrect number of gradients (expected 1, got 2)", e.Message);
    }

    private sealed class DoubleInPlace : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            var x = inputs[0]!;
            x.Mul_(2);
            ctx.MarkDirty(x);
            return [x];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] grads) => [grads[0]! * 2];
    }

    [Fact]
    public void MarkDirtyRebasesNonLeafAndRejectsLeaf()
    {
        var leaf = Tensor.Ones([2], requiresGrad: true);
        Assert.Equal("a leaf Variable that requires grad has been used in an in-place operation.",
            Assert.Throws<ArgumentException>(() => new DoubleInPlace().Apply(leaf)).Message);

        var w = Tensor.Ones([2], requiresGrad: true);
        var x = w * 1;
        var saved = x * x; // saves x before the in-place call
        var y = new DoubleInPlace().Apply(x)[0];
        Assert.Same(x, y);
        Assert.Equal("DoubleInPlaceBackward", x.GradFn!.Name);
        y.Sum().Backward();
        Assert.Equal(new float[] { 2, 2 }, w.Grad!.ToArray<float>());
        var e = Assert.Throws<InvalidOperationException>(() => saved.Sum().Backward());
        Assert.Contains("which is output 0 of DoubleInPlaceBackward", e.Message);
    }

    private sealed class NoMaterialize : Function
    {
        public Tensor?[]? Seen;
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            ctx.SetMaterializeGrads(false);
            return [inputs[0]! * 1, inputs[0]! * 2];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] grads)
        {
            Seen = grads;
            return [grads[0]];
        }
    }

    [Fact]
    public void UnmaterializedGradsArriveAsNull()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        var fn = new NoMaterialize();
        fn.Apply(x)[0].Sum().Backward();
        Assert.NotNull(fn.Seen![0]);
        Assert.Null(fn.Seen[1]);
    }

    private sealed class SaveInput : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return [inputs[0]! * inputs[0]!];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] grads) => [grads[0]! * 2 * ctx.SavedTensors[0]!];
    }

    [Fact]
    public void SavedInputModifiedAfterForwardIsDetected()
    {
        var w = Tensor.Ones([2], requiresGrad: true);
        var x = w * 1;
        var y = new SaveInput().Apply(x)[0];
        x.Add_(1);
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("is at version 1; expected version 0 instead", e.Message);
    }
}
