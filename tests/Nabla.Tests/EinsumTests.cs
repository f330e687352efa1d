namespace Nabla.Tests;

/// <summary>Tensor.Einsum against PYTORCH_SEMANTICS.md §6.5, and the Diagonal view it relies on.</summary>
public class EinsumTests
{
    private static Tensor Arange(int n, params int[] shape) => Tensor.Arange(n).To(DType.Float32).Reshape(shape);

    private static string Message(Func<Tensor> f) => Assert.Throws<ArgumentException>(f).Message;

    [Theory]
    [InlineData("i1,i->", 1)]
    [InlineData("i_", 1)]
    [InlineData("ij->i_", 5)]
    public void SubscriptsMustBeLetters(string equation, int index)
    {
        int count = equation.Split("->")[0].Count(c => c == ',') + 1;
        var operands = Enumerable.Repeat(Tensor.Zeros(2, 2), count).ToArray();
        Assert.Equal($"einsum(): invalid subscript given at index {index} in the equation string, subscripts must be in [a-zA-Z]",
            Message(() => Tensor.Einsum(equation, operands)));
    }

    [Fact]
    public void OperandCountMustMatchTheEquation()
    {
        var m = Tensor.Zeros(2, 2);
        Assert.Equal("einsum(): more operands were provided than specified in the equation", Message(() => Tensor.Einsum("ij->ij", m, m)));
        Assert.Equal("einsum(): fewer operands were provided than specified in the equation", Message(() => Tensor.Einsum("ij,jk->ik", m)));
        Assert.Equal("einsum(): must provide at least one operand", Message(() => Tensor.Einsum("ij")));
    }

    [Fact]
    public void SubscriptCountMustMatchTheRank()
    {
        var m = Tensor.Zeros(2, 3);
        Assert.Equal("einsum(): the number of subscripts in the equation (3) does not match the number of dimensions (2) for operand 0 and no ellipsis was given",
            Message(() => Tensor.Einsum("ijk", m)));
        Assert.Equal("einsum(): the number of subscripts in the equation (3) is more than the number of dimensions (2) for operand 0",
            Message(() => Tensor.Einsum("...ijk", m)));
    }

    [Fact]
    public void OutputSubscriptsMustComeFromTheInputsOnce()
    {
        var m = Tensor.Zeros(2, 3);
        Assert.Equal("einsum(): output subscript k does not appear in the equation for any input operand", Message(() => Tensor.Einsum("ij->k", m)));
        Assert.Equal("einsum(): output subscript i appears more than once in the output", Message(() => Tensor.Einsum("ij->ii", m)));
    }

    [Fact]
    public void EllipsisMustBeThreeDotsOncePerTerm()
    {
        var m = Tensor.Zeros(2, 3);
        Assert.Equal("einsum(): found '.' for operand 0 that is not part of any ellipsis", Message(() => Tensor.Einsum("..ij", m)));
        Assert.Equal("einsum(): found '.' for operand 0 for which an ellipsis was already found", Message(() => Tensor.Einsum("...i...", m)));
        Assert.Equal("einsum(): found '.' for output that is not part of any ellipsis (...)", Message(() => Tensor.Einsum("...->.", m)));
        Assert.Equal("einsum(): found '.' for output but an ellipsis (...) was already found", Message(() => Tensor.Einsum("...->......", m)));
    }

    [Fact]
    public void SizesOfASharedLabelMustMatchOrBeOne()
    {
        Assert.Equal("einsum(): subscript j has size 6 for operand 1 which does not broadcast with previously seen size 3",
            Message(() => Tensor.Einsum("ij,jk->ik", Tensor.Zeros(3, 3), Tensor.Zeros(6, 3))));
        Assert.Equal("einsum(): subscript i is repeated for operand 0 but the sizes don't match, 3 != 2",
            Message(() => Tensor.Einsum("ii->i", Tensor.Zeros(2, 3))));
        Assert.Equal("einsum(): dimension 0 covered by ellipsis in operand 1has size 3 which does not broadcast with previously seen ellipsis with size 2 for the respective dimension",
            Message(() => Tensor.Einsum("...i,...i->...", Tensor.Zeros(2, 4), Tensor.Zeros(3, 4))));
    }

    [Fact]
    public void ImplicitOutputSortsUpperCaseFirst()
    {
        var x = Arange(6, 2, 3);
        var y = Tensor.Einsum("bA", x);
        Assert.Equal(new[] { 3, 2 }, y.Shape);
        Assert.Equal(x.T.Contiguous().ToArray<float>(), y.ToArray<float>());
    }

