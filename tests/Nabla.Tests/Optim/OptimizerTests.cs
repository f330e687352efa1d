using Nabla.Optim;

namespace Nabla.Tests.Optim;

public class OptimizerTests
{
    private static Tensor Param(params float[] v) => Tensor.From(v).Detach().RequiresGrad_();

    private static void SetGrads(Tensor[] ps, float scale)
    {
        foreach (var p in ps) p.Grad = Tensor.From(Enumerable.Range(0, p.Numel).Select(i => (float)Math.Sin(i + scale)).ToArray()).Reshape(p.Shape);
    }

    [Fact]
    public void SgdStepIsParamMinusLrTimesGrad()
    {
        var p = Param(1f, 2f, 3f);
        p.Grad = Tensor.From(new[] { 0.5f, -1f, 2f });
        new SGD([p], lr: 0.1).Step();
        Assert.Equal(new[] { 1f - 0.05f, 2f + 0.1f, 3f - 0.2f }, p.ToArray<float>());
    }

    [Fact]
    public void ParamGroupsKeepTheirOwnOptions()
    {
        var a = Param(1f); var b = Param(1f);
        var opt = new SGD([new ParamGroupSpec([a]), new ParamGroupSpec([b]) { ["lr"] = 0.5 }], lr: 0.1);
        a.Grad = Tensor.From(new[] { 1f }); b.Grad = Tensor.From(new[] { 1f });
        opt.Step();
        Assert.Equal(0.9f, a.ToArray<float>()[0]);
        Assert.Equal(0.5f, b.ToArray<float>()[0]);
        Assert.Equal(0.1, opt.ParamGroups[0].Lr);
        Assert.Equal(0.5, opt.ParamGroups[1].Lr);
    }

    [Fact]
    public void AddParamGroupRejectsDuplicatesAndNonLeaves()
    {
        var a = Param(1f);
        var opt = new Adam([a]);
        Assert.Equal("some parameters appear in more than one parameter group",
            Assert.Throws<ArgumentException>(() => opt.AddParamGroup([a])).Message);
        Assert.Equal("can't optimize a non-leaf Tensor", Assert.Throws<ArgumentException>(() => opt.AddParamGroup([a * 2])).Message);
        Assert.Equal("optimizer got an empty parameter list", Assert.Throws<ArgumentException>(() => new SGD(Array.Empty<Tensor>())).Message);
    }

    [Fact]
    public void ConstructorsRejectBadOptionsWithPyTorchsText()
    {
        var a = Param(1f);
        Assert.Equal("Invalid learning rate: -0.1", Assert.Throws<ArgumentException>(() => new SGD([a], lr: -0.1)).Message);
        Assert.Equal("Invalid epsilon value: -1e-08", Assert.Throws<ArgumentException>(() => new Adam([a], eps: -1e-8)).Message);
        Assert.Equal("Invalid beta parameter at index 1: 1.0", Assert.Throws<ArgumentException>(() => new AdamW([a], betas: (0.9, 1.0))).Message);
        Assert.Equal("Nesterov momentum requires a momentum and zero dampening", Assert.Throws<ArgumentException>(() => new SGD([a], nesterov: true)).Message);
        Assert.Equal("Invalid rho value: 1.5", Assert.Throws<ArgumentException>(() => new Adadelta([a], rho: 1.5)).Message);
    }

    [Fact]
    public void ZeroGradSetsToNoneOrZeroesInPlace()
    {
        var a = Param(1f, 2f);
        var opt = new SGD([a]);
        a.Grad = Tensor.From(new[] { 3f, 4f });
        var grad = a.Grad;
        opt.ZeroGrad(setToNone: false);
        Assert.Same(grad, a.Grad);
        Assert.Equal(new[] { 0f, 0f }, grad.ToArray<float>());
        opt.ZeroGrad();
        Assert.Null(a.Grad);
    }

