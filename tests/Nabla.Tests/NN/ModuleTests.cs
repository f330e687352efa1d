using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>Module infrastructure: names, state dicts, modes, hooks, reprs, gradients and dtype conversion.</summary>
public class ModuleTests
{
    /// <summary>y = x·Wᵀ + b with a persistent buffer and a non-persistent one, registered the way torch.nn modules do.</summary>
    private sealed class Affine : Module<Tensor, Tensor>
    {
        public Affine(int inFeatures, int outFeatures)
        {
            RegisterParameter("weight", Parameter.Create(Tensor.Arange(0, inFeatures * outFeatures).To(DType.Float32).Reshape(outFeatures, inFeatures) / 10));
            RegisterParameter("bias", Parameter.Create(Tensor.Ones([outFeatures])));
            RegisterBuffer("calls", Tensor.Zeros([1], DType.Int64));
            RegisterBuffer("scratch", Tensor.Zeros([2]), persistent: false);
        }

        public Tensor Weight => ParameterSlot("weight")!;
        public Tensor Bias => ParameterSlot("bias")!;

        public override Tensor Forward(Tensor input) => input.Matmul(Weight.T) + Bias;

        public override string ExtraRepr() => $"in_features={Weight.Size(1)}, out_features={Weight.Size(0)}";
    }

    private sealed class Net : Module<Tensor, Tensor>
    {
        public Net()
        {
            Features = RegisterModule("features", new Sequential(new Flatten(), new Affine(4, 3)));
            Head = RegisterModule("head", new Affine(3, 2));
        }

        public Sequential Features { get; }
        public Affine Head { get; }

        public override Tensor Forward(Tensor input) => Head.Call(Features.Call(input));
    }

    [Fact]
    public void NamedParametersUseDottedPyTorchNamesInRegistrationOrder()
    {
        var net = new Net();
        Assert.Equal(["features.1.weight", "features.1.bias", "head.weight", "head.bias"], net.NamedParameters().Select(p => p.Name));
        Assert.Equal(["features.1.calls", "features.1.scratch", "head.calls", "head.scratch"], net.NamedBuffers().Select(b => b.Name));
        Assert.Equal(["", "features", "features.0", "features.1", "head"], net.NamedModules().Select(m => m.Name));
        Assert.Equal(["features", "head"], net.NamedChildren().Select(c => c.Name));
        Assert.Equal(["head.weight", "head.bias"], net.Head.NamedParameters("head").Select(p => p.Name));
        Assert.Equal(2, net.Head.Parameters(recurse: false).Count());
        Assert.Empty(net.Parameters(recurse: false));
    }

    [Fact]
    public void SharedModulesAndParametersAreListedOnce()
    {
        var shared = new Affine(2, 2);
        var seq = new Sequential(shared, shared);
        Assert.Equal(["0.weight", "0.bias"], seq.NamedParameters().Select(p => p.Name));
        Assert.Equal(4, seq.NamedParameters(removeDuplicate: false).Count());
        Assert.Equal(["0.weight", "0.bias", "0.calls", "1.weight", "1.bias", "1.calls"], seq.StateDict().Keys);
    }

    [Fact]
    public void StateDictRoundTripsIntoAFreshModelInPlace()
    {
        var source = new Net();
        using (GradMode.NoGrad()) source.Head.Weight.Mul_(-3);
        var state = source.StateDict();
        Assert.Equal(["features.1.weight", "features.1.bias", "features.1.calls", "head.weight", "head.bias", "head.calls"], state.Keys);
        Assert.False(state["head.weight"].RequiresGrad);

        var target = new Net();
        var weight = target.Head.Weight;
        var result = target.LoadStateDict(state);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Same(weight, target.Head.Weight);
        Assert.True(weight.RequiresGrad);
        Assert.Equal(source.Head.Weight.ToArray<float>(), weight.ToArray<float>());
    }

