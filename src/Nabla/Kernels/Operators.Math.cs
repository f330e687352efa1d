using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

// The pointwise math family (torch.floor ... torch.xlogy): operator structs run by the generic row kernels.
// Functions .NET computes only approximately (log1p, expm1, erf, ...) go through double-precision helpers.

internal struct FloorOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Floor(x); }
internal struct CeilOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Ceiling(x); }
internal struct TruncOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Truncate(x); }
/// <summary>Round half to even (std::nearbyint).</summary>
internal struct RoundOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Round(x); }
internal struct FracOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x - T.Truncate(x); }
internal struct Log1pOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => ViaDouble<T>(x, SpecialFunctions.Log1p); public static T ViaDouble<T>(T x, Func<double, double> f) where T : INumberBase<T> => T.CreateTruncating(f(double.CreateTruncating(x))); }
internal struct Expm1Op : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => Log1pOp.ViaDouble(x, SpecialFunctions.Expm1); }
internal struct Log2Op : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log2(x); }
internal struct Log10Op : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log10(x); }
internal struct Exp2Op : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp2(x); }
internal struct ErfOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => Log1pOp.ViaDouble(x, SpecialFunctions.Erf); }
internal struct ErfcOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => Log1pOp.ViaDouble(x, SpecialFunctions.Erfc); }
internal struct ErfinvOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => Log1pOp.ViaDouble(x, SpecialFunctions.Erfinv); }
internal struct SinhOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sinh(x); }
internal struct CoshOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Cosh(x); }
internal struct AsinhOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Asinh(x); }
internal struct AcoshOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Acosh(x); }
internal struct AtanhOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Atanh(x); }
internal struct TanOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tan(x); }
internal struct AsinOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Asin(x); }
internal struct AcosOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Acos(x); }
internal struct AtanOp : IFloatUnaryOp { public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Atan(x); }
internal struct ReciprocalOp : IFloatUnaryOp
{
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / x;
    public static bool TryApply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Reciprocal(x, y); return true; }
}

// pow with the number exponents 2, 3 and -2, as libtorch's pow kernel computes them (a product, not std::pow).
internal struct SquareOp : IUnaryOp
{
    public static T Apply<T>(T x) where T : unmanaged, INumber<T> => x * x;
    public static bool Vectorizes<T>() where T : unmanaged, INumber<T> => true;
    public static Vector256<T> Apply<T>(Vector256<T> x) where T : unmanaged, INumber<T> => x * x;
    public static Vector512<T> Apply<T>(Vector512<T> x) where T : unmanaged, INumber<T> => x * x;
}
internal struct CubeOp : IUnaryOp
{
    public static T Apply<T>(T x) where T : unmanaged, INumber<T> => x * x * x;
    public static bool Vectorizes<T>() where T : unmanaged, INumber<T> => true;
    public static Vector256<T> Apply<T>(Vector256<T> x) where T : unmanaged, INumber<T> => x * x * x;
    public static Vector512<T> Apply<T>(Vector512<T> x) where T : unmanaged, INumber<T> => x * x * x;
}
internal struct InverseSquareOp : IFloatUnaryOp
{
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (x * x);
    public static bool TryApply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Multiply(x, x, y);
        TensorPrimitives.Reciprocal(y, y);
        return true;
    }
}

/// <summary>Binary float functions, computed in double and rounded (only ever run on float storage).</summary>
internal struct Atan2Op : IBinaryOp { public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => T.CreateTruncating(Math.Atan2(double.CreateTruncating(a), double.CreateTruncating(b))); }
internal struct HypotOp : IBinaryOp { public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => T.CreateTruncating(double.Hypot(double.CreateTruncating(a), double.CreateTruncating(b))); }
internal struct CopysignOp : IBinaryOp { public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => T.CreateTruncating(Math.CopySign(double.CreateTruncating(a), double.CreateTruncating(b))); }
/// <summary>x * log(y), 0 where x == 0 (unless y is NaN).</summary>
internal struct XlogyOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        double x = double.CreateTruncating(a), y = double.CreateTruncating(b);
        return T.CreateTruncating(double.IsNaN(y) ? double.NaN : x == 0 ? 0 : x * Math.Log(y));
    }
}
/// <summary>C's fmod: the remainder takes the dividend's sign; integer division by zero raises.</summary>
internal struct FmodOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        if (!TruncDivOp.IsFloat<T>()) TruncDivOp.CheckedIntDivisor(b);
        return a % b;
    }
}
/// <summary>torch.fmax / fmin: a NaN operand yields the other one.</summary>
internal struct FmaxOp : IBinaryOp { public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => T.IsNaN(a) ? b : T.IsNaN(b) ? a : T.Max(a, b); }
internal struct FminOp : IBinaryOp { public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => T.IsNaN(a) ? b : T.IsNaN(b) ? a : T.Min(a, b); }
/// <summary>sin(πx) / (πx), 1 at 0; the product πx rounded in the element type as ATen's kernel does.</summary>
internal struct SincOp : IFloatUnaryOp
{
    public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x == T.Zero) return T.One;
        var product = T.Pi * x;
        return T.Sin(product) / product;
    }
}
/// <summary>log(exp(a) + exp(b)) as max + log1p(exp(-|a - b|)); equal infinities give themselves.</summary>
internal struct LogaddexpOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        double x = double.CreateTruncating(a), y = double.CreateTruncating(b);
        if (double.IsInfinity(x) && x == y) return a;
        return T.CreateTruncating(Math.Max(x, y) + SpecialFunctions.Log1p(Math.Exp(-Math.Abs(x - y))));
    }
}
/// <summary>log2(2^a + 2^b) as max + log1p(2^-|a - b|) / ln 2; equal infinities give themselves.</summary>
internal struct Logaddexp2Op : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        double x = double.CreateTruncating(a), y = double.CreateTruncating(b);
        if (double.IsInfinity(x) && x == y) return a;
        return T.CreateTruncating(Math.Max(x, y) + SpecialFunctions.Log1p(Math.Pow(2, -Math.Abs(x - y))) / Math.Log(2));
    }
}
/// <summary>std::nextafter: the next representable value of a in the direction of b, in a's own precision.</summary>
internal struct NextafterOp : IBinaryOp
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) return T.CreateTruncating(Next(float.CreateTruncating(a), float.CreateTruncating(b)));
        return T.CreateTruncating(Next(double.CreateTruncating(a), double.CreateTruncating(b)));
    }

    private static TF Next<TF>(TF a, TF b) where TF : IFloatingPointIeee754<TF> =>
        TF.IsNaN(a) || TF.IsNaN(b) ? a + b : a == b ? b : b > a ? TF.BitIncrement(a) : TF.BitDecrement(a);
}
