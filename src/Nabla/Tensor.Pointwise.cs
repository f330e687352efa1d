using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

public sealed partial class Tensor
{
    // ---- operators -------------------------------------------------------------------------------------------

    /// <summary>Elementwise sum with broadcasting (torch.add, Python's <c>+</c>).</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>Adds a scalar to every element (torch.add, Python's <c>+</c>).</summary>
    public static Tensor operator +(Tensor a, Scalar b) => a.Add(WrapNumber(b));
    /// <summary>Adds a scalar to every element (torch.add, Python's <c>+</c>).</summary>
    public static Tensor operator +(Scalar a, Tensor b) => b.Add(WrapNumber(a));
    /// <summary>Elementwise difference with broadcasting (torch.sub, Python's <c>-</c>).</summary>
    /// <exception cref="ArgumentException">Either operand is a Bool tensor, or the shapes do not broadcast.</exception>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>Subtracts a scalar from every element (torch.sub, Python's <c>-</c>).</summary>
    public static Tensor operator -(Tensor a, Scalar b) => a.Sub(WrapNumber(b));
    /// <summary>Subtracts every element from a scalar (torch.rsub, Python's <c>-</c>).</summary>
    public static Tensor operator -(Scalar a, Tensor b) => WrapNumber(a).Sub(b, Derivatives.RsubBackward1);
    /// <summary>Elementwise product with broadcasting (torch.mul, Python's <c>*</c>).</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>Multiplies every element by a scalar (torch.mul, Python's <c>*</c>).</summary>
    public static Tensor operator *(Tensor a, Scalar b) => a.Mul(WrapNumber(b));
    /// <summary>Multiplies every element by a scalar (torch.mul, Python's <c>*</c>).</summary>
    public static Tensor operator *(Scalar a, Tensor b) => b.Mul(WrapNumber(a));
    /// <summary>Elementwise true division with broadcasting (torch.div, Python's <c>/</c>); integers divide as the default float dtype.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>Divides every element by a scalar (torch.div, Python's <c>/</c>).</summary>
    public static Tensor operator /(Tensor a, Scalar b) => a.Div(WrapNumber(b));
    /// <summary>Divides a scalar by every element (torch.div, Python's <c>/</c>).</summary>
    public static Tensor operator /(Scalar a, Tensor b) => WrapNumber(a).Div(b);
    /// <summary>Elementwise Python-style remainder, the sign of the divisor (torch.remainder, Python's <c>%</c>).</summary>
    public static Tensor operator %(Tensor a, Tensor b) => a.Remainder(b);
    /// <summary>Python-style remainder of every element by a scalar (torch.remainder, Python's <c>%</c>).</summary>
    public static Tensor operator %(Tensor a, Scalar b) => a.Remainder(WrapNumber(b));
    /// <summary>Elementwise negation (torch.neg, Python's unary <c>-</c>).</summary>
    /// <exception cref="ArgumentException">The tensor is Bool (use <c>~</c>).</exception>
    public static Tensor operator -(Tensor a) => a.Neg();
    // == and != compare elementwise, as in PyTorch; test identity with ReferenceEquals or `is null`.
    /// <summary>Elementwise equality as a Bool tensor (torch.eq, Python's <c>==</c>); not reference equality.</summary>
    public static Tensor operator ==(Tensor a, Tensor b) => a.Eq(b);
    /// <summary>Elementwise inequality as a Bool tensor (torch.ne, Python's <c>!=</c>).</summary>
    public static Tensor operator !=(Tensor a, Tensor b) => a.Ne(b);
    /// <summary>Elementwise equality with a scalar as a Bool tensor (torch.eq, Python's <c>==</c>).</summary>
    public static Tensor operator ==(Tensor a, Scalar b) => a.Eq(b);
    /// <summary>Elementwise inequality with a scalar as a Bool tensor (torch.ne, Python's <c>!=</c>).</summary>
    public static Tensor operator !=(Tensor a, Scalar b) => a.Ne(b);
    /// <summary>Reference equality: tensors compare by identity, as Python objects do in a dict or set.</summary>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);
    /// <summary>The identity hash, consistent with <see cref="Equals(object?)"/>.</summary>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
    /// <summary>Elementwise <c>a &lt; b</c> as a Bool tensor (torch.lt).</summary>
    public static Tensor operator <(Tensor a, Tensor b) => a.Lt(b);
    /// <summary>Elementwise <c>a &gt; b</c> as a Bool tensor (torch.gt).</summary>
    public static Tensor operator >(Tensor a, Tensor b) => a.Gt(b);
    /// <summary>Elementwise <c>a &lt;= b</c> as a Bool tensor (torch.le).</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => a.Le(b);
    /// <summary>Elementwise <c>a &gt;= b</c> as a Bool tensor (torch.ge).</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => a.Ge(b);
    /// <summary>Elementwise <c>a &lt; b</c> against a scalar as a Bool tensor (torch.lt).</summary>
    public static Tensor operator <(Tensor a, Scalar b) => a.Lt(b);
    /// <summary>Elementwise <c>a &gt; b</c> against a scalar as a Bool tensor (torch.gt).</summary>
    public static Tensor operator >(Tensor a, Scalar b) => a.Gt(b);
    /// <summary>Elementwise <c>a &lt;= b</c> against a scalar as a Bool tensor (torch.le).</summary>
    public static Tensor operator <=(Tensor a, Scalar b) => a.Le(b);
    /// <summary>Elementwise <c>a &gt;= b</c> against a scalar as a Bool tensor (torch.ge).</summary>
    public static Tensor operator >=(Tensor a, Scalar b) => a.Ge(b);
    /// <summary>Elementwise logical and of the truth values, as a Bool tensor (torch.logical_and).</summary>
    public static Tensor operator &(Tensor a, Tensor b) => a.LogicalAnd(b);
    /// <summary>Elementwise logical or of the truth values, as a Bool tensor (torch.logical_or).</summary>
    public static Tensor operator |(Tensor a, Tensor b) => a.LogicalOr(b);
    /// <summary>Elementwise logical exclusive or of the truth values, as a Bool tensor (torch.logical_xor).</summary>
    public static Tensor operator ^(Tensor a, Tensor b) => a.LogicalXor(b);
    /// <summary>Elementwise logical not of the truth values, as a Bool tensor (torch.logical_not).</summary>
    public static Tensor operator ~(Tensor a) => a.LogicalNot();

