namespace Nabla.Tests;

/// <summary>
/// The vectorised inner loops (contiguous runs, and runs where one operand is a broadcast scalar) give, bit for bit,
/// what the scalar formula gives element by element: lengths with vector tails, special values, every dtype the
/// ops vectorise. Run also with DOTNET_EnableAVX512=0 for the 256-bit path.
/// </summary>
public class VectorPathTests
{
    private const int N = 1037; // not a multiple of any vector width: exercises the scalar tail

    public static TheoryData<string> BinaryOps => new() { "add", "sub", "mul", "div", "maximum", "minimum" };

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void BinaryFloatRunsMatchTheScalarFormula(string op)
    {
        var (a, b) = (Values(N, 1), Values(N, 2));
        float F(float x, float y) => op switch
        {
            "add" => x + y, "sub" => x - y, "mul" => x * y, "div" => x / y,
            _ when float.IsNaN(x) || float.IsNaN(y) => x + y,
            "maximum" => MathF.Max(x, y), _ => MathF.Min(x, y),
        };
        var ta = Tensor.From(a);
        var tb = Tensor.From(b);
        AssertBits(Enumerable.Range(0, N).Select(i => F(a[i], b[i])), Apply(op, ta, tb).ToArray<float>());
        // One operand a broadcast scalar along the run, on either side.
        AssertBits(a.Select(x => F(x, b[7])), Apply(op, ta, tb[7]).ToArray<float>());
        AssertBits(b.Select(y => F(a[3], y)), Apply(op, ta[3], tb).ToArray<float>());
        AssertBits(a.Select(x => F(x, 0.1f)), Apply(op, ta, Tensor.From(0.1f)).ToArray<float>());
    }

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void BinaryDoubleRunsMatchTheScalarFormula(string op)
    {
        var a = Values(N, 3).Select(v => (double)v * 1.0000001).ToArray();
        var b = Values(N, 4).Select(v => (double)v).ToArray();
        double F(double x, double y) => op switch
        {
            "add" => x + y, "sub" => x - y, "mul" => x * y, "div" => x / y,
            _ when double.IsNaN(x) || double.IsNaN(y) => x + y,
            "maximum" => Math.Max(x, y), _ => Math.Min(x, y),
        };
        var y = Apply(op, Tensor.From(a), Tensor.From(b)).ToArray<double>();
        for (int i = 0; i < N; i++)
            if (!(double.IsNaN(y[i]) && double.IsNaN(F(a[i], b[i]))))
                Assert.Equal(BitConverter.DoubleToInt64Bits(F(a[i], b[i])), BitConverter.DoubleToInt64Bits(y[i]));
    }

    [Theory]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    [InlineData(DType.UInt8)]
    public void IntegerRunsWrapAsTheScalarFormula(DType dtype)
    {
        var rng = new Random(5);
        var a = Enumerable.Range(0, N).Select(_ => (long)rng.Next(-300, 300) * (dtype == DType.Int64 ? 10_000_000_000L : 1)).ToArray();
        var b = Enumerable.Range(0, N).Select(_ => (long)rng.Next(-300, 300)).ToArray();
        var ta = Tensor.From(a).To(dtype);
        var tb = Tensor.From(b).To(dtype);
        var (av, bv) = (ta.ToArray<long>(), tb.ToArray<long>());
        long Wrap(long v) => dtype switch { DType.Int32 => unchecked((int)v), DType.UInt8 => unchecked((byte)v), _ => v };
        Assert.Equal(av.Zip(bv, (x, y) => Wrap(unchecked(x + y))), (ta + tb).ToArray<long>());
        Assert.Equal(av.Zip(bv, (x, y) => Wrap(unchecked(x * y))), (ta * tb).ToArray<long>());
        Assert.Equal(av.Select(x => Wrap(unchecked(x - bv[5]))), (ta - tb[5]).ToArray<long>());
        Assert.Equal(av.Select(x => Wrap(unchecked(-x))), ta.Neg().ToArray<long>());
        Assert.Equal(av.Zip(bv, (x, y) => Math.Max(x, y)), ta.Maximum(tb).ToArray<long>());
        Assert.Equal(av.Zip(bv, (x, y) => Math.Min(x, y)), ta.Minimum(tb).ToArray<long>());
    }

