using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using static Nabla.Parity.Harness.Values;

namespace Nabla.Parity;

/// <summary>The pointwise math family: rounding, special functions, trigonometry, binary and ternary math, NaN reductions.</summary>
public static partial class OpTable
{
    private const string LerpScript = "def f(x: Tensor, e: Tensor, w: float):\n    return torch.lerp(x, e, w)\n";
    // TorchSharp's nansum takes no dims, and its script invoke takes no int arrays: one function per dim count.
    private const string NansumScript = "def f1(x: Tensor, a: int, keepdim: bool):\n    return torch.nansum(x, [a], keepdim)\n"
        + "def f2(x: Tensor, a: int, b: int, keepdim: bool):\n    return torch.nansum(x, [a, b], keepdim)\n";

    /// <summary>Unary samples whose values lie in (lo, hi), for functions with a restricted domain.</summary>
    private static IEnumerable<Sample> UnaryIn(Gen g, DType dt, double lo, double hi) =>
        Unary(g, dt).Select(s => s with
        {
            Inputs = [s.Inputs[0] with { Values = s.Inputs[0].Values.Select(v => dt.IsFloatingPoint() && double.IsFinite(v) ? lo + (hi - lo) * ((Math.Abs(v) * 0.37) % 1) : v).ToArray() }],
        });

    /// <summary>Three operands of broadcastable shapes (addcmul / addcdiv / lerp).</summary>
    private static IEnumerable<Sample> Ternary(Gen g, DType dt, Values third)
    {
        (int[], int[], int[])[] shapes = [([3, 4], [3, 4], [3, 4]), ([2, 3], [3], [2, 1]), ([4], [], [4]), ([0, 2], [2], [1, 2]), ([2, 2, 3], [2, 3], [3])];
        foreach (var (a, b, c) in shapes)
            yield return new Sample($"{a.Length}d", [g.AnyLayout(dt, a), g.AnyLayout(dt, b), g.AnyLayout(dt, c, third)], new P { S = g.Pick(1.0, -0.5, 2.0) });
        yield return new Sample("error:broadcast", [g.Input(dt, [2, 3]), g.Input(dt, [3, 2]), g.Input(dt, [2, 3])], new P { S = 1 });
    }

    /// <summary>
    /// Drops samples pairing a Bool operand with a differentiable one: libtorch's backward then negates the Bool
    /// tensor inside the autograd engine, and the error terminates the process through TorchSharp.
    /// </summary>
    // TorchSharp's float_power(Scalar) throws "Should not be called." (probed): through TorchScript instead.
    private const string FloatPowerScript = "def fi(x: Tensor, e: int):\n    return torch.float_power(x, e)\n"
        + "def ff(x: Tensor, e: float):\n    return torch.float_power(x, e)\n";

    private static IEnumerable<Sample> NoBoolBesideGrad(IEnumerable<Sample> samples) =>
        samples.Where(s => !(s.Inputs.Any(i => i.DType == DType.Bool) && s.Inputs.Any(i => i.Grad)));