    // ---- arithmetic ------------------------------------------------------------------------------------------

    /// <summary>torch.add (Bool + Bool is logical or).</summary>
    public Tensor Add(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var type = TypePromotion.ResultType(this, other);
        var y = type == DType.Bool ? Zip<LogicalOrOp>(this, other, type) : Zip<AddOp>(this, other, type);
        return Graph.Record(y, Derivatives.AddBackward0, [this, other], static (g, _, _) => [g, g]);
    }

    /// <summary>Adds a scalar to every element (torch.add).</summary>
    public Tensor Add(Scalar other) => Add(WrapNumber(other));

    /// <summary>torch.sub.</summary>
    public Tensor Sub(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Sub(other, Derivatives.SubBackward0);
    }

    /// <summary>Subtracts a scalar from every element (torch.sub).</summary><exception cref="ArgumentException">The tensor or the scalar is Bool.</exception>
    public Tensor Sub(Scalar other) => Sub(WrapNumber(other));

    private Tensor Sub(Tensor other, string node)
    {
        if (DType == DType.Bool && other.DType == DType.Bool)
            throw Errors.Runtime("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.");
        if (DType == DType.Bool || other.DType == DType.Bool)
            throw Errors.Runtime("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
        var y = Zip<SubOp>(this, other, TypePromotion.ResultType(this, other));
        return Graph.Record(y, node, [this, other], static (g, _, _) => [g, -g]);
    }

    /// <summary>torch.mul (Bool * Bool is logical and).</summary>
    public Tensor Mul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var type = TypePromotion.ResultType(this, other);
        var y = type == DType.Bool ? Zip<LogicalAndOp>(this, other, type) : Zip<MulOp>(this, other, type);
        return Graph.Record(y, Derivatives.MulBackward0, [this, other], Derivatives.Mul,
            other.RequiresGrad ? this : NotSaved, RequiresGrad ? other : NotSaved);
    }

