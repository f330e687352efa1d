namespace Nabla.Tests;

/// <summary>PyTorch behaviours from ../shared/PYTORCH_SEMANTICS.md that were verified against libtorch 2.10.</summary>
public class SemanticsTests
{
    [Theory]
    [InlineData(DType.Int32, DType.Float64, true, DType.Float64)]   // 0-d float64 raises the category
    [InlineData(DType.Float32, DType.Float64, true, DType.Float32)]   // same category: 0-d ignored
    [InlineData(DType.Int32, DType.Int64, true, DType.Int32)]
    [InlineData(DType.UInt8, DType.Int64, true, DType.UInt8)]
    [InlineData(DType.Int64, DType.Float32, false, DType.Float32)]
    [InlineData(DType.Bool, DType.UInt8, false, DType.UInt8)]
    public void TypePromotion(DType a, DType b, bool bIsZeroDim, DType expected)
    {
        var x = Tensor.Ones([2], a);
        var y = bIsZeroDim ? Tensor.Ones([], b) : Tensor.Ones([2], b);
        Assert.Equal(expected, (x + y).DType);
    }

    [Fact]
    public void ScalarsOnlyRaiseTheCategory()
    {
        Assert.Equal(DType.Int32, (Tensor.Ones([2], DType.Int32) + 5).DType);
        Assert.Equal(DType.Float32, (Tensor.Ones([2], DType.Int32) + 5.5).DType);
        Assert.Equal(DType.Float32, (Tensor.From(new long[] { 1, 2, 3 }) / 2).DType);
        Assert.Equal(new float[] { 0.5f, 1, 1.5f }, (Tensor.From(new long[] { 1, 2, 3 }) / 2).ToArray<float>());
    }

    [Fact]
    public void FloorAndTruncDivision()
    {
        var x = Tensor.From(new long[] { 5, -5 });
        Assert.Equal(new long[] { 2, -3 }, x.Div(2, RoundingMode.Floor).ToArray<long>());
        Assert.Equal(new long[] { 2, -2 }, x.Div(2, RoundingMode.Trunc).ToArray<long>());
        Assert.Equal("ZeroDivisionError", Assert.Throws<ArgumentException>(() => x.Div(0, RoundingMode.Floor)).Message);
        Assert.Equal(new long[] { 1, 1 }, (x % 2).ToArray<long>().Select(Math.Abs).ToArray());
        Assert.Equal(new long[] { 1, 1 }, (x % 2).ToArray<long>());
    }

