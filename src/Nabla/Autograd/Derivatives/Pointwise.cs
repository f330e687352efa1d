using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// The derivative table (PyTorch's derivatives.yaml with FunctionsManual.cpp's long rules), one partial file per
/// op family. Node names are PyTorch's; every formula is a static function of the output gradient, the saved
/// tensors (version-checked when unpacked) and plain forward arguments: none captures a tensor.
/// </summary>
internal static partial class Derivatives
{
    // ---- pointwise: node names ---------------------------------------------------------------------------------
    internal const string AddBackward0 = nameof(AddBackward0);
    internal const string SubBackward0 = nameof(SubBackward0);
    internal const string RsubBackward1 = nameof(RsubBackward1);
    internal const string MulBackward0 = nameof(MulBackward0);
    internal const string DivBackward0 = nameof(DivBackward0);
    internal const string DivBackward2 = nameof(DivBackward2);
    internal const string RemainderBackward0 = nameof(RemainderBackward0);
    internal const string RemainderBackward1 = nameof(RemainderBackward1);
    internal const string PowBackward0 = nameof(PowBackward0);
    internal const string PowBackward1 = nameof(PowBackward1);
    internal const string MaximumBackward0 = nameof(MaximumBackward0);
    internal const string MinimumBackward0 = nameof(MinimumBackward0);
    internal const string NegBackward0 = nameof(NegBackward0);
    internal const string AbsBackward0 = nameof(AbsBackward0);
    internal const string SignBackward0 = nameof(SignBackward0);
    internal const string ExpBackward0 = nameof(ExpBackward0);
    internal const string LogBackward0 = nameof(LogBackward0);
    internal const string SqrtBackward0 = nameof(SqrtBackward0);
    internal const string RsqrtBackward0 = nameof(RsqrtBackward0);
    internal const string SinBackward0 = nameof(SinBackward0);
    internal const string CosBackward0 = nameof(CosBackward0);
    internal const string TanhBackward0 = nameof(TanhBackward0);
    internal const string SigmoidBackward0 = nameof(SigmoidBackward0);
    internal const string ReluBackward0 = nameof(ReluBackward0);
    internal const string ClampBackward1 = nameof(ClampBackward1);
    internal const string WhereBackward0 = nameof(WhereBackward0);
    internal const string ToCopyBackward0 = nameof(ToCopyBackward0);
    internal const string CloneBackward0 = nameof(CloneBackward0);

    // ---- pointwise: formulas (saved: self, other[, result]) -----------------------------------------------------

    /// <summary>mul: grad * other, grad * self.</summary>
    internal static Tensor?[] Mul(Tensor g, Tensor[] s, bool[] needs) =>
        [needs[0] ? g * s[1] : null, needs[1] ? g * s[0] : null];

    /// <summary>
    /// div: grad / other, and libtorch's -grad * ((self / other) / other), computed as grad * ((self / other) / -other):
    /// the same bits (negation is exact wherever it is applied), but the sign goes onto other, often a small
    /// broadcast tensor, instead of a full-size pass over grad.
    /// </summary>
    internal static Tensor?[] Div(Tensor g, Tensor[] s, bool[] needs) =>
        [needs[0] ? g / s[1] : null, needs[1] ? ReducedDivisorGradient(g, s[0], s[1]) ?? g * (s[0] / s[1] / -s[1]) : null];

    /// <summary>
    /// div's divisor gradient already summed to the divisor's shape, in one pass over g and self, when the divisor
    /// is broadcast along one block of dims that the engine's sum_to reduces with <see cref="Reduce.SumLeading"/>
    /// (x / x.sum(1, keepdim)): the same values, summed in the same order, as the full-size
    /// g * ((self / other) / -other) that sum_to would reduce, without writing it. Null (the general formula)
    /// for any other shape or layout, mixed dtypes, and when the gradient must itself be differentiable.
    /// </summary>
    internal static Tensor? ReducedDivisorGradient(Tensor g, Tensor self, Tensor other)
    {
        var dtype = g.DType;
        if (GradMode.IsEnabled || dtype is not (DType.Float32 or DType.Float64) || self.DType != dtype || other.DType != dtype
            || g.Numel == 0 || !g.IsContiguous() || !self.IsContiguous() || !self.Sizes.SequenceEqual(g.Sizes))
            return null;
        var sizes = g.Layout.Sizes;
        var divisor = other.Layout.Sizes;
        int rank = sizes.Length, lead = rank - divisor.Length;
        if (lead < 0) return null;
        // sum_to's dims: the divisor's missing leading dims and its size-1 dims where g's is not
        var dims = new List<int>();
        for (int i = 0; i < rank; i++)
        {
            if (i < lead || (divisor[i - lead] == 1 && sizes[i] != 1)) dims.Add(i);
            else if (divisor[i - lead] != sizes[i]) return null;
        }
        if (dims.Count == 0 || dims.Count == rank) return null;
        int first = dims[0], end = dims[^1] + 1;
        if (end - first != dims.Count) return null;
        int slabs = Layout.NumelOf(sizes[..first]), reduced = Layout.NumelOf(sizes[first..end]), inner = Layout.NumelOf(sizes[end..]);
        if (reduced < 2 || (first > 0 && inner < 16)) return null; // sum_to would take the general reduction
        var kept = (int[])sizes.Clone();
        foreach (int d in dims) kept[d] = 1;
        var y = Tensor.Allocate(kept, dtype);
        DivisorGradient.Sum(g, self, other.IsContiguous() ? other : other.CloneRaw(), slabs, reduced, inner, y);
        return lead > 0 ? y.Reshape(other.Shape) : y;
    }

