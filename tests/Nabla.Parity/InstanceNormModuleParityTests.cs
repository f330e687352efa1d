using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace Nabla.Parity;

/// <summary>
/// nn.InstanceNorm1d/2d/3d against TorchSharp's modules over libtorch's instance_norm: the same weights, training
/// forward and backward (input, weight and bias gradients under a random cotangent), the running statistics it
/// updates, then evaluation, batched and unbatched.
/// </summary>
[Collection(DefaultGeneratorsCollection.Name)]
public class InstanceNormModuleParityTests
{
    [Theory]
    [InlineData(1, false, false, false)]
    [InlineData(1, true, true, false)]
    [InlineData(1, true, false, true)]
    [InlineData(2, false, true, false)]
    [InlineData(2, true, true, true)]
    [InlineData(3, true, false, false)]
    [InlineData(3, false, true, true)]
    public void TrainThenEvalEqualsLibTorch(int rank, bool affine, bool track, bool unbatched)
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed((ulong)(rank * 8 + (affine ? 4 : 0) + (track ? 2 : 0) + (unbatched ? 1 : 0)));
        const int C = 3;
        InstanceNormNd module = rank switch
        {
            1 => new InstanceNorm1d(C, momentum: 0.2, affine: affine, trackRunningStats: track),
            2 => new InstanceNorm2d(C, affine: affine, trackRunningStats: track),
            _ => new InstanceNorm3d(C, eps: 1e-3, affine: affine, trackRunningStats: track),
        };
        torch.nn.Module<TT, TT> reference = rank switch
        {
            1 => torch.nn.InstanceNorm1d(C, momentum: 0.2, affine: affine, track_running_stats: track),
            2 => torch.nn.InstanceNorm2d(C, affine: affine, track_running_stats: track),
            _ => torch.nn.InstanceNorm3d(C, eps: 1e-3, affine: affine, track_running_stats: track),
        };
        if (affine)
            using (GradMode.NoGrad()) { module.Weight!.Copy_(Tensor.Randn([C])); module.Bias!.Copy_(Tensor.Randn([C])); }
        ModuleCheck.CopyState(module, reference);
        var check = new ModuleCheck();
        Assert.Equal(reference.state_dict().Keys.Order(), module.StateDict().Keys.Order());

        int[] shape = [.. (unbatched ? Array.Empty<int>() : [2]), C, .. Enumerable.Repeat(3, rank)];
        shape[^1] = 4;
        for (int step = 0; step < 2; step++)
        {
            var x = (Tensor.Randn(shape) * 2 + 0.5).RequiresGrad_();
            var tx = ModuleCheck.T(x, true);
            var leaves = new List<(Tensor, TT, string)> { (x, tx, "input") };
            var named = reference.named_parameters().ToDictionary(p => p.name, p => (TT)p.parameter);
            if (affine) { leaves.Add((module.Weight!, named["weight"], "weight")); leaves.Add((module.Bias!, named["bias"], "bias")); }
            module.ZeroGrad();
            reference.zero_grad();
            check.OutputAndGradients(module.Call(x), reference.call(tx), $"train step {step}", [.. leaves]);
            var buffers = reference.named_buffers().ToDictionary(b => b.name, b => (TT)b.buffer);
            if (track)
            {
                check.Same(module.RunningMean, buffers["running_mean"], $"running_mean after step {step}");
                check.Same(module.RunningVar, buffers["running_var"], $"running_var after step {step}");
                check.Same(module.NumBatchesTracked, buffers["num_batches_tracked"], "num_batches_tracked");
            }
        }
        module.Eval();
        reference.eval();
        var xe = Tensor.Randn(shape);
        check.Same(module.Call(xe), reference.call(ModuleCheck.T(xe)), "eval output");
        Assert.Equal($"{module.TypeName}({C}, eps={(rank == 3 ? "0.001" : "1e-05")}, momentum={(rank == 1 ? "0.2" : "0.1")}, affine={(affine ? "True" : "False")}, track_running_stats={(track ? "True" : "False")})", module.ToString());
        check.Assert();
    }

    [Fact]
    public void WrongRankAndAffineChannelMismatchFailAsPyTorch()
    {
        var e = Assert.Throws<ArgumentException>(() => new InstanceNorm2d(3).Call(Tensor.Randn([2, 3, 4, 4, 1])));
        Assert.Equal("expected 3D or 4D input (got 5D input)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new InstanceNorm1d(4, affine: true).Call(Tensor.Randn([2, 3, 5])));
        Assert.Equal("expected input's size at dim=1 to match num_features (4), but got: 3.", e.Message);
        using var scope = torch.NewDisposeScope();
        var te = Assert.ThrowsAny<Exception>(() => torch.nn.InstanceNorm1d(4, affine: true).call(torch.randn(2, 3, 5)));
        Assert.Equal(e.Message, Runner.FirstLine(te));
    }
}
