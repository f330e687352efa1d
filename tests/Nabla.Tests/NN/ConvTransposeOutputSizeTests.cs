using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>ConvTransposeNd.Forward(input, outputSize): PyTorch's _output_padding choice and its ValueError words.</summary>
public class ConvTransposeOutputSizeTests
{
    [Fact]
    public void OutputSizeChoosesTheOutputPaddingThatReachesIt()
    {
        var conv = new ConvTranspose2d(2, 3, 3, stride: 2, padding: 1);
        var x = Tensor.Randn([1, 2, 4, 5]);
        Assert.Equal([1, 3, 7, 9], conv.Forward(x).Shape);
        Assert.Equal([1, 3, 8, 10], conv.Forward(x, [8, 10]).Shape);
        Assert.Equal([1, 3, 7, 10], conv.Forward(x, [1, 3, 7, 10]).Shape);
        var padded = new ConvTranspose2d(2, 3, 3, stride: 2, padding: 1, outputPadding: 1);
        using (GradMode.NoGrad()) { padded.Weight.Copy_(conv.Weight); padded.Bias!.Copy_(conv.Bias!); }
        var diff = (padded.Forward(x) - conv.Forward(x, [8, 10])).Abs().Max().Item<float>();
        Assert.Equal(0f, diff);
        Assert.Equal([3, 12], new ConvTranspose1d(2, 3, 4, stride: 3).Forward(Tensor.Randn([2, 3]), [12]).Shape);
    }

    [Fact]
    public void SizesOutOfRangeOrOfTheWrongLengthFailWithPyTorchsWords()
    {
        var conv = new ConvTranspose3d(6, 2, 3, stride: 2, padding: 1);
        var x = Tensor.Randn([1, 6, 2, 6, 15]);
        var e = Assert.Throws<ArgumentException>(() => conv.Forward(x, [5, 12, 31]));
        Assert.Equal("requested an output size of [5, 12, 31], but valid sizes range from [3, 11, 29] to [4, 12, 30] (for an input of torch.Size([2, 6, 15]))", e.Message);
        e = Assert.Throws<ArgumentException>(() => new ConvTranspose2d(2, 3, 3).Forward(Tensor.Randn([1, 2, 4, 4]), [6, 6, 6]));
        Assert.Equal("ConvTranspose2D: for 4D input, output_size must have 2 or 4 elements (got 3)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new ConvTranspose1d(2, 3, 3).Forward(Tensor.Randn([2, 4]), [1, 2, 6]));
        Assert.Equal("ConvTranspose1D: for 2D input, output_size must have 1 or 2 elements (got 3)", e.Message);
    }
}
