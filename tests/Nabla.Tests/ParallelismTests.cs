using Nabla.NN;

namespace Nabla.Tests;

public class ParallelismTests
{
    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        Tensor.ManualSeed(3);
        var x = Tensor.Randn([8, 3, 40, 40]);
        var w = Tensor.Randn([16, 3, 3, 3]);
        var big = Tensor.Randn([1 << 20]);
        Tensor[] Run() =>
        [
            big.Sum(), big.Exp() * 3 + big, F.Conv2d(x, w, padding: [1, 1]), x.Reshape(8, -1).Matmul(x.Reshape(8, -1).T),
            x.Softmax(1), x.Sum([0, 2]),
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

    [Fact]
    public void RefusesFewerThanOneThread() =>
        Assert.Contains("set_num_threads expects a positive integer, but got 0", Assert.Throws<ArgumentException>(() => Parallelism.NumThreads = 0).Message);
}
