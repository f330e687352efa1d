using Nabla.NN;

namespace Nabla.Tests;

/// <summary>
/// GradCheck (and GradGradCheck) of the torch.nn.functional ops and the pointwise math family on float64 inputs,
/// once contiguous and once through a transposed, non-contiguous view of the same values.
/// </summary>
public class NNGradCheckTests
{
    private record Op(string Name, int[][] Shapes, Func<Tensor[], Tensor> Apply, bool Positive = false, bool Second = true);

    private static Tensor Targets(params long[] t) => Tensor.From(t);

    private static readonly Op[] Ops =
    [
        // Losses
        new("nll_loss_mean", [[3, 4]], x => F.NllLoss(x[0], Targets(1, 3, -100))),
        new("nll_loss_weight_sum", [[3, 4]], x => F.NllLoss(x[0], Targets(1, 3, 0), Tensor.From(new[] { 0.5, 2, 1, 3 }), reduction: Reduction.Sum)),
        new("nll_loss_none_ignore", [[3, 4]], x => F.NllLoss(x[0], Targets(1, 2, 0), ignoreIndex: 2, reduction: Reduction.None)),
        new("nll_loss_spatial", [[2, 3, 2, 2]], x => F.NllLoss(x[0], Tensor.From(new long[,,] { { { 0, 1 }, { 2, 0 } }, { { 1, 1 }, { 2, 2 } } }))),
        new("nll_loss_3d", [[2, 3, 4]], x => F.NllLoss(x[0], Tensor.From(new long[,] { { 0, 1, 2, 0 }, { 2, 2, 1, 0 } }), reduction: Reduction.None)),
        new("cross_entropy", [[3, 4]], x => F.CrossEntropy(x[0], Targets(1, 3, 0))),
        new("cross_entropy_smoothing_weight", [[3, 4]], x => F.CrossEntropy(x[0], Targets(1, 3, 0), Tensor.From(new[] { 0.5, 2, 1, 3 }), labelSmoothing: 0.2)),
        new("cross_entropy_probabilities", [[3, 4], [3, 4]], x => F.CrossEntropy(x[0], x[1].Softmax(1))),
        new("mse_l1", [[3, 4], [4]], x => F.MseLoss(x[0], x[1]) + F.L1Loss(x[0], x[1], Reduction.Sum)),
        new("smooth_l1_huber", [[3, 4], [3, 4]], x => F.SmoothL1Loss(x[0], x[1], Reduction.None, 0.5) + F.HuberLoss(x[0], x[1], Reduction.None, 0.3)),
        new("bce", [[3, 4], [3, 4]], x => F.BinaryCrossEntropy(x[0] * 0.4 + 0.5, x[1] * 0.5 + 0.5, Tensor.Full([4], 0.7, DType.Float64))),
        new("bce_logits", [[3, 4], [3, 4]], x => F.BinaryCrossEntropyWithLogits(x[0], x[1] * 0.5 + 0.5, null, Reduction.Sum, Tensor.Full([4], 2.0, DType.Float64))),
        new("kl_div", [[3, 4], [3, 4]], x => F.KlDiv(x[0], x[1] + 1.5, KlDivReduction.BatchMean) + F.KlDiv(x[0], x[1], KlDivReduction.Sum, logTarget: true)),
        new("margin_ranking", [[5], [5]], x => F.MarginRankingLoss(x[0], x[1], Tensor.From(new[] { 1.0, -1, 1, -1, 1 }), 0.1)),
        new("cosine_embedding", [[3, 4], [3, 4]], x => F.CosineEmbeddingLoss(x[0], x[1], Tensor.From(new[] { 1.0, -1, 1 }), -0.5)),
        new("triplet_margin", [[3, 4], [3, 4], [3, 4]], x => F.TripletMarginLoss(x[0], x[1], x[2], 2.0) + F.TripletMarginLoss(x[0], x[1], x[2], 2.0, p: 1, swap: true)),
        new("poisson_nll", [[3, 4], [3, 4]], x => F.PoissonNllLoss(x[0], x[1] + 1.5, full: true) + F.PoissonNllLoss(x[0] + 1.5, x[1], logInput: false)),
        new("soft_margin", [[3, 4], [3, 4]], x => F.SoftMarginLoss(x[0], x[1].Sign()) + F.SoftMarginLoss(x[0], Tensor.From(new[] { 1.0, -1, -1, 1 }), Reduction.Sum)),
        new("hinge_embedding", [[3, 4]], x => F.HingeEmbeddingLoss(x[0], Tensor.From(new[] { 1.0, -1, 0, -1 }), 0.5, Reduction.None) + F.HingeEmbeddingLoss(x[0], Tensor.From(new[] { -1.0, 1, 1, -1 }))),
        new("multilabel_soft_margin", [[3, 4], [3, 4]], x => F.MultilabelSoftMarginLoss(x[0], x[1].Sigmoid()) + F.MultilabelSoftMarginLoss(x[0], x[1] * 0.5, Tensor.From(new[] { 0.5, 2, 1, 3 }), Reduction.None)),
        new("multi_margin", [[3, 4]], x => F.MultiMarginLoss(x[0], Targets(1, 3, 0)) + F.MultiMarginLoss(x[0], Targets(2, 0, 0), 2, 0.7, Tensor.From(new[] { 0.5, 2, 1, 3 }), Reduction.None)),
        new("multi_margin_1d", [[5]], x => F.MultiMarginLoss(x[0], Tensor.From(new long[] { 3 }).Reshape(), 2, 1.5, reduction: Reduction.Sum)),
        new("multilabel_margin", [[3, 4]], x => F.MultilabelMarginLoss(x[0], Tensor.From(new long[,] { { 3, 0, -1, 1 }, { 1, 2, 3, 0 }, { -1, 2, 2, 0 } }), Reduction.None)
            + F.MultilabelMarginLoss(x[0][0] * 2, Tensor.From(new long[] { 2, -1, 0, 0 }))),
        new("gaussian_nll", [[3, 4], [3, 4], [3, 4], [3]], x => F.GaussianNllLoss(x[0], x[1], x[2] * x[2] + 0.3) + F.GaussianNllLoss(x[0], x[1], x[3].Exp(), full: true, reduction: Reduction.Sum)),
        // Normalisation
        new("batch_norm_train", [[4, 3, 2], [3], [3]], x => F.BatchNorm(x[0], Tensor.Zeros([3], DType.Float64), Tensor.Ones([3], DType.Float64), x[1], x[2], training: true)),
        new("batch_norm_eval", [[4, 3], [3], [3]], x => F.BatchNorm(x[0], Tensor.Full([3], 0.2, DType.Float64), Tensor.Full([3], 1.5, DType.Float64), x[1], x[2])),
        new("layer_norm", [[3, 2, 4], [2, 4], [2, 4]], x => F.LayerNorm(x[0], [2, 4], x[1], x[2])),
        new("layer_norm_plain", [[3, 4]], x => F.LayerNorm(x[0], [4])),
        new("group_norm", [[2, 4, 3], [4], [4]], x => F.GroupNorm(x[0], 2, x[1], x[2])),
        new("group_norm_plain", [[2, 6, 2, 2]], x => F.GroupNorm(x[0], 3)),
        new("instance_norm", [[2, 3, 4], [3], [3]], x => F.InstanceNorm(x[0], Tensor.Zeros([3], DType.Float64), Tensor.Ones([3], DType.Float64), x[1], x[2])),
        new("rms_norm", [[3, 4], [4]], x => F.RmsNorm(x[0], [4], x[1])),
        new("local_response_norm", [[2, 5, 3]], x => F.LocalResponseNorm(x[0], 3, 0.5)),
        new("normalize", [[3, 4]], x => F.Normalize(x[0]) + F.Normalize(x[0], 1, 0)),
        new("sdpa", [[2, 3, 4], [2, 5, 4], [2, 5, 2]], x => F.ScaledDotProductAttention(x[0], x[1], x[2])),
        new("sdpa_causal_scale", [[2, 4, 3], [2, 4, 3], [2, 4, 3]], x => F.ScaledDotProductAttention(x[0], x[1], x[2], isCausal: true, scale: 0.3)),
        new("sdpa_masks", [[3, 4], [3, 4], [3, 4], [3, 3]], x => F.ScaledDotProductAttention(x[0], x[1], x[2], x[3])
            + F.ScaledDotProductAttention(x[0], x[1], x[2], Tensor.From(new[,] { { true, false, true }, { true, true, false }, { false, false, true } }))),
        new("multihead", [[3, 2, 4], [5, 2, 4], [12, 4], [12], [4, 4], [4]], x =>
        {
            var pad = Tensor.From(new[,] { { false, false, false, false, true }, { false, false, false, false, false } });
            var (o, w) = F.MultiHeadAttentionForward(x[0], x[1], x[1], 2, x[2], x[3], x[4], x[5], pad);
            return o.Sum() + w!.Sum();
        }),
        new("multihead_unbatched_no_weights", [[3, 4], [12, 4], [4, 4]], x =>
            F.MultiHeadAttentionForward(x[0], x[0], x[0], 1, x[1], null, x[2], null, needWeights: false).Output),
        new("multihead_separate_bias_kv_zero_attn", [[3, 2, 4], [5, 2, 3], [5, 2, 2], [4, 4], [4, 3], [4, 2], [12], [1, 1, 4], [1, 1, 4], [4, 4]], x =>
        {
            var (o, w) = F.MultiHeadAttentionForward(x[0], x[1], x[2], 2, null, x[6], x[9], null, attnMask: Tensor.Randn([3, 5], DType.Float64, new Generator(1)),
                biasK: x[7], biasV: x[8], addZeroAttn: true, qProjWeight: x[3], kProjWeight: x[4], vProjWeight: x[5]);
            return o.Sum() + w!.Sum();
        }),
        new("pairwise_distance_p", [[3, 4], [4]], x => F.PairwiseDistance(x[0], x[1], 2) + F.PairwiseDistance(x[0], x[1], 1) + F.PairwiseDistance(x[0], x[1], 3, keepdim: true).Squeeze(1)
            + F.PairwiseDistance(x[0], x[1], double.PositiveInfinity) + F.PairwiseDistance(x[0], x[1], 0.5)),
        new("cosine_similarity", [[3, 4], [1, 4]], x => F.CosineSimilarity(x[0], x[1]) + F.CosineSimilarity(x[0], x[1], dim: 0).Sum()),
        new("multihead_causal_sdpa", [[4, 2, 4], [12, 4], [4, 4]], x =>
            F.MultiHeadAttentionForward(x[0], x[0], x[0], 2, x[1], null, x[2], null, needWeights: false,
                attnMask: Tensor.Arange(4).Unsqueeze(1).Lt(Tensor.Arange(4).Unsqueeze(0)), isCausal: true).Output),
        new("dropout", [[3, 4]], x => F.Dropout(x[0], 0.4, generator: new Generator(3))),
        new("alpha_dropout", [[3, 4]], x => F.AlphaDropout(x[0], 0.4, training: true, generator: new Generator(3)) + F.FeatureAlphaDropout(x[0], 0.3, training: true, generator: new Generator(4))),
        new("dropout_nd", [[2, 3, 4], [2, 3, 2, 2], [1, 2, 2, 1, 2]], x => F.Dropout1d(x[0], 0.4, generator: new Generator(3)).Sum()
            + F.Dropout2d(x[1], 0.5, generator: new Generator(4)).Sum() + F.Dropout3d(x[2], 0.3, generator: new Generator(5)).Sum()),
        new("pad_modes", [[2, 3, 4]], x => F.Pad(x[0], [2, 1], PadMode.Reflect).Sum(2) + F.Pad(x[0], [1, 2], PadMode.Replicate).Sum(2)
            + F.Pad(x[0], [1, 3], PadMode.Circular).Sum(2) + F.Pad(x[0], [1, 1], PadMode.Constant, 0.5).Sum(2)),
        new("max_unpool1d", [[2, 3, 6]], x =>
        {
            var (o, i) = F.MaxPool1dWithIndices(x[0], 2);
            return F.MaxUnpool1d(o, i, 2) * 1.5;
        }),
        // Activations
        new("relu6_hardtanh", [[3, 4]], x => F.Relu6(x[0] * 8) + F.Hardtanh(x[0], -0.5, 0.5)),
        new("leaky_relu", [[3, 4]], x => F.LeakyRelu(x[0], 0.2)),
        new("prelu", [[2, 3, 4], [3]], x => F.Prelu(x[0], x[1])),
        new("elu_selu_celu", [[3, 4]], x => F.Elu(x[0], 0.7) + F.Selu(x[0]) + F.Celu(x[0], 2)),
        new("gelu", [[3, 4]], x => F.Gelu(x[0]) + F.Gelu(x[0], GeluApproximate.Tanh)),
        new("silu_mish", [[3, 4]], x => F.Silu(x[0]) + F.Mish(x[0])),
        new("softplus", [[3, 4]], x => F.Softplus(x[0], 2, 1)),
        new("softsign_tanhshrink", [[3, 4]], x => F.Softsign(x[0]) + F.Tanhshrink(x[0])),
        new("hardsigmoid_hardswish", [[3, 4]], x => F.Hardsigmoid(x[0] * 4) + F.Hardswish(x[0] * 4)),
        new("threshold", [[3, 4]], x => F.Threshold(x[0], 0.1, -2)),
        new("logsigmoid", [[3, 4]], x => F.Logsigmoid(x[0])),
        new("shrink", [[3, 4]], x => F.Hardshrink(x[0], 0.3) + F.Softshrink(x[0], 0.3)),
        new("glu", [[3, 4]], x => F.Glu(x[0], 1) + F.Glu(x[0].T, 0).T),
        new("softmin", [[3, 4]], x => F.Softmin(x[0], 1)),
        // Pointwise math
        new("floor", [[3, 4]], x => x[0].Floor() * x[0]),
        new("round_decimals", [[3, 4]], x => x[0].Round(1) + x[0].Ceil() + x[0].Trunc()),
        new("frac", [[3, 4]], x => x[0].Frac()),
        new("sgn", [[3, 4]], x => x[0].Sgn() * x[0]),
        new("log1p", [[3, 4]], x => x[0].Log1p(), Positive: true),
        new("expm1", [[3, 4]], x => x[0].Expm1()),
        new("log2_log10", [[3, 4]], x => x[0].Log2() + x[0].Log10(), Positive: true),
        new("exp2", [[3, 4]], x => x[0].Exp2()),
        new("erf_erfc", [[3, 4]], x => x[0].Erf() * x[0].Erfc()),
        new("erfinv", [[3, 4]], x => (x[0] * 0.9).Erfinv()),
        new("reciprocal", [[3, 4]], x => x[0].Reciprocal(), Positive: true),
        new("square", [[3, 4]], x => x[0].Square()),
        new("logit", [[3, 4]], x => (x[0] * 0.4 + 0.5).Logit() + (x[0] * 0.4 + 0.5).Logit(0.2)),
        new("trig", [[3, 4]], x => x[0].Tan() + (x[0] * 0.9).Asin() + (x[0] * 0.9).Acos() + x[0].Atan()),
        new("hyperbolic", [[3, 4]], x => x[0].Sinh() + x[0].Cosh() + x[0].Asinh() + (x[0] * 0.9).Atanh() + (x[0] + 2.5).Acosh()),
        new("atan2", [[3, 4], [4]], x => x[0].Atan2(x[1])),
        new("hypot", [[3, 4], [3, 4]], x => x[0].Hypot(x[1])),
        new("copysign", [[3, 4], [3, 4]], x => x[0].Copysign(x[1])),
        new("xlogy", [[3, 4], [3, 4]], x => x[0].Xlogy(x[1]), Positive: true),
        new("fmod", [[3, 4], [3, 4]], x => x[0].Fmod(x[1]), Positive: true),
        new("fmax_fmin", [[3, 4], [3, 4]], x => x[0].Fmax(x[1]) + x[0].Fmin(x[1] * 0.5)),
        new("lerp", [[3, 4], [3, 4], [4]], x => x[0].Lerp(x[1], x[2]) + x[0].Lerp(x[1], 0.7)),
        new("addcmul", [[3, 4], [3, 4], [4]], x => x[0].Addcmul(x[1], x[2], 0.5)),
        new("addcdiv", [[3, 4], [3, 4], [4]], x => x[0].Addcdiv(x[1], x[2], -2), Positive: true),
        new("sinc", [[3, 4]], x => x[0].Sinc()),
        new("deg2rad_rad2deg", [[3, 4]], x => x[0].Deg2rad() + x[0].Rad2deg()),
        new("logaddexp", [[3, 4], [4]], x => x[0].Logaddexp(x[1]) + x[0].Logaddexp2(x[1] * 2)),
        new("float_power", [[3, 4], [3, 4]], x => x[0].FloatPower(x[1]) + x[0].FloatPower(3), Positive: true),
        new("nan_to_num", [[3, 4]], x => x[0].Log().NanToNum(0.5, 2, -2) * x[0]),
        new("remainder", [[3, 4], [3, 4]], x => x[0].Remainder(x[1]) + (x[0] * 3).Remainder(x[1]), Positive: true),
        new("nansum_nanmean", [[3, 4]], x => x[0].Nansum([1]) + x[0].Nanmean(1)),
        new("clamp_tensor", [[3, 4], [3, 4], [4]], x => x[0].Clamp(x[1] * 0.5, x[2] * 0.5 + 0.5) + x[0].ClampMin(x[1]) + x[0].ClampMax(0.2)),
    ];

