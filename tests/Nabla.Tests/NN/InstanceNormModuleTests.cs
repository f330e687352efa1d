using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>InstanceNorm1d/2d/3d modules: defaults, unbatched inputs, running statistics and eval behaviour.</summary>
public class InstanceNormModuleTests
{
    private static bool Close(Tensor a, Tensor b, double tol = 1e-6) =>
        a.Shape.SequenceEqual(b.Shape) && (a - b).Abs().Max().To(DType.Float64).Item<double>() <= tol;

    [Fact]
    public void DefaultsHaveNoParametersNorBuffersAndNormaliseEachChannelInBothModes()
    {
        var norm = new InstanceNorm2d(3);
        Assert.Empty(norm.StateDict());
        var x = Tensor.Randn([2, 3, 4, 5]) * 3 + 1;
        var y = norm.Call(x);
        var expected = (x - x.Mean([2, 3], keepdim: true)) / (x.Var([2, 3], correction: 0, keepdim: true) + 1e-5).Sqrt();
        Assert.True(Close(y, expected, 1e-4));
        Assert.True(Close(norm.Eval().Call(x), y));
    }

    [Fact]
    public void UnbatchedInputIsABatchOfOne()
    {
        var norm = new InstanceNorm1d(3, affine: true, trackRunningStats: true);
        var x = Tensor.Randn([3, 6]);
        var y = norm.Call(x);
        Assert.Equal([3, 6], y.Shape);
        var reference = new InstanceNorm1d(3, affine: true, trackRunningStats: true);
        Assert.True(Close(reference.Call(x.Unsqueeze(0)).Squeeze(0), y));
        Assert.True(Close(reference.RunningMean!, norm.RunningMean!));
    }

    [Fact]
    public void TrackedStatsUpdateInTrainingAndNormaliseInEval()
    {
        var norm = new InstanceNorm3d(2, momentum: 0.5, trackRunningStats: true);
        var x = Tensor.Randn([3, 2, 2, 2, 3]) + 4;
        norm.Call(x);
        var mean = x.Mean([2, 3, 4]).Mean(0);
        Assert.True(Close(norm.RunningMean!, mean * 0.5, 1e-5));
        Assert.Equal(0L, norm.NumBatchesTracked!.Item<long>());
        norm.Eval();
        var y = norm.Call(x);
        var shape = new[] { 1, 2, 1, 1, 1 };
        var expected = (x - norm.RunningMean!.View(shape)) / (norm.RunningVar!.View(shape) + 1e-5).Sqrt();
        Assert.True(Close(y, expected, 1e-4));
    }

    [Fact]
    public void InputGradientPassesGradCheckAndWeightGradientIsTheFunctionals()
    {
        var norm = new InstanceNorm1d(2, affine: true, dtype: DType.Float64);
        using (GradMode.NoGrad()) norm.Weight!.Copy_(Tensor.From(new[] { 0.5, -2.0 }));
        var x = Tensor.Randn([2, 2, 5], DType.Float64).RequiresGrad_();
        Assert.True(GradCheck.Check(norm.Call, x));
        norm.Call(x).Pow(2).Sum().Backward();
        var w = norm.Weight!.Detach().RequiresGrad_();
        F.InstanceNorm(x.Detach(), weight: w, bias: norm.Bias!.Detach()).Pow(2).Sum().Backward();
        Assert.True(Close(norm.Weight.Grad!, w.Grad!));
    }

    [Theory]
    [InlineData(1, new[] { 2, 3, 4, 5 }, "expected 2D or 3D input (got 4D input)")]
    [InlineData(3, new[] { 3, 4 }, "expected 4D or 5D input (got 2D input)")]
    public void WrongRanksFailWithPyTorchsWords(int rank, int[] shape, string message)
    {
        Module<Tensor, Tensor> norm = rank == 1 ? new InstanceNorm1d(3) : new InstanceNorm3d(3);
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => norm.Call(Tensor.Randn(shape))).Message);
    }
}
