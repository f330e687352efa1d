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
        // Normalisation
        new("batch_norm_train", [[4, 3, 2], [3], [3]], x => F.BatchNorm(x[0], Tensor.Zeros([3], DType.Float64), Tensor.Ones([3], DType.Float64), x[1], x[2], training: true)),
        new("batch_norm_eval", [[4, 3], [3], [3]], x => F.BatchNorm(x[0], Tensor.Full([3], 0.2, DType.Float64), Tensor.Full([3], 1.5, DType.Float64), x[1], x[2])),
        new("layer_norm", [[3, 2, 4], [2, 4], [2, 4]], x => F.LayerNorm(x[0], [2, 4], x[1], x[2])),
        new("layer_norm_plain", [[3, 4]], x => F.LayerNorm(x[0], [4])),
        new("group_norm", [[2, 4, 3], [4], [4]], x => F.GroupNorm(x[0], 2, x[1], x[2])),
        new("group_norm_plain", [[2, 6, 2, 2]], x => F.GroupNorm(x[0], 3)),
        new("dropout", [[3, 4]], x => F.Dropout(x[0], 0.4, generator: new Generator(3))),
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
