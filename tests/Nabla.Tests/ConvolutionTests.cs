using Nabla.NN;

namespace Nabla.Tests;

/// <summary>
/// Linear and convolutions: hand-computed values, PyTorch's node names, and GradCheck (float64) of every input on
/// contiguous and non-contiguous (transposed-strided) inputs. libtorch parity lives in Nabla.Parity/OpTable.Convolution.cs.
/// </summary>
public class ConvolutionTests
{
    /// <summary>A float64 leaf with values in [-1, 1); <paramref name="strided"/> gives the same values through transposed strides.</summary>
    internal static Tensor Leaf(int[] shape, bool strided, ulong seed)
    {
        Tensor.ManualSeed(seed);
        var t = Tensor.Rand(shape, DType.Float64) * 2 - 1;
        if (strided && shape.Length >= 2 && shape[^1] > 1 && shape[^2] > 1)
        {
            t = t.Transpose(-1, -2).Contiguous().Transpose(-1, -2);
            Assert.False(t.IsContiguous());
        }
        return t.Detach().RequiresGrad_();
    }

    private static void Check(Func<Tensor[], Tensor> f, params int[][] shapes)
    {
        foreach (var strided in new[] { false, true })
        {
            var inputs = shapes.Select((s, i) => Leaf(s, strided, (ulong)(11 + i))).ToArray();
            Assert.True(GradCheck.Check(xs => [f(xs)], inputs));
        }
    }

    [Fact]
    public void Conv1dMatchesHandComputedCorrelation()
    {
        var x = Tensor.From(new float[] { 1, 2, 3, 4, 5 }).Reshape(1, 1, 5);
        var w = Tensor.From(new float[] { 1, 0, -1 }).Reshape(1, 1, 3);
        var b = Tensor.From(new float[] { 0.5f });
        // padding 1: [0,1,2,3,4,5,0] correlated with [1,0,-1]
        Assert.Equal(new[] { -1.5f, -1.5f, -1.5f, -1.5f, 4.5f }, F.Conv1d(x, w, b, padding: [1]).ToArray<float>());
        Assert.Equal(new[] { -2f, -2f }, F.Conv1d(x, w, stride: [2]).ToArray<float>());
        Assert.Equal(new[] { -4f }, F.Conv1d(x, w, dilation: [2]).ToArray<float>());
    }

    [Fact]
    public void Conv2dGroupsKeepChannelsApart()
    {
        var x = Tensor.Arange(2 * 3 * 3).To(DType.Float32).Reshape(1, 2, 3, 3);
        var w = Tensor.Ones([2, 1, 2, 2]);
        var y = F.Conv2d(x, w, groups: 2);
        Assert.Equal(new[] { 1, 2, 2, 2 }, y.Shape);
        Assert.Equal(new[] { 8f, 12, 20, 24, 44, 48, 56, 60 }, y.ToArray<float>());
    }

    [Fact]
    public void ConvTransposeIsTheAdjointOfConv()
    {
        // <conv(x, w), y> == <x, conv_transpose(y, w)> for the same stride, padding and dilation
        var x = Leaf([2, 4, 7, 6], false, 1).Detach();
        var w = Leaf([6, 2, 3, 2], false, 2).Detach();
        var y = F.Conv2d(x, w, null, [2, 1], [1, 0], [1, 2], groups: 2);
        var r = Leaf(y.Shape, false, 3).Detach();
        var back = F.ConvTranspose2d(r, w, null, [2, 1], [1, 0], [0, 0], groups: 2, dilation: [1, 2]);
        Assert.Equal(x.Shape, back.Shape);
        Assert.Equal((y * r).Sum().Item<double>(), (x * back).Sum().Item<double>(), 10);
    }

    [Fact]
    public void SamePaddingKeepsTheSpatialSize()
    {
        var x = Leaf([1, 2, 5, 6], false, 4).Detach();
        Assert.Equal(new[] { 1, 3, 5, 6 }, F.Conv2d(x, Leaf([3, 2, 2, 3], false, 5).Detach(), null, null, ConvPadding.Same).Shape);
        Assert.Equal(new[] { 1, 3, 4, 4 }, F.Conv2d(x, Leaf([3, 2, 2, 3], false, 5).Detach(), null, null, ConvPadding.Valid).Shape);
        Assert.Equal("padding='same' is not supported for strided convolutions",
            Assert.Throws<ArgumentException>(() => F.Conv2d(x, Leaf([3, 2, 2, 3], false, 5), null, [2], ConvPadding.Same)).Message);
    }

    [Fact]
    public void NodeNamesArePyTorchs()
    {
        var x = Leaf([2, 3, 5], false, 1);
        var w = Leaf([4, 3, 2], false, 2);
        Assert.Equal("ConvolutionBackward0", F.Conv1d(x, w).GradFn!.Name);
        Assert.Equal("SqueezeBackward1", F.Conv1d(Leaf([3, 5], false, 3), w).GradFn!.Name);
        Assert.Equal("ConvolutionBackward0", F.ConvTranspose1d(Leaf([2, 4, 5], false, 4), w).GradFn!.Name);
        var lw = Leaf([4, 5], false, 5);
        var lb = Leaf([4], false, 6);
        Assert.Equal("AddmmBackward0", F.Linear(Leaf([3, 5], false, 7), lw, lb).GradFn!.Name);
        Assert.Equal("ViewBackward0", F.Linear(Leaf([2, 3, 5], false, 8), lw, lb).GradFn!.Name);
    }

