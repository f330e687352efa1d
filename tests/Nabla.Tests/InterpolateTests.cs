using Nabla.NN;

namespace Nabla.Tests;

/// <summary>F.interpolate: PyTorch's source-index rules on small cases, messages, node names, modules and GradCheck.</summary>
public class InterpolateTests
{
    private static double[] Line(double[] values, int[]? size = null, double[]? scale = null, InterpolationMode mode = InterpolationMode.Nearest, bool? corners = null) =>
        F.Interpolate(Tensor.From(values).Reshape(1, 1, values.Length), size, scale, mode, corners).ToArray<double>();

    [Fact]
    public void SourceIndicesFollowPyTorch()
    {
        Assert.Equal(new double[] { 1, 1, 2, 2 }, Line([1, 2], scale: [2.0]));
        Assert.Equal(new double[] { 1, 1, 2 }, Line([1, 2], size: [3]));                                      // floor(d·2/3)
        Assert.Equal(new double[] { 1, 2, 2 }, Line([1, 2], size: [3], mode: InterpolationMode.NearestExact)); // floor((d+.5)·2/3)
        Assert.Equal(new double[] { 1, 1.25, 1.75, 2 }, Line([1, 2], size: [4], mode: InterpolationMode.Linear));
        Assert.Equal(new double[] { 0, 1, 2 }, Line([0, 2], size: [3], mode: InterpolationMode.Linear, corners: true));
        Assert.Equal(new double[] { 1.5, 3.5 }, Line([1, 2, 3, 4], size: [2], mode: InterpolationMode.Area));
        var img = Tensor.From(new double[] { 0, 1, 2, 3 }).Reshape(1, 1, 2, 2);
        Assert.Equal(new double[] { 0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3 },
            F.Interpolate(img, [3, 3], mode: InterpolationMode.Bilinear, alignCorners: true).ToArray<double>());
        // a constant image stays constant under bicubic (the four weights sum to one, clamped access)
        var flat = F.Interpolate(Tensor.Ones([1, 2, 3, 3], DType.Float64), scaleFactor: [1.7, 2.0], mode: InterpolationMode.Bicubic);
        Assert.Equal(new[] { 1, 2, 5, 6 }, flat.Shape);
        Assert.All(flat.ToArray<double>(), v => Assert.Equal(1, v, 12));
    }

    [Fact]
    public void MessagesAndNodes()
    {
        var x = Tensor.Ones([1, 1, 2, 2]);
        string Msg(Action a) => Assert.ThrowsAny<Exception>(a).Message;
        Assert.Equal("only one of size or scale_factor should be defined", Msg(() => F.Interpolate(x, [2, 2], [2.0, 2.0])));
        Assert.Equal("either size or scale_factor should be defined", Msg(() => F.Interpolate(x)));
        Assert.Equal("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear",
            Msg(() => F.Interpolate(x, [3, 3], alignCorners: false)));
        Assert.Equal("recompute_scale_factor is not meaningful with an explicit size.", Msg(() => F.Interpolate(x, [3, 3], recomputeScaleFactor: true)));
        Assert.Equal("Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [2, 2] and output size of [3]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.",
            Msg(() => F.Interpolate(x, [3])));
        Assert.Equal("Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of [2, 2] and scale_factor of shape [2.0]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.",
            Msg(() => F.Interpolate(x, scaleFactor: [2.0])));
        Assert.Equal("Got 4D input, but linear mode needs 3D input",
            Assert.Throws<NotSupportedException>(() => F.Interpolate(x, [3, 3], mode: InterpolationMode.Linear)).Message);
        Assert.Equal("Input Error: Only 3D, 4D and 5D input Tensors supported (got 3D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got bicubic)",
            Assert.Throws<NotSupportedException>(() => F.Interpolate(Tensor.Ones([1, 1, 2]), [3], mode: InterpolationMode.Bicubic)).Message);

        var leaf = ConvolutionTests.Leaf([1, 2, 3, 3], false, 1);
        Assert.Equal("UpsampleNearest2DBackward0", F.Interpolate(leaf, [4, 5]).GradFn!.Name);
        Assert.Equal("UpsampleBilinear2DBackward0", F.Interpolate(leaf, [4, 5], mode: InterpolationMode.Bilinear).GradFn!.Name);
        Assert.Equal("UpsampleBicubic2DBackward0", F.Interpolate(leaf, [4, 5], mode: InterpolationMode.Bicubic).GradFn!.Name);
        Assert.Equal("UpsampleLinear1DBackward0", F.Interpolate(leaf.Flatten(2), [4], mode: InterpolationMode.Linear).GradFn!.Name);
        Assert.Equal("UpsampleTrilinear3DBackward0", F.Interpolate(leaf.Unsqueeze(2), [2, 4, 5], mode: InterpolationMode.Trilinear).GradFn!.Name);
    }

    [Fact]
    public void ModulesPrintAsPyTorch()
    {
        Assert.Equal("Upsample(scale_factor=2.0, mode='nearest')", new Upsample(scaleFactor: [2.0]).ToString());
        Assert.Equal("Upsample(size=(4, 6), mode='bilinear')", new Upsample([4, 6], mode: InterpolationMode.Bilinear).ToString());
        Assert.Equal("UpsamplingBilinear2d(scale_factor=2.0, mode='bilinear')", new UpsamplingBilinear2d(scaleFactor: [2.0]).ToString());
        var x = Tensor.Ones([1, 1, 2, 3]);
        Assert.Equal(new[] { 1, 1, 4, 6 }, new UpsamplingNearest2d(scaleFactor: [2.0]).Forward(x).Shape);
    }

    public static TheoryData<InterpolationMode, int> Modes => new()
    {
        { InterpolationMode.Nearest, 2 }, { InterpolationMode.NearestExact, 3 }, { InterpolationMode.Linear, 1 },
        { InterpolationMode.Bilinear, 2 }, { InterpolationMode.Bicubic, 2 }, { InterpolationMode.Trilinear, 3 }, { InterpolationMode.Area, 2 },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void GradCheckEveryMode(InterpolationMode mode, int dim)
    {
        int[] shape = [.. new[] { 2, 2 }, .. Enumerable.Repeat(3, dim)];
        bool interpolating = mode is not (InterpolationMode.Nearest or InterpolationMode.NearestExact or InterpolationMode.Area);
        foreach (bool strided in new[] { false, true })
        foreach (bool? corners in interpolating ? new bool?[] { false, true } : [null])
        {
            Assert.True(GradCheck.Check(x => [F.Interpolate(x[0], [.. Enumerable.Range(0, dim).Select(i => 2 + 2 * i)], mode: mode, alignCorners: corners)],
                [ConvolutionTests.Leaf(shape, strided, 2)]));
            Assert.True(GradCheck.Check(x => [F.Interpolate(x[0], scaleFactor: [.. Enumerable.Repeat(1.6, dim)], mode: mode, alignCorners: corners)],
                [ConvolutionTests.Leaf(shape, strided, 3)]));
        }
        Assert.True(GradCheck.GradGradCheck(x => [F.Interpolate(x[0], [.. Enumerable.Repeat(4, dim)], mode: mode).Pow(2)], [ConvolutionTests.Leaf(shape, false, 4)]));
    }
}
