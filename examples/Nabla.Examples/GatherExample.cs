namespace Nabla.Examples;

/// <summary>torch.gather on any dim: out[i][j][k] = input[i][index[i][j][k]][k] for dim 1, and likewise for dims 0 and 2.</summary>
public static class GatherExample
{
    public static void Run()
    {
        var input = Tensor.Arange(24).Reshape(2, 3, 4);
        var index = Tensor.From(new long[,,] { { { 0, 0, 0, 0 }, { 2, 2, 2, 2 } }, { { 0, 0, 0, 0 }, { 2, 2, 2, 2 } } });
        Console.WriteLine(input.Gather(1, index));

        // The same rows picked through dim 0 (which batch) and dim 2 (which column).
        Console.WriteLine(input.Gather(0, Tensor.From(new long[,,] { { { 1, 0, 1, 0 } } })));
        Console.WriteLine(input.Gather(2, Tensor.From(new long[,,] { { { 3, 0 } }, { { 1, 2 } } })));

        // Gradients flow back to exactly the gathered positions.
        var x = Tensor.Arange(24).Reshape(2, 3, 4).To(DType.Float32).RequiresGrad_();
        x.Gather(1, index).Sum().Backward();
        Console.WriteLine(x.Grad);
    }
}
