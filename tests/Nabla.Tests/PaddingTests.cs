using Nabla.NN;

namespace Nabla.Tests;

/// <summary>F.Pad against PYTORCH_SEMANTICS.md §2.3 (rows marked there as verified on libtorch 2.10).</summary>
public class PaddingTests
{
    private static Tensor Row(params float[] values) => Tensor.From(values).Reshape(1, 1, values.Length);

    private static Tensor Grid3x3() => Tensor.Arange(9).To(DType.Float32).Reshape(1, 1, 3, 3);

    private static float[] Range(int from, int count) => Enumerable.Range(from, count).Select(i => (float)i).ToArray();

    [Theory]
    [InlineData(PadMode.Reflect, 2, 2, new float[] { 3, 2, 1, 2, 3, 4, 3, 2 })]
    [InlineData(PadMode.Reflect, 3, 1, new float[] { 4, 3, 2, 1, 2, 3, 4, 3 })]
    [InlineData(PadMode.Reflect, -1, 2, new float[] { 2, 3, 4, 3, 2 })]
    [InlineData(PadMode.Replicate, 2, 2, new float[] { 1, 1, 1, 2, 3, 4, 4, 4 })]
    [InlineData(PadMode.Circular, 2, 2, new float[] { 3, 4, 1, 2, 3, 4, 1, 2 })]
    [InlineData(PadMode.Circular, -1, 2, new float[] { 2, 3, 4, 2, 3 })]
    [InlineData(PadMode.Circular, 1, -1, new float[] { 3, 1, 2, 3 })]
    public void ValueTableOnOneToFour(PadMode mode, int left, int right, float[] expected)
    {
        var y = F.Pad(Row(1, 2, 3, 4), [left, right], mode);
        Assert.Equal(new[] { 1, 1, expected.Length }, y.Shape);
        Assert.Equal(expected, y.ToArray<float>());
    }

    [Fact]
    public void CircularCroppingEverythingGivesAnEmptyDim()
    {
        Assert.Equal(new[] { 1, 1, 0 }, F.Pad(Row(1, 2, 3, 4), [-2, -2], PadMode.Circular).Shape);
    }

    [Theory]
    [InlineData(PadMode.Reflect, new float[] { 3, 6, 13, 6 }, "ReflectionPad1DBackward0")]
    [InlineData(PadMode.Replicate, new float[] { 6, 4, 5, 13 }, "ReplicationPad1DBackward0")]
    [InlineData(PadMode.Circular, new float[] { 10, 4, 6, 8 }, null)]
    public void GradientAccumulatesIntoSourcePositions(PadMode mode, float[] expected, string? node)
    {
        var x = Tensor.From(new float[] { 1, 2, 3, 4 }).RequiresGrad_();
        var y = F.Pad(x.Reshape(1, 1, 4), [2, 1], mode);
        if (node is not null) Assert.Equal(node, y.GradFn!.Name);
        y.Backward(Tensor.From(Range(1, 7)).Reshape(1, 1, 7));
        Assert.Equal(expected, x.Grad!.ToArray<float>());
    }

