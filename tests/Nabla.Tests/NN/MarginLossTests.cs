using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>
/// The margin losses and gaussian_nll: PyTorch's documented example values, the modules against F, and the behaviours
/// a composition could get wrong (NaN and masked terms, the clamp that lets the gradient through).
/// </summary>
public class MarginLossTests
{
    private static readonly Tensor X = Tensor.From(new[,] { { 0.1, 0.2, 0.4, 0.8 } });

    [Fact]
    public void MultiMarginLossMatchesTorchsDocumentedExample()
    {
        // torch.nn.MultiMarginLoss docs: 1/4 * ((1-(0.8-0.1)) + (1-(0.8-0.2)) + (1-(0.8-0.4))) = 0.325
        Assert.Equal(0.325, new MultiMarginLoss().Call(X, Tensor.From(new long[] { 3 })).Item<double>(), 1e-15);
    }

    [Fact]
    public void MultilabelMarginLossMatchesTorchsDocumentedExample()
    {
        // torch.nn.MultiLabelMarginLoss docs: targets 3 and 0 (the -1 ends the list, so the 1 after it is ignored): 0.85
        Assert.Equal(0.85, new MultiLabelMarginLoss().Call(X, Tensor.From(new long[,] { { 3, 0, -1, 1 } })).Item<double>(), 1e-15);
    }

    [Fact]
    public void MarginLossesSkipNaNAndMaskedTermsAsTheKernelsDo()
    {
        // A NaN z is not > 0, so ATen adds nothing for it; an infinite input at the target's own slot must not turn into inf * 0.
        Assert.Equal(1.3 / 3, F.MultiMarginLoss(Tensor.From(new[] { double.NaN, 0.2, 0.5 }), Tensor.From(1L)).Item<double>(), 1e-15);
        Assert.Equal(0.0, F.MultiMarginLoss(Tensor.From(new[] { 0.1, double.PositiveInfinity, 0.3 }), Tensor.From(1L)).Item<double>());
        Assert.Equal(0.0, F.MultilabelMarginLoss(Tensor.From(new[] { double.PositiveInfinity, -5.0 }), Tensor.From(new long[] { 0, -1 })).Item<double>());
    }

    [Fact]
    public void GaussianNllClampsTheValueButNotTheGradient()
    {
        var input = Tensor.From(new[] { 1.0, 2.0 });
        var target = Tensor.From(new[] { 0.0, 2.0 });
        var variance = Tensor.From(new[] { 1e-9, 4.0 }).RequiresGrad_();
        var loss = F.GaussianNllLoss(input, target, variance, eps: 1e-3, reduction: Reduction.Sum);
        double expected = 0.5 * (Math.Log(1e-3) + 1 / 1e-3) + 0.5 * Math.Log(4.0);
        Assert.Equal(expected, loss.Item<double>(), 1e-9);
        loss.Backward();
        // d/dv of 0.5 (log v + d²/v) at the clamped value v = eps: the gradient passes the clamp unchanged.
        Assert.Equal([0.5 * (1 / 1e-3 - 1 / 1e-6), 0.5 / 4.0], variance.Grad!.ToArray<double>());
        Assert.Throws<ArgumentException>(() => F.GaussianNllLoss(input, target, Tensor.From(new[] { 1.0, -1.0 })));
        Assert.Throws<ArgumentException>(() => F.GaussianNllLoss(input, target, Tensor.From(new[] { 1.0, 1.0, 1.0 })));
    }

    [Fact]
    public void ModulesForwardToTheFunctionalLossesAndRegisterTheirWeights()
    {
        Tensor.ManualSeed(3);
        var x = Tensor.Randn([3, 4], DType.Float64);
        var y = Tensor.Randn([3, 4], DType.Float64);
        var signs = y.Sign();
        var classes = Tensor.From(new long[] { 0, 3, 1 });
        var weight = Tensor.From(new[] { 0.5, 1, 2, 3 });
        Assert.Equal(F.SoftMarginLoss(x, signs, Reduction.Sum).Item<double>(), new SoftMarginLoss(Reduction.Sum).Call(x, signs).Item<double>());
        Assert.Equal(F.HingeEmbeddingLoss(x, signs, 0.3).Item<double>(), new HingeEmbeddingLoss(0.3).Call(x, signs).Item<double>());
        Assert.Equal(F.MultilabelSoftMarginLoss(x, y.Sigmoid(), weight, Reduction.None).ToArray<double>(),
            new MultiLabelSoftMarginLoss(weight, Reduction.None).Call(x, y.Sigmoid()).ToArray<double>());
        Assert.Equal(F.MultiMarginLoss(x, classes, 2, 0.5, weight).Item<double>(), new MultiMarginLoss(2, 0.5, weight).Call(x, classes).Item<double>());
        Assert.Equal(F.GaussianNllLoss(x, y, y.Exp(), true).Item<double>(), new GaussianNLLLoss(full: true).Call(x, y, y.Exp()).Item<double>());
        Assert.Equal(["weight"], new MultiMarginLoss(weight: weight).StateDict().Keys);
        Assert.Equal(["weight"], new MultiLabelSoftMarginLoss(weight).StateDict().Keys);
        Assert.Empty(new MultiMarginLoss().StateDict());
        Assert.Throws<ArgumentException>(() => new MultiMarginLoss(p: 3));
        Assert.Throws<ArgumentException>(() => new MultiMarginLoss(weight: Tensor.Ones([2, 2])));
        Assert.Equal("GaussianNLLLoss()", new GaussianNLLLoss().ToString());
    }
}
