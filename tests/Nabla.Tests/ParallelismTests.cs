using Nabla.NN;

namespace Nabla.Tests;

// Changes the process-wide thread count: a test running beside it could see two counts within one check.
[Collection(nameof(Nabla.Tests.Train.DefaultGeneratorAlone))]
public class ParallelismTests
{
    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        Tensor.ManualSeed(3);
        var x = Tensor.Randn([8, 3, 40, 40]);
        var w = Tensor.Randn([16, 3, 3, 3]);
        var big = Tensor.Randn([1 << 20]);
        var rows = Tensor.Randn([3000, 64]);
        var rng = new Random(3);
        var slices = new long[400, 2];
        for (int s = 0; s < 400; s++) (slices[s, 0], slices[s, 1]) = (rng.Next(0, 2700), rng.Next(2700, 3001));
        var sliceTensor = Tensor.From(slices);
        var keep = Tensor.Randint(128, [64, 40, 1]).Expand(64, 40, 128); // whole rows kept (the MAE pattern)
        Tensor[] Run() =>
        [
            big.Sum(), big.Exp() * 3 + big, F.Conv2d(x, w, padding: [1, 1]), x.Reshape(8, -1).Matmul(x.Reshape(8, -1).T),
            x.Softmax(1), x.Sum([0, 2]),
            .. ValueAndGrad(t => Tensor.RaggedSliceReduce(t, sliceTensor), rows),
            .. ValueAndGrad(t => Tensor.RaggedSliceReduce(t, sliceTensor, SegmentReduceMode.Sum), rows),
            .. ValueAndGrad(t => F.MaxPool2d(t, 2, 2), x),
            .. ValueAndGrad(t => t / t.Sum([1], keepdim: true), big.Reshape(64, 128, 128)),
            .. ValueAndGrad(t => t.Gather(1, keep), big.Reshape(64, 128, 128)),
        ];
        int saved = Parallelism.NumThreads;
        try
        {
            Parallelism.NumThreads = 1;
            var one = Run();
            Parallelism.NumThreads = 4;
            var four = Run();
            for (int i = 0; i < one.Length; i++) Assert.Equal(one[i].ToArray<float>(), four[i].ToArray<float>());
        }
        finally { Parallelism.NumThreads = saved; }
    }

    /// <summary>f(input) and its gradient for a cotangent derived from the value (so both runs use the same one).</summary>
    private static Tensor[] ValueAndGrad(Func<Tensor, Tensor> f, Tensor input)
    {
        var leaf = input.Detach().RequiresGrad_();
        var y = f(leaf);
        return [y.Detach(), Autograd.Grad([y], [leaf], [y.Detach() * 0.5 + 1])[0]!];
    }

    [Fact]
    public void RefusesFewerThanOneThread() =>
        Assert.Contains("set_num_threads expects a positive integer, but got 0", Assert.Throws<ArgumentException>(() => Parallelism.NumThreads = 0).Message);
}
