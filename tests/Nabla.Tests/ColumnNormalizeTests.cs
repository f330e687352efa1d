using Nabla.Examples;

namespace Nabla.Tests;

/// <summary>The batched form y = x / x.sum(1, keepdim) on (N, H, W).</summary>
public sealed class BatchColumnNormalize : Function<BatchColumnNormalize>
{
    protected override Tensor Forward(FunctionContext ctx, Tensor x)
    {
        var s = x.Sum(1, keepdim: true);
        var y = x / s;
        ctx.SaveForBackward(s, y);
        return y;
    }

    protected override Tensor Backward(FunctionContext ctx, Tensor dy)
    {
        var (s, y) = (ctx.SavedTensors[0]!, ctx.SavedTensors[1]!);
        return (dy - (dy * y).Sum(1, keepdim: true)) / s;
    }
}

/// <summary>Divides its input in place and returns it, without MarkDirty, as in the original question.</summary>
public sealed class InPlaceNormalize : Function<InPlaceNormalize>
{
    protected override Tensor Forward(FunctionContext ctx, Tensor input)
    {
        for (int n = 0; n < input.Size(0); n++) input[n].Div_(input[n].Sum(0));
        return input;
    }

    protected override Tensor Backward(FunctionContext ctx, Tensor dy) => dy;
}

public class ColumnNormalizeTests
{
    private static Tensor Positive(params int[] shape) => (Tensor.Rand(shape, DType.Float64) + 0.5).RequiresGrad_();

    [Fact]
    public void AnalyticBackwardPassesGradCheck()
    {
        Tensor.ManualSeed(1);
        Assert.True(GradCheck.Check(ColumnNormalize.Apply, Positive(3, 4)));
        Assert.True(GradCheck.Check(BatchColumnNormalize.Apply, Positive(2, 3, 4)));
    }

    [Fact]
    public void ForwardMatchesComposedOps()
    {
        Tensor.ManualSeed(2);
        var x = Positive(3, 4);
        Assert.Equal((x / x.Sum(0)).ToArray<double>(), ColumnNormalize.Apply(x).ToArray<double>());
        Assert.Equal("ColumnNormalizeBackward", ColumnNormalize.Apply(x).GradFn!.Name);
    }

    [Fact]
    public void DiagonalOnlyBackwardFailsWithReadableReport()
    {
        Tensor.ManualSeed(3);
        var x = Positive(3, 2);
        var error = Assert.Throws<GradcheckException>(() => GradCheck.Check(DiagonalOnlyNormalize.Apply, x));
        Assert.StartsWith("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:tensor([[", error.Message);
        Assert.Contains("\nanalytical:tensor([[", error.Message);
        Assert.False(GradCheck.Check(DiagonalOnlyNormalize.Apply, x, raiseException: false));
    }

    [Fact]
    public void JacobianOfSeedColumn()
    {
        var x = Tensor.From(new double[,] { { 2 }, { 3 }, { 5 } });
        var jac = Autograd.Functional.Jacobian(ColumnNormalize.Apply, x);
        Assert.Equal(new[] { 3, 1, 3, 1 }, jac.Shape);
        var expected = new[] { 0.08, -0.02, -0.02, -0.03, 0.07, -0.03, -0.05, -0.05, 0.05 };
        var actual = jac.ToArray<double>();
        for (int i = 0; i < 9; i++) Assert.Equal(expected[i], actual[i], 12);
    }

    [Fact]
    public void InPlaceForwardWithoutMarkDirtyBehavesAsTorch()
    {
        var leaf = Tensor.From(new double[,,] { { { 1, 2 }, { 3, 4 }, { 6, 2 } }, { { 1, 1 }, { 1, 1 }, { 2, 2 } } }).RequiresGrad_();
        var y = InPlaceNormalize.Apply(leaf);
        // The leaf now holds the normalised values and is still a leaf; the output is a view of it with the custom node.
        Assert.True(leaf.IsLeaf);
        Assert.Equal(0.1, leaf.ToArray<double>()[0], 12);
        Assert.False(y.IsLeaf);
        Assert.True(y.RequiresGrad);
        Assert.Equal("InPlaceNormalizeBackward", y.GradFn!.Name);
        y.Sum().Backward();
        Assert.NotNull(leaf.Grad);

        // A second call on the same leaf modifies the base of the first output: using it is forbidden.
        var first = InPlaceNormalize.Apply(leaf);
        var second = InPlaceNormalize.Apply(leaf);
        var error = Assert.Throws<ArgumentException>(() => first.Sum());
        Assert.StartsWith("Output 0 of InPlaceNormalizeBackward is a view and its base or another view of its base has been modified inplace.", error.Message);
        second.Sum().Backward();
    }

    [Fact]
    public void SavedTensorModifiedInPlaceIsDetected()
    {
        var x = Tensor.Ones([3], requiresGrad: true);
        var y = x.Exp();
        y.Add_(1);
        var error = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Equal("one of the variables needed for gradient computation has been modified by an inplace operation: " +
            "[CPUFloatType [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead. " +
            "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).",
            error.Message);
    }
}
