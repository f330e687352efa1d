using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

/// <summary>A unary derivative: the input gradient from the output gradient, the input and the output.</summary>
internal delegate Tensor UnaryDerivative(Tensor grad, Tensor x, Tensor y);

public sealed partial class Tensor
{
    // ---- rounding --------------------------------------------------------------------------------------------

    /// <summary>torch.floor (integer inputs are returned as a copy). Its gradient is zero.</summary>
    public Tensor Floor() => Rounding<FloorOp>("floor", "FloorBackward0");

    /// <summary>torch.ceil (integer inputs are returned as a copy). Its gradient is zero.</summary>
    public Tensor Ceil() => Rounding<CeilOp>("ceil", "CeilBackward0");

    /// <summary>torch.trunc (integer inputs are returned as a copy). Its gradient is zero.</summary>
    public Tensor Trunc() => Rounding<TruncOp>("trunc", "TruncBackward0");

    /// <summary>torch.round: half to even (integer inputs are returned as a copy). Its gradient is zero.</summary>
    public Tensor Round() => Rounding<RoundOp>("round", "RoundBackward0");

    /// <summary>
    /// torch.round(decimals=): rounds half to even at <paramref name="decimals"/> decimal places (negative: tens,
    /// hundreds...), scaling by 10^decimals in the input's dtype as PyTorch does. Throws NotSupportedException for
    /// integer inputs with non-zero decimals.
    /// </summary>
    public Tensor Round(int decimals)
    {
        if (decimals == 0) return Round();
        if (!IsFloatingPoint) throw Errors.NotImplemented($"\"round_cpu\" not implemented for '{DType.ScalarTypeName()}'");
        Tensor y;
        using (GradMode.NoGrad())
        {
            double scale = Math.Pow(10, Math.Abs(decimals));
            y = decimals > 0 ? (this * scale).Round() / scale : (this / scale).Round() * scale;
        }
        return Graph.Record(y, "RoundBackward1", [this], static (g, _, _) => [ZerosLike(g)]);
    }

    /// <summary>torch.frac: <c>x - trunc(x)</c>, floating-point inputs only (NotSupportedException otherwise).</summary>
    public Tensor Frac()
    {
        if (!IsFloatingPoint) throw Errors.NotImplemented($"\"frac_cpu\" not implemented for '{DType.ScalarTypeName()}'");
        return MathMap<FracOp>("FracBackward0", static (g, x, y) => g);
    }

    /// <summary>torch.sgn: for real tensors the same values as <see cref="Sign"/>, recorded as SgnBackward0.</summary>
    public Tensor Sgn()
    {
        Tensor y;
        using (GradMode.NoGrad()) y = Sign();
        return Graph.Record(y, "SgnBackward0", [this], static (g, _, _) => [ZerosLike(g)]);
    }

    // ---- exponentials, logarithms, special functions (integer inputs compute in the default float dtype) ------

    /// <summary>torch.log1p: log(1 + x), accurate near 0.</summary>
    public Tensor Log1p() => MathMap<Log1pOp>("Log1PBackward0", static (g, x, y) => g / (x + 1));

    /// <summary>torch.expm1: exp(x) - 1, accurate near 0.</summary>
    public Tensor Expm1() => MathMap<Expm1Op>("Expm1Backward0", static (g, x, y) => g * (y + 1));

    /// <summary>torch.log2.</summary>
    public Tensor Log2() => MathMap<Log2Op>("Log2Backward0", static (g, x, y) => g / (x * Math.Log(2)));

    /// <summary>torch.log10.</summary>
    public Tensor Log10() => MathMap<Log10Op>("Log10Backward0", static (g, x, y) => g / (x * Math.Log(10)));

    /// <summary>torch.exp2: 2^x.</summary>
    public Tensor Exp2() => MathMap<Exp2Op>("Exp2Backward0", static (g, x, y) => g * y * Math.Log(2));

    /// <summary>torch.erf, the error function.</summary>
    public Tensor Erf() => MathMap<ErfOp>("ErfBackward0", static (g, x, y) => 2 / Math.Sqrt(Math.PI) * (-x.Pow(2)).Exp() * g);

    /// <summary>torch.erfc: 1 - erf(x), accurate in the tail.</summary>
    public Tensor Erfc() => MathMap<ErfcOp>("ErfcBackward0", static (g, x, y) => -2 / Math.Sqrt(Math.PI) * (-x.Pow(2)).Exp() * g);

