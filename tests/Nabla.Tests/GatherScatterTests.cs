namespace Nabla.Tests;

/// <summary>gather / scatter / scatter_reduce / index_* / masked_* / take: values, gradients and messages of §4.</summary>
public class GatherScatterTests
{
    private static Tensor Longs(params long[] values) => Tensor.From(values);
    private static Tensor Doubles(params double[] values) => Tensor.From(values);
    private static Tensor Leaf(params double[] values) => Tensor.From(values).RequiresGrad_();

    private static void Close(double[] expected, Tensor? actual, double tol = 1e-6)
    {
        Assert.NotNull(actual);
        var values = actual!.ToArray<double>();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++)
            Assert.True(Math.Abs(expected[i] - values[i]) <= tol || (double.IsNaN(expected[i]) && double.IsNaN(values[i])),
                $"element {i}: expected {expected[i]}, got {values[i]}");
    }

    // ---- seed scenario ---------------------------------------------------------------------------------------

    private static Tensor Seed() => Tensor.Arange(24).Reshape(2, 3, 4);

    [Fact]
    public void SeedGatherAlongDim1()
    {
        var index = Tensor.From(new long[,,] { { { 0, 0, 0, 0 }, { 2, 2, 2, 2 } }, { { 0, 0, 0, 0 }, { 2, 2, 2, 2 } } });
        var y = Seed().Gather(1, index);
        Assert.Equal(new[] { 2, 2, 4 }, y.Shape);
        Assert.Equal(DType.Int64, y.DType);
        Assert.Equal(new long[] { 0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23 }, y.ToArray<long>());
    }

    [Fact]
    public void SeedGatherAlongDim0()
    {
        // out[0][j][k] = x[index[0][j][k]][j][k] = 12 * index + 4 j + k
        var index = Tensor.From(new long[,,] { { { 1, 0, 1, 0 }, { 0, 1, 0, 1 }, { 1, 1, 0, 0 } } });
        var y = Seed().Gather(0, index);
        Assert.Equal(new[] { 1, 3, 4 }, y.Shape);
        Assert.Equal(new long[] { 12, 1, 14, 3, 4, 17, 6, 19, 20, 21, 10, 11 }, y.ToArray<long>());
    }

    [Fact]
    public void SeedGatherAlongDim2()
    {
        // out[i][j][k] = x[i][j][index[i][j][k]] = 12 i + 4 j + index
        var index = Tensor.From(new long[,,] { { { 3, 0 }, { 1, 1 }, { 2, 0 } }, { { 0, 0 }, { 3, 2 }, { 1, 3 } } });
        var y = Seed().Gather(-1, index);
        Assert.Equal(new[] { 2, 3, 2 }, y.Shape);
        Assert.Equal(new long[] { 3, 0, 5, 5, 10, 8, 12, 12, 19, 18, 21, 23 }, y.ToArray<long>());
    }

    [Fact]
    public void SeedGatherGradientScatterAddsIntoZeros()
    {
        var x = Seed().To(DType.Float64).RequiresGrad_();
        var index = Tensor.From(new long[,,] { { { 0, 0, 0, 0 }, { 2, 2, 2, 2 } }, { { 0, 0, 0, 0 }, { 2, 0, 2, 2 } } });
        var y = x.Gather(1, index);
        Assert.Equal("GatherBackward0", y.GradFn!.Name);
        (y * Tensor.Arange(1.0, 17.0, 1.0, DType.Float64).Reshape(2, 2, 4)).Sum().Backward();
        // (i, j, k) collects the weights of every output that read it; (1, 0, 1) is read twice: 10 + 14.
        Close([1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8, 9, 24, 11, 12, 0, 0, 0, 0, 13, 0, 15, 16], x.Grad);
    }

    // ---- gather ----------------------------------------------------------------------------------------------

    [Fact]
    public void GatherDocExample()
    {
        var input = Tensor.From(new long[,] { { 1, 2 }, { 3, 4 } });
        var y = input.Gather(1, Tensor.From(new long[,] { { 0, 0 }, { 1, 0 } }));
        Assert.Equal(new long[] { 1, 1, 4, 3 }, y.ToArray<long>());
    }

    [Fact]
    public void GatherIndexMayBeSmallerOrLongerThanInput()
    {
        var x = Tensor.Arange(12).Reshape(3, 4);
        // Smaller on dim 0, longer than the input along dim 1.
        var y = x.Gather(1, Tensor.From(new long[,] { { 3, 3, 0, 1, 2, 0 } }));
        Assert.Equal(new[] { 1, 6 }, y.Shape);
        Assert.Equal(new long[] { 3, 3, 0, 1, 2, 0 }, y.ToArray<long>());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void GatherRejectsOutOfRangeIndices(long bad)
    {
        var x = Tensor.Zeros(2, 3);
        var index = Tensor.From(new long[,] { { bad, 0 }, { 0, 0 } });
        var e = Assert.Throws<ArgumentException>(() => x.Gather(1, index));
        Assert.Equal($"index {bad} is out of bounds for dimension 1 with size 3", e.Message);
        var e0 = Assert.Throws<ArgumentException>(() => x.Gather(0, Tensor.From(new long[,] { { 0, bad > 0 ? 2 : -1 } })));
        Assert.Equal($"index {(bad > 0 ? 2 : -1)} is out of bounds for dimension 0 with size 2", e0.Message);
    }

    [Fact]
    public void GatherShapeAndDTypeErrors()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Equal("Index tensor must have the same number of dimensions as input tensor",
            Assert.Throws<ArgumentException>(() => x.Gather(1, Longs(0, 1))).Message);
        Assert.Equal("Size does not match at dimension 0 expected index [3, 1] to be no larger than self [2, 3] apart from dimension 1",
            Assert.Throws<ArgumentException>(() => x.Gather(1, Tensor.Zeros([3, 1], DType.Int64))).Message);
        Assert.Equal("gather(): Expected dtype int32/int64 for index",
            Assert.Throws<ArgumentException>(() => x.Gather(1, Tensor.Zeros(2, 1))).Message);
        Assert.Equal("Dimension out of range (expected to be in range of [-2, 1], but got 2)",
            Assert.Throws<IndexException>(() => x.Gather(2, Tensor.Zeros([2, 1], DType.Int64))).Message);
        // An empty index skips every check but the dim.
        Assert.Equal(new[] { 0, 5 }, x.Gather(1, Tensor.Zeros([0, 5], DType.Float32)).Shape);
    }

    [Fact]
    public void GatherAcceptsInt32Index()
    {
        var y = Tensor.From(new long[,] { { 1, 2 }, { 3, 4 } }).Gather(1, Tensor.From(new int[,] { { 0, 0 }, { 1, 0 } }));
        Assert.Equal(new long[] { 1, 1, 4, 3 }, y.ToArray<long>());
    }

    [Theory]
    [InlineData(DType.Bool)]
    [InlineData(DType.UInt8)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void GatherAndScatterEveryDType(DType dtype)
    {
        var x = Tensor.From(new long[,] { { 0, 1, 1 }, { 1, 0, 0 } }).To(dtype);
        var index = Tensor.From(new long[,] { { 2, 0 }, { 0, 0 } });
        var y = x.Gather(1, index);
        Assert.Equal(dtype, y.DType);
        Assert.Equal(new long[] { 1, 0, 1, 1 }, y.ToArray<long>());
        var s = Tensor.Zeros([2, 3], dtype).Scatter(1, index, Tensor.Ones([2, 2], dtype));
        Assert.Equal(new long[] { 1, 0, 1, 1, 0, 0 }, s.ToArray<long>());
        // Bool sums saturate (logical or).
        var added = Tensor.Zeros([2, 3], dtype).ScatterAdd(1, index, Tensor.Ones([2, 2], dtype));
        Assert.Equal(new long[] { 1, 0, 1, dtype == DType.Bool ? 1 : 2, 0, 0 }, added.ToArray<long>());
        var amax = x.ScatterReduce(1, index, Tensor.Ones([2, 2], dtype), ScatterReduceMode.Amax, includeSelf: false);
        Assert.Equal(new long[] { 1, 1, 1, 1, 0, 0 }, amax.ToArray<long>());
        Assert.Equal(new long[] { 1, 0 }, x.MaskedSelect(Tensor.From(new[] { false, true, false })).ToArray<long>());
        Assert.Equal(new long[] { 0, 1 }, x.Take(Longs(0, -3)).ToArray<long>());
        Assert.Equal(new long[] { 0, 1, 1, 1, 1, 0 }, x.IndexAdd(1, Longs(1), Tensor.Ones([2, 1], dtype)).ToArray<long>().Select(v => Math.Min(v, 1)).ToArray());
    }

    [Fact]
    public void EmptyGatherStillRecordsItsGradient()
    {
        var x = Leaf(1, 2, 3);
        var y = x.Gather(0, Tensor.Zeros([0], DType.Float32));
        Assert.Equal(new[] { 0 }, y.Shape);
        Assert.Equal("GatherBackward0", y.GradFn!.Name);
        y.Sum().Backward();
        Close([0, 0, 0], x.Grad);
    }

    [Fact]
    public void GatherOfZeroDimTensor()
    {
        var x = Tensor.From(7.0);
        Assert.Equal(7.0, x.Gather(0, Tensor.From(0L)).Item<double>());
        Assert.Equal(new[] { 2 }, x.Gather(0, Longs(0, 0)).Shape);
        // A 0-d index counts as 1-d too, and take reads a 0-d tensor as one element.
        Assert.Equal(2L, Tensor.Arange(3).Gather(0, Tensor.From(2L)).Item<long>());
        Close([7, 7], x.Take(Longs(0, -1)));
        Close([0, 5, 0], Tensor.Zeros(3).Scatter(0, Longs(1), Tensor.From(5f)));
    }

    // ---- non-contiguous inputs -------------------------------------------------------------------------------

    [Fact]
    public void GatherOnTransposedSlicedAndExpandedInputs()
    {
        var x = Tensor.Arange(24).Reshape(4, 6);
        var index = Tensor.From(new long[,] { { 3, 0 }, { 1, 2 } });
        // Transposed (6, 4): t[i][j] = x[j][i] = 6 j + i.
        Assert.Equal(new long[] { 18, 0, 7, 13 }, x.T.Gather(1, index).ToArray<long>());
        // Every other column (4, 3): s[i][j] = 6 i + 2 j.
        Assert.Equal(new long[] { 4, 0, 8, 10 }, x.Slice(1, 0, null, 2).Gather(1, Tensor.From(new long[,] { { 2, 0 }, { 1, 2 } })).ToArray<long>());
        // A row expanded to (3, 6).
        var row = Tensor.Arange(6).Reshape(1, 6).Expand(3, 6);
        Assert.Equal(new long[] { 5, 0, 3, 3, 1, 1 }, row.Gather(1, Tensor.From(new long[,] { { 5, 0 }, { 3, 3 }, { 1, 1 } })).ToArray<long>());
        // A transposed and an expanded index.
        var tIndex = Tensor.From(new long[,] { { 3, 1 }, { 0, 2 } }).T;
        Assert.Equal(new long[] { 3, 0, 7, 8 }, x.Gather(1, tIndex).ToArray<long>());
        var eIndex = Longs(5, 1).Reshape(1, 2).Expand(3, 2);
        Assert.Equal(new long[] { 5, 1, 11, 7, 17, 13 }, x.Gather(1, eIndex).ToArray<long>());
    }

    [Fact]
    public void ScatterAddIntoTransposedViewAndFromExpandedSource()
    {
        var baseT = Tensor.Zeros(3, 2);
        var view = baseT.T;    // (2, 3), strides (1, 2)
        view.ScatterAdd_(1, Tensor.From(new long[,] { { 0, 0, 2 }, { 1, 1, 1 } }), Tensor.Ones(1, 3).Expand(2, 3));
        Assert.Equal(new float[] { 2, 0, 0, 3, 1, 0 }, baseT.ToArray<float>());
        Assert.Equal(1, baseT.Version);
        // Strided src with a step.
        var src = Tensor.Arange(1.0, 13.0).Reshape(2, 6).Slice(1, 0, null, 2);    // [[1,3,5],[7,9,11]]
        var y = Tensor.Zeros(2, 2).ScatterAdd(1, Tensor.From(new long[,] { { 1, 1, 0 }, { 0, 0, 0 } }), src);
        Assert.Equal(new float[] { 5, 4, 27, 0 }, y.ToArray<float>());
    }

    // ---- scatter / scatter_add ------------------------------------------------------------------------------

    [Fact]
    public void ScatterAddDuplicatesAccumulate()
    {
        var y = Tensor.Zeros(3).ScatterAdd(0, Longs(0, 1, 0, 2), Tensor.From(new float[] { 1, 2, 3, 4 }));
        Assert.Equal(new float[] { 4, 2, 4 }, y.ToArray<float>());
    }

    [Fact]
    public void ScatterWritesAndScalarFill()
    {
        var self = Tensor.Zeros(3, 5);
        var src = Tensor.Arange(1.0, 11.0).Reshape(2, 5);
        var y = self.Scatter(0, Tensor.From(new long[,] { { 0, 1, 2, 0 } }), src);
        Assert.Equal(new float[] { 1, 0, 0, 4, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0 }, y.ToArray<float>());
        var filled = Tensor.Zeros([2, 4], DType.Int64).Scatter(1, Tensor.From(new long[,] { { 2 }, { 3 } }), 1.23);
        Assert.Equal(new long[] { 0, 0, 1, 0, 0, 0, 0, 1 }, filled.ToArray<long>());
        // Only the index-shaped block of src is read, by coordinate.
        var block = Tensor.Zeros(2, 3).Scatter(1, Tensor.From(new long[,] { { 2 }, { 0 } }), Tensor.Arange(1.0, 7.0).Reshape(2, 3));
        Assert.Equal(new float[] { 0, 0, 1, 4, 0, 0 }, block.ToArray<float>());
    }

    [Fact]
    public void ScatterAndScatterAddRejectNegativeAndLargeIndices()
    {
        var self = Tensor.Zeros(2, 3);
        var src = Tensor.Ones(2, 2);
        foreach (var bad in new long[] { -1, 3 })
        {
            var index = Tensor.From(new long[,] { { bad, 0 }, { 0, 0 } });
            Assert.Equal($"index {bad} is out of bounds for dimension 1 with size 3",
                Assert.Throws<ArgumentException>(() => self.Scatter(1, index, src)).Message);
            Assert.Equal($"index {bad} is out of bounds for dimension 1 with size 3",
                Assert.Throws<ArgumentException>(() => self.ScatterAdd(1, index, src)).Message);
        }
        Assert.Equal("index 2 is out of bounds for dimension 0 with size 2",
            Assert.Throws<ArgumentException>(() => self.ScatterAdd(0, Tensor.From(new long[,] { { 0, 2 } }), src)).Message);
    }

    [Fact]
    public void ScatterShapeAndDTypeErrors()
    {
        var self = Tensor.Zeros(2, 3);
        Assert.Equal("scatter(): Expected self.dtype to be equal to src.dtype",
            Assert.Throws<ArgumentException>(() => self.Scatter(1, Tensor.Zeros([2, 2], DType.Int64), Tensor.Ones([2, 2], DType.Float64))).Message);
        Assert.Equal("scatter(): Expected dtype int32/int64 for index",
            Assert.Throws<ArgumentException>(() => self.ScatterAdd(1, Tensor.Zeros(2, 2), Tensor.Ones(2, 2))).Message);
        Assert.Equal("Index tensor must have the same number of dimensions as self tensor",
            Assert.Throws<ArgumentException>(() => self.Scatter(1, Longs(0, 1), Tensor.Ones(2))).Message);
        Assert.Equal("Index tensor must have the same number of dimensions as src tensor",
            Assert.Throws<ArgumentException>(() => self.Scatter(1, Tensor.Zeros([2, 2], DType.Int64), Tensor.Ones(4))).Message);
        Assert.Equal("Expected index [2, 3] to be no larger than self [2, 3] apart from dimension 1 and to be no larger size than src [2, 2]",
            Assert.Throws<ArgumentException>(() => self.Scatter(1, Tensor.Zeros([2, 3], DType.Int64), Tensor.Ones(2, 2))).Message);
        Assert.Equal("Expected index [3, 1] to be no larger than self [2, 3] apart from dimension 1",
            Assert.Throws<ArgumentException>(() => self.Scatter(1, Tensor.Zeros([3, 1], DType.Int64), 1.0)).Message);
        // An empty index returns a copy without shape checks.
        var copy = self.Scatter(1, Tensor.Zeros([0], DType.Int64), Tensor.Ones(7));
        Assert.Equal(new[] { 2, 3 }, copy.Shape);
    }

    [Fact]
    public void ScatterGradients()
    {
        var self = Leaf(1, 2, 3, 4, 5);
        var src = Leaf(10, 20, 30);
        var y = self.Scatter(0, Longs(0, 2, 2), src);
        Assert.Equal("ScatterBackward0", y.GradFn!.Name);
        (y * Doubles(1, 2, 3, 4, 5)).Sum().Backward();
        Close([0, 2, 0, 4, 5], self.Grad);
        Close([1, 3, 3], src.Grad);    // both duplicates get the gradient of their target

        var added = Leaf(1, 2, 3);
        var addSrc = Leaf(4, 5);
        var z = added.ScatterAdd(0, Longs(2, 2), addSrc);
        Assert.Equal("ScatterAddBackward0", z.GradFn!.Name);
        (z * Doubles(1, 2, 3)).Sum().Backward();
        Close([1, 2, 3], added.Grad);
        Close([3, 3], addSrc.Grad);

        var filled = Leaf(1, 2, 3);
        var f = filled.Scatter(0, Longs(1), 9.0);
        Assert.Equal("ScatterBackward1", f.GradFn!.Name);
        f.Sum().Backward();
        Close([1, 0, 1], filled.Grad);
    }

    [Fact]
    public void ScatterWithLargerSrcFailsInBackward()
    {
        var self = Tensor.Zeros([5], DType.Float64).RequiresGrad_();
        var src = Leaf(1, 2, 3, 4);
        var y = self.Scatter(0, Longs(0, 1), src);
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Equal("Function ScatterBackward0 returned an invalid gradient at index 1 - got [2] but expected shape compatible with [4]", e.Message);
    }

    // ---- scatter_reduce -------------------------------------------------------------------------------------

    [Theory]
    [InlineData(ScatterReduceMode.Sum, new double[] { 1, 2, 3, 4 }, true, new double[] { 5, 14, 8, 4 })]
    [InlineData(ScatterReduceMode.Sum, new double[] { 1, 2, 3, 4 }, false, new double[] { 4, 12, 5, 4 })]
    [InlineData(ScatterReduceMode.Mean, new double[] { 1, 2, 3, 4 }, true, new double[] { 5.0 / 3, 3.5, 4, 4 })]
    [InlineData(ScatterReduceMode.Mean, new double[] { 1, 2, 3, 4 }, false, new double[] { 2, 4, 5, 4 })]
    [InlineData(ScatterReduceMode.Prod, new double[] { 1, 2, 3, 4 }, true, new double[] { 3, 96, 15, 4 })]
    [InlineData(ScatterReduceMode.Prod, new double[] { 1, 2, 3, 4 }, false, new double[] { 3, 48, 5, 4 })]
    [InlineData(ScatterReduceMode.Amax, new double[] { 5, 4, 3, 2 }, true, new double[] { 5, 6, 5, 2 })]
    [InlineData(ScatterReduceMode.Amax, new double[] { 5, 4, 3, 2 }, false, new double[] { 3, 6, 5, 2 })]
    [InlineData(ScatterReduceMode.Amin, new double[] { 5, 4, 3, 2 }, true, new double[] { 1, 2, 3, 2 })]
    [InlineData(ScatterReduceMode.Amin, new double[] { 5, 4, 3, 2 }, false, new double[] { 1, 2, 5, 2 })]
    public void ScatterReduceTable(ScatterReduceMode reduce, double[] self, bool includeSelf, double[] expected)
    {
        var index = Longs(0, 1, 0, 1, 2, 1);
        var src = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 });
        var y = Tensor.From(self).To(DType.Float32).ScatterReduce(0, index, src, reduce, includeSelf);
        Assert.Equal(DType.Float32, y.DType);
        Close(expected, y, 1e-5);
        // The integer version agrees wherever no division is involved.
        if (reduce != ScatterReduceMode.Mean)
        {
            var yi = Tensor.From(self).To(DType.Int64).ScatterReduce(0, index, Longs(1, 2, 3, 4, 5, 6), reduce, includeSelf);
            Close(expected, yi);
        }
    }

    [Fact]
    public void ScatterReduceIntegerMeanFloors()
    {
        var y = Longs(1, 2, 3, 4).ScatterReduce(0, Longs(0, 1, 0, 1, 2, 1), Longs(1, 2, 3, 4, 5, 6), ScatterReduceMode.Mean);
        Assert.Equal(new long[] { 1, 3, 4, 4 }, y.ToArray<long>());
    }

    [Theory]
    [InlineData(ScatterReduceMode.Sum, true, new double[] { 1, 10, 100 }, new double[] { 1, 1, 10 })]
    [InlineData(ScatterReduceMode.Sum, false, new double[] { 0, 0, 100 }, new double[] { 1, 1, 10 })]
    [InlineData(ScatterReduceMode.Mean, true, new double[] { 1.0 / 3, 5, 100 }, new double[] { 1.0 / 3, 1.0 / 3, 5 })]
    [InlineData(ScatterReduceMode.Mean, false, new double[] { 0, 0, 100 }, new double[] { 0.5, 0.5, 10 })]
    [InlineData(ScatterReduceMode.Prod, true, new double[] { 30, 70, 100 }, new double[] { 12, 10, 30 })]
    public void ScatterReduceGradients(ScatterReduceMode reduce, bool includeSelf, double[] gradSelf, double[] gradSrc)
    {
        var self = Leaf(2, 3, 4);
        var src = Leaf(5, 6, 7);
        var y = self.ScatterReduce(0, Longs(0, 0, 1), src, reduce, includeSelf);
        Assert.Equal("ScatterReduceBackward0", y.GradFn!.Name);
        (y * Doubles(1, 10, 100)).Sum().Backward();
        Close(gradSelf, self.Grad);
        Close(gradSrc, src.Grad);
    }

    [Fact]
    public void ScatterReduceProdGradientIsExactWithZeros()
    {
        var self = Leaf(2, 3);
        var src = Leaf(0, 5);
        self.ScatterReduce(0, Longs(0, 0), src, ScatterReduceMode.Prod).Sum().Backward();
        Close([10, 0], src.Grad);
        Close([0, 1], self.Grad);
        // A zero in self: its gradient is the product of what was scattered onto it.
        var zeroSelf = Leaf(0, 3);
        var src2 = Leaf(4, 5);
        zeroSelf.ScatterReduce(0, Longs(0, 0), src2, ScatterReduceMode.Prod).Sum().Backward();
        Close([20, 1], zeroSelf.Grad);
        Close([0, 0], src2.Grad);
    }

    [Theory]
    [InlineData(ScatterReduceMode.Amax, 1)]
    [InlineData(ScatterReduceMode.Amin, -1)]
    public void ScatterReduceExtremaSplitTiesEvenly(ScatterReduceMode reduce, double sign)
    {
        var index = Longs(0, 0, 1, 1, 2);
        var self = (Doubles(1, 5, 0) * sign).Detach().RequiresGrad_();
        var src = (Doubles(3, 3, 5, 2, -1) * sign).Detach().RequiresGrad_();
        var y = self.ScatterReduce(0, index, src, reduce);
        Close([3 * sign, 5 * sign, 0], y);
        y.Sum().Backward();
        Close([0, 0.5, 1], self.Grad);
        Close([0.5, 0.5, 0.5, 0, 0], src.Grad);

        // include_self=False: self still counts in the tie count, and its share is dropped.
        var self2 = (Doubles(1, 5, 0) * sign).Detach().RequiresGrad_();
        var src2 = (Doubles(3, 3, 5, 2, -1) * sign).Detach().RequiresGrad_();
        var y2 = self2.ScatterReduce(0, index, src2, reduce, includeSelf: false);
        Close([3 * sign, 5 * sign, -1 * sign], y2);
        y2.Sum().Backward();
        Close([0, 0, 0], self2.Grad);
        Close([0.5, 0.5, 0.5, 0, 1], src2.Grad);
    }

    [Fact]
    public void ScatterReduceProdDoubleBackwardWithTwoZerosIsDelayedError()
    {
        var self = Leaf(2, 3);
        var src = Leaf(0, 0);
        var y = self.ScatterReduce(0, Longs(0, 0), src, ScatterReduceMode.Prod);
        var g = Autograd.Grad([y.Sum()], [src], createGraph: true)[0]!;
        Close([0, 0], g);
        var e = Assert.Throws<ArgumentException>(() => g.Sum().Backward());
        Assert.Equal("scatter_reduce(): Double backward is unsupported for src when >1 zeros in src are scattered to the same position in self", e.Message);
    }

    [Fact]
    public void ScatterReduceNaNPropagates()
    {
        var y = Doubles(1, 2).ScatterReduce(0, Longs(0, 0, 1), Doubles(double.NaN, 3, 1), ScatterReduceMode.Amax);
        Close([double.NaN, 2], y);
        var z = Doubles(double.NaN, 2).ScatterReduce(0, Longs(0), Doubles(5), ScatterReduceMode.Amin);
        Close([double.NaN, 2], z);
    }

    // ---- in-place forms ------------------------------------------------------------------------------------

    [Fact]
    public void InPlaceScatterBumpsVersionAndKeepsHistory()
    {
        var t = Tensor.Zeros(4);
        t.Scatter_(0, Longs(1, 3), Tensor.From(new float[] { 5, 6 }));
        Assert.Equal(new float[] { 0, 5, 0, 6 }, t.ToArray<float>());
        Assert.Equal(1, t.Version);
        t.ScatterReduce_(0, Longs(1, 1), Tensor.From(new float[] { 2, 3 }), ScatterReduceMode.Prod);
        Assert.Equal(new float[] { 0, 30, 0, 6 }, t.ToArray<float>());
        Assert.Equal(2, t.Version);

        var leaf = Leaf(1, 2, 3);
        Assert.Equal("a leaf Variable that requires grad is being used in an in-place operation.",
            Assert.Throws<ArgumentException>(() => leaf.ScatterAdd_(0, Longs(0), Doubles(1))).Message);

        // Non-leaf target and a src that requires grad, while the target does not.
        var x = Leaf(1, 2, 3);
        var h = x * 2;
        h.ScatterAdd_(0, Longs(0, 0), x.Slice(0, 0, 2));
        Assert.Equal("ScatterAddBackward0", h.GradFn!.Name);
        h.Sum().Backward();
        Close([3, 3, 2], x.Grad);

        var plain = Tensor.Zeros([3], DType.Float64);
        var s = Leaf(4, 5);
        plain.Scatter_(0, Longs(2, 0), s);
        Assert.True(plain.RequiresGrad);
        (plain * Doubles(1, 2, 3)).Sum().Backward();
        Close([3, 1], s.Grad);
    }

    [Fact]
    public void ScatterReduceInPlaceSavedSelfIsTheOldValue()
    {
        var x = Leaf(2, 3);
        var h = x * 1;
        h.ScatterReduce_(0, Longs(0), Doubles(4), ScatterReduceMode.Prod);
        Close([8, 3], h);
        h.Sum().Backward();
        Close([4, 1], x.Grad);
    }

    [Fact]
    public void InPlaceFormsRejectASourceThatOverlapsTheTarget()
    {
        const string message = "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.";
        var x = Tensor.Arange(0.0, 4.0);
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => x.ScatterAdd_(0, Longs(0, 1), x.Slice(0, 1, 3))).Message);
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => x.IndexCopy_(0, Longs(0, 1, 2, 3), x)).Message);
        var h = Leaf(1, 2, 3) * 1;
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => h.ScatterAdd_(0, Longs(0), h.Slice(0, 1, 2))).Message);
        // A disjoint part of the same storage is fine.
        x.Slice(0, 0, 2).ScatterAdd_(0, Longs(0, 0), x.Slice(0, 2, 4));
        Assert.Equal(new float[] { 5, 1, 2, 3 }, x.ToArray<float>());
    }

    // ---- determinism ---------------------------------------------------------------------------------------

    [Fact]
    public void LargeScatterAddIsSerialAndDeterministic()
    {
        int rows = 400, cols = 300;
        var src = Tensor.Rand([rows, cols], DType.Float32);
        var index = Tensor.Randint(3, [rows, cols]);
        var y = Tensor.Zeros(3, cols).ScatterAdd(0, index, src);
        var s = src.ToArray<float>();
        var idx = index.ToArray<long>();
        var expected = new float[3 * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) expected[idx[r * cols + c] * cols + c] += s[r * cols + c];
        Assert.Equal(expected, y.ToArray<float>());
        Assert.Equal(y.ToArray<float>(), Tensor.Zeros(3, cols).ScatterAdd(0, index, src).ToArray<float>());
    }

    [Fact]
    public void ScatterDuplicatesLastWriteWins()
    {
        var y = Tensor.Zeros(2, 3).Scatter(1, Tensor.From(new long[,] { { 1, 1, 1 }, { 0, 2, 0 } }), Tensor.Arange(1.0, 7.0).Reshape(2, 3));
        Assert.Equal(new float[] { 0, 3, 0, 6, 0, 5 }, y.ToArray<float>());
    }

    [Fact]
    public void BoolScatterAddIsLogicalOr()
    {
        var y = Tensor.Zeros([3], DType.Bool).ScatterAdd(0, Longs(0, 0, 2), Tensor.From(new[] { true, true, false }));
        Assert.Equal(new[] { true, false, false }, y.ToArray<bool>());
        var p = Tensor.Ones([2], DType.Bool).ScatterReduce(0, Longs(0, 1), Tensor.From(new[] { true, false }), ScatterReduceMode.Prod);
        Assert.Equal(new[] { true, false }, p.ToArray<bool>());
    }

    // ---- take_along_dim -------------------------------------------------------------------------------------

    [Fact]
    public void TakeAlongDimWrapsIndicesModuloTheDim()
    {
        var x = Tensor.From(new double[,] { { 10, 11, 12 }, { 20, 21, 22 } });
        var y = x.TakeAlongDim(Tensor.From(new long[,] { { -1, -3 }, { -4, 3 } }), 1);
        Close([12, 10, 22, 20], y);
        // Broadcasting on the other dims.
        var b = x.TakeAlongDim(Tensor.From(new long[,] { { 2, 0 } }), 1);
        Assert.Equal(new[] { 2, 2 }, b.Shape);
        Close([12, 10, 22, 20], b);
        Close([20, 11, 22], x.TakeAlongDim(Tensor.From(new long[,] { { 1, 0, 1 } }), 0));
    }

    [Fact]
    public void TakeAlongDimGradientLandsOnTheWrappedPosition()
    {
        var x = Tensor.From(new double[,] { { 10, 11, 12 }, { 20, 21, 22 } }).RequiresGrad_();
        x.TakeAlongDim(Tensor.From(new long[,] { { -1 } }), 1).Sum().Backward();
        Close([0, 0, 1, 0, 0, 1], x.Grad);
    }

    [Fact]
    public void TakeAlongDimErrors()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Equal("index -1 is out of bounds for dimension 0 with size 6",
            Assert.Throws<ArgumentException>(() => x.TakeAlongDim(Longs(-1))).Message);
        Assert.Equal("torch.take_along_dim(): dtype of indices should be Long but got Int",
            Assert.Throws<ArgumentException>(() => x.TakeAlongDim(Tensor.From(new int[,] { { 0 } }), 1)).Message);
        Assert.Equal("torch.take_along_dim(): input and indices should have the same number of dimensions, but got 2 dimensions for input, and 1 dimensions for indices",
            Assert.Throws<ArgumentException>(() => x.TakeAlongDim(Longs(0), 1)).Message);
        Assert.Equal("ZeroDivisionError",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 0).TakeAlongDim(Tensor.Zeros([2, 1], DType.Int64), 1)).Message);
        Assert.Equal("Dimension specified as 0 but tensor has no dimensions",
            Assert.Throws<IndexException>(() => Tensor.From(3.0).TakeAlongDim(Tensor.From(4L), 0)).Message);
        // Without a dim the flattening is a view: non-contiguous inputs fail as in libtorch; Int32 indices work.
        Assert.Throws<ArgumentException>(() => x.T.TakeAlongDim(Longs(0, 1)));
        Close([5, 0], Tensor.Arange(0.0, 6.0).Reshape(2, 3).TakeAlongDim(Tensor.From(new[] { 5, 0 })));
        // Without a dim: the flattened tensor.
        Close([5, 0], Tensor.Arange(0.0, 6.0).Reshape(2, 3).TakeAlongDim(Tensor.From(new long[,] { { 5, 0 } })));
    }

    // ---- index_add / index_copy / index_fill -----------------------------------------------------------------

    [Fact]
    public void IndexAddValuesAndGradients()
    {
        var self = Tensor.Ones([5, 3], DType.Float64).RequiresGrad_();
        var source = Tensor.Arange(1.0, 10.0, 1.0, DType.Float64).Reshape(3, 3).RequiresGrad_();
        var y = self.IndexAdd(0, Longs(0, 4, 0), source, alpha: 2);
        Close([1 + 2 + 14, 1 + 4 + 16, 1 + 6 + 18, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 11, 13], y);
        Assert.Equal("IndexAddBackward0", y.GradFn!.Name);
        (y * Tensor.Arange(1.0, 16.0, 1.0, DType.Float64).Reshape(5, 3)).Sum().Backward();
        Close(Enumerable.Range(1, 15).Select(v => (double)v).ToArray(), self.Grad);
        Close([2, 4, 6, 26, 28, 30, 2, 4, 6], source.Grad);
        // An integral self converts alpha first: 2.5 scales by 2.
        Assert.Equal(new long[] { 6, 0, 0 }, Tensor.Zeros([3], DType.Int64).IndexAdd(0, Longs(0), Longs(3), alpha: 2.5).ToArray<long>());
        // Along the last dim, with an Int32 index.
        var z = Tensor.Zeros(2, 3).IndexAdd(1, Tensor.From(new[] { 2, 2 }), Tensor.Ones(2, 2));
        Assert.Equal(new float[] { 0, 0, 2, 0, 0, 2 }, z.ToArray<float>());
    }

    [Fact]
    public void IndexAddErrors()
    {
        var self = Tensor.Zeros(3, 2);
        Assert.Equal("index_add_(): Index is supposed to be a vector, but got dim: 2 with type: Long and size: [1, 1]",
            Assert.Throws<IndexException>(() => self.IndexAdd(0, Tensor.Zeros([1, 1], DType.Int64), Tensor.Ones(1, 2))).Message);
        Assert.Equal("index_add_(): Expected dtype int32/int64 for index but got: Float",
            Assert.Throws<ArgumentException>(() => self.IndexAdd(0, Tensor.Zeros(1), Tensor.Ones(1, 2))).Message);
        Assert.Equal("index_add_(): self (Float) and source (Double) must have the same scalar type",
            Assert.Throws<ArgumentException>(() => self.IndexAdd(0, Longs(0), Tensor.Ones([1, 2], DType.Float64))).Message);
        Assert.Equal("index_add_(): Number of indices (2) should be equal to source.size(dim): (1), for dim: 0",
            Assert.Throws<ArgumentException>(() => self.IndexAdd(0, Longs(0, 1), Tensor.Ones(1, 2))).Message);
        Assert.Equal("source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = [3, 2] source.shape = [1, 3]",
            Assert.Throws<ArgumentException>(() => self.IndexAdd(0, Longs(0), Tensor.Ones(1, 3))).Message);
        // Along dim 0 of a matrix libtorch runs it as a scatter_add, with scatter's message; elsewhere "index out of range in self".
        Assert.Equal("index 3 is out of bounds for dimension 0 with size 3",
            Assert.Throws<ArgumentException>(() => self.IndexAdd(0, Longs(3), Tensor.Ones(1, 2))).Message);
        Assert.Equal("index out of range in self",
            Assert.Throws<IndexException>(() => self.IndexAdd(0, Longs(-1), Tensor.Ones(1, 2), alpha: 2)).Message);
        Assert.Equal("index out of range in self",
            Assert.Throws<IndexException>(() => Tensor.Zeros(3).IndexAdd(0, Longs(3), Tensor.Ones(1))).Message);
    }

    [Fact]
    public void IndexCopyValuesGradientsAndErrors()
    {
        var self = Tensor.Zeros([3, 2], DType.Float64).RequiresGrad_();
        var source = Tensor.From(new double[,] { { 1, 2 }, { 3, 4 } }).RequiresGrad_();
        var y = self.IndexCopy(0, Longs(2, 0), source);
        Close([3, 4, 0, 0, 1, 2], y);
        Assert.Equal("IndexCopyBackward0", y.GradFn!.Name);
        (y * Tensor.Arange(1.0, 7.0, 1.0, DType.Float64).Reshape(3, 2)).Sum().Backward();
        Close([0, 0, 3, 4, 0, 0], self.Grad);
        Close([5, 6, 1, 2], source.Grad);

        var t = Tensor.Zeros(3, 2);
        Assert.Equal("index_copy_(): index 3 is out of bounds for dimension 0 with size 3",
            Assert.Throws<IndexException>(() => t.IndexCopy(0, Longs(3), Tensor.Ones(1, 2))).Message);
        Assert.Equal("index_copy_(): index -1 is out of bounds for dimension 0 with size 3",
            Assert.Throws<IndexException>(() => t.IndexCopy(0, Longs(-1), Tensor.Ones(1, 2))).Message);
        Assert.Equal("index_copy_(): Expected a long tensor for index, but got Int",
            Assert.Throws<ArgumentException>(() => t.IndexCopy(0, Tensor.From(new[] { 0 }), Tensor.Ones(1, 2))).Message);
        Assert.Equal("index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: 2 at dimension 0 and source slice shape: 3 at dimension 0.",
            Assert.Throws<ArgumentException>(() => t.IndexCopy(0, Longs(0), Tensor.Ones(1, 3))).Message);
        Assert.Equal("index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: 2 4 at dimension 0 and source slice shape: 3 4 at dimension 0.",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 2, 4).IndexCopy(0, Longs(0), Tensor.Ones(1, 3, 4))).Message);
        Assert.Equal("index_copy_(): When source and destination are not scalars, their dimensionality must match. Source dimensionality (2), destination dimensionality (1)",
            Assert.Throws<IndexException>(() => Tensor.Zeros(3).IndexCopy(0, Longs(0), Tensor.Ones(1, 3))).Message);
        Assert.Equal("index_copy_(): Number of indices (2) should be equal to source.size(dim) (1)",
            Assert.Throws<IndexException>(() => t.IndexCopy(0, Longs(0, 1), Tensor.Ones(1, 2))).Message);
    }

    [Fact]
    public void IndexFillWrapsNegativeIndices()
    {
        var x = Tensor.Arange(0.0, 6.0).Reshape(2, 3);
        Close([0, -5, -5, 3, -5, -5], x.IndexFill(1, Longs(-1, 1), -5));
        Assert.Equal("index 3 is out of bounds for dimension 1 with size 3",
            Assert.Throws<IndexException>(() => x.IndexFill(1, Longs(3), 0)).Message);
        Assert.Equal("index_fill_(): Expected dtype int64 for index.",
            Assert.Throws<IndexException>(() => x.IndexFill(1, Tensor.From(new[] { 0 }), 0)).Message);

        var leaf = Tensor.Arange(0.0, 6.0, 1.0, DType.Float64).Reshape(2, 3).Detach().RequiresGrad_();
        var value = Tensor.From(2.0).RequiresGrad_();
        var y = leaf.IndexFill(1, Longs(0, 2), value);
        Assert.Equal("IndexFillBackward1", y.GradFn!.Name);
        (y * Tensor.Arange(1.0, 7.0, 1.0, DType.Float64).Reshape(2, 3)).Sum().Backward();
        Close([0, 2, 0, 0, 5, 0], leaf.Grad);
        Close([1 + 3 + 4 + 6], value.Grad);

        var inPlace = Tensor.Zeros(2, 3);
        inPlace.IndexFill_(0, Longs(1), 7);
        Assert.Equal(new float[] { 0, 0, 0, 7, 7, 7 }, inPlace.ToArray<float>());
        Assert.Equal(1, inPlace.Version);
    }

    // ---- masked ops ----------------------------------------------------------------------------------------

    [Fact]
    public void MaskedFillBroadcastsAndCasts()
    {
        var x = Tensor.Arange(6).Reshape(2, 3);
        var mask = Tensor.From(new[] { true, false, true });
        Assert.Equal(new long[] { -1, 1, -1, -1, 4, -1 }, x.MaskedFill(mask, -1.7).ToArray<long>());
        // The mask may be larger than self out of place, not in place.
        var row = Tensor.Zeros(3);
        Assert.Equal(new[] { 2, 3 }, row.MaskedFill(Tensor.Ones([2, 3], DType.Bool), 1).Shape);
        Assert.Equal("output with shape [3] doesn't match the broadcast shape [2, 3]",
            Assert.Throws<ArgumentException>(() => row.MaskedFill_(Tensor.Ones([2, 3], DType.Bool), 1)).Message);
        Assert.Equal("masked_fill_ only supports boolean masks, but got mask with dtype unsigned char",
            Assert.Throws<ArgumentException>(() => row.MaskedFill(Tensor.Ones([3], DType.UInt8), 1)).Message);
        Assert.Equal("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).",
            Assert.Throws<ArgumentException>(() => row.MaskedFill(mask, Tensor.Ones(1))).Message);
        row.MaskedFill_(mask, 2);
        Assert.Equal(new float[] { 2, 0, 2 }, row.ToArray<float>());
        Assert.Equal(1, row.Version);
    }

    [Fact]
    public void MaskedFillGradients()
    {
        var x = Leaf(1, 2, 3);
        var value = Tensor.From(5.0).RequiresGrad_();
        var mask = Tensor.From(new[] { true, false, true });
        var y = x.MaskedFill(mask, value);
        Assert.Equal("MaskedFillBackward1", y.GradFn!.Name);
        (y * Doubles(1, 2, 3)).Sum().Backward();
        Close([0, 2, 0], x.Grad);
        Close([4], value.Grad);
        var x2 = Leaf(1, 2, 3);
        var y2 = x2.MaskedFill(mask, 0.5);
        Assert.Equal("MaskedFillBackward0", y2.GradFn!.Name);
        y2.Sum().Backward();
        Close([0, 1, 0], x2.Grad);
    }

    [Fact]
    public void MaskedSelectAndItsGradient()
    {
        var x = Tensor.Arange(0.0, 6.0, 1.0, DType.Float64).Reshape(2, 3).Detach().RequiresGrad_();
        var mask = Tensor.From(new[] { false, true, true });
        var y = x.MaskedSelect(mask);
        Close([1, 2, 4, 5], y);
        Assert.Equal("MaskedSelectBackward0", y.GradFn!.Name);
        (y * Doubles(1, 2, 3, 4)).Sum().Backward();
        Close([0, 1, 2, 0, 3, 4], x.Grad);
        // self broadcast against a larger mask: the gradient is summed back.
        var row = Leaf(1, 2);
        var picked = row.MaskedSelect(Tensor.From(new[,] { { true, false }, { true, true } }));
        Close([1, 1, 2], picked);
        picked.Sum().Backward();
        Close([2, 1], row.Grad);
        Assert.Equal("masked_select: expected BoolTensor for mask",
            Assert.Throws<ArgumentException>(() => x.MaskedSelect(Tensor.Ones([3], DType.UInt8))).Message);
        // Non-contiguous self.
        Close([0, 4, 5], Tensor.Arange(0.0, 6.0).Reshape(2, 3).T.MaskedSelect(Tensor.From(new[,] { { true, false }, { false, true }, { false, true } })));
    }

    [Fact]
    public void MaskedScatterValuesGradientsAndErrors()
    {
        var self = Tensor.Zeros([2, 3], DType.Float64).RequiresGrad_();
        var source = Tensor.Arange(1.0, 7.0, 1.0, DType.Float64).Reshape(2, 3).RequiresGrad_();
        var mask = Tensor.From(new[,] { { true, false, true }, { false, true, false } });
        var y = self.MaskedScatter(mask, source);
        Close([1, 0, 2, 0, 3, 0], y);
        Assert.Equal("MaskedScatterBackward0", y.GradFn!.Name);
        (y * Tensor.Arange(1.0, 7.0, 1.0, DType.Float64).Reshape(2, 3)).Sum().Backward();
        Close([0, 2, 0, 4, 0, 6], self.Grad);
        Close([1, 3, 5, 0, 0, 0], source.Grad);

        Assert.Equal("Number of elements of source < number of ones in mask",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).MaskedScatter(Tensor.Ones([3], DType.Bool), Tensor.Ones(2))).Message);
        Assert.Equal("masked_scatter: expected self and source to have same dtypes but gotFloat and Double",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).MaskedScatter(Tensor.Ones([3], DType.Bool), Tensor.Ones([3], DType.Float64))).Message);

        Assert.Equal("masked_scatter_ only supports boolean masks, but got mask with dtype Byte",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).MaskedScatter(Tensor.Ones([3], DType.UInt8), Tensor.Ones(3))).Message);
        // Out of place the mask may be larger than self.
        Assert.Equal(new[] { 2, 3 }, Tensor.Zeros(3).MaskedScatter(Tensor.Ones([2, 3], DType.Bool), Tensor.Ones(6)).Shape);

        var inPlace = Tensor.Zeros(4);
        inPlace.MaskedScatter_(Tensor.From(new[] { false, true, false, true }), Tensor.From(new float[] { 8, 9, 10 }));
        Assert.Equal(new float[] { 0, 8, 0, 9 }, inPlace.ToArray<float>());
    }

    // ---- take ------------------------------------------------------------------------------------------------

    [Fact]
    public void TakeFlattensWrapsAndAccumulatesGradient()
    {
        var x = Tensor.From(new double[,] { { 4, 3, 5 }, { 6, 7, 8 } }).RequiresGrad_();
        var y = x.Take(Tensor.From(new long[,] { { 0, 2 }, { 5, -1 } }));
        Assert.Equal(new[] { 2, 2 }, y.Shape);
        Close([4, 5, 8, 8], y);
        Assert.Equal("TakeBackward0", y.GradFn!.Name);
        (y * Doubles(1, 2, 3, 4).Reshape(2, 2)).Sum().Backward();
        Close([1, 0, 2, 0, 0, 7], x.Grad);
        Assert.Equal("out of range: tried to access index 6 on a tensor of 6 elements.",
            Assert.Throws<IndexException>(() => x.Take(Longs(6))).Message);
        Assert.Equal("take(): Expected a long tensor for index, but got Int",
            Assert.Throws<ArgumentException>(() => x.Take(Tensor.From(new[] { 0 }))).Message);
        Close([0, 3], Tensor.Arange(0.0, 6.0).Reshape(2, 3).T.Take(Longs(0, 1)));
    }

    // ---- gradcheck -------------------------------------------------------------------------------------------

    private static Tensor Random(params int[] shape) => (Tensor.Rand(shape, DType.Float64) + 0.5).Detach().RequiresGrad_();

    [Fact]
    public void GradCheckGatherAndScatter()
    {
        var index = Tensor.From(new long[,] { { 2, 0, 1 }, { 1, 1, 0 } });
        Assert.True(GradCheck.Check(x => x.Gather(1, index), Random(2, 4)));
        Assert.True(GradCheck.Check(x => x.T.Gather(0, index.T), Random(2, 4)));
        var distinct = Tensor.From(new long[,] { { 2, 0 }, { 1, 3 } });
        Assert.True(GradCheck.Check(xs => [xs[0].Scatter(1, distinct, xs[1])], [Random(2, 4), Random(2, 2)]));
        Assert.True(GradCheck.Check(xs => [xs[0].ScatterAdd(1, index, xs[1])], [Random(2, 4), Random(2, 3)]));
        Assert.True(GradCheck.Check(x => x.Scatter(1, distinct, 3.0), Random(2, 4)));
        Assert.True(GradCheck.GradGradCheck(xs => [xs[0].Gather(1, index) * xs[0].Gather(1, index)], [Random(2, 4)]));
    }

    [Theory]
    [InlineData(ScatterReduceMode.Sum, true)]
    [InlineData(ScatterReduceMode.Sum, false)]
    [InlineData(ScatterReduceMode.Mean, true)]
    [InlineData(ScatterReduceMode.Mean, false)]
    [InlineData(ScatterReduceMode.Prod, true)]
    [InlineData(ScatterReduceMode.Prod, false)]
    [InlineData(ScatterReduceMode.Amax, true)]
    [InlineData(ScatterReduceMode.Amax, false)]
    [InlineData(ScatterReduceMode.Amin, true)]
    [InlineData(ScatterReduceMode.Amin, false)]
    public void GradCheckScatterReduce(ScatterReduceMode reduce, bool includeSelf)
    {
        var index = Tensor.From(new long[,] { { 0, 1, 0, 1, 3 }, { 2, 2, 0, 2, 2 } });
        Assert.True(GradCheck.Check(xs => [xs[0].ScatterReduce(1, index, xs[1], reduce, includeSelf)],
            [Random(2, 4), Random(2, 5)]));
        if (reduce is ScatterReduceMode.Sum or ScatterReduceMode.Mean or ScatterReduceMode.Prod)
            Assert.True(GradCheck.GradGradCheck(xs => [xs[0].ScatterReduce(1, index, xs[1], reduce, includeSelf)],
                [Random(2, 4), Random(2, 5)]));
    }

    [Fact]
    public void SavedIndexIsVersionChecked()
    {
        var x = Leaf(1, 2, 3);
        var index = Longs(0, 2);
        var y = x.Gather(0, index);
        index.Add_(0);
        var e = Assert.ThrowsAny<Exception>(() => y.Sum().Backward());
        Assert.Contains("modified by an inplace operation", e.Message);
    }

    [Fact]
    public void GradGradCheckScatterAndMaskedFill()
    {
        var distinct = Tensor.From(new long[,] { { 2, 0 }, { 1, 3 } });
        Assert.True(GradCheck.GradGradCheck(xs => [xs[0].Scatter(1, distinct, xs[1]) * xs[0]], [Random(2, 4), Random(2, 2)]));
        Assert.True(GradCheck.GradGradCheck(xs => [xs[0].ScatterAdd(1, distinct, xs[1] * xs[1])], [Random(2, 4), Random(2, 2)]));
        var mask = Tensor.From(new[] { true, false, true });
        Assert.True(GradCheck.GradGradCheck(xs => [xs[0].MaskedFill(mask, xs[1]) * xs[0]], [Random(3), Random()]));
        Assert.True(GradCheck.GradGradCheck(xs => [xs[0].IndexCopy(0, Longs(2, 0), xs[1]) * xs[0]], [Random(3), Random(2)]));
    }

    [Fact]
    public void GradCheckIndexOps()
    {
        var index = Longs(3, 0, 3);
        Assert.True(GradCheck.Check(xs => [xs[0].IndexAdd(1, index, xs[1], alpha: 1.5)], [Random(2, 4), Random(2, 3)]));
        Assert.True(GradCheck.Check(xs => [xs[0].IndexCopy(1, Longs(3, 0), xs[1])], [Random(2, 4), Random(2, 2)]));
        Assert.True(GradCheck.Check(xs => [xs[0].IndexFill(1, index, xs[1])], [Random(2, 4), Random()]));
        Assert.True(GradCheck.GradGradCheck(xs => [xs[0].IndexAdd(0, Longs(1, 1), xs[1]) * xs[1].Sum()], [Random(3, 2), Random(2, 2)]));
    }

    [Fact]
    public void GradCheckMaskedOpsAndTake()
    {
        var mask = Tensor.From(new[,] { { true, false, true }, { false, false, true } });
        Assert.True(GradCheck.Check(xs => [xs[0].MaskedFill(mask, xs[1])], [Random(2, 3), Random()]));
        Assert.True(GradCheck.Check(x => x.MaskedSelect(mask), Random(2, 3)));
        Assert.True(GradCheck.Check(x => x.MaskedSelect(mask), Random(3)));
        Assert.True(GradCheck.Check(xs => [xs[0].MaskedScatter(mask, xs[1])], [Random(2, 3), Random(5)]));
        Assert.True(GradCheck.GradGradCheck(xs => [xs[0].MaskedScatter(mask, xs[1]) * xs[0]], [Random(2, 3), Random(4)]));
        Assert.True(GradCheck.Check(x => x.Take(Tensor.From(new long[,] { { 0, -1 }, { 4, 0 } })), Random(2, 3)));
        Assert.True(GradCheck.Check(x => x.TakeAlongDim(Tensor.From(new long[,] { { 2 }, { -1 } }), 1), Random(2, 3)));
    }
}