    public static TheoryData<string> Names => new(Ops.Select(o => o.Name));

    private static Tensor[] Inputs(Op op, bool transposed) => GradCheckInputs.Make(op.Shapes, op.Positive, transposed, 11);

    [Theory]
    [MemberData(nameof(Names))]
    public void BackwardMatchesFiniteDifferences(string name)
    {
        var op = Ops.Single(o => o.Name == name);
        foreach (var transposed in new[] { false, true })
            Assert.True(GradCheck.Check(xs => [op.Apply(xs)], Inputs(op, transposed)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DoubleBackwardMatchesFiniteDifferences(string name)
    {
        var op = Ops.Single(o => o.Name == name);
        if (!op.Second) return;
        Assert.True(GradCheck.GradGradCheck(xs => [op.Apply(xs)], Inputs(op, transposed: false)));
    }

    [Fact]
    public void SpecialFunctionsMatchKnownValues()
    {
        var x = Tensor.From(new[] { -3.0, -0.5, 1e-10, 0.5, 2.0, 4.0 });
        double[] erf = [-0.9999779095030014, -0.5204998778130465, 1.1283791670955126e-10, 0.5204998778130465, 0.9953222650189527, 0.9999999845827421];
        double[] erfc = [1.9999779095030015, 1.5204998778130465, 0.9999999998871621, 0.4795001221869535, 0.004677734981047266, 1.541725790028002e-08];
        Assert.All(x.Erf().ToArray<double>().Zip(erf), p => Assert.Equal(p.Second, p.First, 1e-15));
        Assert.All(x.Erfc().ToArray<double>().Zip(erfc), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-13 * Math.Abs(p.Second), $"{p.First:R} vs {p.Second:R}"));
        Assert.All(x.Erf().Erfinv().ToArray<double>().Zip(x.ToArray<double>()).Take(4), p => Assert.Equal(p.Second, p.First, 1e-12));
        Assert.Equal(9.9999999995e-11, Tensor.From(new[] { 1e-10 }).Log1p().Item<double>(), 1e-24);
        Assert.Equal(1.00000000005e-10, Tensor.From(new[] { 1e-10 }).Expm1().Item<double>(), 1e-24);
    }

    [Fact]
    public void MultiheadBoolMaskMasksWhereTrueAsPython()
    {
        Tensor.ManualSeed(5);
        var x = Tensor.Randn([3, 2, 4], DType.Float64);
        var (w, ow) = (Tensor.Randn([12, 4], DType.Float64), Tensor.Randn([4, 4], DType.Float64));
        var boolMask = Tensor.From(new[,] { { false, true, false }, { false, false, true }, { false, true, true } });
        var floatMask = Tensor.Zeros([3, 3], DType.Float64).MaskedFill(boolMask, double.NegativeInfinity);
        var (a, aw) = F.MultiHeadAttentionForward(x, x, x, 2, w, null, ow, null, attnMask: boolMask);
        var (b, bw) = F.MultiHeadAttentionForward(x, x, x, 2, w, null, ow, null, attnMask: floatMask);
        Assert.Equal(b.ToArray<double>(), a.ToArray<double>());
        Assert.Equal(0.0, aw![0, 0, 1].Item<double>());
        Assert.Equal(bw!.ToArray<double>(), aw.ToArray<double>());
    }

    [Fact]
    public void NodeNamesArePyTorchs()
    {
        var x = Tensor.Rand([3, 4], DType.Float64).RequiresGrad_();
        Assert.Equal("NllLossBackward0", F.NllLoss(x, Targets(0, 1, 2)).GradFn!.Name);
        Assert.Equal("NllLossBackward0", F.CrossEntropy(x, Targets(0, 1, 2)).GradFn!.Name);
        Assert.Equal("NllLoss2DBackward0", F.NllLoss(x.View(1, 3, 2, 2), Tensor.Zeros([1, 2, 2], DType.Int64)).GradFn!.Name);
        Assert.Equal("NativeBatchNormBackward0", F.BatchNorm(x, null, null, training: true).GradFn!.Name);
        Assert.Equal("NativeLayerNormBackward0", F.LayerNorm(x, [4]).GradFn!.Name);
        Assert.Equal("NativeGroupNormBackward0", F.GroupNorm(x, 1).GradFn!.Name);
        Assert.Equal("MulBackward0", F.Dropout(x).GradFn!.Name);
        Assert.Equal("EluBackward0", F.Selu(x).GradFn!.Name);
        Assert.Equal("CeluBackward0", F.Celu(x).GradFn!.Name);
        Assert.Equal("GeluBackward0", F.Gelu(x, GeluApproximate.Tanh).GradFn!.Name);
        Assert.Equal("HardtanhBackward0", F.Relu6(x).GradFn!.Name);
        Assert.Equal("PreluKernelBackward0", F.Prelu(x, Tensor.Ones([1], DType.Float64)).GradFn!.Name);
        Assert.Equal("SoftmaxBackward0", F.Softmin(x, 1).GradFn!.Name);
        Assert.Equal("Log1PBackward0", x.Log1p().GradFn!.Name);
        Assert.Equal("RoundBackward1", x.Round(2).GradFn!.Name);
        Assert.Equal("LerpBackward0", x.Lerp(x, 0.3).GradFn!.Name);
    }

    [Fact]
    public void BatchNormUpdatesRunningStatisticsOnlyInTraining()
    {
        var x = Tensor.From(new double[,] { { 1, 10 }, { 3, 20 } });
        var mean = Tensor.Zeros([2], DType.Float64);
        var variance = Tensor.Ones([2], DType.Float64);
        F.BatchNorm(x, mean, variance, training: true, momentum: 0.5);
        Assert.Equal([1.0, 7.5], mean.ToArray<double>());
        Assert.Equal([1.5, 25.5], variance.ToArray<double>()); // unbiased batch variance 2 and 50, averaged with 1
        F.BatchNorm(x, mean, variance, training: false);
        Assert.Equal([1.0, 7.5], mean.ToArray<double>());
        Assert.Throws<ArgumentException>(() => F.BatchNorm(Tensor.Zeros([1, 2]), null, null, training: true));
    }

    [Fact]
    public void DropoutIsIdentityInEvaluationAndScalesKeptElements()
    {
        var x = Tensor.Ones([1000]);
        Assert.Same(x, F.Dropout(x, 0.3, training: false));
        var y = F.Dropout(x, 0.25).ToArray<float>();
        Assert.All(y, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.75f) < 1e-6));
        Assert.InRange(y.Count(v => v == 0), 180, 320);
        Assert.Throws<ArgumentException>(() => F.Dropout(x, 1.5));
    }
}
