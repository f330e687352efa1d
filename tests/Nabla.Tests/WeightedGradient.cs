namespace Nabla.Tests;

/// <summary>
/// A reproducible gradient probe, run identically on libtorch 2.10 (through TorchSharp) to get reference values:
/// x = arange(n) * 0.5 - 1 in <paramref name="shape"/>, y = f(x), loss = sum(y * (arange(y.numel) + 1)).
/// </summary>
internal static class WeightedGradient
{
    public static (int[] Shape, float Loss, float[] Grad) Run(int[] shape, Func<Tensor, Tensor> f)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var x = (Tensor.Arange(n).To(DType.Float32) * 0.5 - 1).Reshape(shape).RequiresGrad_();
        var y = f(x);
        var w = (Tensor.Arange(y.Numel).To(DType.Float32) + 1).Reshape(y.Shape);
        var loss = (y * w).Sum();
        loss.Backward();
        return (y.Shape, loss.Item<float>(), x.Grad!.ToArray<float>());
    }
}