    [Fact]
    public void ChannelBroadcastMatchesTheScalarFormula()
    {
        // (N, C, H, W) op (1, C, 1, 1): runs of H * W elements over which the channel value is a stride-0 scalar.
        var x = Tensor.From(Values(2 * 3 * 5 * 7, 6)).Reshape([2, 3, 5, 7]);
        var m = Tensor.From(Values(3, 7)).Reshape([1, 3, 1, 1]);
        var (xv, mv) = (x.ToArray<float>(), m.ToArray<float>());
        AssertBits(xv.Select((v, i) => v - mv[i / 35 % 3]), (x - m).ToArray<float>());
        AssertBits(xv.Select((v, i) => mv[i / 35 % 3] * v), (m * x).ToArray<float>());
    }

    [Fact]
    public void NegationMatchesTheScalarFormula()
    {
        var a = Values(N, 8);
        AssertBits(a.Select(v => -v), Tensor.From(a).Neg().ToArray<float>());
        Assert.True(float.IsNegative(Tensor.Zeros([N]).Neg().ToArray<float>()[N - 1])); // -(+0) is -0, in the tail too
        Assert.True(float.IsNegative(Tensor.Zeros([N]).Neg().ToArray<float>()[0]));
    }

    public static TheoryData<double> PowerShortcuts => new() { 0, 1, 2, 3, -2, -0.5, -1 };

    [Theory]
    [MemberData(nameof(PowerShortcuts))]
    public void NumberPowersAreComputedAsLibtorchComputesThem(double e)
    {
        var a = Values(N, 9);
        float F(float x) => e switch
        {
            0 => 1f, 1 => x, 2 => x * x, 3 => x * x * x, -2 => 1f / (x * x),
            -0.5 => 1f / MathF.Sqrt(x), _ => 1f / x,
        };
        var t = Tensor.From(a);
        AssertBits(a.Select(F), t.Pow(e).ToArray<float>());
        // The strided (scalar) path gives the same bits as the contiguous (vector) path.
        var strided = Tensor.From(a.Concat(a).ToArray()).Reshape([2, N]).Transpose(0, 1)[.., 0];
        AssertBits(a.Select(F), strided.Pow(e).ToArray<float>());
        var d = a.Select(v => (double)v).ToArray();
        double G(double x) => e switch
        {
            0 => 1, 1 => x, 2 => x * x, 3 => x * x * x, -2 => 1 / (x * x), -0.5 => 1 / Math.Sqrt(x), _ => 1 / x,
        };
        var yd = Tensor.From(d).Pow(e).ToArray<double>();
        for (int i = 0; i < N; i++) Assert.Equal(BitConverter.DoubleToInt64Bits(G(d[i])), BitConverter.DoubleToInt64Bits(yd[i]));
    }

    [Fact]
    public void SquareBackwardIsTwiceTheInput()
    {
        var x = Tensor.From(Values(N, 10)).RequiresGrad_();
        var g = Tensor.From(Values(N, 11));
        var grad = Autograd.Grad([x.Pow(2)], [x], [g])[0]!.ToArray<float>();
        var (xv, gv) = (x.ToArray<float>(), g.ToArray<float>());
        AssertBits(xv.Select((v, i) => gv[i] * (v * 2f)), grad);
    }

    private static Tensor Apply(string op, Tensor a, Tensor b) => op switch
    {
        "add" => a + b,
        "sub" => a - b,
        "mul" => a * b,
        "div" => a / b,
        "maximum" => a.Maximum(b),
        _ => a.Minimum(b),
    };

    /// <summary>Noise with special values mixed in: ±0, ±inf, NaN, subnormals, huge and tiny numbers.</summary>
    private static float[] Values(int n, int seed)
    {
        var rng = new Random(seed);
        float[] special = [0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e-40f, -1e-42f, 3e38f, 1e-20f, 1f];
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i % 17 == 5 ? special[rng.Next(special.Length)] : (float)(rng.NextDouble() * 8 - 4);
        return v;
    }

    private static void AssertBits(IEnumerable<float> expected, float[] actual)
    {
        var e = expected.ToArray();
        Assert.Equal(e.Length, actual.Length);
        for (int i = 0; i < e.Length; i++)
            if (!(float.IsNaN(e[i]) && float.IsNaN(actual[i])))
                Assert.True(BitConverter.SingleToInt32Bits(e[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"element {i}: expected {e[i]}, got {actual[i]}");
    }
}