    /// <summary>
    /// Stands in a saved slot whose tensor the formula will not read, as PyTorch saves mul's self only when other
    /// needs a gradient (and the other way round): an in-place change to an unread input must not fail the version check.
    /// </summary>
    private static readonly Tensor NotSaved = Zeros(0);

    /// <summary>Multiplies every element by a scalar (torch.mul).</summary>
    public Tensor Mul(Scalar other) => Mul(WrapNumber(other));

    /// <summary>
    /// torch.div. Integer inputs divide as the default float dtype; a <paramref name="roundingMode"/> (Trunc or Floor)
    /// rounds the quotient and keeps the promoted dtype, integers included. Rounded division has a zero gradient.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or a rounded integer division by zero ("ZeroDivisionError").</exception>
    /// <exception cref="NotSupportedException">Rounded division of Bool tensors.</exception>
    public Tensor Div(Tensor other, RoundingMode? roundingMode = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        var type = TypePromotion.ResultType(this, other);
        if (roundingMode is { } mode)
        {
            Shapes.Broadcast(Sizes, other.Sizes); // shape errors come before dtype errors
            if (type == DType.Bool)
                throw Errors.NotImplemented($"\"div_{(mode == RoundingMode.Trunc ? "trunc" : "floor")}_cpu\" not implemented for 'Bool'");
            var y = mode == RoundingMode.Trunc ? Zip<TruncDivOp>(this, other, type) : Zip<FloorDivOp>(this, other, type);
            return Graph.Record(y, Derivatives.DivBackward2, [this, other], static (g, _, _) => [ZerosLike(g), ZerosLike(g)]);
        }
        if (!type.IsFloatingPoint()) type = DTypes.Default;
        var q = Zip<DivOp>(this, other, type);
        return Graph.Record(q, Derivatives.DivBackward0, [this, other], Derivatives.Div, other.RequiresGrad ? this : NotSaved, other);
    }

    /// <summary>torch.div by a scalar; see <see cref="Div(Tensor, RoundingMode?)"/>.</summary>
    public Tensor Div(Scalar other, RoundingMode? roundingMode = null) => Div(WrapNumber(other), roundingMode);

    /// <summary>torch.floor_divide (Python's //).</summary>
    public Tensor FloorDivide(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Div(other, RoundingMode.Floor);
    }

    /// <summary>torch.remainder: Python's %, the result takes the divisor's sign.</summary>
    public Tensor Remainder(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Shapes.Broadcast(Sizes, other.Sizes); // shape errors come before dtype errors
        if (TypePromotion.ResultType(this, other) == DType.Bool)
            throw Errors.NotImplemented("\"remainder_cpu\" not implemented for 'Bool'");
        var y = Zip<RemainderOp>(this, other, TypePromotion.ResultType(this, other));
        return Graph.Record(y, other.IsWrappedNumber ? Derivatives.RemainderBackward0 : Derivatives.RemainderBackward1, [this, other],
            Derivatives.Remainder, this, other);
    }

    /// <summary>torch.pow with a tensor exponent.</summary>
    public Tensor Pow(Tensor exponent)
    {
        ArgumentNullException.ThrowIfNull(exponent);
        Shapes.Broadcast(Sizes, exponent.Sizes); // shape errors come before dtype errors
        var type = TypePromotion.ResultType(this, exponent);
        if (type == DType.Bool)
            throw Errors.NotImplemented("\"pow\" not implemented for 'Bool'");
        var y = (exponent.IsWrappedNumber && type.IsFloatingPoint() ? PowByNumber(CastRaw(type), exponent.ReadFlatDouble(0)) : null)
            ?? Zip<PowOp>(this, exponent, type);
        if (exponent.IsWrappedNumber)
            return Graph.Record(y, Derivatives.PowBackward0, [this, exponent], Derivatives.PowScalar, this, exponent);
        return Graph.Record(y, Derivatives.PowBackward1, [this, exponent], Derivatives.Pow, this, exponent, y);
    }

