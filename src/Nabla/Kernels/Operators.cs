using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

// The elementwise operators. Each is a struct with static members so the row kernels are specialised per op.

/// <summary>Negation: flips the sign, so neg(+0.0) is -0.0 as in libtorch (0 - x would give +0.0); integers wrap.</summary>
internal struct NegOp : IUnaryOp
{
    public static T Apply<T>(T x) where T : unmanaged, INumber<T> => -x;
    public static bool Vectorizes<T>() where T : unmanaged, INumber<T> => true;
    public static Vector256<T> Apply<T>(Vector256<T> x) where T : unmanaged, INumber<T> => -x;
    public static Vector512<T> Apply<T>(Vector512<T> x) where T : unmanaged, INumber<T> => -x;
}
internal struct AbsOp : IUnaryOp { public static T Apply<T>(T x) where T : unmanaged, INumber<T> => T.IsNegative(x) ? T.Zero - x : x; }
internal struct SignOp : IUnaryOp
{
    public static T Apply<T>(T x) where T : unmanaged, INumber<T> =>
        x > T.Zero ? T.One : x < T.Zero ? T.Zero - T.One : T.Zero;
}
internal struct LogicalNotOp : IUnaryOp { public static T Apply<T>(T x) where T : unmanaged, INumber<T> => T.IsZero(x) ? T.One : T.Zero; }

internal struct ExpOp : IFloatUnaryOp
{
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);
    public static bool TryApply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Exp(x, y); return true; }
}
internal struct LogOp : IFloatUnaryOp
{
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);
    public static bool TryApply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Log(x, y); return true; }
}
internal struct SqrtOp : IFloatUnaryOp
{
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sqrt(x);
    public static bool TryApply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Sqrt(x, y); return true; }
}
internal struct RsqrtOp : IFloatUnaryOp
{
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / T.Sqrt(x);
    public static bool TryApply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.ReciprocalSqrt(x, y); return true; }
}
internal struct SinOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sin(x); }
internal struct CosOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Cos(x); }
internal struct TanhOp : IFloatUnaryOp
{
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x);
    public static bool TryApply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Tanh(x, y); return true; }
}
internal struct SigmoidOp : IFloatUnaryOp
{
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
}
internal struct IsNanOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(x) ? T.One : T.Zero; }
internal struct IsInfOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.IsInfinity(x) ? T.One : T.Zero; }

