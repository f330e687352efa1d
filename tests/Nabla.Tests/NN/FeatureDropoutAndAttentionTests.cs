using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>Channel-wise dropout (F.Dropout1d/2d/3d and their modules) and the MultiheadAttention module.</summary>
// Seeds the default generator: runs alone so no parallel test draws between the seed and the draw.
[Collection(nameof(Nabla.Tests.Train.DefaultGeneratorAlone))]
public class FeatureDropoutAndAttentionTests
{
    [Fact]
    public void Dropout2dZeroesWholeChannelsAndScalesTheRest()
    {
        Tensor.ManualSeed(3);
        var y = F.Dropout2d(Tensor.Ones([4, 6, 3, 5]), 0.5).ToArray<float>();
        int zeroed = 0;
        for (int channel = 0; channel < 24; channel++)
        {
            var values = y.Skip(channel * 15).Take(15).Distinct().ToArray();
            Assert.True(values.Length == 1 && values[0] is 0f or 2f, $"channel {channel}: {string.Join(", ", values)}");
            if (values[0] == 0f) zeroed++;
        }
        Assert.InRange(zeroed, 1, 23);
    }

    [Fact]
    public void ModulesEqualTheFunctionalOpsAndAreTheIdentityInEval()
    {
        var x = Tensor.Randn([2, 3, 4, 2, 2]);
        (Module<Tensor, Tensor> Module, Func<Tensor, Tensor> Op, Tensor Input)[] cases =
        [
            (new Dropout1d(0.3), t => F.Dropout1d(t, 0.3), x[0, 0]),
            (new Dropout2d(0.3), t => F.Dropout2d(t, 0.3), x[0]),
            (new Dropout3d(0.3), t => F.Dropout3d(t, 0.3), x),
        ];
        foreach (var (module, op, input) in cases)
        {
            Tensor.ManualSeed(8);
            var expected = op(input).ToArray<float>();
            Tensor.ManualSeed(8);
            Assert.Equal(expected, module.Call(input).ToArray<float>());
            module.Eval();
            Assert.Same(input, module.Call(input));
        }
    }

    [Fact]
    public void UnbatchedInputsDrawAsABatchOfOne()
    {
        var x = Tensor.Randn([5, 7]);
        Tensor.ManualSeed(2);
        var unbatched = F.Dropout1d(x, 0.5).ToArray<float>();
        Tensor.ManualSeed(2);
        Assert.Equal(F.Dropout1d(x.Unsqueeze(0), 0.5).Squeeze(0).ToArray<float>(), unbatched);
        var v = Tensor.Randn([3, 2, 2, 2]);
        Tensor.ManualSeed(2);
        var unbatched3d = F.Dropout3d(v, 0.5).ToArray<float>();
        Tensor.ManualSeed(2);
        Assert.Equal(F.Dropout3d(v.Unsqueeze(0), 0.5).Squeeze(0).ToArray<float>(), unbatched3d);
    }

    [Fact]
    public void ReprsAndErrorsAreTorchs()
    {
        Assert.Equal("Dropout1d(p=0.5, inplace=False)", new Dropout1d().ToString());
        Assert.Equal("Dropout2d(p=0.2, inplace=False)", new Dropout2d(0.2).ToString());
        Assert.Equal("Dropout3d(p=0.5, inplace=False)", new Dropout3d().ToString());
        Assert.Equal("dropout probability has to be between 0 and 1, but got -0.1", Assert.Throws<ArgumentException>(() => new Dropout3d(-0.1)).Message);
        Assert.Equal("dropout probability has to be between 0 and 1, but got 2", Assert.Throws<ArgumentException>(() => F.Dropout2d(Tensor.Ones([2, 2]), 2)).Message);
        Assert.StartsWith("dropout1d: Expected 2D or 3D input, but received a 4D input.", Assert.Throws<ArgumentException>(() => F.Dropout1d(Tensor.Ones([1, 2, 3, 4]))).Message);
        Assert.Equal("Feature dropout requires at least 2 dimensions in the input", Assert.Throws<ArgumentException>(() => F.Dropout2d(Tensor.Ones([4]))).Message);
        Assert.Equal("Feature dropout requires at least 2 dimensions in the input", Assert.Throws<ArgumentException>(() => F.Dropout3d(Tensor.Ones([]))).Message);
    }