    /// <summary>
    /// libtorch's shortcuts for a floating-point base and a number exponent (pow_Tensor_Scalar_out and
    /// pow_tensor_scalar_kernel): 0 fills ones, 1 copies, 2 and 3 multiply, -2 is 1 / (x * x), -0.5 rsqrt and
    /// -1 reciprocal, each computed as libtorch computes it so the values are bit for bit its values; null otherwise.
    /// (libtorch 2.10 takes no sqrt shortcut for 0.5: probed, its results differ from sqrt in the last bit.)
    /// </summary>
    private static Tensor? PowByNumber(Tensor x, double exponent)
    {
        switch (exponent)
        {
            case 0: return AllocateForOutput(x.Shape, x.DType).FillRaw(1);
            case 1: return x.CloneRaw();
            case 2: return Map<SquareOp>(x);
            case 3: return Map<CubeOp>(x);
            case -2: return FloatMapRaw<InverseSquareOp>(x);
            case -0.5: return FloatMapRaw<RsqrtOp>(x);
            case -1: return FloatMapRaw<ReciprocalOp>(x);
            default: return null;
        }
    }

    /// <summary>Raises every element to a scalar power (torch.pow).</summary>
    /// <exception cref="NotSupportedException">Both base and exponent are Bool.</exception>
    public Tensor Pow(Scalar exponent) => Pow(WrapNumber(exponent));

    /// <summary>torch.maximum: elementwise, NaN propagates; ties split the gradient evenly.</summary>
    public Tensor Maximum(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return MinMax<MaximumOp>(other, Derivatives.MaximumBackward0, +1);
    }

    /// <summary>torch.minimum: elementwise, NaN propagates; ties split the gradient evenly.</summary>
    public Tensor Minimum(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return MinMax<MinimumOp>(other, Derivatives.MinimumBackward0, -1);
    }

    private Tensor MinMax<TOp>(Tensor other, string node, int sign) where TOp : IBinaryOp
    {
        var y = Zip<TOp>(this, other, TypePromotion.ResultType(this, other));
        return Graph.Record(y, node, [this, other], sign, Derivatives.MinMax, this, other);
    }

    // ---- unary -----------------------------------------------------------------------------------------------