    [Fact]
    public void RepeatedLabelsTakeTheDiagonal()
    {
        var x = Arange(9, 3, 3);
        var trace = Tensor.Einsum("ii", x);
        Assert.Equal(0, trace.Dim);
        Assert.Equal(12f, trace.Item<float>());
        Assert.Equal(new float[] { 0, 4, 8 }, Tensor.Einsum("ii->i", x).ToArray<float>());
        // "iij" on (2,2,3): rows x[0,0,:] + x[1,1,:].
        Assert.Equal(new float[] { 9, 11, 13 }, Tensor.Einsum("iij->j", Arange(12, 2, 2, 3)).ToArray<float>());
    }

    [Theory]
    [InlineData(2, 3, 4)]
    [InlineData(1, 5, 1)]
    [InlineData(4, 0, 2)]
    public void MatrixProductEqualsMatmul(int n, int m, int p)
    {
        var a = Arange(n * m, n, m);
        var b = (Arange(m * p, m, p) - 1.5);
        var y = Tensor.Einsum("ij,jk->ik", a, b);
        Assert.Equal(new[] { n, p }, y.Shape);
        Assert.Equal(a.Matmul(b).ToArray<float>(), y.ToArray<float>());
        Assert.Equal(y.ToArray<float>(), Tensor.Einsum("ij,jk", a, b).ToArray<float>());
    }

    [Fact]
    public void CommonContractions()
    {
        var v = Tensor.From(new float[] { 1, 2, 3 });
        var w = Tensor.From(new float[] { 4, 5 });
        Assert.Equal(14f, Tensor.Einsum("i,i->", v, v).Item<float>());
        Assert.Equal(new float[] { 4, 5, 8, 10, 12, 15 }, Tensor.Einsum("i,j->ij", v, w).ToArray<float>());
        Assert.Equal(15f, Tensor.Einsum("ij->", Arange(6, 2, 3)).Item<float>());
        var x = Arange(24, 2, 3, 4);
        Assert.Equal(x.Permute(2, 1, 0).Contiguous().ToArray<float>(), Tensor.Einsum("ijk->kji", x).ToArray<float>());
        var a = Arange(24, 2, 3, 4);
        var b = Arange(40, 2, 4, 5);
        Assert.Equal(a.Bmm(b).ToArray<float>(), Tensor.Einsum("bij,bjk->bik", a, b).ToArray<float>());
        var c = Arange(10, 5, 2);
        Assert.Equal(a.Bmm(b).Matmul(c).ToArray<float>(), Tensor.Einsum("bij,bjk,kl->bil", a, b, c).ToArray<float>());
    }

    [Fact]
    public void EllipsisBroadcastsLikeMatmul()
    {
        var a = Arange(24, 2, 1, 3, 4);
        var b = Arange(20, 4, 5) * 0.5;
        var y = Tensor.Einsum("...ij,...jk->...ik", a, b);
        Assert.Equal(new[] { 2, 1, 3, 5 }, y.Shape);
        Assert.Equal(a.Matmul(b).ToArray<float>(), y.ToArray<float>());
        // Implicit output keeps the "..." dims first; a "..." missing from an explicit output is summed.
        Assert.Equal(new[] { 2, 1, 4, 3 }, Tensor.Einsum("...ij->...ji", a).Shape);
        Assert.Equal(a.Sum([0, 1]).ToArray<float>(), Tensor.Einsum("...ij->ij", a).ToArray<float>());
    }

    [Fact]
    public void SizeOneSharedLabelBroadcasts()
    {
        var a = Tensor.From(new float[,] { { 1 }, { 2 } });       // (2, 1)
        var b = Arange(6, 2, 3);                                   // (2, 3)
        Assert.Equal((a * b).ToArray<float>(), Tensor.Einsum("ij,ij->ij", a, b).ToArray<float>());
        Assert.Equal((a * b).Sum(1).ToArray<float>(), Tensor.Einsum("ij,ij->i", a, b).ToArray<float>());
    }