    [Fact]
    public void MultiheadAttentionRegistersPyTorchsParametersAndReadsEveryLayout()
    {
        Tensor.ManualSeed(1);
        var mha = new MultiheadAttention(6, 2);
        Assert.Equal(["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"], mha.StateDict().Keys);
        Assert.Equal(new float[18], mha.InProjBias!.ToArray<float>());
        Assert.Equal(["in_proj_weight", "out_proj.weight"], new MultiheadAttention(6, 3, bias: false).StateDict().Keys);

        var q = Tensor.Randn([3, 2, 6]);
        var kv = Tensor.Randn([4, 2, 6]);
        var (y, w) = mha.Call(q, kv, kv);
        Assert.Equal([3, 2, 6], y.Shape);
        Assert.Equal([2, 3, 4], w!.Shape);
        var (y0, w0) = mha.Call(q[.., 0], kv[.., 0], kv[.., 0]);
        Assert.Equal(y[.., 0].ToArray<float>(), y0.ToArray<float>());
        Assert.Equal(w[0].ToArray<float>(), w0!.ToArray<float>());

        var batchFirst = new MultiheadAttention(6, 2, batchFirst: true);
        batchFirst.LoadStateDict(mha.StateDict());
        var (yb, _) = batchFirst.Call(q.Transpose(0, 1), kv.Transpose(0, 1), kv.Transpose(0, 1));
        Assert.Equal(y.Transpose(0, 1).ToArray<float>(), yb.ToArray<float>());
        var (_, perHead) = mha.Forward(q, kv, kv, averageAttnWeights: false);
        Assert.Equal([2, 2, 3, 4], perHead!.Shape);
        Assert.Null(mha.Forward(q, kv, kv, needWeights: false).Weights);

        Assert.Equal("embed_dim must be divisible by num_heads", Assert.Throws<ArgumentException>(() => new MultiheadAttention(5, 2)).Message);
        Assert.Throws<ArgumentException>(() => mha.Call(Tensor.Randn([3, 2, 5]), kv, kv));
    }
}

/// <summary>RMSNorm, LocalResponseNorm and PairwiseDistance modules: forward equals F, PyTorch's reprs and state dict keys.</summary>
public class MoreNormalizationModuleTests
{
    [Fact]
    public void ForwardsEqualTheFunctionalOps()
    {
        var x = Tensor.Randn([2, 5, 3, 4]);
        var rms = new RMSNorm([3, 4], eps: 1e-6);
        Assert.Equal(F.RmsNorm(x, [3, 4], rms.Weight, 1e-6).ToArray<float>(), rms.Call(x).ToArray<float>());
        Assert.Equal(F.LocalResponseNorm(x, 3, 1e-3, 0.5, 2).ToArray<float>(), new LocalResponseNorm(3, 1e-3, 0.5, 2).Call(x).ToArray<float>());
        var a = Tensor.Randn([4, 6]);
        var b = Tensor.Randn([4, 6]);
        Assert.Equal(F.PairwiseDistance(a, b, 1, 1e-6, true).ToArray<float>(), new PairwiseDistance(1, keepdim: true).Call(a, b).ToArray<float>());
    }

    [Fact]
    public void ReprsAndStateDictKeysAreTorchs()
    {
        Assert.Equal("RMSNorm((4,), eps=None, elementwise_affine=True)", new RMSNorm(4).ToString());
        Assert.Equal("RMSNorm((2, 3), eps=1e-05, elementwise_affine=False)", new RMSNorm([2, 3], 1e-5, false).ToString());
        Assert.Equal(["weight"], new RMSNorm(4).StateDict().Keys);
        Assert.Equal(new float[] { 1, 1, 1, 1 }, new RMSNorm(4).Weight!.ToArray<float>());
        Assert.Empty(new RMSNorm(4, elementwiseAffine: false).StateDict());
        Assert.Equal("LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)", new LocalResponseNorm(2).ToString());
        Assert.Equal("PairwiseDistance()", new PairwiseDistance().ToString());
        Assert.Empty(new LocalResponseNorm(2).StateDict());
    }
}

/// <summary>The PoissonNLLLoss module.</summary>
public class PoissonNLLLossModuleTests
{
    [Fact]
    public void ForwardEqualsTheFunctionalLossAndReprIsTorchs()
    {
        var input = Tensor.Rand([3, 4]) + 0.1;
        var target = Tensor.From(new float[,] { { 0, 1, 2, 3 }, { 4, 0, 1, 5 }, { 2, 2, 0, 1 } });
        var loss = new PoissonNLLLoss(logInput: false, full: true, reduction: Reduction.Sum);
        Assert.Equal(F.PoissonNllLoss(input, target, false, true, 1e-8, Reduction.Sum).ToArray<float>(), loss.Call(input, target).ToArray<float>());
        Assert.Equal("PoissonNLLLoss()", loss.ToString());
    }
}