    /// <summary>Elementwise negation (torch.neg).</summary>
    /// <exception cref="ArgumentException">The tensor is Bool (use <see cref="LogicalNot"/>).</exception>
    public Tensor Neg()
    {
        if (DType == DType.Bool)
            throw Errors.Runtime("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
        return Graph.Record(Map<NegOp>(this), Derivatives.NegBackward0, [this], static (g, _, _) => [-g]);
    }

    /// <summary>Elementwise absolute value (torch.abs).</summary>
    /// <exception cref="NotSupportedException">The tensor is Bool.</exception>
    public Tensor Abs()
    {
        RejectBool("abs_cpu");
        return Graph.Record(Map<AbsOp>(this), Derivatives.AbsBackward0, [this], static (g, s, _) => [g * s[0].Sign()], this);
    }

    /// <summary>Elementwise sign, -1, 0 or +1 in the input's dtype (torch.sign); its gradient is zero.</summary>
    public Tensor Sign() => Graph.Record(Map<SignOp>(this), Derivatives.SignBackward0, [this], static (g, _, _) => [ZerosLike(g)]);

    /// <summary>Elementwise e^x (torch.exp); integer inputs compute in the default float dtype.</summary>
    public Tensor Exp() => FloatMap<ExpOp>(Derivatives.ExpBackward0, Derivatives.Exp, savesResult: true);
    /// <summary>Elementwise natural logarithm (torch.log); integer inputs compute in the default float dtype.</summary>
    public Tensor Log() => FloatMap<LogOp>(Derivatives.LogBackward0, Derivatives.Log, savesResult: false);
    /// <summary>Elementwise square root (torch.sqrt); integer inputs compute in the default float dtype.</summary>
    public Tensor Sqrt() => FloatMap<SqrtOp>(Derivatives.SqrtBackward0, Derivatives.Sqrt, savesResult: true);
    /// <summary>Elementwise reciprocal square root 1/sqrt(x) (torch.rsqrt); integer inputs compute in the default float dtype.</summary>
    public Tensor Rsqrt() => FloatMap<RsqrtOp>(Derivatives.RsqrtBackward0, Derivatives.Rsqrt, savesResult: true);
    /// <summary>Elementwise sine (torch.sin); integer inputs compute in the default float dtype.</summary>
    public Tensor Sin() => FloatMap<SinOp>(Derivatives.SinBackward0, Derivatives.Sin, savesResult: false);
    /// <summary>Elementwise cosine (torch.cos); integer inputs compute in the default float dtype.</summary>
    public Tensor Cos() => FloatMap<CosOp>(Derivatives.CosBackward0, Derivatives.Cos, savesResult: false);
    /// <summary>Elementwise hyperbolic tangent (torch.tanh); integer inputs compute in the default float dtype.</summary>
    public Tensor Tanh() => FloatMap<TanhOp>(Derivatives.TanhBackward0, Derivatives.Tanh, savesResult: true);
    /// <summary>Elementwise logistic sigmoid 1/(1+e^-x) (torch.sigmoid); integer inputs compute in the default float dtype.</summary>
    public Tensor Sigmoid() => FloatMap<SigmoidOp>(Derivatives.SigmoidBackward0, Derivatives.Sigmoid, savesResult: true);

    /// <summary>torch.relu.</summary>
    public Tensor Relu()
    {
        if (DType == DType.Bool) throw Errors.Runtime("Boolean inputs not supported for relu");
        var y = Zip<MaximumOp>(this, WrapNumber(0), DType);
        return Graph.Record(y, Derivatives.ReluBackward0, [this], ActivationDerivatives.Relu, y);
    }

    /// <summary>Bool tensor marking NaN elements (torch.isnan); all false for integer and Bool tensors.</summary>
    public Tensor IsNan() => IsFloatingPoint ? FloatPredicate<IsNanOp>() : Zeros(Shape, DType.Bool);
    /// <summary>Bool tensor marking +inf and -inf elements (torch.isinf); all false for integer and Bool tensors.</summary>
    public Tensor IsInf() => IsFloatingPoint ? FloatPredicate<IsInfOp>() : Zeros(Shape, DType.Bool);

    /// <summary>torch.clamp; either bound may be omitted.</summary>
    public Tensor Clamp(Scalar? min = null, Scalar? max = null)
    {
        if (min is null && max is null) throw Errors.Runtime("torch.clamp: At least one of 'min' or 'max' must not be None");
        var type = TypePromotion.ResultType([this, .. new[] { min, max }.OfType<Scalar>().Select(WrapNumber)]);
        var y = CastRaw(type);
        if (min is { } lo) y = Zip<MaximumOp>(y, WrapNumber(lo), type);
        if (max is { } hi) y = Zip<MinimumOp>(y, WrapNumber(hi), type);
        return Graph.Record(y, Derivatives.ClampBackward1, [this], (min, max), Derivatives.Clamp, this);
    }

    /// <summary>torch.where(condition, input, other): elements of input where condition holds, else of other.</summary>
    public static Tensor Where(Tensor condition, Tensor input, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(other);
        if (condition.DType != DType.Bool)
            throw Errors.Runtime($"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.DType.ScalarTypeName()}");
        var type = TypePromotion.ResultType(input, other);
        var shape = Shapes.Broadcast(Shapes.Broadcast(condition.Sizes, input.Sizes), other.Sizes);
        var y = AllocateForOutput(shape, type);
        Copy.Into(other, y);
        Pointwise.MaskedCopy(condition, input.CastRaw(type), y);
        return Graph.Record(y, Derivatives.WhereBackward0, [input, other], Derivatives.Where, condition);
    }

    /// <summary>torch.where(condition) with one argument: the coordinates of the non-zero elements, one tensor per dim.</summary>
    public static Tensor[] Where(Tensor condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return condition.NonzeroTuple();
    }

    /// <summary>torch.where(condition, input, other) with a scalar <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="condition"/> is not Bool, or the shapes do not broadcast.</exception>
    public static Tensor Where(Tensor condition, Scalar input, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(other);
        return Where(condition, WrapNumber(input), other);
    }
    /// <summary>torch.where(condition, input, other) with a scalar <paramref name="other"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="condition"/> is not Bool, or the shapes do not broadcast.</exception>
    public static Tensor Where(Tensor condition, Tensor input, Scalar other)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(input);
        return Where(condition, input, WrapNumber(other));
    }