    [Fact]
    public void StateDictHasPyTorchsLayoutAndRestoresTheTrajectory()
    {
        Tensor[] Make() => [Param(0.1f, -0.2f, 0.3f), Param(0.5f)];
        var ps = Make();
        var opt = new Adam(ps, lr: 0.01, amsgrad: true);
        for (int s = 0; s < 3; s++) { SetGrads(ps, s); opt.Step(); }
        var sd = opt.StateDict();
        var state = (Dictionary<object, object?>)sd["state"]!;
        var group = (Dictionary<object, object?>)((List<object?>)sd["param_groups"]!)[0]!;
        Assert.Equal(new object?[] { 0L, 1L }, ((List<object?>)group["params"]!).ToArray());
        Assert.Equal(0.01, group["lr"]);
        var s0 = (Dictionary<object, object?>)state[0L]!;
        Assert.Equal(new[] { "step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq" }, s0.Keys.Cast<string>().ToArray());
        Assert.Equal(3f, ((Tensor)s0["step"]!).Item<float>());

        // A fresh optimizer loaded from the state dict continues exactly like the original.
        var qs = Make();
        for (int k = 0; k < ps.Length; k++) using (GradMode.NoGrad()) qs[k].Copy_(ps[k]);
        var restored = new Adam(qs, lr: 0.5);
        restored.LoadStateDict(sd);
        Assert.Equal(0.01, restored.ParamGroups[0].Lr);
        for (int s = 3; s < 6; s++)
        {
            SetGrads(ps, s); opt.Step();
            SetGrads(qs, s); restored.Step();
        }
        for (int k = 0; k < ps.Length; k++) Assert.Equal(ps[k].ToArray<float>(), qs[k].ToArray<float>());
    }

    [Fact]
    public void StateDictSurvivesAPyTorchCheckpointRoundTrip()
    {
        var ps = new[] { Param(0.1f, -0.2f), Param(0.3f) };
        var opt = new AdamW(ps, lr: 0.01, amsgrad: true);
        for (int s = 0; s < 3; s++) { SetGrads(ps, s); opt.Step(); }
        var ms = new MemoryStream();
        Nabla.IO.PyTorchCheckpoint.Save(opt.StateDict(), ms);
        var loaded = (Dictionary<object, object?>)Nabla.IO.PyTorchCheckpoint.Load(new MemoryStream(ms.ToArray()))!;
        var qs = new[] { Param(0.1f, -0.2f), Param(0.3f) };
        for (int k = 0; k < ps.Length; k++) using (GradMode.NoGrad()) qs[k].Copy_(ps[k]);
        var restored = new AdamW(qs);
        restored.LoadStateDict(loaded.ToDictionary(kv => (string)kv.Key, kv => kv.Value));
        Assert.Equal((0.9, 0.999), restored.ParamGroups[0].Pair("betas"));
        SetGrads(ps, 5); opt.Step();
        SetGrads(qs, 5); restored.Step();
        for (int k = 0; k < ps.Length; k++) Assert.Equal(ps[k].ToArray<float>(), qs[k].ToArray<float>());
    }

    [Fact]
    public void LoadStateDictRejectsMismatchedGroups()
    {
        var opt = new SGD([Param(1f)], momentum: 0.9);
        var other = new SGD([Param(1f), Param(2f)], momentum: 0.9);
        Assert.Equal("loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
            Assert.Throws<ArgumentException>(() => opt.LoadStateDict(other.StateDict())).Message);
    }

    [Fact]
    public void LoadedStateOfTheWrongShapeIsRejectedNotReadOutOfRange()
    {
        var p = Param(1f, 2f, 3f);
        var opt = new SGD([p], momentum: 0.9);
        var sd = opt.StateDict();
        ((Dictionary<object, object?>)sd["state"]!)[0L] = new Dictionary<object, object?> { ["momentum_buffer"] = Tensor.Zeros(1) };
        opt.LoadStateDict(sd);
        p.Grad = Tensor.Ones(3);
        Assert.Throws<ArgumentException>(() => opt.Step());
    }

    [Fact]
    public void NonContiguousParametersAreUpdatedInPlace()
    {
        var baseTensor = Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } });
        var p = baseTensor.T.Detach().RequiresGrad_();
        p.Grad = Tensor.From(new float[,] { { 1, 1 }, { 1, 1 } });
        new SGD([p], lr: 1).Step();
        Assert.Equal(new[] { 0f, 2f, 1f, 3f }, p.ToArray<float>());
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("rmsprop")]
    [InlineData("nadam")]
    public void StepAllocatesNextToNothing(string kind)
    {
        var ps = new[] { Tensor.Randn(64, 64).Detach().RequiresGrad_(), Tensor.Randn(64).Detach().RequiresGrad_() };
        Optimizer opt = kind switch
        {
            "sgd" => new SGD(ps, lr: 0.01, momentum: 0.9),
            "adam" => new Adam(ps, amsgrad: true),
            "rmsprop" => new RMSprop(ps, momentum: 0.9, centered: true),
            _ => new NAdam(ps),
        };
        SetGrads(ps, 1);
        opt.Step();
        opt.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) opt.Step();
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        // 4 KB of parameters and state per tensor: a step that copied any of them would allocate far more.
        Assert.True(perStep < 512, $"{kind}: {perStep} bytes per step");
    }
}
