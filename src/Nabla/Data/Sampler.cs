namespace Nabla.Data;

/// <summary>
/// torch.utils.data.Sampler: the order in which a <see cref="DataLoader"/> visits dataset indices, epoch by epoch.
/// </summary>
public abstract class Sampler
{
    /// <summary>How many indices one epoch yields.</summary>
    public abstract int Count { get; }

    /// <summary>The indices of the next epoch.</summary>
    public abstract int[] NextEpoch();
}

/// <summary>torch.utils.data.SequentialSampler: 0, 1, ..., n-1 every epoch.</summary>
public sealed class SequentialSampler(int count) : Sampler
{
    /// <inheritdoc/>
    public override int Count { get; } = count >= 0 ? count : throw new ArgumentOutOfRangeException(nameof(count));

    /// <inheritdoc/>
    public override int[] NextEpoch() => Enumerable.Range(0, Count).ToArray();
}

/// <summary>
/// torch.utils.data.RandomSampler without replacement: each epoch is <c>torch.randperm(n, generator=...)</c> drawn
/// from the sampler's generator, so a seeded generator gives PyTorch's sequence of permutations.
/// </summary>
public sealed class RandomSampler(int count, Generator generator) : Sampler
{
    /// <inheritdoc/>
    public override int Count { get; } = count >= 0 ? count : throw new ArgumentOutOfRangeException(nameof(count));

    /// <summary>The generator the permutations are drawn from; its state is the sampler's state.</summary>
    public Generator Generator { get; } = generator ?? throw new ArgumentNullException(nameof(generator));

    /// <inheritdoc/>
    public override int[] NextEpoch() => Tensor.Randperm(Count, DType.Int32, Generator).ToArray<int>();
}