    // ---- comparisons and logic (never differentiable) ---------------------------------------------------------

    /// <summary>Elementwise equality with broadcasting, as a Bool tensor (torch.eq); never differentiable.</summary>
    public Tensor Eq(Tensor other) => Compare<EqOp>(this, other);
    /// <summary>Elementwise inequality with broadcasting, as a Bool tensor (torch.ne).</summary>
    public Tensor Ne(Tensor other) => Compare<NeOp>(this, other);
    /// <summary>Elementwise <c>this &lt; other</c> with broadcasting, as a Bool tensor (torch.lt).</summary>
    public Tensor Lt(Tensor other) => Compare<LtOp>(this, other);
    /// <summary>Elementwise <c>this &lt;= other</c> with broadcasting, as a Bool tensor (torch.le).</summary>
    public Tensor Le(Tensor other) => Compare<LeOp>(this, other);
    /// <summary>Elementwise <c>this &gt; other</c> with broadcasting, as a Bool tensor (torch.gt).</summary>
    public Tensor Gt(Tensor other) => Compare<GtOp>(this, other);
    /// <summary>Elementwise <c>this &gt;= other</c> with broadcasting, as a Bool tensor (torch.ge).</summary>
    public Tensor Ge(Tensor other) => Compare<GeOp>(this, other);
    /// <summary>Elementwise equality with a scalar, as a Bool tensor (torch.eq).</summary>
    public Tensor Eq(Scalar other) => Eq(WrapNumber(other));
    /// <summary>Elementwise inequality with a scalar, as a Bool tensor (torch.ne).</summary>
    public Tensor Ne(Scalar other) => Ne(WrapNumber(other));
    /// <summary>Elementwise <c>this &lt; other</c>, as a Bool tensor (torch.lt).</summary>
    public Tensor Lt(Scalar other) => Lt(WrapNumber(other));
    /// <summary>Elementwise <c>this &lt;= other</c>, as a Bool tensor (torch.le).</summary>
    public Tensor Le(Scalar other) => Le(WrapNumber(other));
    /// <summary>Elementwise <c>this &gt; other</c>, as a Bool tensor (torch.gt).</summary>
    public Tensor Gt(Scalar other) => Gt(WrapNumber(other));
    /// <summary>Elementwise <c>this &gt;= other</c>, as a Bool tensor (torch.ge).</summary>
    public Tensor Ge(Scalar other) => Ge(WrapNumber(other));

    /// <summary>Elementwise logical and of the truth values (non-zero is true), as a Bool tensor (torch.logical_and).</summary>
    public Tensor LogicalAnd(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Zip<LogicalAndOp>(CastRaw(DType.Bool), other.CastRaw(DType.Bool), DType.Bool);
    }
    /// <summary>Elementwise logical or of the truth values (non-zero is true), as a Bool tensor (torch.logical_or).</summary>
    public Tensor LogicalOr(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Zip<LogicalOrOp>(CastRaw(DType.Bool), other.CastRaw(DType.Bool), DType.Bool);
    }
    /// <summary>Elementwise logical exclusive or of the truth values (non-zero is true), as a Bool tensor (torch.logical_xor).</summary>
    public Tensor LogicalXor(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Zip<LogicalXorOp>(CastRaw(DType.Bool), other.CastRaw(DType.Bool), DType.Bool);
    }
    /// <summary>Elementwise logical not (zero becomes true), as a Bool tensor (torch.logical_not).</summary>
    public Tensor LogicalNot() => Map<LogicalNotOp>(CastRaw(DType.Bool));