    /// <summary>torch.erfinv, the inverse error function on [-1, 1] (±inf at ±1, NaN outside).</summary>
    public Tensor Erfinv() => MathMap<ErfinvOp>("ErfinvBackward0", static (g, x, y) => 0.5 * Math.Sqrt(Math.PI) * y.Pow(2).Exp() * g);

    /// <summary>torch.reciprocal: 1 / x.</summary>
    public Tensor Reciprocal() => MathMap<ReciprocalOp>("ReciprocalBackward0", static (g, x, y) => -g * (y * y));

    /// <summary>torch.square: <c>pow(x, 2)</c>, recorded as PowBackward0 as in PyTorch.</summary>
    public Tensor Square() => Pow(2);

    /// <summary>
    /// torch.logit: log(z / (1 - z)) with z = x clamped to [eps, 1 - eps] when <paramref name="eps"/> is given; the
    /// gradient is zero outside that range (NaN outside [0, 1] without eps).
    /// </summary>
    public Tensor Logit(double? eps = null)
    {
        var x = IsFloatingPoint ? this : CastRaw(DTypes.Default);
        Tensor y;
        using (GradMode.NoGrad())
        {
            var z = eps is { } e ? x.Clamp(e, 1 - e) : x;
            y = (z / (1 - z)).Log();
        }
        return Graph.Record(y, "LogitBackward0", [this], eps ?? -1, PointwiseMathDerivatives.Logit, this);
    }

    // ---- trigonometric and hyperbolic ------------------------------------------------------------------------

    /// <summary>torch.tan.</summary>
    public Tensor Tan() => MathMap<TanOp>("TanBackward0", static (g, x, y) => g * (1 + y.Pow(2)));

    /// <summary>torch.asin.</summary>
    public Tensor Asin() => MathMap<AsinOp>("AsinBackward0", static (g, x, y) => g * (-x * x + 1).Rsqrt());

    /// <summary>torch.acos.</summary>
    public Tensor Acos() => MathMap<AcosOp>("AcosBackward0", static (g, x, y) => g * -(-x * x + 1).Rsqrt());

    /// <summary>torch.atan.</summary>
    public Tensor Atan() => MathMap<AtanOp>("AtanBackward0", static (g, x, y) => g / (x * x + 1));

    /// <summary>torch.sinh.</summary>
    public Tensor Sinh() => MathMap<SinhOp>("SinhBackward0", static (g, x, y) => g * x.Cosh());

    /// <summary>torch.cosh.</summary>
    public Tensor Cosh() => MathMap<CoshOp>("CoshBackward0", static (g, x, y) => g * x.Sinh());

    /// <summary>torch.asinh.</summary>
    public Tensor Asinh() => MathMap<AsinhOp>("AsinhBackward0", static (g, x, y) => g * (x.Pow(2) + 1).Rsqrt());

    /// <summary>torch.acosh.</summary>
    public Tensor Acosh() => MathMap<AcoshOp>("AcoshBackward0", static (g, x, y) => g * (x.Pow(2) - 1).Rsqrt());

    /// <summary>torch.atanh.</summary>
    public Tensor Atanh() => MathMap<AtanhOp>("AtanhBackward0", static (g, x, y) => g * (1 / (1 - x.Pow(2))));

    // ---- binary ----------------------------------------------------------------------------------------------

    /// <summary>torch.atan2(input, other): the angle of (other, input); integer inputs compute in the default float dtype.</summary>
    public Tensor Atan2(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return FloatZip<Atan2Op>(other, "Atan2Backward0", PointwiseMathDerivatives.Atan2);
    }

    /// <summary>torch.hypot: sqrt(input² + other²); floating-point inputs only.</summary>
    public Tensor Hypot(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var type = TypePromotion.ResultType(this, other);
        Shapes.Broadcast(Sizes, other.Sizes);
        if (!type.IsFloatingPoint()) throw Errors.NotImplemented($"\"hypot_cpu\" not implemented for '{type.ScalarTypeName()}'");
        var y = Zip<HypotOp>(this, other, type);
        return Graph.Record(y, "HypotBackward0", [this, other], static (g, s, needs) =>
            [needs[0] ? g * s[0] / s[2] : null, needs[1] ? g * s[1] / s[2] : null], this, other, y);
    }

    /// <summary>torch.copysign: the magnitude of input with the sign of other (as a float).</summary>
    public Tensor Copysign(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return FloatZip<CopysignOp>(other, "CopysignBackward0", PointwiseMathDerivatives.Copysign);
    }

    /// <summary>torch.copysign with a number.</summary>
    public Tensor Copysign(Scalar other) => FloatZip<CopysignOp>(WrapNumber(other), "CopysignBackward1", PointwiseMathDerivatives.Copysign);

