using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>Layer modules: forward equals the functional op on the module's own tensors, PyTorch's reprs and checks.</summary>
public class LayerModuleTests
{
    private static void Same(Tensor expected, Tensor actual) => Assert.Equal(expected.ToArray<double>(), actual.ToArray<double>());

    [Fact]
    public void ForwardEqualsTheFunctionalOp()
    {
        Tensor.ManualSeed(3);
        var x1 = Tensor.Randn([2, 3, 9]);
        var x2 = Tensor.Randn([2, 3, 6, 7]);
        var lin = new Linear(7, 4);
        Same(F.Linear(x2, lin.Weight, lin.Bias), lin.Call(x2));
        var c1 = new Conv1d(3, 5, 3, stride: 2, padding: 1);
        Same(F.Conv1d(x1, c1.Weight, c1.Bias, [2], [1]), c1.Call(x1));
        var c2 = new Conv2d(3, 4, [3, 2], padding: [1, 0], groups: 1, bias: false);
        Same(F.Conv2d(x2, c2.Weight, null, [1], [1, 0]), c2.Call(x2));
        var same = new Conv2d(3, 4, [3, 3], ConvPadding.Same);
        Assert.Equal([2, 4, 6, 7], same.Call(x2).Shape);
        var reflect = new Conv2d(3, 2, 3, padding: 1, paddingMode: PaddingMode.Reflect);
        Same(F.Conv2d(F.Pad(x2, [1, 1, 1, 1], PadMode.Reflect), reflect.Weight, reflect.Bias), reflect.Call(x2));
        var t2 = new ConvTranspose2d(3, 2, 3, stride: 2, outputPadding: 1);
        Same(F.ConvTranspose2d(x2, t2.Weight, t2.Bias, [2], [0], [1]), t2.Call(x2));
        var ln = new LayerNorm(7);
        Same(F.LayerNorm(x2, [7], ln.Weight, ln.Bias), ln.Call(x2));
        var gn = new GroupNorm(1, 3);
        Same(F.GroupNorm(x2, 1, gn.Weight, gn.Bias), gn.Call(x2));
        Same(F.Relu(x2), new ReLU().Call(x2));
        Same(x2.Tanh(), new Tanh().Call(x2));
        Same(x2.Sigmoid(), new Sigmoid().Call(x2));
        Same(F.Softmax(x2, 1), new Softmax(1).Call(x2));
        var logits = Tensor.Randn([4, 5]);
        var labels = Tensor.From(new long[] { 0, 4, 2, 2 });
        Same(F.CrossEntropy(logits, labels, labelSmoothing: 0.1), new CrossEntropyLoss(labelSmoothing: 0.1).Call(logits, labels));
        Same(F.NllLoss(logits.LogSoftmax(1), labels, reduction: Reduction.Sum), new NLLLoss(reduction: Reduction.Sum).Call(logits.LogSoftmax(1), labels));
    }

    [Fact]
    public void ReprsMatchPyTorchs()
    {
        Assert.Equal("Linear(in_features=4, out_features=3, bias=True)", new Linear(4, 3).ToString());
        Assert.Equal("Linear(in_features=4, out_features=3, bias=False)", new Linear(4, 3, bias: false).ToString());
        Assert.Equal("Conv2d(1, 6, kernel_size=(3, 3), stride=(1, 1))", new Conv2d(1, 6, 3).ToString());
        Assert.Equal("Conv2d(4, 8, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2, bias=False, padding_mode=reflect)",
            new Conv2d(4, 8, [3, 5], [2, 1], [1, 2], [1, 2], groups: 2, bias: false, paddingMode: PaddingMode.Reflect).ToString());
        Assert.Equal("Conv1d(2, 2, kernel_size=(3,), stride=(1,), padding=same)", new Conv1d(2, 2, 3, ConvPadding.Same).ToString());
        Assert.Equal("ConvTranspose2d(3, 2, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))", new ConvTranspose2d(3, 2, 3, stride: 2, outputPadding: 1).ToString());
        Assert.Equal("BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", new BatchNorm2d(3).ToString());
        Assert.Equal("BatchNorm1d(3, eps=0.001, momentum=None, affine=False, track_running_stats=True)", new BatchNorm1d(3, 1e-3, null, affine: false).ToString());
        Assert.Equal("LayerNorm((4,), eps=1e-05, elementwise_affine=True)", new LayerNorm(4).ToString());
        Assert.Equal("GroupNorm(2, 4, eps=1e-05, affine=True)", new GroupNorm(2, 4).ToString());
        Assert.Equal("Dropout(p=0.5, inplace=False)", new Dropout().ToString());
        Assert.Equal("ReLU()", new ReLU().ToString());
        Assert.Equal("Softmax(dim=1)", new Softmax(1).ToString());
        Assert.Equal("CrossEntropyLoss()", new CrossEntropyLoss().ToString());
        Assert.Equal("Unfold(kernel_size=(2, 3), dilation=1, padding=0, stride=1)", new Unfold([2, 3]).ToString());
    }

    [Fact]
    public void ConstructorsRejectWhatTorchNnRejects()
    {
        Assert.Equal("in_channels must be divisible by groups", Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, groups: 2)).Message);
        Assert.Equal("out_channels must be divisible by groups", Assert.Throws<ArgumentException>(() => new Conv2d(4, 3, 3, groups: 2)).Message);
        Assert.Equal("groups must be a positive integer", Assert.Throws<ArgumentException>(() => new Conv1d(4, 4, 3, groups: 0)).Message);
        Assert.Equal("padding='same' is not supported for strided convolutions",
            Assert.Throws<ArgumentException>(() => new Conv2d(1, 1, [3], ConvPadding.Same, stride: [2])).Message);
        Assert.Equal("num_channels must be divisible by num_groups", Assert.Throws<ArgumentException>(() => new GroupNorm(2, 3)).Message);
        Assert.Equal("dropout probability has to be between 0 and 1, but got 1.5", Assert.Throws<ArgumentException>(() => new Dropout(1.5)).Message);
        Assert.Equal("expected 4D input (got 3D input)", Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Call(Tensor.Zeros([3, 2, 2]))).Message);
    }

    [Fact]
    public void BatchNormTracksBatchesAndUsesRunningStatsInEval()
    {
        var bn = new BatchNorm1d(2, momentum: null);
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], bn.StateDict().Keys);
        var x = Tensor.From(new float[,] { { 1, 10 }, { 3, 20 } });
        bn.Call(x);
        bn.Call(x * 3);
        Assert.Equal(2L, bn.NumBatchesTracked!.Item<long>());
        // momentum None: the cumulative average of the two batch means, (2 + 6) / 2 and (15 + 45) / 2.
        Assert.Equal(new float[] { 4, 30 }, bn.RunningMean!.ToArray<float>());
        bn.Eval();
        var y = bn.Call(x);
        Same(F.BatchNorm(x, bn.RunningMean, bn.RunningVar, bn.Weight, bn.Bias, training: false), y);
        var state = bn.StateDict();
        state.Remove("num_batches_tracked");
        var fresh = new BatchNorm1d(2);
        Assert.Empty(fresh.LoadStateDict(state).MissingKeys);
    }

    [Fact]
    public void DropoutIsTheIdentityInEvalMode()
    {
        var x = Tensor.Ones([4, 4]);
        var dropout = new Dropout(0.5).Eval();
        Assert.Same(x, dropout.Call(x));
        dropout.Train();
        var y = dropout.Call(x).ToArray<float>();
        Assert.All(y, v => Assert.True(v == 0 || v == 2));
    }
}
