using System.Globalization;
using System.Text.Json;
using Nabla.Core;

namespace Nabla.Tests;

/// <summary>
/// Expected strings follow torch/_tensor_str.py with default print options (precision 4, threshold 1000,
/// edgeitems 3, linewidth 80).
/// </summary>
public class TensorFormatterTests
{
    private static Tensor Floats(params float[] values) => Tensor.From(values);
    private static Tensor Doubles(params double[] values) => Tensor.From(values);

    // ---- element styles ----

    [Fact]
    public void IntegralFloatsPrintWithTrailingPoint() =>
        Assert.Equal("tensor([[14., 15., 16., 17.],\n        [16., 17., 18., 19.]])",
            Tensor.From(new float[,] { { 14, 15, 16, 17 }, { 16, 17, 18, 19 } }).ToString());

    [Fact]
    public void IntegralStylePadsToLongestValue() =>
        Assert.Equal("tensor([100.,  -5.])", Floats(100, -5).ToString());

    [Fact]
    public void FixedPointUsesFourDecimals() =>
        Assert.Equal("tensor([0.1000, 0.2000])", Floats(0.1f, 0.2f).ToString());

    [Fact]
    public void NegativeValuesWidenTheColumn() =>
        Assert.Equal("tensor([-1.5000,  2.2500])", Floats(-1.5f, 2.25f).ToString());

    [Fact]
    public void TinyValueSwitchesToScientific() =>
        Assert.Equal("tensor([1.0000e-05, 1.0000e+00])", Floats(1e-5f, 1f).ToString());

    [Fact]
    public void WideRangeOfIntegersSwitchesToScientific() =>
        Assert.Equal("tensor([1.0000e+05, 1.0000e+00])", Floats(1e5f, 1f).ToString());

    [Fact]
    public void HugeValueSwitchesToScientific() =>
        Assert.Equal("tensor([1.2346e+09], dtype=torch.float64)", Doubles(1.23456e9).ToString());

    [Fact]
    public void Float32IsJudgedByItsWidenedValue()
    {
        // (double)1e-4f is just below 1e-4, which trips the "min < 1e-4" rule; the double 1e-4 does not.
        Assert.Equal("tensor([1.0000e-04])", Floats(1e-4f).ToString());
        Assert.Equal("tensor([0.0001], dtype=torch.float64)", Doubles(1e-4).ToString());
    }

    [Fact]
    public void RoundingIsHalfToEvenOnTheExactValue() =>
        Assert.Equal("tensor([0.0312, 1.0000])", Floats(0.03125f, 1f).ToString());

    [Fact]
    public void NanAndInfDoNotWidenIntegralColumns() =>
        Assert.Equal("tensor([nan, 1., inf])", Floats(float.NaN, 1, float.PositiveInfinity).ToString());

    [Fact]
    public void NanAndInfArePaddedInFixedStyle() =>
        Assert.Equal("tensor([   nan, 1.5000,   -inf])", Floats(float.NaN, 1.5f, float.NegativeInfinity).ToString());

    [Fact]
    public void ZerosAndNanArePaddedInScientificStyle() =>
        Assert.Equal("tensor([0.0000e+00, 1.0000e-05,        nan])", Floats(0, 1e-5f, float.NaN).ToString());

    [Fact]
    public void AllZerosPrintAsIntegral()
    {
        Assert.Equal("tensor([0., 0.])", Tensor.Zeros(2).ToString());
        Assert.Equal("tensor([-0.])", Floats(-0f).ToString());
    }

    [Fact]
    public void IntegersPadToTheWidestValue() =>
        Assert.Equal("tensor([-1, 10])", Tensor.From(new long[] { -1, 10 }).ToString());

    [Fact]
    public void BoolsPadTrueToTheWidthOfFalse() =>
        Assert.Equal("tensor([ True, False])", Tensor.From(new[] { true, false }).ToString());

    // ---- scalars ----

    [Fact]
    public void ZeroDimTensorsPrintTheBareValue()
    {
        Assert.Equal("tensor(3.)", Tensor.From(3f).ToString());
        Assert.Equal("tensor(0.5000)", Tensor.From(0.5f).ToString());
        Assert.Equal("tensor(0.)", Tensor.From(0f).ToString());
        Assert.Equal("tensor(5)", Tensor.From(5L).ToString());
        Assert.Equal("tensor(True)", Tensor.From(true).ToString());
        Assert.Equal("tensor(7, dtype=torch.int32)", Tensor.From(7).ToString());
    }

    // ---- dtype and autograd suffixes ----

    [Fact]
    public void NonDefaultDtypesAreShown()
    {
        Assert.Equal("tensor([1, 2, 3], dtype=torch.int32)", Tensor.From(new[] { 1, 2, 3 }).ToString());
        Assert.Equal("tensor([1, 2], dtype=torch.uint8)", Tensor.From(new byte[] { 1, 2 }).ToString());
        Assert.Equal("tensor([1.5000, 2.0000], dtype=torch.float64)", Doubles(1.5, 2).ToString());
    }

