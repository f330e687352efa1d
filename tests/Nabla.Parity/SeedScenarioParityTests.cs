using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TIdx = TorchSharp.torch.TensorIndex;
using TF = TorchSharp.torch.nn.functional;

namespace Nabla.Parity;

/// <summary>
/// The seed scenarios (composites the project started from), run in both libraries on identical inputs: forward
/// values and the gradients of every floating input for a fixed cotangent, at the harness tolerances.
/// </summary>
[Collection(DefaultGeneratorsCollection.Name)]
public class SeedScenarioParityTests
{
    private static Tensor NLeaf(float[] values, params int[] shape) => Tensor.From(values).Reshape(shape).Detach().RequiresGrad_();
    private static TT TLeaf(Tensor n) => InputSpec.TorchFromNabla(n.Detach(), true);
    private static TT T(Tensor n) => InputSpec.TorchFromNabla(n, false);

    /// <summary>Deterministic cotangent shaped like the output: (k mod 7 - 3) / 4.</summary>
    private static Tensor Cotangent(Tensor like) =>
        Tensor.From(Enumerable.Range(0, like.Numel).Select(k => (k % 7 - 3) / 4.0).ToArray()).To(like.DType).Reshape(like.Shape);

    /// <summary>Compares outputs, then the gradients of the leaves for <see cref="Cotangent"/> of the first output.</summary>
    private static void Check(string scenario, Tensor[] nOut, TT[] tOut, Tensor[] nLeaves, TT[] tLeaves)
    {
        var fails = new List<string>();
        void Fail(string check, string detail) => fails.Add($"{scenario} [{check}] {detail}");
        for (int k = 0; k < nOut.Length; k++) Runner.CompareTensor(nOut[k], tOut[k], $"output {k}", Fail, "dtype", "shape", "values");
        Assert.True(fails.Count == 0, string.Join("\n", fails));
        var cot = Cotangent(nOut[0]);
        var nG = Autograd.Grad([nOut[0]], nLeaves, [cot], allowUnused: true);
        var tG = torch.autograd.grad([tOut[0]], tLeaves, [T(cot)], allow_unused: true);
        for (int j = 0; j < nLeaves.Length; j++)
            Runner.CompareTensor(nG[j] ?? Tensor.ZerosLike(nLeaves[j]), tG[j], $"grad of input {j}", Fail, "grad", "grad", "grad");
        Assert.True(fails.Count == 0, string.Join("\n", fails));
    }

    [Fact]
    public void RaggedMeanViaCumsumPadIndexDiff()
    {
        using var scope = torch.NewDisposeScope();
        var x = NLeaf(Enumerable.Range(0, 40).Select(i => (float)i).ToArray(), 10, 4);
        var slices = Tensor.From(new long[] { 3, 5, 1, 8, 4, 8, 6, 9 }).Reshape(4, 2);
        var tx = TLeaf(x);
        var ts = T(slices);

        // Prefix sums with a zero row on top: the sum of rows [a, b) is cs[b] - cs[a]; the mean divides by b - a.
        var ncs = F.Pad(x.Cumsum(0), [0, 0, 1, 0]);
        var nSums = ncs.Index(slices).Diff(1, 1).Squeeze(1);
        var nMean = nSums / slices.Diff(1, 1).To(DType.Float32);
        var tcs = TF.pad(tx.cumsum(0), new long[] { 0, 0, 1, 0 });
        var tSums = tcs.index(TIdx.Tensor(ts)).diff(1, 1).squeeze(1);
        var tMean = tSums / ts.diff(1, 1).to_type(torch.ScalarType.Float32);
        Check("ragged-mean", [nMean, nSums, ncs], [tMean, tSums, tcs], [x], [tx]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void GatherOnEachDim(int dim)
    {
        using var scope = torch.NewDisposeScope();
        var x = NLeaf(Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), 2, 3, 4);
        int[] ishape = dim switch { 0 => [2, 3, 4], 1 => [2, 2, 4], _ => [2, 3, 3] };
        int size = x.Shape[dim];
        // Duplicates and every position along the dim: (i*7 + 3) mod size.
        var index = Tensor.From(Enumerable.Range(0, ishape.Aggregate(1, (a, b) => a * b)).Select(i => (long)((i * 7 + 3) % size)).ToArray()).Reshape(ishape);
        var tx = TLeaf(x);
        Check($"gather dim {dim}", [x.Gather(dim, index)], [tx.gather(dim, T(index))], [x], [tx]);
    }

    [Fact]
    public void ColumnNormalize()
    {
        using var scope = torch.NewDisposeScope();
        var x = NLeaf(Enumerable.Range(0, 12).Select(i => (float)(i % 5 + 1)).ToArray(), 3, 4);
        var tx = TLeaf(x);
        Check("x / x.sum(0)", [x / x.Sum([0], false)], [tx / tx.sum(dim: 0)], [x], [tx]);
    }

    [Theory]
    [InlineData(2, 2, 0)]
    [InlineData(3, 1, 1)]
    [InlineData(2, 1, 0)]
    public void MaxPool2dBackwardWithTies(int k, int s, int p)
    {
        using var scope = torch.NewDisposeScope();
        // floor(i / 3) mod 3: runs of equal values, so most windows hold tied maxima.
        var x = NLeaf(Enumerable.Range(0, 96).Select(i => (float)(i / 3 % 3)).ToArray(), 2, 3, 4, 4);
        var tx = TLeaf(x);
        var (no, ni) = F.MaxPool2dWithIndices(x, [k, k], [s, s], [p, p]);
        var (to, ti) = TF.max_pool2d_with_indices(tx, new long[] { k, k }, new long[] { s, s }, new long[] { p, p });
        Check($"max_pool2d k={k} s={s} p={p}", [no, ni], [to, ti], [x], [tx]);
    }

    [Fact]
    public void MaxPoolBackwardScenarioThroughTheModule()
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(0);
        var x = Tensor.Randint(0, 3, [2, 3, 5, 5]).To(DType.Float32).Detach().RequiresGrad_();
        var tx = TLeaf(x);
        var pool = new MaxPool2d(3, stride: 2);
        Check("MaxPool2d(3, stride=2) module", [pool.Call(x)], [TF.max_pool2d(tx, new long[] { 3, 3 }, new long[] { 2, 2 })], [x], [tx]);
    }

    [Fact]
    public void AdaptivePoolNetworkForwardAndBackward()
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(0);
        // The scenario's network (examples/AdaptivePool.SmallNet), built from the same modules in the same order.
        var net = new Sequential(new Conv2d(3, 8, 3, padding: 1), new ReLU(), new MaxPool2d(2), new AdaptiveAvgPool2d(4), new Flatten(), new Linear(128, 10));
        var images = Tensor.Randn([2, 3, 13, 11]);
        var labels = Tensor.From(new long[] { 3, 7 });
        var p = net.Parameters().ToArray();
        var tp = p.Select(TLeaf).ToArray();
        var nLoss = F.CrossEntropy(net.Call(images), labels);
        var hidden = TF.max_pool2d(TF.relu(TF.conv2d(T(images), tp[0], tp[1], padding: new long[] { 1, 1 })), new long[] { 2, 2 });
        var tLogits = TF.linear(TF.adaptive_avg_pool2d(hidden, new long[] { 4, 4 }).flatten(1), tp[2], tp[3]);
        var tLoss = TF.cross_entropy(tLogits, T(labels));
        Check("adaptive-pool network loss", [nLoss], [tLoss], p, tp);
    }
}
