using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>The activation, loss, 3-d pooling, embedding and shuffle modules: forward equals the functional op, PyTorch's reprs.</summary>
// Seeds the default generator and compares draws: no other test may draw from it in between.
[Collection(nameof(Nabla.Tests.Train.DefaultGeneratorAlone))]
public class MoreModuleTests
{
    private static void Same(Tensor expected, Tensor actual) => Assert.Equal(expected.ToArray<double>(), actual.ToArray<double>());

    [Fact]
    public void ActivationModulesForwardTheFunctionalOps()
    {
        Tensor.ManualSeed(11);
        var x = Tensor.Randn([3, 4]);
        Same(F.LeakyRelu(x, 0.2), new LeakyReLU(0.2).Call(x));
        Same(F.Elu(x, 0.5), new ELU(0.5).Call(x));
        Same(F.Gelu(x, GeluApproximate.Tanh), new GELU(GeluApproximate.Tanh).Call(x));
        Same(F.Softplus(x, 2, 10), new Softplus(2, 10).Call(x));
        Same(F.Hardtanh(x, -0.5, 0.5), new Hardtanh(-0.5, 0.5).Call(x));
        Same(F.Glu(x, 1), new GLU(1).Call(x));
        Same(F.Softmin(x, 0), new Softmin(0).Call(x));
        var prelu = new PReLU(4);
        Same(F.Prelu(x, prelu.Weight), prelu.Call(x));
        Assert.All(prelu.Weight.ToArray<float>(), v => Assert.Equal(0.25f, v));
    }

    [Fact]
    public void LossModulesForwardTheFunctionalOps()
    {
        Tensor.ManualSeed(12);
        var a = Tensor.Rand(3, 4);
        var b = Tensor.Rand(3, 4);
        Same(F.MseLoss(a, b), new MSELoss().Call(a, b));
        Same(F.L1Loss(a, b, Reduction.Sum), new L1Loss(Reduction.Sum).Call(a, b));
        Same(F.HuberLoss(a, b, delta: 0.1), new HuberLoss(delta: 0.1).Call(a, b));
        Same(F.BinaryCrossEntropy(a, b), new BCELoss().Call(a, b));
        var pos = Tensor.Full([4], 2.0);
        Same(F.BinaryCrossEntropyWithLogits(a, b, posWeight: pos), new BCEWithLogitsLoss(posWeight: pos).Call(a, b));
        Same(F.KlDiv(a.Log(), b, KlDivReduction.BatchMean), new KLDivLoss(KlDivReduction.BatchMean).Call(a.Log(), b));
        Assert.Equal(["pos_weight"], new BCEWithLogitsLoss(posWeight: pos).StateDict().Keys);
        var y = Tensor.From(new float[] { 1, -1, 1 });
        var r1 = Tensor.Rand(3);
        var r2 = Tensor.Rand(3);
        Same(F.MarginRankingLoss(r1, r2, y, 0.1), new MarginRankingLoss(0.1).Call(r1, r2, y));
        Same(F.CosineEmbeddingLoss(a, b, y, 0.2), new CosineEmbeddingLoss(0.2).Call(a, b, y));
        Same(F.TripletMarginLoss(a, b, a.Flip(0), swap: true), new TripletMarginLoss(swap: true).Call(a, b, a.Flip(0)));
    }

    [Fact]
    public void PoolingEmbeddingAndShuffleModulesForwardTheFunctionalOps()
    {
        Tensor.ManualSeed(13);
        var v = Tensor.Randn([1, 2, 4, 4, 4]);
        Same(F.MaxPool3d(v, [2]), new MaxPool3d(2).Call(v));
        Same(F.AvgPool3d(v, [2], [1]), new AvgPool3d(2, 1).Call(v));
        Same(F.AdaptiveAvgPool3d(v, [2, 1, 3]), new AdaptiveAvgPool3d([2, 1, 3]).Call(v));
        var (pooled, indices) = new MaxPool3d(2).ForwardWithIndices(v);
        Same(F.MaxUnpool3d(pooled, indices, [2, 2, 2]), new MaxUnpool3d(2).Call(pooled, indices));
        var p = Tensor.Randn([1, 8, 3, 3]);
        Same(F.PixelShuffle(p, 2), new PixelShuffle(2).Call(p));
        Same(F.LpPool2d(p, 2, [2]), new LPPool2d(2, 2).Call(p));

        var embedding = new Embedding(6, 3, paddingIdx: -2);
        Assert.Equal(4, embedding.PaddingIdx);
        Assert.All(embedding.Weight[4].ToArray<float>(), w => Assert.Equal(0f, w));
        var ids = Tensor.From(new long[] { 1, 4, 5 });
        Same(F.Embedding(ids, embedding.Weight, 4), embedding.Call(ids));
        var frozen = Embedding.FromPretrained(Tensor.Eye(3));
        Assert.False(frozen.Weight.RequiresGrad);
        Assert.Equal("Padding_idx must be within num_embeddings", Assert.Throws<ArgumentException>(() => new Embedding(3, 2, paddingIdx: 3)).Message);
    }

    [Fact]
    public void ReprsMatchPyTorchs()
    {
        Assert.Equal("LeakyReLU(negative_slope=0.01)", new LeakyReLU().ToString());
        Assert.Equal("GELU(approximate='none')", new GELU().ToString());
        Assert.Equal("Softplus(beta=1.0, threshold=20.0)", new Softplus().ToString());
        Assert.Equal("Hardtanh(min_val=-1.0, max_val=1.0)", new Hardtanh().ToString());
        Assert.Equal("ReLU6()", new ReLU6().ToString());
        Assert.Equal("PReLU(num_parameters=1)", new PReLU().ToString());
        Assert.Equal("Hardshrink(0.5)", new Hardshrink().ToString());
        Assert.Equal("ELU(alpha=1.0)", new ELU().ToString());
        Assert.Equal("MSELoss()", new MSELoss().ToString());
        Assert.Equal("Embedding(10, 3)", new Embedding(10, 3).ToString());
        Assert.Equal("Embedding(10, 3, padding_idx=0, max_norm=1.0)", new Embedding(10, 3, 0, 1.0).ToString());
        Assert.Equal("Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)", new Bilinear(2, 3, 4).ToString());
        Assert.Equal("PixelShuffle(upscale_factor=3)", new PixelShuffle(3).ToString());
        Assert.Equal("MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", new MaxPool3d(2).ToString());
        Assert.Equal("AvgPool3d(kernel_size=2, stride=2, padding=0)", new AvgPool3d(2).ToString());
        Assert.Equal("AdaptiveAvgPool3d(output_size=(2, None, 3))", new AdaptiveAvgPool3d([2, null, 3]).ToString());
        Assert.Equal("MaxUnpool1d(kernel_size=(2,), stride=(2,), padding=(0,))", new MaxUnpool1d(2).ToString());
        Assert.Equal("LPPool2d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)", new LPPool2d(2, 3).ToString());
    }
}
