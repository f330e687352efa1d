using Nabla.Data;
using TorchSharp;

namespace Nabla.Parity;

/// <summary>
/// DistributedSampler against torch.utils.data.DistributedSampler's algorithm run on libtorch: randperm(n) from a
/// generator seeded with seed + epoch, padded by repeating the first indices (or cut with drop_last), rank r taking
/// indices[r::num_replicas]. The Python sampler is a few lines around libtorch's randperm; they are written out here.
/// </summary>
public class DistributedSamplerParityTests
{
    public static TheoryData<int, int, int, long, int, bool> Cases() => new()
    {
        { 10, 2, 0, 0, 0, false },
        { 10, 3, 2, 0, 1, false },
        { 10, 3, 1, 42, 3, true },
        { 2, 5, 4, 7, 0, false },
        { 3, 4, 1, 7, 2, true },
        { 1000, 3, 2, 123, 5, false },
        { 60000, 2, 1, 0, 4, false },
        { 17, 4, 3, 99, 1, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IndicesMatchTorch(int n, int replicas, int rank, long seed, int epoch, bool dropLast)
    {
        var sampler = new DistributedSampler(n, replicas, rank, shuffle: true, seed: seed, dropLast: dropLast);
        sampler.SetEpoch(epoch);
        Assert.Equal(TorchIndices(n, replicas, rank, seed + epoch, dropLast), sampler.NextEpoch());
    }

    private static int[] TorchIndices(int n, int replicas, int rank, long seed, bool dropLast)
    {
        var g = new torch.Generator((ulong)seed);
        var perm = torch.randperm(n, generator: g).data<long>().Select(v => (int)v).ToList();
        int numSamples = dropLast && n % replicas != 0
            ? (int)Math.Ceiling((n - replicas) / (double)replicas)
            : (int)Math.Ceiling(n / (double)replicas);
        int total = numSamples * replicas;
        if (!dropLast)
        {
            int padding = total - perm.Count;
            var repeated = new List<int>();
            while (repeated.Count < padding) repeated.AddRange(perm);
            perm.AddRange(repeated.Take(padding));
        }
        else perm = perm.Take(total).ToList();
        return [.. perm.Where((_, i) => i >= rank && (i - rank) % replicas == 0)];
    }
}