    [Theory]
    [InlineData(1, 2, new float[] { 2, 3, 4, 5, 6 })]
    [InlineData(-1, -2, new float[] { 0, 10, 20, 0, 0 })]
    [InlineData(2, -1, new float[] { 3, 4, 5, 6, 0 })]
    public void ConstantPadGradientCropsOrZeroExtends(int left, int right, float[] expected)
    {
        var x = Tensor.Arange(5).To(DType.Float32).RequiresGrad_();
        var y = F.Pad(x, [left, right]);
        Assert.Equal("ConstantPadNdBackward0", y.GradFn!.Name);
        var grad = left < 0 ? new float[] { 10, 20 } : Range(1, 5 + left + right);
        y.Backward(Tensor.From(grad));
        Assert.Equal(expected, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void ConstantPadShapesAndCrop()
    {
        var x = Tensor.Zeros(1, 2, 3);
        Assert.Equal(new[] { 1, 2, 6 }, F.Pad(x, [1, 2]).Shape);
        Assert.Equal(new[] { 1, 4, 5 }, F.Pad(x, [1, 1, 2, 0]).Shape);
        Assert.Equal(new float[] { 1, 2 }, F.Pad(Tensor.Arange(5).To(DType.Float32), [-1, -2]).ToArray<float>());
    }

    /// <summary>Each output cell (r, c) of a padded 3×3 arange copies input cell (rows[r], cols[c]).</summary>
    [Theory]
    [InlineData(PadMode.Reflect, new[] { 2, 2, 2, 2 }, new[] { 2, 1, 0, 1, 2, 1, 0 }, new[] { 2, 1, 0, 1, 2, 1, 0 })]
    [InlineData(PadMode.Reflect, new[] { 1, 1, 2, 0 }, new[] { 2, 1, 0, 1, 2 }, new[] { 1, 0, 1, 2, 1 })]
    [InlineData(PadMode.Replicate, new[] { 2, 2, 2, 2 }, new[] { 0, 0, 0, 1, 2, 2, 2 }, new[] { 0, 0, 0, 1, 2, 2, 2 })]
    [InlineData(PadMode.Circular, new[] { 2, 2, 2, 2 }, new[] { 1, 2, 0, 1, 2, 0, 1 }, new[] { 1, 2, 0, 1, 2, 0, 1 })]
    public void TwoDimensionalPaddingMatchesTheDocumentationExamples(PadMode mode, int[] pad, int[] rows, int[] cols)
    {
        var y = F.Pad(Grid3x3(), pad, mode);
        var expected = rows.SelectMany(r => cols.Select(c => (float)(3 * r + c))).ToArray();
        Assert.Equal(new[] { 1, 1, rows.Length, cols.Length }, y.Shape);
        Assert.Equal(expected, y.ToArray<float>());
    }

    [Fact]
    public void TwoAndThreeDimensionalNodesAreNamedAfterTheKernel()
    {
        var x = Grid3x3().RequiresGrad_();
        Assert.Equal("ReflectionPad2DBackward0", F.Pad(x, [1, 1, 1, 1], PadMode.Reflect).GradFn!.Name);
        Assert.Equal("ReplicationPad2DBackward0", F.Pad(x, [1, 1, 1, 1], PadMode.Replicate).GradFn!.Name);
        var cube = Tensor.Ones([1, 2, 2, 2], requiresGrad: true);
        var y = F.Pad(cube, [1, 0, 0, 1, 1, 1], PadMode.Reflect);
        Assert.Equal("ReflectionPad3DBackward0", y.GradFn!.Name);
        Assert.Equal(new[] { 1, 4, 3, 3 }, y.Shape);
    }

    [Fact]
    public void TwoDimensionalReplicateGradientCountsCopies()
    {
        var x = Grid3x3().RequiresGrad_();
        F.Pad(x, [1, 0, 0, 1], PadMode.Replicate).Sum().Backward();
        // Column 0 is copied twice, row 2 twice, so the bottom-left corner four times.
        Assert.Equal(new float[] { 2, 1, 1, 2, 1, 1, 4, 2, 2 }, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void ReflectGradientSupportsDoubleBackward()
    {
        var x = Tensor.From(new float[] { 1, 2, 3, 4 }).RequiresGrad_();
        var y = F.Pad(x.Reshape(1, 4), [2, 1], PadMode.Reflect);
        var w = Tensor.From(Range(1, 7)).Reshape(1, 7).RequiresGrad_();
        var gx = Autograd.Grad([(y * w).Sum()], [x], createGraph: true)[0]!;
        Assert.Equal(new float[] { 3, 6, 13, 6 }, gx.ToArray<float>());
        // d(gx · [1,0,0,0]) / dw picks the output positions whose source is x[0]: only position 2.
        (gx * Tensor.From(new float[] { 1, 0, 0, 0 })).Sum().Backward();
        Assert.Equal(new float[] { 0, 0, 1, 0, 0, 0, 0 }, w.Grad!.ToArray<float>());
    }

    [Fact]
    public void ReflectAcceptsAnExplicitZeroValueOnly()
    {
        Assert.Equal(8, F.Pad(Row(1, 2, 3, 4), [2, 2], PadMode.Reflect, 0.0).Size(-1));
        var e = Assert.Throws<ArgumentException>(() => F.Pad(Row(1, 2, 3, 4), [2, 2], PadMode.Reflect, 1.0));
        Assert.Equal("Padding mode \"reflect\" doesn't take in value argument", e.Message);
    }

    [Fact]
    public void GenericChecks()
    {
        var x = Row(1, 2, 3, 4);
        Assert.Equal("Padding length must be divisible by 2",
            Assert.Throws<ArgumentException>(() => F.Pad(x, [1, 2, 3])).Message);
        Assert.Equal("Padding length should be less than or equal to two times the input dimension but got padding length 8 and input of dimension 3",
            Assert.Throws<ArgumentException>(() => F.Pad(x, [1, 1, 1, 1, 1, 1, 1, 1])).Message);
    }

    [Fact]
    public void NonConstantModesNeedASupportedRankAndPadLength()
    {
        var e = Assert.Throws<NotSupportedException>(() => F.Pad(Tensor.Zeros(4), [1, 1], PadMode.Reflect));
        Assert.StartsWith("Padding size 2 is not supported for 1D input tensor.\nSupported combinations for non-constant padding:\n  - 2D or 3D input", e.Message);
        Assert.Throws<NotSupportedException>(() => F.Pad(Tensor.Zeros(1, 1, 1, 4), [1, 1], PadMode.Circular));
        Assert.Throws<NotSupportedException>(() => F.Pad(Tensor.Zeros(2, 4), [1, 1, 1, 1], PadMode.Replicate));
    }

    [Fact]
    public void ReflectPadMustBeSmallerThanTheDim()
    {
        var e = Assert.Throws<ArgumentException>(() => F.Pad(Row(1, 2, 3, 4), [4, 0], PadMode.Reflect));
        Assert.Equal("Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (4, 0) at dimension 2 of input [1, 1, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.Pad(Tensor.Zeros(1, 2, 2, 2), [0, 0, 0, 0, 2, 0], PadMode.Reflect));
        Assert.Equal("Argument #8: Padding size should be less than the corresponding input dimension, but got: padding (2, 0) at dimension 1 of input [1, 2, 2, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.Pad(Grid3x3(), [0, 0, 1, 3], PadMode.Reflect));
        Assert.Equal("Argument #6: Padding size should be less than the corresponding input dimension, but got: padding (1, 3) at dimension 2 of input [1, 1, 3, 3]", e.Message);
    }

    [Fact]
    public void ReplicateOutputSizeRules()
    {
        var x = Row(1, 2, 3, 4);
        Assert.Equal("input (W: 4) is too small. Calculated output W: 0",
            Assert.Throws<ArgumentException>(() => F.Pad(x, [-2, -2], PadMode.Replicate)).Message);
        Assert.Equal("input (W: 4) is too small. Calculated output W: -1",
            Assert.Throws<ArgumentException>(() => F.Pad(x, [-3, -2], PadMode.Replicate)).Message);
        Assert.Equal(new float[] { 4 }, F.Pad(x, [-3, 0], PadMode.Replicate).ToArray<float>());

        var grid = Tensor.Zeros(1, 1, 3, 4);
        Assert.Equal(new[] { 1, 1, 0, 4 }, F.Pad(grid, [0, 0, -2, -1], PadMode.Replicate).Shape);
        Assert.Equal("input (H: 3, W: 4 ) is too small. Calculated output H: 0 W: 0",
            Assert.Throws<ArgumentException>(() => F.Pad(grid, [-2, -2, -2, -1], PadMode.Replicate)).Message);
        Assert.Equal("Trying to create tensor with negative dimension -1: [1, 1, -1, 4]",
            Assert.Throws<ArgumentException>(() => F.Pad(grid, [0, 0, -2, -2], PadMode.Replicate)).Message);
        Assert.Equal(new[] { 1, 0, 2, 2 }, F.Pad(Tensor.Zeros(1, 2, 2, 2), [0, 0, 0, 0, -1, -1], PadMode.Replicate).Shape);
    }

    [Fact]
    public void TooSmallMessagesForTwoAndThreeDims()
    {
        Assert.Equal("input (H: 3, W: 3) is too small. Calculated output H: -1 W: -1",
            Assert.Throws<ArgumentException>(() => F.Pad(Grid3x3(), [-2, -2, -2, -2], PadMode.Reflect)).Message);
        Assert.Equal(new[] { 1, 1, 0, 3 }, F.Pad(Grid3x3(), [0, 0, -2, -1], PadMode.Reflect).Shape);
        var cube = Tensor.Zeros(1, 2, 2, 2);
        foreach (var mode in new[] { PadMode.Reflect, PadMode.Replicate })
            Assert.Equal("input (D: 2 H: 2, W: 2) is too small. Calculated output D: 0 H: 0 W: 0",
                Assert.Throws<ArgumentException>(() => F.Pad(cube, [-1, -1, -1, -1, -1, -1], mode)).Message);
    }

    [Fact]
    public void ReflectAndReplicateRejectEmptyNonBatchDims()
    {
        var e = Assert.Throws<ArgumentException>(() => F.Pad(Tensor.Zeros(1, 0, 4), [1, 1], PadMode.Reflect));
        Assert.Equal("Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: [1, 0, 4]", e.Message);
        Assert.Equal(new[] { 0, 1, 6 }, F.Pad(Tensor.Zeros(0, 1, 4), [1, 1], PadMode.Replicate).Shape);
    }

    [Fact]
    public void CircularChecks()
    {
        var x = Row(1, 2, 3, 4);
        Assert.Equal("Padding value causes wrapping around more than once.",
            Assert.Throws<ArgumentException>(() => F.Pad(x, [5, 0], PadMode.Circular)).Message);
        Assert.Equal("Negative padding value is resulting in an empty dimension",
            Assert.Throws<ArgumentException>(() => F.Pad(x, [-3, -2], PadMode.Circular)).Message);
        Assert.Equal(new float[] { 1, 2, 3, 4, 1, 2, 3, 4 }, F.Pad(x, [4, 0], PadMode.Circular).ToArray<float>());
    }

    /// <summary>libtorch 2.10 raises this (from its copy) for (3,-2), (-2,3) and (2,-3) on [1,2,3,4].</summary>
    [Theory]
    [InlineData(3, -2)]
    [InlineData(-2, 3)]
    [InlineData(2, -3)]
    public void CircularPadLongerThanTheCroppedCoreIsRefused(int left, int right)
    {
        var e = Assert.Throws<ArgumentException>(() => F.Pad(Row(1, 2, 3, 4), [left, right], PadMode.Circular));
        Assert.StartsWith("unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location.", e.Message);
    }

    [Fact]
    public void ReflectAndReplicateHaveNoBoolKernel()
    {
        var mask = Tensor.Ones([1, 1, 4], DType.Bool);
        Assert.Equal("\"reflection_pad1d\" not implemented for 'Bool'",
            Assert.Throws<NotSupportedException>(() => F.Pad(mask, [1, 1], PadMode.Reflect)).Message);
        Assert.Equal("\"replication_pad2d\" not implemented for 'Bool'",
            Assert.Throws<NotSupportedException>(() => F.Pad(mask, [1, 1, 0, 0], PadMode.Replicate)).Message);
        Assert.Equal(new[] { true, true, true, true, true, true }, F.Pad(mask, [1, 1], PadMode.Circular).ToArray<bool>());
        Assert.Equal(new long[] { 1, 0, 1, 2, 3, 2 }, F.Pad(Tensor.Arange(4).Reshape(1, 1, 4), [1, 1], PadMode.Reflect).ToArray<long>());
    }

    [Fact]
    public void ConstantPadRejectsNegativeOutputSize()
    {
        var e = Assert.Throws<ArgumentException>(() => F.Pad(Tensor.Zeros(4), [-3, -2]));
        // libtorch 2.10 crops with narrow before its own size check, so narrow's message is the one users see.
        Assert.Equal("narrow(): length must be non-negative.", e.Message);
    }

    /// <summary>Reference values from libtorch 2.10 (see <see cref="WeightedGradient"/>).</summary>
    [Theory]
    [InlineData(PadMode.Reflect, new[] { 1, 2, 3, 4 }, new[] { 2, 1, 1, 2 }, new[] { 1, 2, 6, 7 }, 21125f,
        new float[] { 48, 96, 152, 54, 51, 102, 165, 60, 24, 48, 76, 27, 132, 264, 404, 138, 177, 354, 543, 186, 66, 132, 202, 69 })]
    [InlineData(PadMode.Reflect, new[] { 1, 2, 3, 4 }, new[] { -1, 3, 2, -1 }, new[] { 1, 2, 4, 6 }, 7008f,
        new float[] { 18, 30, 30, 15, 36, 60, 60, 30, 6, 6, 6, 3, 42, 78, 78, 39, 84, 156, 156, 78, 30, 54, 54, 27 })]
    [InlineData(PadMode.Replicate, new[] { 1, 2, 3, 2 }, new[] { 1, 2, -1, 2, 3, 0 }, new[] { 1, 5, 4, 5 }, 10950f,
        new float[] { 0, 0, 252, 408, 996, 1584, 0, 0, 163, 252, 549, 846 })]
    [InlineData(PadMode.Circular, new[] { 1, 2, 3, 4 }, new[] { 3, -1, 1, 2 }, new[] { 1, 2, 6, 6 }, 15450f,
        new float[] { 70, 74, 78, 0, 94, 98, 102, 0, 46, 50, 54, 0, 214, 218, 222, 0, 238, 242, 246, 0, 190, 194, 198, 0 })]
    [InlineData(PadMode.Circular, new[] { 1, 2, 3, 2 }, new[] { 1, 1, -1, 2, 2, 0 }, new[] { 1, 4, 4, 4 }, 5504f,
        new float[] { 0, 0, 184, 176, 216, 208, 0, 0, 312, 304, 344, 336 })]
    public void MultiDimensionalPadsMatchLibTorch(PadMode mode, int[] shape, int[] pad, int[] outShape, float loss, float[] grad)
    {
        var result = WeightedGradient.Run(shape, x => F.Pad(x, pad, mode));
        Assert.Equal(outShape, result.Shape);
        Assert.Equal(loss, result.Loss);
        Assert.Equal(grad, result.Grad);
    }
}
