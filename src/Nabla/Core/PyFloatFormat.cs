using System.Globalization;
using System.Numerics;

namespace Nabla.Core;

/// <summary>
/// Python's <c>"{:.Nf}"</c> and <c>"{:.Ne}"</c> for a double. Python rounds the exact binary value
/// half-to-even (format(0.03125, ".4f") is "0.0312"); .NET's "F"/"E" specifiers do not promise that,
/// so the digits are computed here with exact integer arithmetic.
/// </summary>
internal static class PyFloatFormat
{
    /// <summary>"{:.Nf}": fixed point with <paramref name="precision"/> decimals; keeps the sign of -0.0.</summary>
    public static string Fixed(double value, int precision)
    {
        if (NonFinite(value) is { } text) return text;
        var (num, den) = ExactRatio(Math.Abs(value));
        var digits = RoundHalfEven(num * BigInteger.Pow(10, precision), den)
            .ToString(CultureInfo.InvariantCulture)
            .PadLeft(precision + 1, '0');
        int point = digits.Length - precision;
        var body = precision == 0 ? digits : digits[..point] + "." + digits[point..];
        return Sign(value) + body;
    }

    /// <summary>"{:.Ne}": one leading digit, <paramref name="precision"/> decimals, exponent of at least two digits.</summary>
    public static string Scientific(double value, int precision)
    {
        if (NonFinite(value) is { } text) return text;
        var (num, den) = ExactRatio(Math.Abs(value));
        var (mantissa, exponent) = num.IsZero ? (BigInteger.Zero, 0) : ScaleToDigits(num, den, precision);
        var digits = mantissa.ToString(CultureInfo.InvariantCulture).PadLeft(precision + 1, '0');
        var body = precision == 0 ? digits : digits[..1] + "." + digits[1..];
        var exponentText = Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        return Sign(value) + body + (exponent < 0 ? "e-" : "e+") + exponentText;
    }

    private static string? NonFinite(double value) =>
        double.IsNaN(value) ? "nan" :
        double.IsPositiveInfinity(value) ? "inf" :
        double.IsNegativeInfinity(value) ? "-inf" : null;

    private static string Sign(double value) => double.IsNegative(value) ? "-" : "";

    /// <summary>
    /// Finds the decimal exponent k and the rounded integer m with precision + 1 digits such that
    /// num/den ≈ m · 10^(k - precision). Log10 only gives a first guess; the loop corrects it, including
    /// the case where rounding carries into a new digit (9.99995 → 1.0000e+01).
    /// </summary>
    private static (BigInteger Mantissa, int Exponent) ScaleToDigits(BigInteger num, BigInteger den, int precision)
    {
        var low = BigInteger.Pow(10, precision);
        var high = low * 10;
        int exponent = (int)Math.Floor(BigInteger.Log10(num) - BigInteger.Log10(den));
        while (true)
        {
            int shift = precision - exponent;
            var m = shift >= 0
                ? RoundHalfEven(num * BigInteger.Pow(10, shift), den)
                : RoundHalfEven(num, den * BigInteger.Pow(10, -shift));
            if (m >= high) exponent++;
            else if (m < low) exponent--;
            else return (m, exponent);
        }
    }

    /// <summary>The exact value of a finite, non-negative double as num / den.</summary>
    private static (BigInteger Num, BigInteger Den) ExactRatio(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & ((1L << 52) - 1);
        // Subnormals have no implicit leading bit and the exponent of the smallest normal.
        long significand = biased == 0 ? fraction : fraction | (1L << 52);
        int power = (biased == 0 ? 1 : biased) - 1075;
        return power >= 0
            ? (new BigInteger(significand) << power, BigInteger.One)
            : (new BigInteger(significand), BigInteger.One << -power);
    }

    private static BigInteger RoundHalfEven(BigInteger num, BigInteger den)
    {
        var quotient = BigInteger.DivRem(num, den, out var remainder);
        int half = (remainder * 2).CompareTo(den);
        return half > 0 || (half == 0 && !quotient.IsEven) ? quotient + 1 : quotient;
    }
}
