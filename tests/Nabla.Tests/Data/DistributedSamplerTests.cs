using Nabla.Data;

namespace Nabla.Tests.Data;

/// <summary>DistributedSampler's shares: padding, drop_last, disjoint cover, epochs and errors (values vs libtorch are in Nabla.Parity).</summary>
public class DistributedSamplerTests
{
    private static int[][] Shares(int n, int replicas, bool shuffle = false, bool dropLast = false, int epoch = 0) =>
        [.. Enumerable.Range(0, replicas).Select(r =>
        {
            var s = new DistributedSampler(n, replicas, r, shuffle, seed: 3, dropLast: dropLast);
            s.SetEpoch(epoch);
            return s.NextEpoch();
        })];

    [Fact]
    public void WithoutShuffleRankTakesEveryReplicaThIndexAndPadsWithTheFirst()
    {
        Assert.Equal([[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]], Shares(10, 3));
        Assert.Equal([[0, 3, 6], [1, 4, 7], [2, 5, 8]], Shares(10, 3, dropLast: true));
        Assert.Equal([[0], [1], [0], [1], [0]], Shares(2, 5)); // fewer items than replicas: the indices repeat
        Assert.Equal([[], []], Shares(1, 2, dropLast: true));
        Assert.Equal([[], []], Shares(0, 2));
    }

    [Theory]
    [InlineData(10, 3, false)]
    [InlineData(10, 3, true)]
    [InlineData(12, 4, false)]
    [InlineData(7, 2, true)]
    public void ShuffledSharesAreEqualSizedAndCoverTheDatasetOnce(int n, int replicas, bool dropLast)
    {
        var shares = Shares(n, replicas, shuffle: true, dropLast: dropLast);
        var sampler = new DistributedSampler(n, replicas, 0, dropLast: dropLast);
        Assert.All(shares, s => Assert.Equal(sampler.Count, s.Length));
        var all = shares.SelectMany(s => s).ToArray();
        var distinct = all.Distinct().Count();
        Assert.Equal(dropLast ? sampler.TotalSize : n, distinct); // padding repeats, drop_last leaves no duplicate
        Assert.Equal(dropLast ? n / replicas * replicas : (n + replicas - 1) / replicas * replicas, all.Length);
    }

    [Fact]
    public void TheOrderChangesWithSetEpochOnlyAndMatchesRandpermOfSeedPlusEpoch()
    {
        var s = new DistributedSampler(20, 1, 0, seed: 5);
        var first = s.NextEpoch();
        Assert.Equal(first, s.NextEpoch()); // no SetEpoch: the same order again, as PyTorch
        s.SetEpoch(2);
        Assert.Equal(Tensor.Randperm(20, DType.Int32, new Generator(7)).ToArray<int>(), s.NextEpoch());
        Assert.NotEqual(first, s.NextEpoch());
    }

    [Fact]
    public void WorksAsTheDataLoadersSampler()
    {
        var data = new TensorDataset(Tensor.Arange(0, 9).Reshape(9, 1).To(DType.Float32), Tensor.Arange(0, 9));
        var loader = new DataLoader(data, batchSize: 2, sampler: new DistributedSampler(9, 2, 1, shuffle: false));
        Assert.Equal(3, loader.Count);
        Assert.Equal([1L, 3, 5, 7, 0], loader.SelectMany(b => b[1].ToArray<long>()));
    }

    [Fact]
    public void BadArgumentsGivePyTorchsMessages()
    {
        Assert.Equal("Invalid rank 2, rank should be in the interval [0, 1] (Parameter 'rank')",
            Assert.Throws<ArgumentException>(() => new DistributedSampler(4, 2, 2)).Message);
        Assert.Throws<ArgumentException>(() => new DistributedSampler(4, 2, -1));
        Assert.Throws<ArgumentException>(() => new DistributedSampler(4, 0, 0));
        Assert.Throws<ArgumentException>(() => new DistributedSampler(-1, 2, 0));
    }
}
