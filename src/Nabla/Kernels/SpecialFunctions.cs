namespace Nabla.Kernels;

/// <summary>
/// Double-precision special functions .NET lacks or computes inaccurately (its LogP1 and ExpM1 are log(1 + x) and
/// exp(x) - 1, which lose every digit near 0). Accurate to a few ulps; float32 ops round these results.
/// </summary>
internal static class SpecialFunctions
{
    private const double TwoOverSqrtPi = 1.1283791670955126;

    /// <summary>log(1 + x) without cancellation (Goldberg's correction of the rounded argument).</summary>
    public static double Log1p(double x)
    {
        double u = 1 + x;
        if (u == 1) return x;
        if (double.IsInfinity(u)) return Math.Log(u);
        return Math.Log(u) * (x / (u - 1));
    }

    /// <summary>exp(x) - 1 without cancellation (Kahan's correction).</summary>
    public static double Expm1(double x)
    {
        if (Math.Abs(x) < 1e-5) return x + x * x / 2 + x * x * x / 6;
        double u = Math.Exp(x);
        if (u == 1) return x;
        double um1 = u - 1;
        if (um1 == -1) return -1;
        if (double.IsInfinity(u)) return u;
        return um1 * x / Math.Log(u);
    }

    /// <summary>The error function: a positive-term series below 2.5, 1 - erfc above.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax >= 2.5) return Math.CopySign(1 - ErfcLarge(ax), x);
        return Math.CopySign(ErfSeries(ax), x);
    }

    /// <summary>The complementary error function 1 - erf(x), accurate in the far tail.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x >= 2.5) return ErfcLarge(x);
        if (x <= -2.5) return 2 - ErfcLarge(-x);
        return 1 - Math.CopySign(ErfSeries(Math.Abs(x)), x);
    }

    /// <summary>The inverse error function: a rational first guess refined by Newton steps on <see cref="Erf"/>.</summary>
    public static double Erfinv(double y)
    {
        if (double.IsNaN(y) || y < -1 || y > 1) return double.NaN;
        if (y == 1) return double.PositiveInfinity;
        if (y == -1) return double.NegativeInfinity;
        if (y == 0) return y;
        // Giles' single-precision approximation as the starting point.
        double w = -Math.Log((1 - y) * (1 + y)), p;
        if (w < 5)
        {
            w -= 2.5;
            p = 2.81022636e-08;
            p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w; p = 0.00021858087 + p * w;
            p = -0.00125372503 + p * w; p = -0.00417768164 + p * w; p = 0.246640727 + p * w; p = 1.50140941 + p * w;
        }
        else
        {
            w = Math.Sqrt(w) - 3;
            p = -0.000200214257;
            p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w; p = 0.00573950773 + p * w;
            p = -0.0076224613 + p * w; p = 0.00943887047 + p * w; p = 1.00167406 + p * w; p = 2.83297682 + p * w;
        }
        double x = p * y;
        for (int i = 0; i < 3; i++)
        {
            // In the tails, Newton on erfc keeps the relative accuracy that 1 - erf would lose.
            double err = Math.Abs(y) > 0.5 ? -(Erfc(Math.Abs(x)) - (1 - Math.Abs(y))) * Math.Sign(x) : Erf(x) - y;
            double step = err / (TwoOverSqrtPi * Math.Exp(-x * x));
            if (!double.IsFinite(step)) break;
            x -= step;
        }
        return x;
    }

    /// <summary>erf(x) for 0 ≤ x &lt; 2.5: 2/√π e^(-x²) Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)); every term positive.</summary>
    private static double ErfSeries(double x)
    {
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return TwoOverSqrtPi * Math.Exp(-x2) * sum;
    }

    /// <summary>erfc(x) for x ≥ 2.5 by its continued fraction (modified Lentz).</summary>
    private static double ErfcLarge(double x)
    {
        if (x > 27) return 0;
        // erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 500; k++)
        {
            double a = k / 2.0;
            d = x + a * d;
            if (d == 0) d = tiny;
            c = x + a / c;
            if (c == 0) c = tiny;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-x * x) / (f * 1.7724538509055159);
    }
}
