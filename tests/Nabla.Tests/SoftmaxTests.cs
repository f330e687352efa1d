namespace Nabla.Tests;

/// <summary>The fused last-dim softmax kernel against the same formula composed from ops on a non-last dim.</summary>
public class SoftmaxTests
{
    [Fact]
    public void FusedRowsEqualTheComposedFormula()
    {
        Tensor.ManualSeed(5);
        var x = Tensor.Randn([7, 300], DType.Float64) * 10;
        x[2, 5] = Tensor.From(double.PositiveInfinity);
        var viaDim0 = x.T.Contiguous();  // dim 0 of this takes the composed path
        var soft = x.Softmax(-1).ToArray<double>();
        var softComposed = viaDim0.Softmax(0).T.Contiguous().ToArray<double>();
        for (int i = 0; i < soft.Length; i++)
            Assert.True(soft[i].Equals(softComposed[i]) || Math.Abs(soft[i] - softComposed[i]) <= 1e-15 + 1e-12 * Math.Abs(softComposed[i]));
        var fused = x.LogSoftmax(-1).ToArray<double>();
        var composed = viaDim0.LogSoftmax(0).T.Contiguous().ToArray<double>();
        for (int i = 0; i < fused.Length; i++) Assert.True(fused[i].Equals(composed[i]) || Math.Abs(fused[i] - composed[i]) <= 1e-12);
        Assert.True(double.IsNaN(fused[2 * 300])); // a row holding +inf is NaN, as in libtorch
    }
}
