using Nabla.NN;

namespace Nabla.Tests.Fuzz;

/// <summary>The pointwise math family, activations, losses, normalisation, dropout and attention under fuzzing.</summary>
public static partial class FuzzOps
{
    private static Reduction Red(FuzzGen g) => g.Pick(Reduction.None, Reduction.Mean, Reduction.Sum);
    private static double D(FuzzGen g) => g.Pick(-1.0, 0.0, 0.5, 1.0, 2.0, double.NaN);

    private static IEnumerable<FuzzOp> Elementwise()
    {
        foreach (var (name, f) in new (string, Func<Tensor, Tensor>)[]
        {
            ("Floor", x => x.Floor()), ("Ceil", x => x.Ceil()), ("Trunc", x => x.Trunc()), ("Round", x => x.Round()), ("Frac", x => x.Frac()),
            ("Sgn", x => x.Sgn()), ("Log1p", x => x.Log1p()), ("Expm1", x => x.Expm1()), ("Log2", x => x.Log2()), ("Log10", x => x.Log10()),
            ("Exp2", x => x.Exp2()), ("Erf", x => x.Erf()), ("Erfc", x => x.Erfc()), ("Erfinv", x => x.Erfinv()), ("Reciprocal", x => x.Reciprocal()),
            ("Square", x => x.Square()), ("Tan", x => x.Tan()), ("Asin", x => x.Asin()), ("Acos", x => x.Acos()), ("Atan", x => x.Atan()),
            ("Sinh", x => x.Sinh()), ("Cosh", x => x.Cosh()), ("Asinh", x => x.Asinh()), ("Acosh", x => x.Acosh()), ("Atanh", x => x.Atanh()),
            ("Relu6", F.Relu6), ("Selu", F.Selu), ("Silu", F.Silu), ("Mish", F.Mish), ("Softsign", F.Softsign), ("Tanhshrink", F.Tanhshrink),
            ("Hardsigmoid", F.Hardsigmoid), ("Hardswish", F.Hardswish), ("Logsigmoid", F.Logsigmoid),
        })
            yield return new(name, g => f(X(g)));
        yield return new("Round(decimals)", g => X(g).Round(g.Int(-2, 3)));
        yield return new("Logit", g => X(g).Logit(g.Coin() ? null : D(g)));
        foreach (var (name, f) in new (string, Func<Tensor, Tensor, Tensor>)[]
        {
            ("Atan2", (a, b) => a.Atan2(b)), ("Hypot", (a, b) => a.Hypot(b)), ("Copysign", (a, b) => a.Copysign(b)), ("Xlogy", (a, b) => a.Xlogy(b)),
            ("Fmod", (a, b) => a.Fmod(b)), ("Fmax", (a, b) => a.Fmax(b)), ("Fmin", (a, b) => a.Fmin(b)), ("ClampMin", (a, b) => a.ClampMin(b)),
            ("ClampMax", (a, b) => a.ClampMax(b)), ("Lerp", (a, b) => a.Lerp(b, 0.3)), ("Prelu", F.Prelu),
        })
            yield return new(name, g => { var x = X(g); return f(x, Like(g, x)); });
        yield return new("Fmod(Scalar) Copysign(Scalar) ClampMin(Scalar) ClampMax(Scalar)", g => X(g).Fmod(g.Scalar()).Copysign(g.Scalar()).ClampMin(g.Scalar()).ClampMax(g.Scalar()));
        yield return new("Clamp(Tensor)", g => { var x = X(g); return x.Clamp(g.Coin() ? Like(g, x) : null, g.Coin() ? Like(g, x) : null); });
        yield return new("Lerp(Tensor)", g => { var x = X(g); return x.Lerp(Like(g, x), Like(g, x)); });
        yield return new("Addcmul", g => { var x = X(g); return x.Addcmul(Like(g, x), Like(g, x), g.OptionalScalar()); });
        yield return new("Addcdiv", g => { var x = X(g); return x.Addcdiv(Like(g, x), Like(g, x), g.OptionalScalar()); });
        yield return new("Nansum", g => { var x = X(g); return x.Nansum(g.Dim(x.Dim), g.Bool()); });
        yield return new("Nanmean", g => { var x = X(g); return x.Nanmean(g.Dim(x.Dim), g.Bool()); });

        yield return new("Softmin", g => { var x = X(g); return F.Softmin(x, g.Dim(x.Dim)); });
        yield return new("LeakyRelu", g => F.LeakyRelu(X(g), D(g)));
        yield return new("Elu Celu", g => F.Celu(F.Elu(X(g), D(g)), D(g)));
        yield return new("Gelu", g => F.Gelu(X(g), g.Pick(GeluApproximate.None, GeluApproximate.Tanh)));
        yield return new("Softplus", g => F.Softplus(X(g), D(g), D(g)));
        yield return new("Hardtanh", g => F.Hardtanh(X(g), D(g), D(g)));
        yield return new("Threshold", g => F.Threshold(X(g), D(g), D(g)));
        yield return new("Hardshrink Softshrink", g => F.Softshrink(F.Hardshrink(X(g), D(g)), D(g)));
        yield return new("Glu", g => { var x = X(g); return F.Glu(x, g.Dim(x.Dim)); });
        yield return new("Dropout", g => F.Dropout(X(g), D(g), g.Bool()));
        yield return new("AlphaDropout FeatureAlphaDropout", g => g.Bool() ? F.AlphaDropout(X(g), D(g), g.Bool()) : F.FeatureAlphaDropout(X(g), D(g), g.Bool()));
        yield return new("Dropout1d Dropout2d Dropout3d", g => g.Pick(0, 1, 2) switch
        {
            0 => F.Dropout1d(X(g), D(g), g.Bool()),
            1 => F.Dropout2d(X(g), D(g), g.Bool()),
            _ => F.Dropout3d(X(g), D(g), g.Bool()),
        });
        yield return new("Interpolate", g => F.Interpolate(X(g), g.Coin() ? g.Shape() : null, g.Coin() ? [D(g), D(g)] : null,
            g.Pick(Enum.GetValues<InterpolationMode>()), g.Pick<bool?>(null, true, false), g.Pick<bool?>(null, true, false)));

        yield return new("NllLoss", g => F.NllLoss(X(g), A(g), g.Coin() ? A(g) : null, g.Int(-101, 3), Red(g)));
        yield return new("CrossEntropy", g => F.CrossEntropy(X(g), A(g), g.Coin() ? A(g) : null, g.Int(-101, 3), Red(g), g.Pick(0.0, 0.2, 1.5)));
        foreach (var (name, f) in new (string, Func<Tensor, Tensor, Reduction, Tensor>)[]
        {
            ("MseLoss", (a, b, r) => F.MseLoss(a, b, r)), ("L1Loss", (a, b, r) => F.L1Loss(a, b, r)), ("SmoothL1Loss", (a, b, r) => F.SmoothL1Loss(a, b, r)),
            ("HuberLoss", (a, b, r) => F.HuberLoss(a, b, r)), ("BinaryCrossEntropy", (a, b, r) => F.BinaryCrossEntropy(a, b, null, r)),
            ("BinaryCrossEntropyWithLogits", (a, b, r) => F.BinaryCrossEntropyWithLogits(a, b, null, r)), ("KlDiv", (a, b, r) => F.KlDiv(a, b)),
            ("PoissonNllLoss", (a, b, r) => F.PoissonNllLoss(a, b, reduction: r)), ("PairwiseDistance", (a, b, r) => F.PairwiseDistance(a, b)),
        })
            yield return new(name, g => { var x = X(g); return f(x, Like(g, x), Red(g)); });
        yield return new("MarginRankingLoss", g => { var x = X(g); return F.MarginRankingLoss(x, Like(g, x), Like(g, x), D(g), Red(g)); });
        yield return new("CosineEmbeddingLoss", g => { var x = X(g); return F.CosineEmbeddingLoss(x, Like(g, x), A(g), D(g), Red(g)); });
        yield return new("TripletMarginLoss", g => { var x = X(g); return F.TripletMarginLoss(x, Like(g, x), Like(g, x), D(g), g.Pick(1.0, 2.0, 3.0)); });

        yield return new("BatchNorm", g => { var x = X(g); return F.BatchNorm(x, A(g), A(g), A(g), A(g), g.Bool()); });
        yield return new("InstanceNorm", g => { var x = X(g); return F.InstanceNorm(x, A(g), A(g), A(g), A(g), g.Bool()); });
        yield return new("LayerNorm", g => { var x = X(g); return F.LayerNorm(x, g.Shape(), A(g), A(g)); });
        yield return new("RmsNorm", g => { var x = X(g); return F.RmsNorm(x, g.Shape(), A(g)); });
        yield return new("GroupNorm", g => F.GroupNorm(X(g), g.Int(-1, 4), A(g), A(g)));
        yield return new("LocalResponseNorm", g => F.LocalResponseNorm(X(g), g.Int(-1, 4)));
        yield return new("Normalize", g => { var x = X(g); return F.Normalize(x, g.Pick(1.0, 2.0, 3.0), g.Dim(x.Dim)); });
        yield return new("ScaledDotProductAttention", g => { var x = X(g); return F.ScaledDotProductAttention(x, Like(g, x), Like(g, x), g.Coin() ? A(g) : null, 0, g.Bool()); });
        yield return new("MultiHeadAttentionForward", g => { var x = X(g); return F.MultiHeadAttentionForward(x, Like(g, x), Like(g, x), g.Int(0, 3), A(g), A(g), A(g), A(g)).Output; });
    }
}