    // ---- casts -----------------------------------------------------------------------------------------------

    /// <summary>torch.Tensor.to(dtype): this tensor when the dtype already matches, else a converted copy.</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var y = CastRaw(dtype);
        return Graph.Record(y, Derivatives.ToCopyBackward0, [this], static (g, _, _) => [g]);
    }

    /// <summary>A converted copy without autograd (kernels cast their operands with this).</summary>
    internal Tensor CastRaw(DType dtype)
    {
        if (dtype == DType) return this;
        var y = AllocateForOutput(Shape, dtype);
        Copy.Into(this, y);
        return y;
    }

    /// <summary>PyTorch's "not implemented for 'Bool'" for kernels without a Bool instantiation.</summary>
    private Tensor RejectBool(string kernel, Tensor? other = null, bool kernelRuns = true)
    {
        if (kernelRuns && (DType == DType.Bool || other is { DType: DType.Bool, IsWrappedNumber: false }))
            throw Errors.NotImplemented($"\"{kernel}\" not implemented for 'Bool'");
        return this;
    }

    // ---- kernel drivers --------------------------------------------------------------------------------------

    private static Tensor Zip<TOp>(Tensor a, Tensor b, DType type) where TOp : IBinaryOp
    {
        var y = AllocateForOutput(Shapes.Broadcast(a.Sizes, b.Sizes), type);
        Pointwise.Binary<TOp>(a, b, y); // converts operands of other dtypes as it reads them
        return y;
    }

    private static Tensor Compare<TOp>(Tensor a, Tensor b) where TOp : ICompareOp
    {
        ArgumentNullException.ThrowIfNull(b, "other");
        var type = TypePromotion.ResultType(a, b);
        var y = AllocateForOutput(Shapes.Broadcast(a.Sizes, b.Sizes), DType.Bool);
        Pointwise.Compare<TOp>(a.CastRaw(type), b.CastRaw(type), y);
        return y;
    }

    private static Tensor Map<TOp>(Tensor x) where TOp : IUnaryOp
    {
        var y = AllocateForOutput(x.Shape, x.DType);
        Pointwise.Unary<TOp>(x, y);
        return y;
    }

    /// <summary>A floating-point function; integer inputs compute in the default float dtype as in PyTorch.</summary>
    /// <summary>
    /// A float unary op; the formula reads saved slot 0 (the input) or slot 1 (the result). Only the one it reads is
    /// saved, as derivatives.yaml does (exp saves its result, sin its input), so an in-place change to the other does
    /// not fail the version check.
    /// </summary>
    private Tensor FloatMap<TOp>(string node, BackwardFormula derivative, bool savesResult) where TOp : IFloatUnaryOp
    {
        var y = FloatMapRaw<TOp>(IsFloatingPoint ? this : CastRaw(DTypes.Default));
        return Graph.Record(y, node, [this], derivative, savesResult ? NotSaved : this, savesResult ? y : NotSaved);
    }

    /// <summary>A float unary kernel on a float tensor, without autograd.</summary>
    private static Tensor FloatMapRaw<TOp>(Tensor x) where TOp : IFloatUnaryOp
    {
        var y = AllocateForOutput(x.Shape, x.DType);
        Pointwise.FloatUnary<TOp>(x, y);
        return y;
    }

    private Tensor FloatPredicate<TOp>() where TOp : IFloatUnaryOp
    {
        var y = Allocate(Shape, DType);
        Pointwise.FloatUnary<TOp>(this, y);
        return y.CastRaw(DType.Bool);
    }
}
