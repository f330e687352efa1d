namespace Nabla.Data;

/// <summary>
/// torch.utils.data.DistributedSampler: the share of a dataset's indices that one of <see cref="NumReplicas"/>
/// processes visits. Each epoch the full order is <c>torch.randperm(n)</c> from a generator seeded with
/// <see cref="Seed"/> + <see cref="Epoch"/> (or 0..n-1 without shuffle); it is padded by repeating its first indices
/// up to a multiple of the replica count (or cut to one with <see cref="DropLast"/>), and rank r takes every
/// replica-count-th index from position r. Every rank therefore sees the same number of indices, and together the
/// ranks cover the dataset once (plus the padding). Call <see cref="SetEpoch"/> at the start of each epoch, as with
/// PyTorch; without it every epoch repeats the same order.
/// </summary>
public sealed class DistributedSampler : Sampler
{
    /// <summary>
    /// A sampler over a dataset of <paramref name="datasetLength"/> items for process <paramref name="rank"/> of
    /// <paramref name="numReplicas"/> (torch's num_replicas, rank, shuffle, seed, drop_last).
    /// </summary>
    /// <exception cref="ArgumentException">A negative length, fewer than one replica, or a rank outside [0, numReplicas - 1].</exception>
    public DistributedSampler(int datasetLength, int numReplicas, int rank, bool shuffle = true, long seed = 0, bool dropLast = false)
    {
        if (datasetLength < 0) throw new ArgumentException($"DistributedSampler: the dataset length must be non-negative, got {datasetLength}", nameof(datasetLength));
        if (numReplicas < 1) throw new ArgumentException($"DistributedSampler: num_replicas must be at least 1, got {numReplicas}", nameof(numReplicas));
        if (rank < 0 || rank >= numReplicas)
            throw new ArgumentException($"Invalid rank {rank}, rank should be in the interval [0, {numReplicas - 1}]", nameof(rank));
        DatasetLength = datasetLength;
        NumReplicas = numReplicas;
        Rank = rank;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        // drop_last with a ragged tail: the largest whole share per rank; otherwise the rounded-up share.
        NumSamples = dropLast && datasetLength % numReplicas != 0
            ? (int)Math.Ceiling((datasetLength - numReplicas) / (double)numReplicas)
            : (datasetLength + numReplicas - 1) / numReplicas;
    }

    /// <summary>The number of items in the dataset.</summary>
    public int DatasetLength { get; }

    /// <summary>The number of processes sharing the dataset (num_replicas).</summary>
    public int NumReplicas { get; }

    /// <summary>This process's share (rank).</summary>
    public int Rank { get; }

    /// <summary>Whether each epoch's order is a seeded permutation (shuffle).</summary>
    public bool Shuffle { get; }

    /// <summary>The base seed; epoch e draws its permutation from seed + e (seed).</summary>
    public long Seed { get; }

    /// <summary>Whether the tail that does not divide evenly is dropped instead of padded (drop_last).</summary>
    public bool DropLast { get; }

    /// <summary>The current epoch, set by <see cref="SetEpoch"/> (epoch).</summary>
    public int Epoch { get; private set; }

    /// <summary>Indices per rank and epoch (num_samples).</summary>
    public int NumSamples { get; }

    /// <summary>Indices over all ranks per epoch, padding included (total_size).</summary>
    public int TotalSize => NumSamples * NumReplicas;

    /// <inheritdoc/>
    public override int Count => NumSamples;

    /// <summary>torch's set_epoch: the epoch whose permutation the next <see cref="NextEpoch"/> returns.</summary>
    public void SetEpoch(int epoch) => Epoch = epoch;

    /// <summary>This rank's indices for the current <see cref="Epoch"/> (the same on every call until <see cref="SetEpoch"/>).</summary>
    public override int[] NextEpoch()
    {
        int[] all;
        if (Shuffle)
        {
            var generator = new Generator(unchecked((ulong)(Seed + Epoch)));
            all = Tensor.Randperm(DatasetLength, DType.Int32, generator).ToArray<int>();
        }
        else all = Enumerable.Range(0, DatasetLength).ToArray();

        var mine = new int[NumSamples];
        for (int i = 0; i < NumSamples; i++)
        {
            int position = Rank + i * NumReplicas; // < TotalSize; past the dataset's end it wraps onto the first indices
            mine[i] = all[position % all.Length];
        }
        return mine;
    }
}