    [Fact]
    public void StrictLoadReportsMissingUnexpectedAndSizeMismatchAsPyTorch()
    {
        var net = new Net();
        var state = net.StateDict();
        state.Remove("head.bias");
        state["head.extra"] = Tensor.Zeros([1]);
        state["features.1.weight"] = Tensor.Zeros([3, 5]);
        var e = Assert.Throws<ArgumentException>(() => net.LoadStateDict(state));
        Assert.Equal("Error(s) in loading state_dict for Net:\n" +
            "\tMissing key(s) in state_dict: \"head.bias\". \n" +
            "\tUnexpected key(s) in state_dict: \"head.extra\". \n" +
            "\tsize mismatch for features.1.weight: copying a param with shape torch.Size([3, 5]) from checkpoint, the shape in current model is torch.Size([3, 4]).",
            e.Message);

        state["features.1.weight"] = Tensor.Zeros([3, 4]);
        var keys = net.LoadStateDict(state, strict: false);
        Assert.Equal(["head.bias"], keys.MissingKeys);
        Assert.Equal(["head.extra"], keys.UnexpectedKeys);
        Assert.All(net.Features[1].Parameters().First().ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TrainAndEvalSetTheWholeTree()
    {
        var net = new Net().Eval();
        Assert.All(net.Modules(), m => Assert.False(m.Training));
        net.Train();
        Assert.All(net.Modules(), m => Assert.True(m.Training));
        net.Features.Training = false;
        Assert.True(net.Features[0].Training);
    }

    [Fact]
    public void ForwardHooksReplaceInputAndOutputUntilRemoved()
    {
        var layer = new Affine(2, 1);
        var seen = new List<string>();
        var pre = layer.RegisterForwardPreHook((m, x) => x * 2);
        var post = layer.RegisterForwardHook((m, x, y) => y + 100);
        var observe = layer.RegisterForwardHook((m, x, y) => seen.Add(y.ToArray<float>()[0].ToString(System.Globalization.CultureInfo.InvariantCulture)), prepend: true);
        var x = Tensor.From(new float[] { 1, 1 }).Reshape(1, 2);
        // W = [[0, 0.1]], b = 1: plain forward 1.1; doubled input 1.2; +100 after.
        Assert.Equal(101.2f, layer.Call(x).Item<float>(), 4);
        Assert.Equal(["1.2"], seen);
        Assert.Equal(1.1f, layer.Forward(x).Item<float>(), 4);
        pre.Remove();
        post.Dispose();
        observe.Remove();
        observe.Remove();
        Assert.Equal(1.1f, layer.Call(x).Item<float>(), 4);
        Assert.Single(seen);
    }

    [Fact]
    public void ReprMatchesPyTorchsModelPrintout()
    {
        var net = new Net();
        Assert.Equal(
            "Net(\n" +
            "  (features): Sequential(\n" +
            "    (0): Flatten(start_dim=1, end_dim=-1)\n" +
            "    (1): Affine(in_features=4, out_features=3)\n" +
            "  )\n" +
            "  (head): Affine(in_features=3, out_features=2)\n" +
            ")", net.ToString());
        Assert.Equal("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", new MaxPool2d(2).ToString());
        Assert.Equal("MaxPool2d(kernel_size=(3, 2), stride=(1, 1), padding=(1, 0), dilation=(1, 1), ceil_mode=True)",
            new MaxPool2d([3, 2], [1, 1], [1, 0], [1, 1], ceilMode: true).ToString());
        Assert.Equal("AvgPool1d(kernel_size=(3,), stride=(1,), padding=(0,))", new AvgPool1d(3, 1).ToString());
        Assert.Equal("AdaptiveAvgPool2d(output_size=(2, None))", new AdaptiveAvgPool2d([2, null]).ToString());
        Assert.Equal("ConstantPad1d(padding=(2, 2), value=3.5)", new ConstantPad1d(2, 3.5).ToString());
        Assert.Equal("ZeroPad2d((1, 1, 1, 1))", new ZeroPad2d(1).ToString());
        Assert.Equal("ReflectionPad1d((2, 1))", new ReflectionPad1d(2, 1).ToString());
        Assert.Equal("Identity()", new Identity().ToString());
        Assert.Equal(
            "ModuleList(\n" +
            "  (0-1): 2 x Identity()\n" +
            "  (2): Flatten(start_dim=1, end_dim=-1)\n" +
            "  (3): Identity()\n" +
            ")", new ModuleList<Module>([new Identity(), new Identity(), new Flatten(), new Identity()]).ToString());
        Assert.Equal("ModuleList()", new ModuleList<Module>().ToString());
    }

    [Fact]
    public void ParameterPrintsUnderParameterContaining()
    {
        var p = Parameter.Create(Tensor.Zeros([2]));
        Assert.True(p.IsParameter && p.RequiresGrad && p.IsLeaf);
        Assert.Equal("Parameter containing:\ntensor([0., 0.], requires_grad=True)", p.ToString());
        Assert.False(p.Detach().IsParameter);
    }

    [Fact]
    public void ZeroGradSetsToNoneByDefaultOrZeroes()
    {
        var net = new Net();
        net.Call(Tensor.Ones([2, 2, 2])).Sum().Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
        net.ZeroGrad(setToNone: false);
        Assert.All(net.Parameters(), p => Assert.All(p.Grad!.ToArray<float>(), v => Assert.Equal(0f, v)));
        net.ZeroGrad();
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void RequiresGradAndApplyVisitTheTree()
    {
        var net = new Net().RequiresGrad_(false);
        Assert.All(net.Parameters(), p => Assert.False(p.RequiresGrad));
        var visited = new List<string>();
        net.Apply(m => visited.Add(m.TypeName));
        Assert.Equal(["Flatten", "Affine", "Sequential", "Affine", "Net"], visited);
    }

    [Fact]
    public void ToDtypeConvertsFloatingStateAndKeepsParameterIdentity()
    {
        var net = new Net();
        net.Call(Tensor.Ones([1, 4])).Sum().Backward();
        var weight = net.Head.Weight;
        net.Double();
        Assert.Same(weight, net.Head.Weight);
        Assert.Equal(DType.Float64, weight.DType);
        Assert.Equal(DType.Float64, weight.Grad!.DType);
        Assert.True(weight.RequiresGrad && weight.IsParameter);
        Assert.Equal(DType.Int64, net.StateDict()["head.calls"].DType);
        Assert.Equal(DType.Float64, net.Buffers().Last().DType);
        Assert.Equal(DType.Float64, net.Call(Tensor.Ones([1, 4], DType.Float64)).DType);
        var e = Assert.Throws<ArgumentException>(() => net.To(DType.Int64));
        Assert.Equal("nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64", e.Message);
    }

    [Fact]
    public void RegistrationRejectsWhatPyTorchRejects()
    {
        var m = new Affine(1, 1);
        Assert.Equal("cannot assign 'torch.FloatTensor' object to parameter 'w' (torch.nn.Parameter or None required)",
            Assert.Throws<ArgumentException>(() => m.RegisterParameter("w", Tensor.Zeros([1]))).Message);
        Assert.Equal("parameter name can't contain \".\"", Assert.Throws<ArgumentException>(() => m.RegisterParameter("a.b", null)).Message);
        Assert.Equal("attribute 'calls' already exists", Assert.Throws<ArgumentException>(() => m.RegisterParameter("calls", null)).Message);
        Assert.Equal("module name can't be empty string \"\"", Assert.Throws<ArgumentException>(() => m.RegisterModule("", new Identity())).Message);
        Assert.StartsWith("Cannot assign non-leaf Tensor to parameter 'w'",
            Assert.Throws<ArgumentException>(() => m.RegisterParameter("w", NonLeafParameter())).Message);
        m.RegisterParameter("bias", null);
        Assert.Equal(["weight"], m.NamedParameters().Select(p => p.Name));
        Assert.DoesNotContain("bias", m.StateDict().Keys);
    }

    /// <summary>A parameter-flagged tensor that has a grad_fn (an in-place op on a parameter view under grad mode).</summary>
    private static Tensor NonLeafParameter()
    {
        var p = Parameter.Create(Tensor.Ones([1]), requiresGrad: false);
        p.Mul_(Tensor.Ones([1], requiresGrad: true));
        return p;
    }

    [Fact]
    public void SequentialIndexesSlicesAndRenumbersLikePyTorch()
    {
        var a = new Identity();
        var b = new Flatten();
        var c = new MaxPool2d(2);
        var seq = new Sequential(a, b, c);
        Assert.Same(c, seq[-1]);
        Assert.Equal("index 3 is out of range", Assert.Throws<IndexException>(() => seq[3]).Message);
        var tail = seq[1..];
        Assert.Equal(["1", "2"], tail.NamedChildren().Select(x => x.Name));
        seq.Insert(0, new Identity());
        Assert.Equal(["0", "1", "2", "3"], seq.NamedChildren().Select(x => x.Name));
        Assert.Same(a, seq[1]);
        Assert.Same(b, seq.Pop(2));
        Assert.Equal(3, seq.Count);
        Assert.Same(c, seq[2]);
        var named = new Sequential([("pool", (Module<Tensor, Tensor>)c), ("flat", b)]);
        Assert.Equal("Sequential(\n  (pool): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n  (flat): Flatten(start_dim=1, end_dim=-1)\n)", named.ToString());
        Assert.Equal([2, 4], named.Call(Tensor.Ones([2, 1, 4, 4])).Shape);
    }

    [Fact]
    public void ModuleDictKeepsInsertionOrderAndRegistersChildren()
    {
        var dict = new ModuleDict<Module>([new("pool", new MaxPool2d(2)), new("id", new Identity())]);
        Assert.Equal(["pool", "id"], dict.Keys);
        dict["flat"] = new Flatten();
        Assert.Equal(["", "pool", "id", "flat"], dict.NamedModules().Select(m => m.Name));
        Assert.IsType<Identity>(dict.Pop("id"));
        Assert.Throws<KeyNotFoundException>(() => dict["id"]);
        Assert.Equal(2, dict.Count);
    }
}
