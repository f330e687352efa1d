using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>torch.nn.init's helpers and checks (the drawn values are checked bit for bit against libtorch in the parity suite).</summary>
// Seeds the default generator and compares draws: no other test may draw from it in between.
[Collection(nameof(Nabla.Tests.Train.DefaultGeneratorAlone))]
public class InitTests
{
    [Fact]
    public void GainsAreTorchsTable()
    {
        Assert.Equal(1.0, Init.CalculateGain(Nonlinearity.Conv2d));
        Assert.Equal(5.0 / 3, Init.CalculateGain(Nonlinearity.Tanh));
        Assert.Equal(Math.Sqrt(2.0), Init.CalculateGain(Nonlinearity.Relu));
        Assert.Equal(Math.Sqrt(2.0 / (1 + 0.01 * 0.01)), Init.CalculateGain(Nonlinearity.LeakyRelu));
        Assert.Equal(Math.Sqrt(2.0 / 6.000000000000001), Init.CalculateGain(Nonlinearity.LeakyRelu, Math.Sqrt(5)));
        Assert.Equal(0.75, Init.CalculateGain(Nonlinearity.Selu));
    }

    [Fact]
    public void FansCountTheReceptiveField()
    {
        Assert.Equal((3 * 5 * 7, 4 * 5 * 7), Init.CalculateFanInAndFanOut(Tensor.Empty([4, 3, 5, 7])));
        Assert.Equal("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions",
            Assert.Throws<ArgumentException>(() => Init.XavierUniform_(Tensor.Empty([4]))).Message);
    }

    [Fact]
    public void FillsRunWithoutGradientAndKeepTheTensor()
    {
        var p = Parameter.Create(Tensor.Empty([3, 3]));
        Assert.Same(p, Init.Eye_(p));
        Assert.Equal(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, p.ToArray<float>());
        Init.Constant_(p, 0.5);
        Assert.All(p.ToArray<float>(), v => Assert.Equal(0.5f, v));
        Assert.True(p.IsLeaf && p.RequiresGrad);
        Init.KaimingUniform_(p);
        // a = 0: gain √2, bound √3·√2/√fan_in = √2 for fan_in 3.
        Assert.All(p.ToArray<float>(), v => Assert.InRange(v, -1.4143f, 1.4143f));
    }

    [Fact]
    public void ZeroElementTensorsAreLeftAloneByKaiming()
    {
        Tensor.ManualSeed(1);
        var before = Tensor.Rand(2);
        Tensor.ManualSeed(1);
        Init.KaimingNormal_(Tensor.Empty([0, 3]));
        Assert.Equal(before.ToArray<float>(), Tensor.Rand(2).ToArray<float>());
    }

    [Fact]
    public void BadArgumentsFailWithLibTorchsMessages()
    {
        Assert.Equal("uniform_ expects to return a [from, to) range, but found from=1 > to=0",
            Assert.Throws<ArgumentException>(() => Init.Uniform_(Tensor.Empty([2]), 1, 0)).Message);
        Assert.Equal("normal expects std >= 0.0, but found std -1",
            Assert.Throws<ArgumentException>(() => Init.Normal_(Tensor.Empty([2]), 0, -1)).Message);
        Assert.Equal("\"normal_kernel_cpu\" not implemented for 'Long'",
            Assert.Throws<NotSupportedException>(() => Init.Normal_(Tensor.Zeros([2], DType.Int64))).Message);
        Assert.Equal("Only tensors with 2 dimensions are supported", Assert.Throws<ArgumentException>(() => Init.Eye_(Tensor.Empty([2, 2, 2]))).Message);
    }
}