internal struct AddOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a + b;
    public static bool Vectorizes<T>() where T : unmanaged, INumber<T> => true;
    public static Vector256<T> Apply<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a + b;
    public static Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a + b;
}
internal struct SubOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a - b;
    public static bool Vectorizes<T>() where T : unmanaged, INumber<T> => true;
    public static Vector256<T> Apply<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a - b;
    public static Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a - b;
}
internal struct MulOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a * b;
    public static bool Vectorizes<T>() where T : unmanaged, INumber<T> => true;
    public static Vector256<T> Apply<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a * b;
    public static Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a * b;
}
/// <summary>True division; only ever run on floating-point storage.</summary>
internal struct DivOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a / b;
    public static bool Vectorizes<T>() where T : unmanaged, INumber<T> => TruncDivOp.IsFloat<T>();
    public static Vector256<T> Apply<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a / b;
    public static Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a / b;
}
internal struct TruncDivOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        if (!IsFloat<T>()) return WrappingQuotient(a, CheckedIntDivisor(b));
        return T.CreateTruncating(Math.Truncate(double.CreateTruncating(a / b)));
    }

    internal static bool IsFloat<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    internal static T CheckedIntDivisor<T>(T b) where T : INumber<T> =>
        T.IsZero(b) ? throw Core.Errors.Runtime("ZeroDivisionError") : b;

    /// <summary>a / b for integers, where MinValue / -1 wraps to MinValue as two's complement (and libtorch's floor division) does.</summary>
    internal static T WrappingQuotient<T>(T a, T b) where T : INumber<T> => IsMinusOne(b) ? T.Zero - a : a / b;

    /// <summary>a % b for integers; x % -1 is 0, also for MinValue, where the hardware division would trap.</summary>
    internal static T WrappingRemainder<T>(T a, T b) where T : INumber<T> => IsMinusOne(b) ? T.Zero : a % b;

    private static bool IsMinusOne<T>(T b) where T : INumber<T> => T.IsNegative(b) && b == T.Zero - T.One;
}
internal struct FloorDivOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        if (!TruncDivOp.IsFloat<T>())
        {
            TruncDivOp.CheckedIntDivisor(b);
            var q = TruncDivOp.WrappingQuotient(a, b);
            return (TruncDivOp.WrappingRemainder(a, b) != T.Zero) && (T.IsNegative(a) != T.IsNegative(b)) ? q - T.One : q;
        }
        double x = double.CreateTruncating(a), y = double.CreateTruncating(b);
        if (y == 0) return T.CreateTruncating(x / y);
        double mod = x % y;
        double div = (x - mod) / y;
        if (mod != 0 && (y < 0) != (mod < 0)) div -= 1;
        double floor;
        if (div != 0)
        {
            floor = Math.Floor(div);
            if (div - floor > 0.5) floor += 1;
        }
        else floor = Math.CopySign(0, x / y);
        return T.CreateTruncating(floor);
    }
}
/// <summary>Python-style modulus (torch.remainder): the result takes the divisor's sign.</summary>
internal struct RemainderOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        if (!TruncDivOp.IsFloat<T>()) TruncDivOp.CheckedIntDivisor(b);
        var mod = TruncDivOp.IsFloat<T>() ? a % b : TruncDivOp.WrappingRemainder(a, b);
        return !T.IsZero(mod) && (T.IsNegative(b) != T.IsNegative(mod)) ? mod + b : mod;
    }
}
/// <summary>
/// torch.maximum (and relu against 0): NaN propagates, +0 beats -0. Vector.Max has these semantics (IEEE 754:2019
/// maximum, like Math.Max), so the vector form gives the scalar form's values.
/// </summary>
internal struct MaximumOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => T.IsNaN(a) || T.IsNaN(b) ? a + b : T.Max(a, b);
    public static bool Vectorizes<T>() where T : unmanaged, INumber<T> => true;
    public static Vector256<T> Apply<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => Vector256.Max(a, b);
    public static Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => Vector512.Max(a, b);
}
/// <summary>torch.minimum: NaN propagates, -0 beats +0; Vector.Min has these semantics.</summary>
internal struct MinimumOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => T.IsNaN(a) || T.IsNaN(b) ? a + b : T.Min(a, b);
    public static bool Vectorizes<T>() where T : unmanaged, INumber<T> => true;
    public static Vector256<T> Apply<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => Vector256.Min(a, b);
    public static Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => Vector512.Min(a, b);
}
internal struct PowOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        if (TruncDivOp.IsFloat<T>())
            return T.CreateTruncating(Math.Pow(double.CreateTruncating(a), double.CreateTruncating(b)));
        if (T.IsNegative(b))
            throw Core.Errors.Runtime("Integers to negative integer powers are not allowed.");
        T result = T.One, x = a;
        for (long e = long.CreateTruncating(b); e > 0; e >>= 1)
        {
            if ((e & 1) != 0) result *= x;
            x *= x;
        }
        return result;
    }
}
internal struct LogicalAndOp : IBinaryOp { public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => !T.IsZero(a) && !T.IsZero(b) ? T.One : T.Zero; }
internal struct LogicalOrOp : IBinaryOp { public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => !T.IsZero(a) || !T.IsZero(b) ? T.One : T.Zero; }
internal struct LogicalXorOp : IBinaryOp { public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => T.IsZero(a) != T.IsZero(b) ? T.One : T.Zero; }

internal struct EqOp : ICompareOp { public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a == b; }
internal struct NeOp : ICompareOp { public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a != b; }
internal struct LtOp : ICompareOp { public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a < b; }
internal struct LeOp : ICompareOp { public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a <= b; }
internal struct GtOp : ICompareOp { public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a > b; }
internal struct GeOp : ICompareOp { public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a >= b; }
