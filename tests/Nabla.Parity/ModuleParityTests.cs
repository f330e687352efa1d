using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TF = TorchSharp.torch.nn.functional;

namespace Nabla.Parity;

/// <summary>
/// Modules against libtorch: the initial weights after the same seed (PyTorch's reset_parameters replayed with
/// libtorch's own uniform_/normal_/fill_ kernels, in torch.nn's order), a small model's state_dict keys and shapes
/// against TorchSharp's modules (libtorch's names), and module forwards against the functional ops.
/// </summary>
[Collection(DefaultGeneratorsCollection.Name)]
public class ModuleParityTests
{
    private static long[] L(params int[] shape) => shape.Select(s => (long)s).ToArray();

    /// <summary>torch.nn's kaiming_uniform_(w, a=√5) and the bias bound 1/√fan_in, on libtorch tensors.</summary>
    private static (TT Weight, TT? Bias) TorchLayerInit(int[] weightShape, int biasSize, bool bias)
    {
        var w = torch.empty(L(weightShape));
        long fanIn = weightShape[1] * weightShape.Skip(2).Aggregate(1L, (a, b) => a * b);
        double gain = Math.Sqrt(2.0 / (1 + Math.Pow(Math.Sqrt(5), 2)));
        double bound = Math.Sqrt(3.0) * (gain / Math.Sqrt(fanIn));
        w.uniform_(-bound, bound);
        if (!bias) return (w, null);
        var b = torch.empty(biasSize);
        double bb = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        b.uniform_(-bb, bb);
        return (w, b);
    }