    [Fact]
    public void LinearRejectsZeroDimOperandsWithAtLinearsMessage() =>
        Assert.Equal("both arguments to linear need to be at least 1D, but they are 0D and 2D",
            Assert.Throws<ArgumentException>(() => F.Linear(Tensor.Ones([], DType.Float64), Tensor.Ones([2, 1], DType.Float64))).Message);

    [Fact]
    public void LinearGradients()
    {
        Check(x => F.Linear(x[0], x[1], x[2]), [3, 4], [2, 4], [2]);
        Check(x => F.Linear(x[0], x[1], x[2]), [2, 3, 4], [2, 4], [2]);
        Check(x => F.Linear(x[0], x[1]), [2, 3, 4], [5, 4]);
        Check(x => F.Linear(x[0], x[1], x[2]), [4], [2, 4], [1]);
    }

    [Fact]
    public void Conv1dGradients() =>
        Check(x => F.Conv1d(x[0], x[1], x[2], [2], [1], [2], groups: 2), [2, 4, 7], [6, 2, 2], [6]);

    [Fact]
    public void Conv2dGradients()
    {
        Check(x => F.Conv2d(x[0], x[1], x[2], [2, 1], [1, 0], [1, 2]), [2, 3, 5, 6], [2, 3, 3, 2], [2]);
        Check(x => F.Conv2d(x[0], x[1], null, null, ConvPadding.Same, [1, 1], groups: 3), [1, 3, 4, 5], [3, 1, 2, 3]);
        Check(x => F.Conv2d(x[0], x[1], x[2]), [2, 4, 3], [3, 2, 2, 2], [3]); // unbatched
    }

    [Fact]
    public void Conv3dGradients() =>
        Check(x => F.Conv3d(x[0], x[1], x[2], [1, 2, 1], [0, 1, 1], [1]), [1, 2, 3, 4, 3], [2, 2, 2, 2, 2], [2]);

    [Fact]
    public void ConvTransposeGradients()
    {
        Check(x => F.ConvTranspose1d(x[0], x[1], x[2], [2], [1], [1], groups: 2), [2, 4, 3], [4, 1, 3], [2]);
        Check(x => F.ConvTranspose2d(x[0], x[1], x[2], [2, 1], [0, 1], [1, 0], dilation: [1, 2]), [1, 2, 3, 3], [2, 3, 2, 2], [3]);
        Check(x => F.ConvTranspose3d(x[0], x[1], null, [2], [0], [1]), [1, 2, 2, 2, 2], [2, 1, 2, 1, 2]);
    }

    [Fact]
    public void UnfoldAndFoldGradients()
    {
        Check(x => F.Unfold(x[0], [2, 3], [1, 2], [1], [2, 1]), [2, 3, 4, 5]);
        Check(x => F.Unfold(x[0], [2]), [3, 4, 4]); // unbatched
        Check(x => F.Fold(x[0], [4, 5], [2, 2], null, [1], [2]), [2, 8, 9]);
        var u = F.Unfold(Leaf([1, 2, 3, 3], false, 1), [2]);
        Assert.Equal("Im2ColBackward0", u.GradFn!.Name);
        Assert.Equal("Col2ImBackward0", F.Fold(u, [3], [2]).GradFn!.Name);
    }

    [Fact]
    public void FoldOfUnfoldCountsTheBlocksCoveringEachCell()
    {
        var ones = Tensor.Ones([1, 1, 3, 3]);
        Assert.Equal(new float[] { 1, 2, 1, 2, 4, 2, 1, 2, 1 }, F.Fold(F.Unfold(ones, [2]), [3], [2]).ToArray<float>());
    }

    [Fact]
    public void ConvDoubleBackward()
    {
        var inputs = new[] { Leaf([1, 2, 4, 4], false, 1), Leaf([2, 2, 2, 2], false, 2), Leaf([2], false, 3) };
        Assert.True(GradCheck.GradGradCheck(xs => [F.Conv2d(xs[0], xs[1], xs[2], [2], [1])], inputs));
        var t = new[] { Leaf([1, 2, 3], false, 4), Leaf([2, 3, 2], false, 5) };
        Assert.True(GradCheck.GradGradCheck(xs => [F.ConvTranspose1d(xs[0], xs[1], null, [2], [1], [1])], t));
    }

    // libtorch 2.10's words, probed through TorchSharp: a kernel axis of size 0 is refused in the forward (it crashed backward).
    [Fact]
    public void AZeroSizeKernelIsRefusedAsLibtorchRefusesIt()
    {
        string Message(Func<Tensor> f) => Assert.Throws<ArgumentException>(f).Message;
        Assert.Equal("kernel size should be greater than zero, but got kernel_height: 1 kernel_width: 0",
            Message(() => F.Conv1d(Tensor.Randn(1, 1, 5), Tensor.Randn(1, 1, 0))));
        Assert.Equal("kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 3",
            Message(() => F.ConvTranspose2d(Tensor.Randn(1, 1, 5, 5), Tensor.Randn(1, 1, 0, 3))));
        Assert.Equal("kernel size should be greater than zero, but got: 0 x 2 x 3 (TxHxW)",
            Message(() => F.Conv3d(Tensor.Randn(1, 1, 5, 5, 5), Tensor.Randn(1, 1, 0, 2, 3))));
        Assert.Equal("non-empty 5D (n_output_plane x n_input_plane x kernel_depth x kernel_height x kernel_width) tensor expected for weight, but got: [1, 1, 2, 0, 3]",
            Message(() => F.ConvTranspose3d(Tensor.Randn(1, 1, 5, 5, 5), Tensor.Randn(1, 1, 2, 0, 3))));
    }
}