    [Fact]
    public void LeafRequiringGradSaysSo() =>
        Assert.Equal("tensor(2., requires_grad=True)", Tensor.From(2f).RequiresGrad_().ToString());

    [Fact]
    public void NonLeafShowsItsGradFn()
    {
        var a = Floats(1, 2).RequiresGrad_();
        Assert.Equal("tensor([1., 4.], grad_fn=<MulBackward0>)", (a * a).ToString());
    }

    [Fact]
    public void SuffixesFollowTheDtype() =>
        Assert.Equal("tensor([1.5000, 2.0000], dtype=torch.float64, requires_grad=True)",
            Doubles(1.5, 2).RequiresGrad_().ToString());

    // ---- empty tensors ----

    [Fact]
    public void EmptyTensorsShowShapeUnlessOneDimensional()
    {
        Assert.Equal("tensor([])", Tensor.Zeros(0).ToString());
        Assert.Equal("tensor([], size=(0, 3))", Tensor.Zeros(0, 3).ToString());
    }

    [Fact]
    public void EmptyTensorsShowEveryNonFloat32Dtype()
    {
        Assert.Equal("tensor([], dtype=torch.int64)", Tensor.Zeros([0], DType.Int64).ToString());
        Assert.Equal("tensor([], dtype=torch.bool)", Tensor.Zeros([0], DType.Bool).ToString());
        Assert.Equal("tensor([], size=(2, 0), dtype=torch.int32)", Tensor.Zeros([2, 0], DType.Int32).ToString());
    }

    // ---- layout ----

    [Fact]
    public void ThreeDimensionalBlocksAreSeparatedByABlankLine() =>
        Assert.Equal(
            "tensor([[[0, 1],\n" +
            "         [2, 3]],\n" +
            "\n" +
            "        [[4, 5],\n" +
            "         [6, 7]]])",
            Tensor.Arange(0, 8).Reshape(2, 2, 2).ToString());

    [Fact]
    public void LongRowsWrapAtEightyColumns() =>
        Assert.Equal(
            "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n" +
            "        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])",
            Tensor.Arange(0, 30).ToString());

    [Fact]
    public void SuffixStaysOnTheLastLineWhenItFits() =>
        Assert.Equal(
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n" +
            "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n" +
            "        28., 29.], dtype=torch.float64)",
            Tensor.Arange(0, 30).To(DType.Float64).ToString());

    [Fact]
    public void OverflowingSuffixMovesToANewLine() =>
        Assert.Equal(
            "tensor([0.1000, 0.2000, 0.3000, 0.4000, 0.5000, 0.6000, 0.7000, 0.8000],\n" +
            "       dtype=torch.float64, requires_grad=True)",
            Doubles(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8).RequiresGrad_().ToString());

    [Fact]
    public void SuffixWrapUsesPyTorchsLineLengthArithmetic()
    {
        // The one-line form would be exactly 80 characters, but PyTorch counts the line as two longer.
        Assert.Equal("tensor([1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.],\n       requires_grad=True)",
            Tensor.Ones(13).RequiresGrad_().ToString());
        Assert.Equal("tensor([1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.], requires_grad=True)",
            Tensor.Ones(12).RequiresGrad_().ToString());
    }

    // ---- summarisation (more than 1000 elements) ----

    [Fact]
    public void AtThresholdNothingIsElided() =>
        Assert.DoesNotContain("...", Tensor.Arange(0, 1000).ToString());

    [Fact]
    public void LongVectorShowsThreeItemsAtEachEnd() =>
        Assert.Equal("tensor([   0,    1,    2,  ..., 1997, 1998, 1999])", Tensor.Arange(0, 2000).ToString());

    [Fact]
    public void SummarisedMatrixElidesRowsAndColumns() =>
        Assert.Equal(
            "tensor([[   0,    1,    2,  ...,   47,   48,   49],\n" +
            "        [  50,   51,   52,  ...,   97,   98,   99],\n" +
            "        [ 100,  101,  102,  ...,  147,  148,  149],\n" +
            "        ...,\n" +
            "        [1850, 1851, 1852,  ..., 1897, 1898, 1899],\n" +
            "        [1900, 1901, 1902,  ..., 1947, 1948, 1949],\n" +
            "        [1950, 1951, 1952,  ..., 1997, 1998, 1999]])",
            Tensor.Arange(0, 2000).Reshape(40, 50).ToString());

