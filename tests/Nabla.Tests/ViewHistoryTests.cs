namespace Nabla.Tests;

public class ViewHistoryTests
{
    // PyTorch: x = torch.arange(4.).requires_grad_(); c = x.clone().reshape(2, 2); c[0].sub_(c[1])
    // c.backward(torch.tensor([[1., 10.], [100., 1000.]])) -> x.grad = [1, 10, 99, 990]
    [Fact]
    public void AViewTakenBeforeAnInPlaceWriteThroughAnotherViewBackpropagatesThroughTheWrite()
    {
        var x = Tensor.Arange(0, 4).To(DType.Float64).RequiresGrad_();
        var c = x.Clone().Reshape(2, 2);
        c[0].Sub_(c[1]);
        c.Backward(Tensor.From(new double[,] { { 1, 10 }, { 100, 1000 } }));
        Assert.Equal([1.0, 10.0, 99.0, 990.0], x.Grad!.ToArray<double>());
        Assert.Equal([-2.0, -2.0, 2.0, 3.0], c.ToArray<double>());
    }

    [Fact]
    public void AnUntouchedViewKeepsItsNode()
    {
        var x = Tensor.Arange(0, 4).To(DType.Float64).RequiresGrad_();
        var c = x.Clone().Reshape(2, 2);
        var node = c.GradFn;
        Assert.Same(node, c.GradFn);
        Assert.Equal("ViewBackward0", node!.Name);
    }
}
