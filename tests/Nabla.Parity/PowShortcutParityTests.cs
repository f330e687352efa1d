using TorchSharp;
using static TorchSharp.torch;
using NTensor = Nabla.Tensor;

namespace Nabla.Parity;

/// <summary>
/// pow with the number exponents libtorch computes without std::pow (0, 1, 2, 3, -2, -0.5, -1): Nabla's values
/// are libtorch's bit for bit, contiguous (vector loop) and strided (scalar loop), float32 and float64, special values
/// included; so is the gradient where libtorch's backward also takes a shortcut (exponent - 1 in the list).
/// 0.5 is no shortcut in libtorch 2.10 (its vectorised pow differs from sqrt in the last bit): only its gradient,
/// which goes through pow(-0.5), is compared here.
/// </summary>
public class PowShortcutParityTests
{
    private const int N = 1037;

    public static TheoryData<double, bool> Cases()
    {
        var data = new TheoryData<double, bool>();
        foreach (var e in new[] { 0, 1, 2, 3, -2, 0.5, -0.5, -1 })
        {
            data.Add(e, false);
            data.Add(e, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValuesAndGradientsAreLibtorchsBits(double exponent, bool float64)
    {
        var values = Values();
        var cot = Values(seed: 2);
        var nx = NTensor.From(values).To(float64 ? DType.Float64 : DType.Float32).RequiresGrad_();
        var ncot = NTensor.From(cot).To(nx.DType);
        using var tx = torch.tensor(values).to(float64 ? ScalarType.Float64 : ScalarType.Float32).requires_grad_();
        using var tcot = torch.tensor(cot).to(tx.dtype);

        var ny = nx.Pow(exponent);
        using var ty = tx.pow(exponent);
        if (exponent != 0.5)
        {
            AssertSameBits(ty, ny, "forward");
            // A strided view: the scalar loop.
            var nStrided = NTensor.Stack([nx.Detach(), nx.Detach()], 1).Select(1, 0);
            using var tStrided = torch.stack([tx.detach(), tx.detach()], 1).select(1, 0);
            AssertSameBits(tStrided.pow(exponent), nStrided.Pow(exponent), "strided forward");
        }

        // libtorch's backward is grad * (exponent * self.pow(exponent - 1)); exact where exponent - 1 is a shortcut too.
        if (exponent is 1 or 2 or 3 or 0.5 or -1 or 0)
        {
            var ng = Autograd.Grad([ny], [nx], [ncot])[0]!;
            var tg = torch.autograd.grad([ty], [tx], [tcot])[0];
            AssertSameBits(tg, ng, "gradient");
        }
    }

    private static void AssertSameBits(torch.Tensor expected, NTensor actual, string what)
    {
        var e = expected.to(ScalarType.Float64).data<double>().ToArray();
        var a = actual.ToArray<double>();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
            if (!(double.IsNaN(e[i]) && double.IsNaN(a[i])))
                Assert.True(BitConverter.DoubleToInt64Bits(e[i]) == BitConverter.DoubleToInt64Bits(a[i]),
                    $"{what}, element {i}: libtorch {e[i]:R}, Nabla {a[i]:R}");
    }

    /// <summary>Noise with ±0, ±inf, NaN, subnormals and huge values mixed in.</summary>
    private static float[] Values(int seed = 1)
    {
        var rng = new Random(seed);
        float[] special = [0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e-40f, -1e-42f, 3e38f, 1e-20f, -1f];
        var v = new float[N];
        for (int i = 0; i < N; i++) v[i] = i % 17 == 5 ? special[rng.Next(special.Length)] : (float)(rng.NextDouble() * 8 - 4);
        return v;
    }
}