    private static IEnumerable<OpInfo> BuildPointwiseMath()
    {
        OpInfo U(string name, Func<Tensor, Tensor> n, Func<TT, TT> t, Func<Gen, DType, IEnumerable<Sample>>? samples = null) =>
            new(name, (x, p) => A(n(x[0])), (x, p) => A(t(x[0])), All, samples ?? Unary);
        yield return U("floor", x => x.Floor(), x => x.floor());
        yield return U("ceil", x => x.Ceil(), x => x.ceil());
        yield return U("trunc", x => x.Trunc(), x => x.trunc());
        yield return U("round", x => x.Round(), x => x.round());
        yield return new("round(decimals)", (x, p) => A(x[0].Round(p.N)), (x, p) => A(x[0].round(p.N)), All,
            (g, d) => Unary(g, d).Select(s => s with { Args = new P { N = g.Pick(1, 2, -1) } }));
        yield return U("frac", x => x.Frac(), x => x.frac());
        // Values only: libtorch's sgn backward of a real tensor is an efficient zero tensor TorchSharp cannot read (GradCheck covers it).
        yield return new("sgn", (x, p) => A(x[0].Sgn()), (x, p) => A(x[0].sgn()), Numeric, Unary, Differentiable: false);
        yield return U("log1p", x => x.Log1p(), x => x.log1p(), (g, d) => UnaryIn(g, d, -0.9, 3));
        yield return U("expm1", x => x.Expm1(), x => x.expm1());
        yield return U("log2", x => x.Log2(), x => x.log2(), (g, d) => UnaryIn(g, d, 0.05, 4));
        yield return U("log10", x => x.Log10(), x => x.log10(), (g, d) => UnaryIn(g, d, 0.05, 4));
        yield return U("exp2", x => x.Exp2(), x => x.exp2());
        yield return U("erf", x => x.Erf(), x => x.erf());
        yield return U("erfc", x => x.Erfc(), x => x.erfc());
        yield return U("erfinv", x => x.Erfinv(), x => x.erfinv(), (g, d) => UnaryIn(g, d, -0.99, 0.99));
        yield return U("reciprocal", x => x.Reciprocal(), x => x.reciprocal());
        yield return U("square", x => x.Square(), x => x.square());
        yield return U("tan", x => x.Tan(), x => x.tan(), (g, d) => UnaryIn(g, d, -1.4, 1.4));
        yield return U("asin", x => x.Asin(), x => x.asin(), (g, d) => UnaryIn(g, d, -0.95, 0.95));
        yield return U("acos", x => x.Acos(), x => x.acos(), (g, d) => UnaryIn(g, d, -0.95, 0.95));
        yield return U("atan", x => x.Atan(), x => x.atan());
        yield return U("sinh", x => x.Sinh(), x => x.sinh());
        yield return U("cosh", x => x.Cosh(), x => x.cosh());
        yield return U("asinh", x => x.Asinh(), x => x.asinh());
        yield return U("acosh", x => x.Acosh(), x => x.acosh(), (g, d) => UnaryIn(g, d, 1.05, 4));
        yield return U("atanh", x => x.Atanh(), x => x.atanh(), (g, d) => UnaryIn(g, d, -0.95, 0.95));
        yield return new("logit", (x, p) => A(p.Flag ? x[0].Logit(p.S) : x[0].Logit()), (x, p) => A(p.Flag ? x[0].logit(p.S) : x[0].logit()), All,
            (g, d) => UnaryIn(g, d, -0.2, 1.2).Select(s => s with { Args = new P { Flag = g.Coin(), S = g.Pick(0.1, 1e-6) } }));

        yield return U("sinc", x => x.Sinc(), x => x.sinc());
        yield return U("deg2rad", x => x.Deg2rad(), x => x.deg2rad());
        yield return U("rad2deg", x => x.Rad2deg(), x => x.rad2deg());
        yield return new("nan_to_num", (x, p) => A(p.Flag ? x[0].NanToNum(p.S, p.S2, -p.S2) : x[0].NanToNum()),
            (x, p) => A(p.Flag ? x[0].nan_to_num(p.S, p.S2, -p.S2) : x[0].nan_to_num()), All,
            (g, d) => Unary(g, d, Values.Edge).Select(s => s with { Args = new P { Flag = g.Coin(), S = g.Pick(0.0, 1.5, -2.0), S2 = g.Pick(10.0, 1e3) } }));

        yield return new("atan2", (x, p) => A(x[0].Atan2(x[1])), (x, p) => A(x[0].atan2(x[1])), All, (g, d) => NoBoolBesideGrad(Binary(g, d, Normal)));
        yield return new("hypot", (x, p) => A(x[0].Hypot(x[1])), (x, p) => A(x[0].hypot(x[1])), All, (g, d) => NoBoolBesideGrad(Binary(g, d, Normal)));
        yield return new("copysign", (x, p) => A(x[0].Copysign(x[1])), (x, p) => A(x[0].copysign(x[1])), All, (g, d) => NoBoolBesideGrad(Binary(g, d, Normal)));
        yield return new("xlogy", (x, p) => A(x[0].Xlogy(x[1])), (x, p) => A(x[0].xlogy(x[1])), All, (g, d) => NoBoolBesideGrad(Binary(g, d, Positive)));
        yield return new("fmod", (x, p) => A(x[0].Fmod(x[1])), (x, p) => A(x[0].fmod(x[1])), All, (g, d) => NoBoolBesideGrad(Binary(g, d, NonZero)));
        yield return new("fmod(scalar)", (x, p) => A(x[0].Fmod(NS(p))), (x, p) => A(x[0].fmod(TS(p))), All, (g, d) => WithScalar(g, d, NonZero));
        yield return new("fmax", (x, p) => A(x[0].Fmax(x[1])), (x, p) => A(x[0].fmax(x[1])), All, (g, d) => NoBoolBesideGrad(Binary(g, d, Normal)));
        yield return new("fmin", (x, p) => A(x[0].Fmin(x[1])), (x, p) => A(torch.fmin(x[0], x[1])), All, (g, d) => NoBoolBesideGrad(Binary(g, d, Normal)));
        yield return new("logaddexp", (x, p) => A(x[0].Logaddexp(x[1])), (x, p) => A(x[0].logaddexp(x[1])), All, (g, d) => NoBoolBesideGrad(Binary(g, d, Normal)));
        yield return new("logaddexp2", (x, p) => A(x[0].Logaddexp2(x[1])), (x, p) => A(x[0].logaddexp2(x[1])), All, (g, d) => NoBoolBesideGrad(Binary(g, d, Normal)));
        yield return new("float_power", (x, p) => A(x[0].FloatPower(x[1])), (x, p) => A(x[0].float_power(x[1])), All, (g, d) => NoBoolBesideGrad(Binary(g, d, Small)));
        yield return new("float_power(scalar)", (x, p) => A(x[0].FloatPower(NS(p))), (x, p) => A(p.Flag ? Script(FloatPowerScript, "fi", x[0], (long)p.S) : Script(FloatPowerScript, "ff", x[0], p.S)), All, (g, d) => WithScalar(g, d, Small));
        // No formula in PyTorch (its backward raises), so values and errors only.
        yield return new("nextafter", (x, p) => A(x[0].Nextafter(x[1])), (x, p) => A(x[0].nextafter(x[1])), All, (g, d) => Binary(g, d, Normal), Differentiable: false);
        yield return new("clamp(tensor)", (x, p) => A(x[0].Clamp(p.Mode == "max" ? null : x[1], p.Mode == "min" ? null : x[2])),
            (x, p) => A(x[0].clamp(p.Mode == "max" ? null : x[1], p.Mode == "min" ? null : x[2])), All,
            (g, d) => NoBoolBesideGrad(Ternary(g, d, Normal)).Select(s => s with { Args = new P { Mode = g.Pick("min", "max", "both") } }));
        yield return new("clamp_min(tensor)", (x, p) => A(x[0].ClampMin(x[1])), (x, p) => A(x[0].clamp(x[1], null)), Numeric, (g, d) => NoBoolBesideGrad(Binary(g, d, Normal, Numeric)));
        yield return new("clamp_min", (x, p) => A(x[0].ClampMin(NS(p))), (x, p) => A(x[0].clamp_min(TS(p))), Numeric, (g, d) => WithScalar(g, d, Normal));
        yield return new("clamp_max", (x, p) => A(x[0].ClampMax(NS(p))), (x, p) => A(x[0].clamp_max(TS(p))), Numeric, (g, d) => WithScalar(g, d, Normal));

        yield return new("lerp(tensor weight)", (x, p) => A(x[0].Lerp(x[1], x[2])), (x, p) => A(x[0].lerp(x[1], x[2])), All, (g, d) => NoBoolBesideGrad(Ternary(g, d, Small)));
        yield return new("lerp(scalar weight)", (x, p) => A(x[0].Lerp(x[1], p.S)), (x, p) => A(Script(LerpScript, "f", x[0], x[1], p.S)), All,
            (g, d) => Ternary(g, d, Small).Select(s => s with { Inputs = s.Inputs[..2] }));
        yield return new("addcmul", (x, p) => A(x[0].Addcmul(x[1], x[2], NS(p))), (x, p) => A(x[0].addcmul(x[1], x[2], TS(p))), All,
            (g, d) => NoBoolBesideGrad(Ternary(g, d, Normal)).Select(s => s with { Args = s.Args with { Flag = !d.IsFloatingPoint() } }));
        yield return new("addcdiv", (x, p) => A(x[0].Addcdiv(x[1], x[2], NS(p))), (x, p) => A(x[0].addcdiv(x[1], x[2], TS(p))), All,
            (g, d) => NoBoolBesideGrad(Ternary(g, d, NonZero)));

        yield return new("nansum", (x, p) => A(p.Dims is null ? x[0].Nansum() : x[0].Nansum(p.Dims, p.Keep)),
            (x, p) => A(p.Dims is null ? x[0].nansum() : (p.Dims.Length == 1 ? Script(NansumScript, "f1", x[0], (long)p.Dims[0], p.Keep) : Script(NansumScript, "f2", x[0], (long)p.Dims[0], (long)p.Dims[1], p.Keep))),
            All, (g, d) => Reduce(g, d, true).Select(s => s.Args.Dims is null ? s with { Args = s.Args with { Keep = false } } : s));
        // TorchSharp's nanmean(dim) kills the test host (probed): through TorchScript instead.
        yield return new("nanmean", (x, p) => A(x[0].Nanmean(p.Dim, p.Keep)),
            (x, p) => A(Script("def f(x: Tensor, d: int, keepdim: bool):\n    return torch.nanmean(x, [d], keepdim)\n", "f", x[0], (long)p.Dim, p.Keep)), All, OneDim);
    }
}
