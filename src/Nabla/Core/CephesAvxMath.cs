namespace Nabla.Core;

/// <summary>
/// The single-precision log and sin/cos of the Cephes-derived vector routines (avx_mathfun) that libtorch's AVX2 and
/// AVX-512 normal_ kernel evaluates, replayed one lane at a time in the same operation order, with the multiply-adds
/// the compiled kernel fuses, so that normal_ on float32 writes libtorch's bits.
/// </summary>
internal static class CephesAvxMath
{
    private const float SqrtHalf = 0.707106781186547524f;
    private static readonly float[] LogP = [7.0376836292E-2f, -1.1514610310E-1f, 1.1676998740E-1f, -1.2420140846E-1f,
        1.4249322787E-1f, -1.6668057665E-1f, 2.0000714765E-1f, -2.4999993993E-1f, 3.3333331174E-1f];
    private const float LogQ1 = -2.12194440e-4f, LogQ2 = 0.693359375f;
    private const float FourOverPi = 1.27323954473516f;
    private const float Dp1 = -0.78515625f, Dp2 = -2.4187564849853515625e-4f, Dp3 = -3.77489497744594108e-8f;
    private const float SinP0 = -1.9515295891E-4f, SinP1 = 8.3321608736E-3f, SinP2 = -1.6666654611E-1f;
    private const float CosP0 = 2.443315711809948E-005f, CosP1 = -1.388731625493765E-003f, CosP2 = 4.166664568298827E-002f;

    /// <summary>Natural log for positive normal inputs (the kernel only passes values in (0, 1]).</summary>
    public static float Log(float x)
    {
        x = MathF.Max(x, BitConverter.Int32BitsToSingle(0x00800000));
        int bits = BitConverter.SingleToInt32Bits(x);
        float e = (bits >>> 23) - 0x7f;
        e += 1;
        x = BitConverter.Int32BitsToSingle((bits & ~0x7f800000) | BitConverter.SingleToInt32Bits(0.5f));
        float tmp = x < SqrtHalf ? x : 0f;
        if (x < SqrtHalf) e -= 1;
        x -= 1;
        x += tmp;
        float z = x * x;
        float y = LogP[0];
        for (int i = 1; i < LogP.Length; i++) y = MathF.FusedMultiplyAdd(y, x, LogP[i]);
        y *= x;
        y = MathF.FusedMultiplyAdd(y, z, e * LogQ1);
        y -= z * 0.5f;
        x += y;
        x += e * LogQ2;
        return x;
    }

    /// <summary>sin and cos of x, by Cephes' octant reduction and minimax polynomials.</summary>
    public static (float Sin, float Cos) SinCos(float x)
    {
        bool negative = x < 0;
        x = MathF.Abs(x);
        int j = (int)(x * FourOverPi);
        j = (j + 1) & ~1;
        float y = j;
        bool swapSin = (j & 4) != 0;
        bool sinPoly = (j & 2) == 0;
        x = MathF.FusedMultiplyAdd(y, Dp1, x);
        x = MathF.FusedMultiplyAdd(y, Dp2, x);
        x = MathF.FusedMultiplyAdd(y, Dp3, x);
        bool negCos = ((~(j - 2)) & 4) != 0;
        bool negSin = negative ^ swapSin;

        float z = x * x;
        float c = CosP0;
        c = MathF.FusedMultiplyAdd(c, z, CosP1);
        c = MathF.FusedMultiplyAdd(c, z, CosP2);
        c *= z;
        c = MathF.FusedMultiplyAdd(c, z, -(z * 0.5f));
        c += 1;
        float s = SinP0;
        s = MathF.FusedMultiplyAdd(s, z, SinP1);
        s = MathF.FusedMultiplyAdd(s, z, SinP2);
        s *= z;
        s = MathF.FusedMultiplyAdd(s, x, x);
        float sinValue = sinPoly ? s : c, cosValue = sinPoly ? c : s;
        return (negSin ? -sinValue : sinValue, negCos ? -cosValue : cosValue);
    }
}
