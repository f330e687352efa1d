using System.Globalization;

namespace Nabla;

/// <summary>
/// A .NET number used as an operand (a Python scalar in PyTorch's terms): it takes part in type promotion
/// only by its category, so <c>int32Tensor + 5</c> stays Int32 and <c>int32Tensor + 5.5</c> gives Float32.
/// </summary>
public readonly struct Scalar
{
    private readonly double _double;
    private readonly long _long;

    /// <summary>Bool, Int64 (any .NET integer) or Float64 (any .NET float).</summary>
    public DType Kind { get; }

    private Scalar(DType kind, long l, double d) { Kind = kind; _long = l; _double = d; }

    /// <summary>A Python bool operand.</summary>
    public static implicit operator Scalar(bool v) => new(DType.Bool, v ? 1 : 0, v ? 1 : 0);
    /// <summary>A Python int operand (kind Int64).</summary>
    public static implicit operator Scalar(int v) => new(DType.Int64, v, v);
    /// <summary>A Python int operand (kind Int64).</summary>
    public static implicit operator Scalar(long v) => new(DType.Int64, v, v);
    /// <summary>A Python float operand (kind Float64, widened exactly).</summary>
    public static implicit operator Scalar(float v) => new(DType.Float64, (long)v, v);
    /// <summary>A Python float operand (kind Float64).</summary>
    public static implicit operator Scalar(double v) => new(DType.Float64, (long)v, v);

    /// <summary>Whether this is a floating-point value (kind Float64).</summary>
    public bool IsFloatingPoint => Kind == DType.Float64;
    /// <summary>The value as a double (torch's Scalar.toDouble).</summary>
    public double ToDouble() => Kind == DType.Float64 ? _double : _long;
    /// <summary>The value as a long; a float truncates toward zero (torch's Scalar.toLong).</summary>
    public long ToInt64() => Kind == DType.Float64 ? (long)_double : _long;
    /// <summary>Whether the value is non-zero (torch's Scalar.toBool).</summary>
    public bool ToBoolean() => Kind == DType.Float64 ? _double != 0 : _long != 0;

    /// <summary>This value as an element of <paramref name="dtype"/>, or libtorch's overflow error when it does not fit.</summary>
    internal Scalar CheckFits(DType dtype)
    {
        (string name, double lo, double hi) = dtype switch
        {
            DType.UInt8 => ("uint8_t", 0, 255),
            DType.Int32 => ("int", int.MinValue, int.MaxValue),
            DType.Int64 => ("int64_t", long.MinValue, long.MaxValue),
            DType.Float32 => ("float", float.MinValue, float.MaxValue),
            _ => ("", double.NegativeInfinity, double.PositiveInfinity),
        };
        double v = ToDouble();
        // c10 lets a negative integer wrap into uint8 (a - b as a + 255 * b) while its magnitude fits.
        if (dtype == DType.UInt8 && Kind == DType.Int64 && _long < 0) lo = -255;
        bool integralTarget = dtype is DType.UInt8 or DType.Int32 or DType.Int64;
        if ((integralTarget && !double.IsFinite(v)) || (double.IsFinite(v) && (v < lo || v > hi)))
            throw Core.Errors.Runtime($"value cannot be converted to type {name} without overflow");
        return this;
    }

    /// <summary>The value as Python prints it: True/False, an integer, or a round-trippable float.</summary>
    public override string ToString() => Kind switch
    {
        DType.Bool => _long != 0 ? "True" : "False",
        DType.Int64 => _long.ToString(CultureInfo.InvariantCulture),
        _ => _double.ToString("R", CultureInfo.InvariantCulture),
    };
}
