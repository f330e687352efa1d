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

    public static implicit operator Scalar(bool v) => new(DType.Bool, v ? 1 : 0, v ? 1 : 0);
    public static implicit operator Scalar(int v) => new(DType.Int64, v, v);
    public static implicit operator Scalar(long v) => new(DType.Int64, v, v);
    public static implicit operator Scalar(float v) => new(DType.Float64, (long)v, v);
    public static implicit operator Scalar(double v) => new(DType.Float64, (long)v, v);

    public bool IsFloatingPoint => Kind == DType.Float64;
    public double ToDouble() => Kind == DType.Float64 ? _double : _long;
    public long ToInt64() => Kind == DType.Float64 ? (long)_double : _long;
    public bool ToBoolean() => Kind == DType.Float64 ? _double != 0 : _long != 0;

    public override string ToString() => Kind switch
    {
        DType.Bool => _long != 0 ? "True" : "False",
        DType.Int64 => _long.ToString(CultureInfo.InvariantCulture),
        _ => _double.ToString("R", CultureInfo.InvariantCulture),
    };
}
