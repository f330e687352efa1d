using Nabla.NN;

namespace Nabla.Tests.Fuzz;

/// <summary>Pointwise math, activations, losses and 1-d/3-d pooling added to Tensor and F after the first table.</summary>
public static partial class FuzzOps
{
    private static IEnumerable<FuzzOp> More()
    {
        Func<Tensor, Tensor>[] unary = [t => t.Acos(), t => t.Acosh(), t => t.Asin(), t => t.Asinh(), t => t.Atan(), t => t.Atanh(), t => t.Ceil(),
            t => t.Cosh(), t => t.Erf(), t => t.Erfc(), t => t.Erfinv(), t => t.Exp2(), t => t.Expm1(), t => t.Floor(), t => t.Frac(), t => t.Log10(),
            t => t.Log1p(), t => t.Log2(), t => t.Reciprocal(), t => t.Round(), t => t.Sgn(), t => t.Sinh(), t => t.Square(), t => t.Tan(), t => t.Trunc()];
        yield return new("Acos/Acosh/Asin/Asinh/Atan/Atanh/Ceil/Cosh/Erf/Erfc/Erfinv/Exp2/Expm1/Floor/Frac/Log10/Log1p/Log2/Reciprocal/Round/Sgn/Sinh/Square/Tan/Trunc",
            g => g.Pick(unary)(X(g)));
        yield return new("Sinc/Deg2rad/Rad2deg/NanToNum/FloatPower", g =>
        {
            var x = X(g);
            return g.Int(0, 6) switch
            {
                0 => x.Sinc(),
                1 => x.Deg2rad(),
                2 => x.Rad2deg(),
                3 => x.NanToNum(g.Pick(0.0, double.NaN), g.Coin() ? null : 1.0, g.Coin() ? null : -1.0),
                4 => x.FloatPower(Like(g, x)),
                _ => x.FloatPower(g.Scalar()),
            };
        });
        yield return new("Logaddexp/Logaddexp2/Nextafter", g =>
        {
            var x = X(g);
            var y = Like(g, x);
            return g.Int(0, 3) switch { 0 => x.Logaddexp(y), 1 => x.Logaddexp2(y), _ => x.Nextafter(y) };
        });
        yield return new("Atan2/Copysign/Fmax/Fmin/Fmod/Hypot/Xlogy", g =>
        {
            var x = X(g);
            var y = Like(g, x);
            return g.Int(0, 7) switch { 0 => x.Atan2(y), 1 => x.Copysign(y), 2 => x.Fmax(y), 3 => x.Fmin(y), 4 => x.Fmod(y), 5 => x.Hypot(y), _ => x.Xlogy(y) };
        });
        yield return new("Addcdiv/Addcmul/Lerp/ClampMax/ClampMin/Logit/Nanmean/Nansum", g =>
        {
            var x = X(g);
            return g.Int(0, 8) switch
            {
                0 => x.Addcdiv(Like(g, x), Like(g, x), g.OptionalScalar()),
                1 => x.Addcmul(Like(g, x), Like(g, x), g.OptionalScalar()),
                2 => x.Lerp(Like(g, x), g.Scalar()),
                3 => x.ClampMax(g.Scalar()),
                4 => x.ClampMin(g.Scalar()),
                5 => x.Logit(g.Coin() ? null : g.Pick(0.0, 0.1, -1.0, double.NaN)),
                6 => x.Nanmean(g.Coin(0.3) ? null : g.Dims(x.Dim), g.Bool(), OptDType(g)),
                _ => x.Nansum(g.Coin(0.3) ? null : g.Dims(x.Dim), g.Bool(), OptDType(g)),
            };
        });
        Func<Tensor, Tensor>[] activations = [t => F.Celu(t), t => F.Elu(t, -1.0), t => F.Gelu(t), t => F.Hardsigmoid(t), t => F.Hardswish(t),
            t => F.Hardtanh(t, 2, -2), t => F.LeakyRelu(t), t => F.Logsigmoid(t), t => F.Mish(t), t => F.Relu6(t), t => F.Selu(t), t => F.Silu(t),
            t => F.Softsign(t), t => F.Tanhshrink(t), t => F.Hardshrink(t, -1), t => F.Softshrink(t), t => F.Softplus(t, 0), t => F.Threshold(t, 0.5, double.NaN)];
        yield return new("F.Celu/Elu/Gelu/Hardsigmoid/Hardswish/Hardtanh/LeakyRelu/Logsigmoid/Mish/Relu6/Selu/Silu/Softsign/Tanhshrink/Hardshrink/Softshrink/Softplus/Threshold",
            g => g.Pick(activations)(X(g)));
        yield return new("F.Glu/Softmin/Prelu/PixelShuffle/PixelUnshuffle", g =>
        {
            var x = X(g);
            return g.Int(0, 5) switch
            {
                0 => F.Glu(x, g.Dim(x.Dim)),
                1 => F.Softmin(x, g.Dim(x.Dim), OptDType(g)),
                2 => F.Prelu(x, g.Coin() ? g.Tensor(x.DType, [x.Dim > 1 ? x.Shape[1] : 1])! : A(g)),
                3 => F.PixelShuffle(x, g.Size()),
                _ => F.PixelUnshuffle(x, g.Size()),
            };
        });
        yield return new("F.MseLoss/L1Loss/SmoothL1Loss/HuberLoss/BinaryCrossEntropy/BinaryCrossEntropyWithLogits/KlDiv/PoissonNllLoss", g =>
        {
            var x = Float(g);
            var t = Like(g, x);
            var r = g.Pick(Reduction.Mean, Reduction.Sum, Reduction.None);
            return g.Int(0, 8) switch
            {
                0 => F.MseLoss(x, t, r),
                1 => F.L1Loss(x, t, r),
                2 => F.SmoothL1Loss(x, t, r, g.Pick(1.0, 0.0, -1.0)),
                3 => F.HuberLoss(x, t, r, g.Pick(1.0, 0.0, -1.0)),
                4 => F.BinaryCrossEntropy(x, t, g.Coin() ? null : Like(g, x), r),
                5 => F.BinaryCrossEntropyWithLogits(x, t, g.Coin() ? null : Like(g, x), r),
                6 => F.KlDiv(x, t, g.Pick(Enum.GetValues<KlDivReduction>()), g.Bool()),
                _ => F.PoissonNllLoss(x, t, g.Bool(), g.Bool()),
            };
        });
        yield return new("F.CosineEmbeddingLoss/MarginRankingLoss/TripletMarginLoss/PairwiseDistance", g =>
        {
            var x = Float(g);
            return g.Int(0, 4) switch
            {
                0 => F.CosineEmbeddingLoss(x, Like(g, x), g.Tensor(x.Dim > 0 ? [x.Shape[0]] : [])!),
                1 => F.MarginRankingLoss(x, Like(g, x), Like(g, x)),
                2 => F.TripletMarginLoss(x, Like(g, x), Like(g, x)),
                _ => F.PairwiseDistance(x, Like(g, x), g.Pick(2.0, 1.0, 0.0, -1.0, 0.5, double.PositiveInfinity, double.NegativeInfinity), 1e-6, g.Bool()),
            };
        });
        yield return new("F.SoftMarginLoss/HingeEmbeddingLoss/MultilabelSoftMarginLoss/MultiMarginLoss/MultilabelMarginLoss/GaussianNllLoss", g =>
        {
            var x = Float(g);
            var r = g.Pick(Reduction.Mean, Reduction.Sum, Reduction.None);
            int classes = x.Dim > 0 ? x.Shape[^1] : 1;
            return g.Int(0, 6) switch
            {
                0 => F.SoftMarginLoss(x, Like(g, x), r),
                1 => F.HingeEmbeddingLoss(x, Like(g, x), g.Pick(1.0, 0.0, -1.0), r),
                2 => F.MultilabelSoftMarginLoss(x, Like(g, x), g.Coin() ? null : Like(g, x), r),
                3 => F.MultiMarginLoss(x, g.Index(classes)!, g.Pick(1, 2, 3), g.Pick(1.0, 0.0), g.Coin() ? null : Like(g, x), r),
                4 => F.MultilabelMarginLoss(x, g.Index(classes)!, r),
                _ => F.GaussianNllLoss(x, Like(g, x), Like(g, x), g.Bool(), g.Pick(1e-6, 0.0), r),
            };
        });
        yield return new("F.CosineSimilarity", g => { var x = g.Tensor(); return F.CosineSimilarity(x!, g.Coin() ? Like(g, x!) : g.Tensor()!, g.Int(-3, 3), g.Pick(1e-8, 0.0, -1.0)); });
        yield return new("F.Bilinear/Embedding", g =>
        {
            var x = Float(g);
            if (g.Coin()) return F.Bilinear(x, Like(g, x), g.Tensor(x.DType, [2, x.Dim > 0 ? x.Shape[^1] : 1, x.Dim > 0 ? x.Shape[^1] : 1])!, g.Coin() ? null : Like(g, x));
            var w = g.Tensor(x.DType, [g.Pick(0, 3, 5), g.Pick(1, 2)], nullable: false)!;
            return F.Embedding(g.Index(w.Shape[0])!, w, g.Coin(0.7) ? null : g.Pick(0, -1, 7));
        });
        yield return new("F.AvgPool3d/MaxPool3d/MaxPool3dWithIndices/AdaptiveAvgPool3d/AdaptiveMaxPool3d/AdaptiveMaxPool3dWithIndices/MaxUnpool1d/MaxUnpool3d/LpPool1d/LpPool2d", g =>
        {
            var x = X(g);
            int[] K() => g.Coin(0.85) ? [g.Pick(1, 2)] : g.Sizes(g.Pick(0, 3, 2));
            int?[] O() => g.Sizes(g.Pick(3, 3, 1)).Select(s => g.Coin(0.2) ? (int?)null : s).ToArray();
            return g.Int(0, 10) switch
            {
                0 => F.AvgPool3d(x, K()),
                1 => F.MaxPool3d(x, K()),
                2 => F.MaxPool3dWithIndices(x, K()).Indices,
                3 => F.AdaptiveAvgPool3d(x, O()),
                4 => F.AdaptiveMaxPool3d(x, O()),
                5 => F.AdaptiveMaxPool3dWithIndices(x, O()).Output,
                6 => F.MaxUnpool1d(x, g.Index(9, x.Shape)!, g.Size()),
                7 => F.MaxUnpool3d(x, g.Index(9, x.Shape)!, K()),
                8 => F.LpPool1d(x, g.Pick(2.0, 1.0, 0.0, -1.0), g.Size()),
                _ => F.LpPool2d(x, g.Pick(2.0, 1.0, 0.0), K()),
            };
        });
    }
}