    /// <summary>torch.xlogy: <c>input * log(other)</c>, 0 where input is 0 (unless other is NaN).</summary>
    public Tensor Xlogy(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return FloatZip<XlogyOp>(other, "XlogyBackward0", PointwiseMathDerivatives.Xlogy);
    }

    /// <summary>torch.fmod: C's remainder, which takes the dividend's sign. Integer division by zero throws.</summary>
    public Tensor Fmod(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Fmod(other, "FmodBackward1");
    }

    /// <summary>torch.fmod with a number.</summary>
    public Tensor Fmod(Scalar other) => Fmod(WrapNumber(other), "FmodBackward0");

    private Tensor Fmod(Tensor other, string node)
    {
        ArgumentNullException.ThrowIfNull(other);
        var type = TypePromotion.ResultType(this, other);
        Shapes.Broadcast(Sizes, other.Sizes);
        if (type == DType.Bool) throw Errors.NotImplemented("\"fmod_cpu\" not implemented for 'Bool'");
        var y = Zip<FmodOp>(this, other, type);
        return Graph.Record(y, node, [this, other], static (g, s, needs) =>
            [g, needs[1] ? -g * s[0].Div(s[1], RoundingMode.Trunc) : null], this, other);
    }

    /// <summary>torch.fmax: the elementwise maximum, ignoring a NaN operand.</summary>
    public Tensor Fmax(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return FMinMax<FmaxOp>(other, "FmaxBackward0", max: true);
    }

    /// <summary>torch.fmin: the elementwise minimum, ignoring a NaN operand.</summary>
    public Tensor Fmin(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return FMinMax<FminOp>(other, "FminBackward0", max: false);
    }

    private Tensor FMinMax<TOp>(Tensor other, string node, bool max) where TOp : IBinaryOp
    {
        ArgumentNullException.ThrowIfNull(other);
        var y = Zip<TOp>(this, other, TypePromotion.ResultType(this, other));
        return Graph.Record(y, node, [this, other], max, PointwiseMathDerivatives.FMinMax, this, other);
    }

    // ---- ternary ---------------------------------------------------------------------------------------------

    /// <summary>torch.lerp: <c>input + weight * (end - input)</c> (from the end for |weight| ≥ 0.5, as PyTorch computes it).</summary>
    public Tensor Lerp(Tensor end, Scalar weight)
    {
        ArgumentNullException.ThrowIfNull(end);
        return Lerp(end, WrapNumber(weight), "LerpBackward0");
    }

    /// <summary>torch.lerp with a weight tensor.</summary>
    public Tensor Lerp(Tensor end, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(end);
        ArgumentNullException.ThrowIfNull(weight);
        return Lerp(end, weight, "LerpBackward1");
    }

    private Tensor Lerp(Tensor end, Tensor weight, string node)
    {
        ArgumentNullException.ThrowIfNull(end);
        ArgumentNullException.ThrowIfNull(weight);
        if (end.DType != DType)
            throw Errors.Runtime($"expected dtype {DType.ScalarTypeName()} for `end` but got dtype {end.DType.ScalarTypeName()}");
        if (!weight.IsWrappedNumber && weight.DType != DType)
            throw Errors.Runtime($"expected dtype {DType.ScalarTypeName()} for `weight` but got dtype {weight.DType.ScalarTypeName()}");
        Shapes.Broadcast(Shapes.Broadcast(Sizes, end.Sizes), weight.Sizes);
        if (!IsFloatingPoint)
            throw Errors.NotImplemented($"\"{(weight.IsWrappedNumber ? "lerp_kernel_scalar" : "lerp_kernel_tensor")}\" not implemented for '{DType.ScalarTypeName()}'");
        Tensor y;
        using (GradMode.NoGrad())
        {
            var w = weight.IsWrappedNumber ? weight.CastRaw(DType) : weight;
            var diff = end - this;
            y = Where(w.Abs() < 0.5, this + w * diff, end - diff * (1 - w));
        }
        return Graph.Record(y, node, [this, end, weight.IsWrappedNumber ? null : weight], PointwiseMathDerivatives.Lerp, this, end, weight);
    }

    /// <summary>torch.addcmul: <c>input + value * tensor1 * tensor2</c>.</summary>
    public Tensor Addcmul(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        ArgumentNullException.ThrowIfNull(tensor1);
        ArgumentNullException.ThrowIfNull(tensor2);
        return Addc(tensor1, tensor2, value ?? 1, divide: false);
    }

