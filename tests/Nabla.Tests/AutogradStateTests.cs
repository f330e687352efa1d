namespace Nabla.Tests;

/// <summary>
/// Graph state the derivative table and the in-place checks guard (messages are libtorch 2.10's; the live
/// comparisons are in tests/Nabla.Parity/AutogradStateParityTests.cs).
/// </summary>
public class AutogradStateTests
{
    [Fact]
    public void SavedIndexModifiedInPlaceFailsTheVersionCheck()
    {
        var x = Tensor.Randn(5).RequiresGrad_();
        var i = Tensor.From(new long[] { 0, 2, 2 });
        var y = x[i];
        i.Add_(1);
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.StartsWith("one of the variables needed for gradient computation has been modified by an inplace operation: [CPULongType [3]] is at version 1; expected version 0 instead.", e.Message);
    }

    [Fact]
    public void IndexingBackwardTwiceWithoutRetainGraphFails()
    {
        var b = Tensor.Randn(5).RequiresGrad_();
        var y = b[Tensor.From(new long[] { 1, 3 })].Sum();
        y.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.StartsWith("Trying to backward through the graph a second time", e.Message);
        Assert.Equal([0f, 1f, 0f, 1f, 0f], b.Grad!.ToArray<float>());
    }

    [Fact]
    public void ZeroDimValueWrittenIntoASliceGetsOneGradientPerElement()
    {
        var z = Tensor.Zeros(3, 4);
        var w = Tensor.Full([], 2.0).RequiresGrad_();
        z[.., 0] = w;
        z.Sum().Backward();
        Assert.Equal(3f, w.Grad!.Item<float>());
    }

    [Fact]
    public void AssigningAGradOfAnotherDTypeOrShapeIsRefused()
    {
        var x = Tensor.Zeros(2, 3).RequiresGrad_();
        var dtype = Assert.Throws<ArgumentException>(() => x.Grad = Tensor.Zeros([2, 3], DType.Float64));
        Assert.Equal("attempting to assign a gradient with dtype 'double' to a tensor with dtype 'float'. Please ensure that the gradient and the tensor have the same dtype", dtype.Message);
        var shape = Assert.Throws<ArgumentException>(() => x.Grad = Tensor.Zeros(3, 2));
        Assert.Equal("attempting to assign a gradient of size '[3, 2]' to a tensor of size '[2, 3]'. Please ensure that the gradient and the tensor are the same size", shape.Message);
        Assert.Throws<ArgumentException>(() => x.Grad = x);
        x.Grad = Tensor.Ones(2, 3);
        x.Grad = null;
        Assert.Null(x.Grad);
    }

    [Fact]
    public void ViewMadeUnderNoGradIsNotWrittenInPlaceWithGradOn()
    {
        var a = Tensor.Randn(3).RequiresGrad_();
        Tensor v;
        using (GradMode.NoGrad()) v = a.Narrow(0, 0, 2);
        var e = Assert.Throws<ArgumentException>(() => v.Add_(1));
        Assert.StartsWith("A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is ambiguous", e.Message);
        using (GradMode.NoGrad()) v.Add_(1); // both inside no_grad: allowed, untracked
        Assert.Equal(1, a.Version);
    }

    [Fact]
    public void OutputsOfMultiOutputViewOpsAreNotWrittenInPlace()
    {
        var a = Tensor.Randn(4, 2).RequiresGrad_() * 1;
        var e = Assert.Throws<ArgumentException>(() => a.Unbind()[1].Add_(1));
        Assert.StartsWith("Output 1 of UnbindBackward0 is a view and is being modified inplace. This view is the output of a function that returns multiple views.", e.Message);
        Assert.StartsWith("Output 0 of SplitBackward0 is a view", Assert.Throws<ArgumentException>(() => a.Chunk(2)[0].Mul_(2)).Message);
        Assert.StartsWith("Output 1 of SplitWithSizesBackward0 is a view", Assert.Throws<ArgumentException>(() => a.Split([1, 3])[1].Zero_()).Message);
        Assert.Equal(["UnbindBackward0", "SplitBackward0", "SplitWithSizesBackward0"],
            new[] { a.Unbind()[0], a.Chunk(2)[1], a.Split([1, 3])[1] }.Select(t => t.GradFn!.Name));
        Assert.Equal(1, a.Split([1, 3])[1].OutputNr);
        // Without anything to track the write is an ordinary one.
        var plain = Tensor.Zeros(4, 2);
        plain.Unbind()[1].Add_(1);
        Assert.Equal(2f, plain.Sum().Item<float>());
    }
}
