namespace Nabla.Data;

/// <summary>A map-style dataset (torch.utils.data.Dataset): a count and an item per index.</summary>
/// <typeparam name="T">The item type, e.g. <c>Tensor[]</c> for (input, target) pairs.</typeparam>
public abstract class Dataset<T>
{
    /// <summary>The number of items (Python's <c>len(dataset)</c>).</summary>
    public abstract int Count { get; }

    /// <summary>The item at <paramref name="index"/> (Python's <c>dataset[index]</c>).</summary>
    /// <exception cref="IndexException"><paramref name="index"/> is outside [0, Count).</exception>
    public abstract T this[int index] { get; }

    /// <summary>A dataset whose items are this one's passed through <paramref name="transform"/> (the transform hook).</summary>
    public Dataset<TOut> Select<TOut>(Func<T, TOut> transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return new TransformedDataset<T, TOut>(this, transform);
    }

    /// <summary>Throws PyTorch's IndexError for an index outside the dataset.</summary>
    protected void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new IndexException($"index {index} is out of range for a dataset of {Count} items");
    }
}

/// <summary>Items of an inner dataset passed through a transform.</summary>
internal sealed class TransformedDataset<TIn, TOut>(Dataset<TIn> inner, Func<TIn, TOut> transform) : Dataset<TOut>
{
    public override int Count => inner.Count;

    public override TOut this[int index] => transform(inner[index]);
}