    /// <summary>torch.addcdiv: <c>input + value * tensor1 / tensor2</c>; throws ArgumentException when both tensors are integers.</summary>
    public Tensor Addcdiv(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        ArgumentNullException.ThrowIfNull(tensor1);
        ArgumentNullException.ThrowIfNull(tensor2);
        return Addc(tensor1, tensor2, value ?? 1, divide: true);
    }

    private Tensor Addc(Tensor tensor1, Tensor tensor2, Scalar value, bool divide)
    {
        ArgumentNullException.ThrowIfNull(tensor1);
        ArgumentNullException.ThrowIfNull(tensor2);
        if (divide && tensor1.DType.IsIntegral() && tensor2.DType.IsIntegral())
            throw Errors.Runtime("Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.");
        var type = TypePromotion.ResultType(this, tensor1, tensor2);
        Shapes.Broadcast(Shapes.Broadcast(Sizes, tensor1.Sizes), tensor2.Sizes);
        if (type == DType.Bool) throw Errors.NotImplemented($"\"{(divide ? "addcdiv_cpu_out" : "addcmul_cpu_out")}\" not implemented for 'Bool'");
        if (type.IsIntegral() && value.IsFloatingPoint)
            throw Errors.Runtime("For integral input tensors, argument value must not be a floating point number.");
        Shapes.Broadcast(Shapes.Broadcast(Sizes, tensor1.Sizes), tensor2.Sizes);
        Tensor y;
        using (GradMode.NoGrad())
        {
            var scaled = tensor1.CastRaw(type) * WrapNumber(value).CastRaw(type);
            y = (divide ? scaled / tensor2.CastRaw(type) : scaled * tensor2.CastRaw(type)) + CastRaw(type);
        }
        return Graph.Record(y, divide ? "AddcdivBackward0" : "AddcmulBackward0", [this, tensor1, tensor2], (value.ToDouble(), divide),
            PointwiseMathDerivatives.Addc, tensor1, tensor2);
    }

    // ---- NaN-ignoring reductions -----------------------------------------------------------------------------

    /// <summary>torch.nansum: the sum with NaN counted as zero (integer inputs: the ordinary sum).</summary>
    public Tensor Nansum(int[]? dim = null, bool keepdim = false, DType? dtype = null)
    {
        if (!IsFloatingPoint) return Sum(dim, keepdim, dtype);
        var dims = ReductionDims(dim);
        Tensor y;
        using (GradMode.NoGrad()) y = Where(IsNan(), 0.0, this).Sum(dim, keepdim, dtype);
        return Graph.Record(y, "NansumBackward0", [this], (Shape, dims, keepdim),
            static (g, s, _, a) => [g.ExpandReduced(a.Item1, a.dims, a.keepdim) * s[0].IsNan().LogicalNot()], this);
    }

    /// <summary>torch.nansum over one dim.</summary>
    public Tensor Nansum(int dim, bool keepdim = false, DType? dtype = null) => Nansum([dim], keepdim, dtype);

    /// <summary>
    /// torch.nanmean: nansum divided by the count of non-NaN elements (NaN where all are NaN). Floating-point
    /// inputs only (ArgumentException otherwise).
    /// </summary>
    public Tensor Nanmean(int[]? dim = null, bool keepdim = false, DType? dtype = null)
    {
        if (!IsFloatingPoint)
            throw Errors.Runtime($"nanmean(): expected input to have floating point or complex dtype but got {DType.ScalarTypeName()}");
        var factor = IsNan().LogicalNot().Sum(dim, keepdim);
        return Nansum(dim, keepdim, dtype).Div(factor);
    }

    /// <summary>torch.nanmean over one dim.</summary>
    public Tensor Nanmean(int dim, bool keepdim = false, DType? dtype = null) => Nanmean([dim], keepdim, dtype);

    // ---- clamping with tensors -------------------------------------------------------------------------------

    /// <summary>torch.clamp with tensor bounds (either may be null): <c>min(max(x, min), max)</c>, NaN inputs stay NaN.</summary>
    public Tensor Clamp(Tensor? min, Tensor? max)
    {
        if (min is null && max is null) throw Errors.Runtime("torch.clamp: At least one of 'min' or 'max' must not be None");
        var type = TypePromotion.ResultType([this, .. new[] { min, max }.OfType<Tensor>()]);
        if (type == DType.Bool && min is not null && max is not null) throw Errors.NotImplemented("\"clamp_cpu\" not implemented for 'Bool'");
        Tensor y;
        using (GradMode.NoGrad())
        {
            // NaN in the input or in a bound propagates (clamp's tensor kernel uses maximum / minimum).
            y = CastRaw(type);
            if (min is not null) y = Zip<MaximumOp>(y, min, type);
            if (max is not null) y = Zip<MinimumOp>(y, max, type);
        }
        var none = Zeros([0], type);
        return Graph.Record(y, "ClampBackward0", [this, min, max], (min is not null, max is not null), PointwiseMathDerivatives.Clamp,
            this, min ?? none, max ?? none);
    }