    [Fact]
    public void BroadcastErrorNamesBothSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Ones(2, 3) + Tensor.Ones(4));
        Assert.Equal("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1", e.Message);
        var inplace = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Add_(Tensor.Ones(2, 3)));
        Assert.Equal("output with shape [3] doesn't match the broadcast shape [2, 3]", inplace.Message);
    }

    [Fact]
    public void DimOutOfRange()
    {
        var e = Assert.Throws<IndexException>(() => Tensor.Ones(2, 3, 4).Squeeze(3));
        Assert.Equal("Dimension out of range (expected to be in range of [-3, 2], but got 3)", e.Message);
    }

    [Fact]
    public void InPlaceCastRules()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.From(new long[] { 1, 2 }).Div_(2));
        Assert.Equal("result type Float can't be cast to the desired output type Long", e.Message);
    }

    [Fact]
    public void LeafInPlaceErrors()
    {
        var leaf = Tensor.Ones([3], requiresGrad: true);
        Assert.Equal("a leaf Variable that requires grad is being used in an in-place operation.",
            Assert.Throws<ArgumentException>(() => leaf.Add_(1)).Message);
        Assert.Equal("a view of a leaf Variable that requires grad is being used in an in-place operation.",
            Assert.Throws<ArgumentException>(() => leaf[..2].Add_(1)).Message);
        using (GradMode.NoGrad()) leaf.Add_(1);
        Assert.Equal(1, leaf.Version);
    }

    [Fact]
    public void SecondBackwardWithoutRetainGraphFails()
    {
        var x = Tensor.Ones([3], requiresGrad: true);
        var y = (x * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.Equal(new float[] { 4, 4, 4 }, x.Grad!.ToArray<float>());
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.StartsWith("Trying to backward through the graph a second time", e.Message);
    }

    [Fact]
    public void BackwardOnNonScalarNeedsGradient()
    {
        var x = Tensor.Ones([3], requiresGrad: true);
        Assert.Equal("grad can be implicitly created only for scalar outputs",
            Assert.Throws<ArgumentException>(() => (x * 2).Backward()).Message);
        (x * 2).Backward(Tensor.From(new float[] { 1, 2, 3 }));
        Assert.Equal(new float[] { 2, 4, 6 }, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void HigherOrderGradients()
    {
        var x = Tensor.From(new double[] { 1, 2 }).RequiresGrad_();
        var y = (x * x * x).Sum();
        var g = Autograd.Grad(y, x, createGraph: true)!;
        Assert.Equal(new double[] { 3, 12 }, g.ToArray<double>());
        var gg = Autograd.Grad(g.Sum(), x)!;
        Assert.Equal(new double[] { 6, 12 }, gg.ToArray<double>());
        Assert.True(GradCheck.GradGradCheck(xs => [(xs[0] * xs[0]).Sin()], [Tensor.From(new double[] { 0.3, 0.7 }).RequiresGrad_()]));
    }

    [Fact]
    public void GradOfUnusedInput()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        var z = Tensor.Ones([2], requiresGrad: true);
        var y = (x * 2).Sum();
        Assert.Null(Autograd.Grad([y], [z], allowUnused: true, retainGraph: true)[0]);
        Assert.Throws<ArgumentException>(() => Autograd.Grad([y], [z]));
    }

    [Fact]
    public void RetainGradOnNonLeaf()
    {
        var x = Tensor.Ones([2], requiresGrad: true);
        var h = x * 3;
        h.RetainGrad();
        (h * h).Sum().Backward();
        Assert.Equal(new float[] { 6, 6 }, h.Grad!.ToArray<float>());
    }

    [Fact]
    public void TieRulesOfMaxLikeOps()
    {
        Tensor X() => Tensor.From(new float[] { 1, 3, 3 }).RequiresGrad_();
        var a = X(); a.Max().Backward();
        Assert.Equal(new float[] { 0, 0.5f, 0.5f }, a.Grad!.ToArray<float>());
        var b = X(); b.Max(0).Values.Backward();
        Assert.Equal(new float[] { 0, 1, 0 }, b.Grad!.ToArray<float>());
        var c = X(); c.Amax(0).Backward();
        Assert.Equal(new float[] { 0, 0.5f, 0.5f }, c.Grad!.ToArray<float>());
        Assert.Equal(1L, Tensor.From(new float[] { 1, float.NaN, 3, float.NaN }).Argmax().Item<long>());
    }

    [Fact]
    public void CumsumAccumulatesFloat32InDouble()
    {
        var x = Tensor.Full([1 << 20], 0.1f);
        Assert.Equal(104857.6015625f, x.Cumsum(0)[-1].Item<float>());
        Assert.Equal(DType.Int64, Tensor.Ones([3], DType.Int32).Cumsum(0).DType);
        var g = Tensor.Ones([4], requiresGrad: true);
        g.Cumsum(0).Sum().Backward();
        Assert.Equal(new float[] { 4, 3, 2, 1 }, g.Grad!.ToArray<float>());
    }

    [Fact]
    public void ArangeLengthsAndErrors()
    {
        Assert.Equal(4, Tensor.Arange(1, 1.3, 0.1).Numel);
        Assert.Equal(10, Tensor.Arange(0, 1, 0.1).Numel);
        Assert.Equal(DType.Int64, Tensor.Arange(5).DType);
        Assert.Equal("step must be nonzero", Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 5, 0)).Message);
        Assert.Equal("upper bound and lower bound inconsistent with step sign", Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 5, -1)).Message);
    }

    [Fact]
    public void DiffOrdersAndBool()
    {
        var x = Tensor.From(new long[] { 1, 4, 9, 16 });
        Assert.Equal(new long[] { 2, 2 }, x.Diff(2).ToArray<long>());
        Assert.Equal(0, x.Diff(5).Numel);
        Assert.Equal(new[] { false, true, true }, Tensor.From(new[] { true, true, false, true }).Diff().ToArray<bool>());
    }

    [Fact]
    public void ViewsShareStorageAndNonContiguousCopiesRight()
    {
        var x = Tensor.Arange(0, 6).Reshape(2, 3);
        var t = x.T;
        Assert.False(t.IsContiguous());
        Assert.Equal(new long[] { 0, 3, 1, 4, 2, 5 }, t.Contiguous().ToArray<long>());
        Assert.Equal(new long[] { 0, 2, 3, 5 }, x[.., TensorIndex.Slice(0, null, 2)].ToArray<long>());
        x[0, 1] = Tensor.From(100L);
        Assert.Equal(100L, t[1, 0].Item<long>());
        Assert.Equal("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
            Assert.Throws<ArgumentException>(() => t.View(6)).Message);
        Assert.Equal(new long[] { 0, 3, 100, 4, 2, 5 }, t.Reshape(6).ToArray<long>());
    }

    [Fact]
    public void AdvancedIndexingBroadcastsAndWrites()
    {
        var x = Tensor.Arange(0, 12).Reshape(3, 4);
        var rows = Tensor.From(new long[,] { { 0 }, { 2 } });
        var cols = Tensor.From(new long[] { 1, 3 });
        Assert.Equal(new long[] { 1, 3, 9, 11 }, x[rows, cols].ToArray<long>());
        Assert.Equal(new[] { 3, 2 }, x[.., new long[] { 0, 0 }].Shape);
        x[Tensor.From(new long[] { 0, -1 })] = Tensor.From(-1L);
        Assert.Equal(new long[] { -1, -1, -1, -1 }, x[2].ToArray<long>());
        Assert.Equal("index 5 is out of bounds for dimension 0 with size 3",
            Assert.Throws<IndexException>(() => x[new long[] { 5 }]).Message);
    }

    [Fact]
    public void InPlaceThroughViewRebasesHistory()
    {
        var w = Tensor.Ones([3], requiresGrad: true);
        var a = w * 2;
        a[1..].Mul_(Tensor.From(new float[] { 3, 4 }));
        a.Sum().Backward();
        Assert.Equal(new float[] { 2, 6, 8 }, w.Grad!.ToArray<float>());
        Assert.Equal("CopySlices", a.GradFn!.Name);
    }
}
