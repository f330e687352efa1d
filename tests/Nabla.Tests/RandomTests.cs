namespace Nabla.Tests;

/// <summary>Seeded draws equal PyTorch's (values printed by torch for manual_seed(0)).</summary>
// Seeds the default generator and compares draws: no other test may draw from it in between.
[Collection(nameof(Nabla.Tests.Train.DefaultGeneratorAlone))]
public class RandomTests
{
    [Fact]
    public void RandMatchesTorchForSeedZero()
    {
        Tensor.ManualSeed(0);
        var r = Tensor.Rand(3).ToArray<float>();
        Assert.Equal(new[] { 0.4963f, 0.7682f, 0.0885f }, r.Select(v => MathF.Round(v, 4)));
    }

    [Fact]
    public void RandnMatchesTorchForSeedZeroAndKeepsTheSecondBoxMullerValue()
    {
        Tensor.ManualSeed(0);
        var r = Tensor.Randn(3).ToArray<float>();
        Assert.Equal(new[] { 1.5410f, -0.2934f, -2.1788f }, r.Select(v => MathF.Round(v, 4)));
        Tensor.ManualSeed(0);
        var d = Tensor.Randn([3], DType.Float64).ToArray<double>();
        Assert.Equal(new[] { 1.5410, -0.2934, -2.1788 }, d.Select(v => Math.Round(v, 4)));
    }

    [Fact]
    public void GeneratorsAreIndependentAndReseedable()
    {
        var g = new Generator(42);
        var a = Tensor.Rand([5], generator: g).ToArray<float>();
        g.ManualSeed(42);
        Assert.Equal(a, Tensor.Rand([5], generator: g).ToArray<float>());
    }
}