    /// <summary>torch.clamp_min: <c>max(x, min)</c>.</summary>
    public Tensor ClampMin(Scalar min)
    {
        Tensor y;
        using (GradMode.NoGrad()) y = Clamp(min, null);
        return Graph.Record(y, "ClampMinBackward0", [this], min.ToDouble(), static (g, s, _, m) => [Where(s[0] >= m, g, 0.0)], this);
    }

    /// <summary>torch.clamp_max: <c>min(x, max)</c>.</summary>
    public Tensor ClampMax(Scalar max)
    {
        Tensor y;
        using (GradMode.NoGrad()) y = Clamp(null, max);
        return Graph.Record(y, "ClampMaxBackward0", [this], max.ToDouble(), static (g, s, _, m) => [Where(s[0] <= m, g, 0.0)], this);
    }

    /// <summary>torch.clamp_min with a tensor bound.</summary>
    public Tensor ClampMin(Tensor min)
    {
        ArgumentNullException.ThrowIfNull(min);
        return ClampOneSide(min, "ClampMinBackward1", lower: true);
    }

    /// <summary>torch.clamp_max with a tensor bound.</summary>
    public Tensor ClampMax(Tensor max)
    {
        ArgumentNullException.ThrowIfNull(max);
        return ClampOneSide(max, "ClampMaxBackward1", lower: false);
    }

    private Tensor ClampOneSide(Tensor bound, string node, bool lower)
    {
        ArgumentNullException.ThrowIfNull(bound);
        Tensor y;
        using (GradMode.NoGrad()) y = lower ? Clamp(bound, null) : Clamp(null, bound);
        return Graph.Record(y, node, [this, bound], lower, static (g, s, needs, low) =>
        [
            needs[0] ? Where(low ? s[0] >= s[1] : s[0] <= s[1], g, 0.0) : null,
            needs[1] ? Where(low ? s[0] < s[1] : s[0] > s[1], g, 0.0) : null,
        ], this, bound);
    }

    // ---- drivers ---------------------------------------------------------------------------------------------

    /// <summary>A rounding function: integers come back as a copy, floats through the kernel; zero gradient.</summary>
    private Tensor Rounding<TOp>(string name, string node) where TOp : IFloatUnaryOp
    {
        // libtorch returns integer inputs of floor / ceil / trunc as they are; its vectorised kernel rejects Bool, and round rejects every integer type.
        if (DType == DType.Bool || (!IsFloatingPoint && name == "round"))
            throw Errors.NotImplemented($"\"{name}_vml_cpu\" not implemented for '{DType.ScalarTypeName()}'");
        if (!IsFloatingPoint) return CloneRaw();
        var y = AllocateForOutput(Shape, DType);
        Pointwise.FloatUnary<TOp>(this, y);
        return Graph.Record(y, node, [this], static (g, _, _) => [ZerosLike(g)]);
    }

    /// <summary>A floating-point function (integer and Bool inputs compute in the default float dtype) with its derivative.</summary>
    private Tensor MathMap<TOp>(string node, UnaryDerivative derivative) where TOp : IFloatUnaryOp
    {
        var x = IsFloatingPoint ? this : CastRaw(DTypes.Default);
        var y = AllocateForOutput(Shape, x.DType);
        Pointwise.FloatUnary<TOp>(x, y);
        return Graph.Record(y, node, [this], derivative, static (g, s, _, d) => [d(g, s[0], s[1])], this, y);
    }

    /// <summary>A binary floating-point function: integer operands promote to the default float dtype.</summary>
    private Tensor FloatZip<TOp>(Tensor other, string node, BackwardFormula derivative) where TOp : IBinaryOp
    {
        ArgumentNullException.ThrowIfNull(other);
        var type = TypePromotion.ResultType(this, other);
        if (!type.IsFloatingPoint()) type = DTypes.Default;
        var y = Zip<TOp>(this, other, type);
        return Graph.Record(y, node, [this, other], derivative, static (g, s, needs, d) => d(g, s, needs), this, other, y);
    }
}
