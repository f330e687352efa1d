using Nabla.Examples;
using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>The adaptive-pool scenario: PyTorch's printed values, the window rule, and the small network forward and backward.</summary>
public class AdaptivePoolScenarioTests
{
    [Fact]
    public void AdaptiveAvgPool1dOfOneToSixPrintsPyTorchsTensor()
    {
        var x = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }).Reshape(1, 1, 6);
        Assert.Equal("tensor([[[1.0000, 1.5000, 2.5000, 3.0000, 4.0000, 4.5000, 5.5000, 6.0000]]])", new AdaptiveAvgPool1d(8).Call(x).ToString());
    }

    [Fact]
    public void FixedAndAdaptivePoolingOfArangeFiveDiffer()
    {
        var r = Tensor.Arange(0, 5).To(DType.Float32).Reshape(1, 1, 5);
        Assert.Equal(new float[] { 1, 2, 3 }, new AvgPool1d(3, 1).Call(r).ToArray<float>());
        Assert.Equal(new float[] { 0.5f, 2, 3.5f }, new AdaptiveAvgPool1d(3).Call(r).ToArray<float>());
    }

    [Theory]
    [InlineData(6, 8)]
    [InlineData(5, 3)]
    [InlineData(7, 4)]
    [InlineData(10, 10)]
    [InlineData(3, 7)]
    public void EachOutputIsTheMeanOfItsPrintedWindow(int length, int outputSize)
    {
        Tensor.ManualSeed((ulong)(length * 31 + outputSize));
        var x = Tensor.Randn([1, 1, length]);
        var y = new AdaptiveAvgPool1d(outputSize).Call(x).ToArray<float>();
        var values = x.ToArray<float>();
        for (int i = 0; i < outputSize; i++)
        {
            var (s, e) = AdaptivePool.Window(i, length, outputSize);
            Assert.InRange(e - s, 1, length);
            Assert.Equal(values[s..e].Average(), y[i], 5);
        }
    }

    [Fact]
    public void SmallNetworkRunsOnAnyImageSizeAndBackpropagatesIntoEveryParameter()
    {
        Tensor.ManualSeed(0);
        var net = new AdaptivePool.SmallNet();
        Assert.Equal(["conv.weight", "conv.bias", "fc.weight", "fc.bias"], net.NamedParameters().Select(p => p.Name));
        Assert.Equal([2, 10], net.Call(Tensor.Randn([2, 3, 45, 37])).Shape);
        var logits = net.Call(Tensor.Randn([2, 3, 32, 32]));
        Assert.Equal([2, 10], logits.Shape);
        F.CrossEntropy(logits, Tensor.From(new long[] { 3, 7 })).Backward();
        Assert.All(net.Parameters(), p => Assert.True(p.Grad!.Abs().Sum().Item<float>() > 0));
    }
}
