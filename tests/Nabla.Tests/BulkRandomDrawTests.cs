using Nabla.NN;

namespace Nabla.Tests;

/// <summary>
/// The generator's bulk draws (<see cref="Generator.Fill"/>, used by dropout's noise and the uniform / normal
/// fills) against one draw at a time: the same stream, word for word, whatever the block sizes and starting position.
/// </summary>
public class BulkRandomDrawTests
{
    [Fact]
    public void TheTenThousandthDrawOfSeed5489IsMt19937s()
    {
        // the reference value of MT19937 (std::mt19937 default-constructed, 10000th draw), through both paths
        var single = new Generator(5489);
        for (int i = 0; i < 9999; i++) single.Random();
        Assert.Equal(4123659995u, single.Random());
        var words = new uint[10000];
        new Generator(5489).Fill(words);
        Assert.Equal(4123659995u, words[^1]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(300)]
    [InlineData(623)]
    [InlineData(624)]
    public void BulkDrawsEqualSingleDrawsFromAnyPosition(int skipped)
    {
        foreach (int length in new[] { 0, 1, 7, 16, 17, 623, 624, 625, 1300, 5000 })
        {
            var bulk = new Generator(20261201);
            var single = new Generator(20261201);
            for (int i = 0; i < skipped; i++) { bulk.Random(); single.Random(); }
            var words = new uint[length];
            bulk.Fill(words);
            Assert.Equal(Enumerable.Range(0, length).Select(_ => single.Random()), words);
            Assert.Equal(single.Random(), bulk.Random()); // both left at the same position
        }
    }

    public static TheoryData<DType, int, double> NoiseCases()
    {
        var data = new TheoryData<DType, int, double>();
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64, DType.Bool })
            foreach (int n in new[] { 1, 511, 512, 513, 1500 })
                data.Add(dtype, n, n % 2 == 0 ? 0.75 : 0.1);
        return data;
    }

    [Theory]
    [MemberData(nameof(NoiseCases))]
    public void DropoutNoiseIsOneUniformPerElementBelowP(DType dtype, int n, double p)
    {
        var g = new Generator(7);
        g.Random(); // start off a block boundary
        var twin = new Generator(7);
        twin.Random();
        var noise = DropoutNoise.Bernoulli(Tensor.Zeros([n], dtype), p, g);
        var expected = Enumerable.Range(0, n).Select(_ => twin.Uniform(true) < p ? 1L : 0L).ToArray();
        Assert.Equal(expected, noise.To(DType.Int64).ToArray<long>());
        Assert.Equal(twin.Random(), g.Random());
    }

    [Fact]
    public void DropoutNoiseFillsMemoryOrderOfATransposedInput()
    {
        var like = Tensor.Zeros(40, 30).T;
        var noise = DropoutNoise.Bernoulli(like, 0.5, new Generator(11));
        Assert.Equal(like.Stride(), noise.Stride());
        var twin = new Generator(11);
        var memoryOrder = Enumerable.Range(0, 1200).Select(_ => twin.Uniform(true) < 0.5 ? 1f : 0f).ToArray();
        Assert.Equal(memoryOrder, noise.T.Contiguous().ToArray<float>());
    }

    [Fact]
    public void DropoutKeepsAndScalesByTheSameStream()
    {
        var x = Tensor.Randn([64, 1152], generator: new Generator(3));
        var y = F.Dropout(x, 0.25, generator: new Generator(12));
        var twin = new Generator(12);
        var keep = Enumerable.Range(0, x.Numel).Select(_ => twin.Uniform(true) < 0.75).ToArray();
        var values = x.ToArray<float>();
        var scaled = y.ToArray<float>();
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(keep[i] ? values[i] * (float)(1f / 0.75f) : 0f, scaled[i]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void UniformFillsAreTheSingleDrawFormula(DType dtype)
    {
        foreach (int n in new[] { 1, 600, 1025, 3000 })
        {
            var rand = Tensor.Rand([n], dtype, new Generator(5)).To(DType.Float64).ToArray<double>();
            var twin = new Generator(5);
            var expected = Enumerable.Range(0, n).Select(_ => dtype == DType.Float64
                ? (twin.Random64() & ((1UL << 53) - 1)) * (1.0 / (1UL << 53))
                : (double)((twin.Random() & ((1u << 24) - 1)) * (1.0f / (1u << 24)))).ToArray();
            Assert.Equal(expected, rand);
        }
    }
}