    [Theory]
    [InlineData(4, 3, true, 0UL)]
    [InlineData(20, 7, true, 1UL)]
    [InlineData(64, 32, false, 42UL)]
    public void LinearInitialWeightsEqualPyTorchs(int inFeatures, int outFeatures, bool bias, ulong seed)
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(seed);
        var linear = new Linear(inFeatures, outFeatures, bias);
        torch.manual_seed((long)seed);
        var (w, b) = TorchLayerInit([outFeatures, inFeatures], outFeatures, bias);
        InitParityTests.AssertBitsEqual(linear.Weight, w, "Linear.weight");
        if (bias) InitParityTests.AssertBitsEqual(linear.Bias!, b!, "Linear.bias");
        else Assert.Null(linear.Bias);
    }

    [Theory]
    [InlineData(1, 6, 3, 1, 0UL)]
    [InlineData(3, 8, 5, 1, 7UL)]
    [InlineData(4, 6, 3, 2, 3UL)]
    public void Conv2dInitialWeightsEqualPyTorchs(int inChannels, int outChannels, int kernel, int groups, ulong seed)
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(seed);
        var conv = new Conv2d(inChannels, outChannels, kernel, groups: groups);
        torch.manual_seed((long)seed);
        var (w, b) = TorchLayerInit([outChannels, inChannels / groups, kernel, kernel], outChannels, true);
        InitParityTests.AssertBitsEqual(conv.Weight, w, "Conv2d.weight");
        InitParityTests.AssertBitsEqual(conv.Bias!, b!, "Conv2d.bias");
    }

    [Fact]
    public void ModelBuiltInOrderStartsFromPyTorchsWeightsAndMatchesItsStateDictLayout()
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(0);
        var model = new Sequential(new Conv2d(1, 4, 3), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(),
            new Linear(4 * 3 * 3, 10), new LayerNorm(10));

        torch.manual_seed(0);
        var (cw, cb) = TorchLayerInit([4, 1, 3, 3], 4, true);
        var (lw, lb) = TorchLayerInit([10, 36], 10, true);
        var state = model.StateDict();
        InitParityTests.AssertBitsEqual(state["0.weight"], cw, "0.weight");
        InitParityTests.AssertBitsEqual(state["0.bias"], cb!, "0.bias");
        InitParityTests.AssertBitsEqual(state["5.weight"], lw, "5.weight");
        InitParityTests.AssertBitsEqual(state["5.bias"], lb!, "5.bias");
        InitParityTests.AssertBitsEqual(state["1.weight"], torch.ones(4), "BatchNorm2d.weight");
        InitParityTests.AssertBitsEqual(state["1.running_var"], torch.ones(4), "BatchNorm2d.running_var");
        InitParityTests.AssertBitsEqual(state["6.bias"], torch.zeros(10), "LayerNorm.bias");

        var reference = torch.nn.Sequential(
            ("0", torch.nn.Conv2d(1, 4, 3)), ("1", torch.nn.BatchNorm2d(4)), ("2", torch.nn.ReLU()), ("3", torch.nn.MaxPool2d(2)),
            ("4", torch.nn.Flatten()), ("5", torch.nn.Linear(36, 10)), ("6", torch.nn.LayerNorm(10)));
        // Compared as sets: TorchSharp lists every parameter before every buffer; PyTorch (and Nabla) go module by module.
        var expected = reference.state_dict().Select(kv => (kv.Key, string.Join(",", kv.Value.shape), kv.Value.dtype.ToString())).Order().ToList();
        var actual = state.Select(kv => (kv.Key, string.Join(",", kv.Value.Shape), Runner.ToTorch(kv.Value.DType).ToString())).Order().ToList();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(PaddingMode.Zeros)]
    [InlineData(PaddingMode.Reflect)]
    [InlineData(PaddingMode.Replicate)]
    [InlineData(PaddingMode.Circular)]
    public void Conv2dPaddingModesEqualPadThenConvolveInLibTorch(PaddingMode mode)
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(5);
        var conv = new Conv2d(2, 3, [3, 2], padding: [1, 2], paddingMode: mode);
        var x = Tensor.Randn([2, 2, 5, 6]);
        var y = conv.Call(x);
        var tx = InputSpec.TorchFromNabla(x, false);
        var tw = InputSpec.TorchFromNabla(conv.Weight.Detach(), false);
        var tb = InputSpec.TorchFromNabla(conv.Bias!.Detach(), false);
        TT expected = mode == PaddingMode.Zeros
            ? TF.conv2d(tx, tw, tb, padding: new long[] { 1, 2 })
            : TF.conv2d(TF.pad(tx, new long[] { 2, 2, 1, 1 }, mode switch
            {
                PaddingMode.Reflect => TorchSharp.PaddingModes.Reflect,
                PaddingMode.Replicate => TorchSharp.PaddingModes.Replicate,
                _ => TorchSharp.PaddingModes.Circular,
            }), tw, tb);
        var fails = new List<string>();
        Runner.CompareTensor(y, expected, "conv2d " + mode, (c, d) => fails.Add(c + " " + d), "dtype", "shape", "values");
        Assert.True(fails.Count == 0, string.Join("\n", fails));
    }

    [Fact]
    public void BatchNorm2dTrainingUpdatesRunningStatsAsLibTorchThenEvaluatesWithThem()
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(9);
        var bn = new BatchNorm2d(3, momentum: 0.3);
        var x = Tensor.Randn([4, 3, 2, 2]) * 2 + 1;
        var tx = InputSpec.TorchFromNabla(x, false);
        var tMean = torch.zeros(3);
        var tVar = torch.ones(3);
        var fails = new List<string>();
        void Fail(string c, string d) => fails.Add(c + " " + d);
        Runner.CompareTensor(bn.Call(x), TF.batch_norm(tx, tMean, tVar, torch.ones(3), torch.zeros(3), true, 0.3, 1e-5), "train", Fail, "dtype", "shape", "values");
        Runner.CompareTensor(bn.RunningMean!, tMean, "running_mean", Fail, "dtype", "shape", "values");
        Runner.CompareTensor(bn.RunningVar!, tVar, "running_var", Fail, "dtype", "shape", "values");
        Assert.Equal(1L, bn.NumBatchesTracked!.Item<long>());
        bn.Eval();
        Runner.CompareTensor(bn.Call(x), TF.batch_norm(tx, tMean, tVar, torch.ones(3), torch.zeros(3), false, 0.3, 1e-5), "eval", Fail, "dtype", "shape", "values");
        Assert.True(fails.Count == 0, string.Join("\n", fails));
    }

    [Theory]
    [InlineData(10, 3, null, 0UL)]
    [InlineData(7, 2, 3, 1UL)]
    [InlineData(50, 16, -1, 2UL)]
    public void EmbeddingInitialWeightsEqualPyTorchs(int num, int dim, int? paddingIdx, ulong seed)
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(seed);
        var embedding = new Embedding(num, dim, paddingIdx);
        torch.manual_seed((long)seed);
        var w = torch.empty(num, dim);
        w.normal_();
        if (paddingIdx is { } p) w[p < 0 ? p + num : p].fill_(0);
        InitParityTests.AssertBitsEqual(embedding.Weight, w, "Embedding.weight");
    }

    [Fact]
    public void BilinearInitialWeightsEqualPyTorchs()
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(4);
        var bilinear = new Bilinear(5, 3, 4);
        torch.manual_seed(4);
        double bound = 1 / Math.Sqrt(5);
        var w = torch.empty(4, 5, 3);
        w.uniform_(-bound, bound);
        var b = torch.empty(4);
        b.uniform_(-bound, bound);
        InitParityTests.AssertBitsEqual(bilinear.Weight, w, "Bilinear.weight");
        InitParityTests.AssertBitsEqual(bilinear.Bias!, b, "Bilinear.bias");
    }
}