    [Fact]
    public void ContractionGradientsMatchHandValues()
    {
        var a = Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }).RequiresGrad_();
        var b = Tensor.From(new float[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } }).RequiresGrad_();
        var y = Tensor.Einsum("ij,jk->ik", a, b);
        Assert.Equal(new float[] { 4, 5, 10, 11 }, y.ToArray<float>());
        y.Backward(Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } }));
        // dA = G·Bᵀ, dB = Aᵀ·G.
        Assert.Equal(new float[] { 1, 2, 3, 3, 4, 7 }, a.Grad!.ToArray<float>());
        Assert.Equal(new float[] { 13, 18, 17, 24, 21, 30 }, b.Grad!.ToArray<float>());
    }

    [Fact]
    public void DiagonalAndTraceGradients()
    {
        var x = Arange(9, 3, 3).RequiresGrad_();
        Tensor.Einsum("ii", x).Backward();
        Assert.Equal(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, x.Grad!.ToArray<float>());
        var z = Arange(9, 3, 3).RequiresGrad_();
        Tensor.Einsum("ii->i", z).Backward(Tensor.From(new float[] { 1, 2, 3 }));
        Assert.Equal(new float[] { 1, 0, 0, 0, 2, 0, 0, 0, 3 }, z.Grad!.ToArray<float>());
    }

    [Fact]
    public void BroadcastLabelGradientIsSummed()
    {
        var a = Tensor.From(new float[,] { { 1 }, { 2 } }).RequiresGrad_();
        var b = Arange(6, 2, 3).RequiresGrad_();
        Tensor.Einsum("ij,ij->i", a, b).Sum().Backward();
        Assert.Equal(new float[] { 3, 12 }, a.Grad!.ToArray<float>());
        Assert.Equal(new float[] { 1, 1, 1, 2, 2, 2 }, b.Grad!.ToArray<float>());
    }

    [Fact]
    public void DiagonalIsAStridedView()
    {
        var x = Arange(12, 3, 4);
        Assert.Equal(new float[] { 0, 5, 10 }, x.Diagonal().ToArray<float>());
        Assert.Equal(new float[] { 1, 6, 11 }, x.Diagonal(1).ToArray<float>());
        Assert.Equal(new float[] { 4, 9 }, x.Diagonal(-1).ToArray<float>());
        Assert.Equal(new[] { 0 }, x.Diagonal(4).Shape);
        Assert.Equal(new[] { 5 }, x.Diagonal().Stride());
        x.Diagonal(1).Mul_(0);
        Assert.Equal(0f, x[0, 1].Item<float>());
        var cube = Arange(24, 2, 3, 4);
        Assert.Equal(new[] { 3, 2 }, cube.Diagonal(0, 0, 2).Shape);
        Assert.Equal("diagonal dimensions cannot be identical 1, -1", Message(() => x.Diagonal(0, 1, -1)));
    }

    [Fact]
    public void DiagonalGradientFillsTheDiagonal()
    {
        var x = Tensor.Zeros([2, 3], requiresGrad: true);
        var d = x.Diagonal(1);
        Assert.Equal("DiagonalBackward0", d.GradFn!.Name);
        d.Backward(Tensor.From(new float[] { 5, 7 }));
        Assert.Equal(new float[] { 0, 5, 0, 0, 0, 7 }, x.Grad!.ToArray<float>());
    }

    public static TheoryData<string, int[], Func<Tensor, Tensor>, int[], float, float[]> LibTorchGradients => new()
    {
        { "iji->j", [3, 2, 3], x => Tensor.Einsum("iji->j", x), [2], 31.5f, [1, 0, 0, 2, 0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 1, 0, 0, 2] },
        { "bij,bjk,kl->bil", [2, 3, 4], x => Tensor.Einsum("bij,bjk,kl->bil", x, Arange(40, 2, 4, 5), Arange(10, 5, 2)), [2, 3, 2], 1330750f,
            [200, 550, 900, 1250, 460, 1260, 2060, 2860, 720, 1970, 3220, 4470, 7780, 9480, 11180, 12880, 9840, 11990, 14140, 16290, 11900, 14500, 17100, 19700] },
        { "...ij,...jk->...ik", [2, 1, 3, 4], x => Tensor.Einsum("...ij,...jk->...ik", x, Arange(20, 4, 5)), [2, 1, 3, 5], 124135f,
            [40, 115, 190, 265, 90, 290, 490, 690, 140, 465, 790, 1115, 190, 640, 1090, 1540, 240, 815, 1390, 1965, 290, 990, 1690, 2390] },
        { "ij,kj,ik->", [2, 3], x => Tensor.Einsum("ij,kj,ik->", x, Arange(6, 2, 3) - 2, Arange(4, 2, 2)), [], 15f, [1, 2, 3, -1, 4, 9] },
        { "bii,bj->bj", [2, 3, 3], x => Tensor.Einsum("bii,bj->bj", x, x.Sum(2)), [2, 3], 4313.25f,
            [30, 3, 3, 6, 33, 6, 9, 9, 36, 322.5f, 66, 66, 82.5f, 339, 82.5f, 99, 99, 355.5f] },
    };

    /// <summary>Reference values from libtorch 2.10 (see <see cref="WeightedGradient"/>).</summary>
    [Theory]
    [MemberData(nameof(LibTorchGradients))]
    public void GradientsMatchLibTorch(string equation, int[] shape, Func<Tensor, Tensor> f, int[] outShape, float loss, float[] grad)
    {
        _ = equation; // names the case in the test explorer
        var result = WeightedGradient.Run(shape, f);
        Assert.Equal(outShape, result.Shape);
        Assert.Equal(loss, result.Loss);
        Assert.Equal(grad, result.Grad);
    }
}