    /// <summary>remainder: grad, -grad * floor(self / other).</summary>
    internal static Tensor?[] Remainder(Tensor g, Tensor[] s, bool[] needs) =>
        [g, needs[1] ? -g * s[0].Div(s[1], RoundingMode.Floor) : null];

    /// <summary>pow(self, exponent) with a number exponent (pow_backward): zero where the exponent is zero.</summary>
    /// <remarks>Grouped as libtorch's pow_backward groups it, grad * (exponent * self.pow(exponent - 1)), with the
    /// number exponent, so the power takes pow's number shortcuts and the rounding matches.</remarks>
    internal static Tensor?[] PowScalar(Tensor g, Tensor[] s, bool[] _)
    {
        double e = s[1].Item<double>();
        return [e == 0 ? Tensor.ZerosLike(g) : g * (s[0].Pow(e - 1) * e), null];
    }

    /// <summary>pow(self, exponent) with a tensor exponent (pow_backward_self / pow_backward_exponent).</summary>
    internal static Tensor?[] Pow(Tensor g, Tensor[] s, bool[] needs) =>
    [
        needs[0] ? Tensor.Where(s[1].Eq(0.0), 0.0, g * s[1] * s[0].Pow(s[1] - 1)) : null,
        needs[1] ? Tensor.Where(s[0].Eq(0.0) & (s[1] >= 0.0), 0.0, g * s[2] * s[0].Log()) : null,
    ];

    /// <summary>maximum (sign +1) / minimum (sign -1): the winner takes the gradient, ties split it evenly.</summary>
    internal static Tensor?[] MinMax(Tensor g, Tensor[] s, bool[] _, int sign)
    {
        var shared = Tensor.Where(s[0] == s[1], g / 2, g);
        var selfLoses = sign > 0 ? s[0] < s[1] : s[0] > s[1];
        var otherLoses = sign > 0 ? s[0] > s[1] : s[0] < s[1];
        return [Tensor.Where(selfLoses, 0.0, shared), Tensor.Where(otherLoses, 0.0, shared)];
    }

    /// <summary>clamp: the gradient passes where min &lt;= self &lt;= max.</summary>
    internal static Tensor?[] Clamp(Tensor g, Tensor[] s, bool[] _, (Scalar? Min, Scalar? Max) bounds)
    {
        var keep = Tensor.OnesLike(s[0], DType.Bool);
        if (bounds.Min is { } a) keep &= s[0] >= a;
        if (bounds.Max is { } b) keep &= s[0] <= b;
        return [g * keep];
    }

    /// <summary>where(condition, self, other): the gradient goes to the chosen side (saved: condition).</summary>
    internal static Tensor?[] Where(Tensor g, Tensor[] s, bool[] needs) =>
    [
        needs[0] ? Tensor.Where(s[0], g, Tensor.ZerosLike(g)) : null,
        needs[1] ? Tensor.Where(s[0], Tensor.ZerosLike(g), g) : null,
    ];

    // unary float functions (saved: self, result)
    internal static Tensor?[] Exp(Tensor g, Tensor[] s, bool[] _) => [g * s[1]];
    internal static Tensor?[] Log(Tensor g, Tensor[] s, bool[] _) => [g / s[0]];
    internal static Tensor?[] Sqrt(Tensor g, Tensor[] s, bool[] _) => [g / (2 * s[1])];
    internal static Tensor?[] Rsqrt(Tensor g, Tensor[] s, bool[] _) => [-0.5 * g * s[1].Pow(3)];
    internal static Tensor?[] Sin(Tensor g, Tensor[] s, bool[] _) => [g * s[0].Cos()];
    internal static Tensor?[] Cos(Tensor g, Tensor[] s, bool[] _) => [-g * s[0].Sin()];
    internal static Tensor?[] Tanh(Tensor g, Tensor[] s, bool[] _) => [g * (1 - s[1] * s[1])];
    internal static Tensor?[] Sigmoid(Tensor g, Tensor[] s, bool[] _) => [g * s[1] * (1 - s[1])];
}
