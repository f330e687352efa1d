namespace Nabla.Tests;

/// <summary>
/// div's divisor gradient summed in one pass (<c>Derivatives.ReducedDivisorGradient</c>) against the general formula
/// g * ((self / other) / -other) summed by sum_to, bit for bit; and the shapes, layouts and modes it leaves to the formula.
/// </summary>
public class DivisorGradientTests
{
    private static Tensor General(Tensor g, Tensor x, Tensor s) => (g * (x / s / -s)).SumTo(s.Shape);

    /// <summary>The one-pass sum as a backward without create_graph runs it (grad mode off).</summary>
    private static Tensor? OnePass(Tensor g, Tensor x, Tensor s)
    {
        using (GradMode.NoGrad()) return Derivatives.ReducedDivisorGradient(g, x, s);
    }

    private static void SameBits(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.To(DType.Float64).ToArray<double>().Select(BitConverter.DoubleToInt64Bits),
            actual.To(DType.Float64).ToArray<double>().Select(BitConverter.DoubleToInt64Bits));
    }

    public static TheoryData<int[], int[], DType> Fused() => new()
    {
        { [6, 40, 33], [6, 1, 33], DType.Float32 },    // x / x.sum(1, keepdim): a middle dim, odd inner width (vector tail)
        { [6, 40, 33], [6, 1, 33], DType.Float64 },
        { [3, 5, 7, 20], [3, 1, 1, 20], DType.Float32 }, // a middle block of two dims
        { [50, 24], [24], DType.Float32 },              // a missing leading dim (sum_to reshapes)
        { [4, 9, 1100], [1, 1, 1100], DType.Float32 },  // leading dims; a row wider than one column block
        { [2, 300, 40], [2, 1, 40], DType.Float32 },    // enough to run in parallel
    };

    [Theory]
    [MemberData(nameof(Fused))]
    public void TheOnePassSumIsTheGeneralFormulaBitForBit(int[] shape, int[] divisorShape, DType dtype)
    {
        var gen = new Generator(31);
        var x = Tensor.Randn(shape, dtype, gen) * 1e3;
        var s = Tensor.Randn(divisorShape, dtype, gen);
        var g = Tensor.Randn(shape, dtype, gen).Mul(Tensor.Randn(shape, dtype, gen).Mul(4).Exp());
        var fused = OnePass(g, x, s);
        Assert.NotNull(fused);
        SameBits(General(g, x, s), fused!);
        // and through autograd, as the divisor's gradient of x / s
        var leaf = s.Detach().RequiresGrad_();
        SameBits(General(g, x, s), Autograd.Grad([x / leaf], [leaf], [g])[0]!);
    }

    [Fact]
    public void ZeroInfinityAndNaNDivisorsGiveTheGeneralBits()
    {
        var x = Tensor.Randn([2, 4, 16], generator: new Generator(32));
        var s = Tensor.Randn([2, 1, 16], generator: new Generator(33));
        s[0, 0, 3] = Tensor.From(0f);
        s[0, 0, 4] = Tensor.From(-0f);
        s[1, 0, 5] = Tensor.From(float.PositiveInfinity);
        s[1, 0, 6] = Tensor.From(float.NaN);
        x[1, 2, 7] = Tensor.From(float.NaN);
        var g = Tensor.Randn([2, 4, 16], generator: new Generator(34));
        SameBits(General(g, x, s), OnePass(g, x, s)!);
    }

    [Fact]
    public void AStridedDivisorIsReadInOrder()
    {
        var x = Tensor.Randn([5, 8, 24], generator: new Generator(35));
        var s = Tensor.Randn([24, 1, 5], generator: new Generator(36)).Permute(2, 1, 0); // (5, 1, 24), not contiguous
        var g = Tensor.Randn([5, 8, 24], generator: new Generator(37));
        SameBits(General(g, x, s), OnePass(g, x, s)!);
    }

    [Fact]
    public void OtherCasesAreLeftToTheFormula()
    {
        var gen = new Generator(38);
        var x = Tensor.Randn([4, 6, 32], generator: gen);
        var g = Tensor.Randn([4, 6, 32], generator: gen);
        Assert.Null(OnePass(g, x, Tensor.Randn([4, 6, 32], generator: gen)));   // not broadcast
        Assert.Null(OnePass(g, x, Tensor.Randn([4, 1, 1], generator: gen)));    // inner run too short
        Assert.Null(OnePass(g, x, Tensor.Randn([1, 6, 1], generator: gen)));    // two blocks
        Assert.Null(OnePass(g, x, Tensor.Randn([1, 1, 1], generator: gen)));    // every dim
        Assert.Null(OnePass(g, x, Tensor.Randn([4, 1, 32], DType.Float64, gen))); // mixed dtypes
        Assert.Null(OnePass(g.Transpose(0, 1).Contiguous().Transpose(0, 1), x, Tensor.Randn([4, 1, 32], generator: gen))); // strided g
        Assert.Null(OnePass(g, Tensor.Randn([4, 1, 32], generator: gen), Tensor.Randn([4, 1, 32], generator: gen))); // broadcast self
        using (GradMode.EnableGrad()) Assert.Null(Derivatives.ReducedDivisorGradient(g, x, Tensor.Randn([4, 1, 32], generator: gen))); // create_graph
        Assert.NotNull(OnePass(g, x, Tensor.Randn([4, 1, 32], generator: gen)));
    }

    [Fact]
    public void SecondDerivativesStillFlowThroughTheFormula()
    {
        var x = Tensor.Randn([3, 5, 16], DType.Float64, new Generator(39)).RequiresGrad_();
        var ratio = x / x.Sum([1], keepdim: true);
        var grad = Autograd.Grad([ratio], [x], [Tensor.Randn([3, 5, 16], DType.Float64, new Generator(40))], createGraph: true)[0]!;
        Assert.True(grad.RequiresGrad);
        Assert.True(GradCheck.GradGradCheck(t => [t[0] / t[0].Sum([1], keepdim: true)], [Tensor.Randn([2, 3, 16], DType.Float64, new Generator(41)).RequiresGrad_()]));
    }
}
