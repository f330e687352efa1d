using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nabla.Optim;

/// <summary>
/// The element helpers of <see cref="FusedUpdate"/> on whole <see cref="Vector{T}"/> lanes, rounding exactly as the scalar
/// ones (IEEE operations per lane, fused multiply-adds where the scalar helper fuses), so a span's vector body and its
/// scalar tail give the same bits as the scalar loop alone.
/// </summary>
internal static class VectorMath
{
    public static bool IsAccelerated<T>() => Vector.IsHardwareAccelerated && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

    /// <summary>a·b + c with one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Fma<T>(Vector<T> a, Vector<T> b, Vector<T> c)
    {
        if (typeof(T) == typeof(float))
        {
            var r = Vector.FusedMultiplyAdd(Unsafe.As<Vector<T>, Vector<float>>(ref a), Unsafe.As<Vector<T>, Vector<float>>(ref b), Unsafe.As<Vector<T>, Vector<float>>(ref c));
            return Unsafe.As<Vector<float>, Vector<T>>(ref r);
        }
        var d = Vector.FusedMultiplyAdd(Unsafe.As<Vector<T>, Vector<double>>(ref a), Unsafe.As<Vector<T>, Vector<double>>(ref b), Unsafe.As<Vector<T>, Vector<double>>(ref c));
        return Unsafe.As<Vector<double>, Vector<T>>(ref d);
    }

    /// <summary>self.lerp(end, weight) for a weight shared by all lanes (as <see cref="FusedUpdate.Lerp{T}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Lerp<T>(Vector<T> self, Vector<T> end, Vector<T> weight, bool small, Vector<T> weightMinusOne) =>
        small ? Fma(weight, end - self, self) : Fma(weightMinusOne, end - self, end);
}
