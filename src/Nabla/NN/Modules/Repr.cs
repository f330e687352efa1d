using System.Globalization;

namespace Nabla.NN;

/// <summary>Python's str() of the values extra_repr prints: ints, tuples ("(2, 2)", "(3,)"), bools, floats, None.</summary>
internal static class Repr
{
    public static string Of(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Of(bool value) => value ? "True" : "False";

    public static string Of(int? value) => value is { } v ? Of(v) : "None";

    /// <summary>A Python float: shortest round-trip digits, always with a decimal point or exponent.</summary>
    public static string Of(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var s = value.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E'))
        {
            int e = s.IndexOf('E');
            int exp = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
            var mantissa = s[..e];
            return mantissa + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        return s.Contains('.') ? s : s + ".0";
    }

    /// <summary>A Python tuple of ints.</summary>
    public static string Tuple(IReadOnlyList<int> values) =>
        values.Count == 1 ? $"({Of(values[0])},)" : "(" + string.Join(", ", values.Select(Of)) + ")";

    /// <summary>A Python tuple of optional ints (None for null).</summary>
    public static string Tuple(IReadOnlyList<int?> values) =>
        values.Count == 1 ? $"({Of(values[0])},)" : "(" + string.Join(", ", values.Select(Of)) + ")";
}
