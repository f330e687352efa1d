namespace Nabla.Core;

/// <summary>
/// log(1 + x) by fdlibm's algorithm (the one glibc's log1p follows): libtorch's scalar normal sampler calls log1p, and
/// .NET has no log1p of its own, so its last bits are reproduced here rather than approximated by Log(1 + x).
/// </summary>
internal static class Log1pFdlibm
{
    private const double Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10;
    private const double Lp1 = 6.666666666666735130e-01, Lp2 = 3.999999999940941908e-01, Lp3 = 2.857142874366239149e-01,
        Lp4 = 2.222219843214978396e-01, Lp5 = 1.818357216161805012e-01, Lp6 = 1.531383769920937332e-01, Lp7 = 1.479819860511658591e-01;

    private static int High(double x) => (int)(BitConverter.DoubleToInt64Bits(x) >> 32);

    private static double WithHigh(double x, int high) =>
        BitConverter.Int64BitsToDouble(((long)high << 32) | (BitConverter.DoubleToInt64Bits(x) & 0xffffffffL));

    public static double Log1p(double x)
    {
        int hx = High(x), ax = hx & 0x7fffffff, k = 1, hu = 0;
        double f = 0, c = 0;
        if (hx < 0x3FDA827A)
        {
            if (ax >= 0x3ff00000) return x == -1.0 ? double.NegativeInfinity : double.NaN;
            if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5;
            if (hx > 0 || hx <= unchecked((int)0xbfd2bec3)) { k = 0; f = x; hu = 1; }
        }
        if (hx >= 0x7ff00000) return x + x;
        if (k != 0)
        {
            double u;
            if (hx < 0x43400000)
            {
                u = 1.0 + x;
                hu = High(u);
                k = (hu >> 20) - 1023;
                c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0);
                c /= u;
            }
            else
            {
                u = x;
                hu = High(u);
                k = (hu >> 20) - 1023;
                c = 0;
            }
            hu &= 0x000fffff;
            if (hu < 0x6a09e) u = WithHigh(u, hu | 0x3ff00000);
            else
            {
                k += 1;
                u = WithHigh(u, hu | 0x3fe00000);
                hu = (0x00100000 - hu) >> 2;
            }
            f = u - 1.0;
        }
        double hfsq = 0.5 * f * f;
        if (hu == 0)
        {
            if (f == 0) return k == 0 ? 0 : k * Ln2Hi + (c + k * Ln2Lo);
            double r0 = hfsq * (1.0 - 0.66666666666666666 * f);
            return k == 0 ? f - r0 : k * Ln2Hi - ((r0 - (k * Ln2Lo + c)) - f);
        }
        double s = f / (2.0 + f), z = s * s;
        double r = z * (Lp1 + z * (Lp2 + z * (Lp3 + z * (Lp4 + z * (Lp5 + z * (Lp6 + z * Lp7))))));
        return k == 0 ? f - (hfsq - s * (hfsq + r)) : k * Ln2Hi - ((hfsq - (s * (hfsq + r) + (k * Ln2Lo + c))) - f);
    }
}
