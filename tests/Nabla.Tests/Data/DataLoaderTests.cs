using Nabla.Data;

namespace Nabla.Tests.Data;

public class DataLoaderTests
{
    private static TensorDataset Numbers(int n) =>
        new(Tensor.Arange(0, n).Reshape(n, 1).To(DType.Float32), Tensor.Arange(0, n));

    [Fact]
    public void SequentialBatchesKeepTheLastShortBatch()
    {
        var batches = new DataLoader(Numbers(10), batchSize: 4).ToList();
        Assert.Equal([[4, 1], [4, 1], [2, 1]], batches.Select(b => b[0].Shape));
        Assert.Equal([8L, 9L], batches[2][1].ToArray<long>());
        Assert.Equal(3, new DataLoader(Numbers(10), batchSize: 4).Count);
    }

    [Fact]
    public void DropLastDropsTheShortBatch()
    {
        var loader = new DataLoader(Numbers(10), batchSize: 4, dropLast: true);
        Assert.Equal(2, loader.Count);
        Assert.Equal(2, loader.Count());
    }

    [Fact]
    public void ShuffleFollowsTheSeedAndIsAPermutationEachEpoch()
    {
        static long[][] Epochs(ulong seed)
        {
            var loader = new DataLoader(Numbers(10), batchSize: 3, shuffle: true, generator: new Generator(seed));
            return [.. Enumerable.Range(0, 2).Select(_ => loader.SelectMany(b => b[1].ToArray<long>()).ToArray())];
        }
        var a = Epochs(7);
        Assert.Equal(a, Epochs(7));
        Assert.NotEqual(a[0], a[1]); // a new order each epoch
        Assert.NotEqual(a[0], Epochs(8)[0]);
        foreach (var epoch in a) Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), epoch.Order());
        // RandomSampler draws torch.randperm(n, generator=g): the first epoch is that permutation.
        Assert.Equal(Tensor.Randperm(10, generator: new Generator(7)).ToArray<long>(), a[0]);
    }

    [Fact]
    public void PrefetchDoesNotChangeTheBatches()
    {
        long[] Run(bool prefetch) => new DataLoader(Numbers(50), batchSize: 7, shuffle: true, generator: new Generator(3), prefetch: prefetch)
            .SelectMany(b => b[1].ToArray<long>()).ToArray();
        Assert.Equal(Run(false), Run(true));
    }

    [Fact]
    public void TransformedDatasetsAreStackedItemByItem()
    {
        var doubled = Numbers(5).Select(item => new[] { item[0] * 2, item[1] });
        var batch = new DataLoader(doubled, batchSize: 5).Single();
        Assert.Equal([5, 1], batch[0].Shape);
        Assert.Equal([0f, 2f, 4f, 6f, 8f], batch[0].ToArray<float>());
    }

    [Fact]
    public void RefusesBadOptions()
    {
        Assert.Contains("batch_size should be a positive integer value, but got batch_size=0",
            Assert.Throws<ArgumentException>(() => new DataLoader(Numbers(3), batchSize: 0)).Message);
        Assert.Contains("mutually exclusive", Assert.Throws<ArgumentException>(() =>
            new DataLoader(Numbers(3), shuffle: true, sampler: new SequentialSampler(3))).Message);
        Assert.Contains("Size mismatch between tensors",
            Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros(3), Tensor.Zeros(4))).Message);
        Assert.Throws<IndexException>(() => Numbers(3)[3]);
    }
}
