using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

/// <summary>The rest of torch.*'s real pointwise math a model uses: sinc, deg2rad/rad2deg, logaddexp(2), float_power, nan_to_num, nextafter.</summary>
public sealed partial class Tensor
{
    /// <summary>torch.sinc: sin(πx) / (πx), 1 at 0; integer inputs compute in the default float dtype.</summary>
    public Tensor Sinc() => MathMap<SincOp>("SincBackward0", static (g, x, y) =>
    {
        var px = x * Math.PI;
        return Where(x.Eq(0.0), 0.0, (px * px.Cos() - px.Sin()) / (px * x)) * g;
    });

    /// <summary>torch.deg2rad: x · π/180 (integer inputs in the default float dtype), recorded as PyTorch's multiplication.</summary>
    public Tensor Deg2rad() => (IsFloatingPoint ? this : To(DTypes.Default)) * (Math.PI / 180);

    /// <summary>torch.rad2deg: x · 180/π (integer inputs in the default float dtype), recorded as PyTorch's multiplication.</summary>
    public Tensor Rad2deg() => (IsFloatingPoint ? this : To(DTypes.Default)) * (180 / Math.PI);

    /// <summary>torch.logaddexp: log(exp(input) + exp(other)) without overflow. Throws NotSupportedException for integer inputs.</summary>
    public Tensor Logaddexp(Tensor other) => LogAddExp<LogaddexpOp>(other, "logaddexp", "LogaddexpBackward0", static (g, s, needs) =>
        [needs[0] ? g / ((s[1] - s[0]).Exp() + 1) : null, needs[1] ? g / ((s[0] - s[1]).Exp() + 1) : null]);

    /// <summary>torch.logaddexp2: log2(2^input + 2^other) without overflow. Throws NotSupportedException for integer inputs.</summary>
    public Tensor Logaddexp2(Tensor other) => LogAddExp<Logaddexp2Op>(other, "logaddexp2", "Logaddexp2Backward0", static (g, s, needs) =>
        [needs[0] ? g / ((s[1] - s[0]).Exp2() + 1) : null, needs[1] ? g / ((s[0] - s[1]).Exp2() + 1) : null]);

    private Tensor LogAddExp<TOp>(Tensor other, string name, string node, BackwardFormula derivative) where TOp : IBinaryOp
    {
        ArgumentNullException.ThrowIfNull(other);
        var type = TypePromotion.ResultType(this, other);
        Shapes.Broadcast(Sizes, other.Sizes);
        if (!type.IsFloatingPoint()) throw Errors.NotImplemented($"\"{name}_cpu\" not implemented for '{type.ScalarTypeName()}'");
        var y = Zip<TOp>(this, other, type);
        return Graph.Record(y, node, [this, other], derivative, static (g, s, needs, d) => d(g, s, needs), this, other);
    }

    /// <summary>torch.float_power: input ** exponent computed in float64 whatever the operands' dtypes.</summary>
    public Tensor FloatPower(Tensor exponent)
    {
        ArgumentNullException.ThrowIfNull(exponent);
        return To(DType.Float64).Pow(exponent.To(DType.Float64));
    }

    /// <summary>torch.float_power with a number exponent, in float64.</summary>
    public Tensor FloatPower(Scalar exponent) => To(DType.Float64).Pow(exponent.IsFloatingPoint ? exponent : (Scalar)exponent.ToDouble());

    /// <summary>
    /// torch.nan_to_num: NaN replaced by <paramref name="nan"/>, +inf by <paramref name="posinf"/> (default: the dtype's
    /// largest finite value) and -inf by <paramref name="neginf"/> (default: the lowest). Integer tensors are copied.
    /// The gradient flows only where the input was finite (NanToNumBackward0).
    /// </summary>
    public Tensor NanToNum(double nan = 0.0, double? posinf = null, double? neginf = null)
    {
        if (!IsFloatingPoint) return Clone();
        double max = DType == DType.Float32 ? float.MaxValue : double.MaxValue;
        Tensor y;
        using (GradMode.NoGrad())
            y = Where(IsNan(), nan, Where(Eq(double.PositiveInfinity), posinf ?? max, Where(Eq(double.NegativeInfinity), neginf ?? -max, this)));
        return Graph.Record(y, "NanToNumBackward0", [this], static (g, s, _) => [g * s[0].IsInf().LogicalOr(s[0].IsNan()).LogicalNot()], this);
    }

    /// <summary>
    /// torch.nextafter: the next floating-point value after input towards other. Not differentiable (PyTorch has no
    /// formula); throws NotSupportedException for integer inputs.
    /// </summary>
    public Tensor Nextafter(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var type = TypePromotion.ResultType(this, other);
        Shapes.Broadcast(Sizes, other.Sizes);
        if (!type.IsFloatingPoint()) throw Errors.NotImplemented($"\"nextafter_cpu\" not implemented for '{type.ScalarTypeName()}'");
        return Zip<NextafterOp>(this, other, type);
    }
}
