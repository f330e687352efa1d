using Nabla.NN;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TInit = TorchSharp.torch.nn.init;

namespace Nabla.Parity;

/// <summary>
/// torch.nn.init against libtorch's own init functions (TorchSharp's torch.nn.init calls torch::nn::init): after the
/// same seed, every initialiser must write the same bits, for float32 and float64, on sizes that take each of
/// libtorch's paths (fewer than 16 elements, multiples of 16, a ragged tail), and leave the generator in the same state
/// (a draw after the init agrees too).
/// </summary>
[Collection(DefaultGeneratorsCollection.Name)]
public class InitParityTests
{
    public static TheoryData<string, int[]> Cases()
    {
        var data = new TheoryData<string, int[]>();
        int[][] shapes = [[3, 4], [5, 3], [16, 1], [4, 8], [7, 5], [6, 3, 3, 3], [10, 20]];
        string[] inits = ["uniform", "uniform_ab", "normal", "normal_ms", "xavier_uniform", "xavier_normal",
            "kaiming_uniform", "kaiming_uniform_sqrt5", "kaiming_normal_fan_out_relu", "constant", "eye"];
        foreach (var init in inits)
            foreach (var shape in shapes)
                data.Add(init, shape);
        return data;
    }

    private static void ApplyNabla(string init, Tensor t)
    {
        switch (init)
        {
            case "uniform": Init.Uniform_(t); break;
            case "uniform_ab": Init.Uniform_(t, -0.3, 0.45); break;
            case "normal": Init.Normal_(t); break;
            case "normal_ms": Init.Normal_(t, 0.5, 1.7); break;
            case "xavier_uniform": Init.XavierUniform_(t, gain: Init.CalculateGain(Nonlinearity.Tanh)); break;
            case "xavier_normal": Init.XavierNormal_(t); break;
            case "kaiming_uniform": Init.KaimingUniform_(t); break;
            case "kaiming_uniform_sqrt5": Init.KaimingUniform_(t, a: Math.Sqrt(5)); break;
            case "kaiming_normal_fan_out_relu": Init.KaimingNormal_(t, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu); break;
            case "constant": Init.Constant_(t, 0.25); break;
            case "eye": if (t.Dim == 2) Init.Eye_(t); else Init.Ones_(t); break;
            default: throw new ArgumentException(init);
        }
    }

    // The oracle replays torch.nn.init's Python formulas (doubles, as Python computes them) over libtorch's own
    // uniform_ / normal_ / fill_ kernels: TorchSharp's managed torch.nn.init is not PyTorch's (its xavier_normal_ differs).
    private static void ApplyTorch(string init, TT t)
    {
        long fanIn = t.dim() >= 2 ? t.shape[1] * t.shape.Skip(2).Aggregate(1L, (a, b) => a * b) : 0;
        long fanOut = t.dim() >= 2 ? t.shape[0] * t.shape.Skip(2).Aggregate(1L, (a, b) => a * b) : 0;
        switch (init)
        {
            case "uniform": t.uniform_(0, 1); break;
            case "uniform_ab": t.uniform_(-0.3, 0.45); break;
            case "normal": t.normal_(0, 1); break;
            case "normal_ms": t.normal_(0.5, 1.7); break;
            case "xavier_uniform":
                {
                    double std = 5.0 / 3 * Math.Sqrt(2.0 / (fanIn + fanOut)), a = Math.Sqrt(3.0) * std;
                    t.uniform_(-a, a);
                    break;
                }
            case "xavier_normal": t.normal_(0, 1.0 * Math.Sqrt(2.0 / (fanIn + fanOut))); break;
            case "kaiming_uniform":
                {
                    double bound = Math.Sqrt(3.0) * (Math.Sqrt(2.0 / (1 + Math.Pow(0, 2))) / Math.Sqrt(fanIn));
                    t.uniform_(-bound, bound);
                    break;
                }
            case "kaiming_uniform_sqrt5":
                {
                    double bound = Math.Sqrt(3.0) * (Math.Sqrt(2.0 / (1 + Math.Pow(Math.Sqrt(5), 2))) / Math.Sqrt(fanIn));
                    t.uniform_(-bound, bound);
                    break;
                }
            case "kaiming_normal_fan_out_relu": t.normal_(0, Math.Sqrt(2.0) / Math.Sqrt(fanOut)); break;
            case "constant": t.fill_(0.25); break;
            case "eye": if (t.dim() == 2) TInit.eye_(t); else t.fill_(1); break;
            default: throw new ArgumentException(init);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32BitsEqualLibTorch(string init, int[] shape) => Check(init, shape, DType.Float32);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64BitsEqualLibTorch(string init, int[] shape) => Check(init, shape, DType.Float64);

    private static void Check(string init, int[] shape, DType dtype)
    {
        using var scope = torch.NewDisposeScope();
        foreach (ulong seed in new ulong[] { 0, 1234 })
        {
            Tensor.ManualSeed(seed);
            var n = Tensor.Empty(shape, dtype);
            ApplyNabla(init, n);
            var nAfter = Tensor.Rand([3], dtype);

            torch.manual_seed((long)seed);
            var t = torch.empty(shape.Select(s => (long)s).ToArray(), dtype: dtype == DType.Float32 ? torch.ScalarType.Float32 : torch.ScalarType.Float64);
            ApplyTorch(init, t);
            var tAfter = torch.rand(3, dtype: t.dtype);

            AssertBitsEqual(n, t, $"{init} {dtype} [{string.Join(",", shape)}] seed {seed}");
            AssertBitsEqual(nAfter, tAfter, $"{init} {dtype} draw after, seed {seed}");
        }
    }

    internal static void AssertBitsEqual(Tensor n, TT t, string what)
    {
        Assert.Equal(t.shape, n.Shape.Select(s => (long)s).ToArray());
        if (n.DType == DType.Float32)
        {
            var a = n.ToArray<float>();
            var b = t.data<float>().ToArray();
            var bad = Enumerable.Range(0, a.Length).Where(i => BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i])).ToList();
            Assert.True(bad.Count == 0, $"{what}: {bad.Count}/{a.Length} differ, first at {bad.FirstOrDefault()}: {(bad.Count > 0 ? $"{a[bad[0]]:R} vs {b[bad[0]]:R}" : "")}");
        }
        else
        {
            var a = n.ToArray<double>();
            var b = t.data<double>().ToArray();
            var bad = Enumerable.Range(0, a.Length).Where(i => BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i])).ToList();
            Assert.True(bad.Count == 0, $"{what}: {bad.Count}/{a.Length} differ, first at {bad.FirstOrDefault()}: {(bad.Count > 0 ? $"{a[bad[0]]:R} vs {b[bad[0]]:R}" : "")}");
        }
    }
}