    [Fact]
    public void SummarisationOnlyElidesDimensionsLongerThanSix() =>
        Assert.Equal(
            "tensor([[[   0,    1,    2,  ...,   97,   98,   99],\n" +
            "         [ 100,  101,  102,  ...,  197,  198,  199]],\n" +
            "\n" +
            "        [[ 200,  201,  202,  ...,  297,  298,  299],\n" +
            "         [ 300,  301,  302,  ...,  397,  398,  399]],\n" +
            "\n" +
            "        [[ 400,  401,  402,  ...,  497,  498,  499],\n" +
            "         [ 500,  501,  502,  ...,  597,  598,  599]],\n" +
            "\n" +
            "        ...,\n" +
            "\n" +
            "        [[ 800,  801,  802,  ...,  897,  898,  899],\n" +
            "         [ 900,  901,  902,  ...,  997,  998,  999]],\n" +
            "\n" +
            "        [[1000, 1001, 1002,  ..., 1097, 1098, 1099],\n" +
            "         [1100, 1101, 1102,  ..., 1197, 1198, 1199]],\n" +
            "\n" +
            "        [[1200, 1201, 1202,  ..., 1297, 1298, 1299],\n" +
            "         [1300, 1301, 1302,  ..., 1397, 1398, 1399]]])",
            Tensor.Arange(0, 1400).Reshape(7, 2, 100).ToString());

    [Fact]
    public void HiddenElementsDoNotWidenTheColumns()
    {
        // Only the six printed values choose the style: the hidden 0.5 would otherwise force fixed point.
        var values = Enumerable.Repeat(1f, 1001).ToArray();
        values[500] = 0.5f;
        Assert.Equal("tensor([1., 1., 1.,  ..., 1., 1., 1.])", Tensor.From(values).ToString());
    }

    // ---- reprs recorded from real PyTorch ----

    /// <summary>
    /// Random tensors of every dtype, scale and style, with nan/inf, outliers and autograd suffixes, whose
    /// repr was recorded from PyTorch by Fixtures/make_tensor_repr.py. All mismatches are reported at once.
    /// </summary>
    [Fact]
    public void MatchesReprsRecordedFromPyTorch()
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(FixturePath("tensor_repr.json")));
        var mismatches = new List<string>();
        foreach (var c in fixture.RootElement.GetProperty("cases").EnumerateArray())
        {
            var expected = c.GetProperty("expected").GetString()!;
            var actual = RebuildFixtureTensor(c).ToString();
            if (actual != expected)
                mismatches.Add($"{c.GetProperty("name").GetString()}:\n{expected}\n  but Nabla printed\n{actual}");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n\n", mismatches));
    }

    private static Tensor RebuildFixtureTensor(JsonElement c)
    {
        var dtype = Enum.Parse<DType>(c.GetProperty("dtype").GetString()!);
        var shape = c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        // Every stored value (float32 text included) widens to double exactly, so converting back is lossless.
        var values = c.GetProperty("values").EnumerateArray()
            .Select(e => ParseFixtureValue(e.GetString()!, dtype))
            .ToArray();
        var t = Tensor.From(values).Reshape(shape).To(dtype);
        return c.GetProperty("grad").GetString() switch
        {
            "leaf" => t.RequiresGrad_(),
            "mul" => t.RequiresGrad_() * t, // x * x of a leaf x: grad_fn=<MulBackward0>
            _ => t,
        };
    }

    private static double ParseFixtureValue(string text, DType dtype) => text switch
    {
        "nan" => double.NaN,
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        _ when dtype == DType.Float32 => float.Parse(text, CultureInfo.InvariantCulture),
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    /// <summary>The fixture is not copied to the build output, so look for it in the folders above it.</summary>
    private static string FixturePath(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Fixtures", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"Fixtures/{name} not found above {AppContext.BaseDirectory}");
    }

    // ---- Python float formatting ----

    [Theory]
    [InlineData(0.125, 2, "0.12")]
    [InlineData(0.375, 2, "0.38")]
    [InlineData(2.5, 0, "2")]
    [InlineData(-0.0, 4, "-0.0000")]
    [InlineData(-0.00001, 4, "-0.0000")]
    [InlineData(1e20, 0, "100000000000000000000")]
    public void FixedMatchesPythonFormat(double value, int precision, string expected) =>
        Assert.Equal(expected, PyFloatFormat.Fixed(value, precision));

    [Theory]
    [InlineData(0.0, 4, "0.0000e+00")]
    [InlineData(99999.5, 4, "1.0000e+05")]
    [InlineData(-2.5e-300, 4, "-2.5000e-300")]
    [InlineData(5e-324, 4, "4.9407e-324")]
    [InlineData(123456.0, 4, "1.2346e+05")]
    [InlineData(double.NegativeInfinity, 4, "-inf")]
    public void ScientificMatchesPythonFormat(double value, int precision, string expected) =>
        Assert.Equal(expected, PyFloatFormat.Scientific(value, precision));
}
