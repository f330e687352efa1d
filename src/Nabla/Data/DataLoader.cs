using System.Collections;

namespace Nabla.Data;

/// <summary>
/// torch.utils.data.DataLoader for datasets of tensor tuples: batches of <see cref="BatchSize"/> items in the
/// sampler's order, each field stacked along a new first dim (default_collate), the last short batch kept unless
/// <see cref="DropLast"/>. With <see cref="Prefetch"/> the next batch is assembled on a worker thread while the
/// caller trains on the current one; the order and contents do not depend on it.
/// </summary>
public sealed class DataLoader : IEnumerable<Tensor[]>
{
    /// <summary>
    /// A loader over <paramref name="dataset"/>. <paramref name="shuffle"/> draws each epoch's order from
    /// <paramref name="generator"/> (the default generator when null), as <c>RandomSampler</c> does; a
    /// <paramref name="sampler"/> sets the order instead and excludes <paramref name="shuffle"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A batch size below 1, or both a sampler and shuffle.</exception>
    public DataLoader(Dataset<Tensor[]> dataset, int batchSize = 1, bool shuffle = false, bool dropLast = false,
        Sampler? sampler = null, Generator? generator = null, bool prefetch = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize < 1)
            throw new ArgumentException($"batch_size should be a positive integer value, but got batch_size={batchSize}", nameof(batchSize));
        if (sampler is not null && shuffle)
            throw new ArgumentException("sampler option is mutually exclusive with shuffle", nameof(sampler));
        Dataset = dataset;
        BatchSize = batchSize;
        DropLast = dropLast;
        Prefetch = prefetch;
        Sampler = sampler ?? (shuffle ? new RandomSampler(dataset.Count, generator ?? Generator.Default) : new SequentialSampler(dataset.Count));
    }

    /// <summary>The dataset batches are drawn from.</summary>
    public Dataset<Tensor[]> Dataset { get; }

    /// <summary>Items per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether a last, short batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Whether the next batch is assembled in the background.</summary>
    public bool Prefetch { get; }

    /// <summary>The order in which indices are visited.</summary>
    public Sampler Sampler { get; }

    /// <summary>Batches per epoch (Python's <c>len(loader)</c>).</summary>
    public int Count => DropLast ? Sampler.Count / BatchSize : (Sampler.Count + BatchSize - 1) / BatchSize;

    /// <summary>One epoch: draws the sampler's next order and yields its batches.</summary>
    public IEnumerator<Tensor[]> GetEnumerator()
    {
        var order = Sampler.NextEpoch();
        int batches = DropLast ? order.Length / BatchSize : (order.Length + BatchSize - 1) / BatchSize;
        Task<Tensor[]>? next = null;
        for (int b = 0; b < batches; b++)
        {
            var current = next is not null ? next.GetAwaiter().GetResult() : Collate(order, b);
            int following = b + 1; // the lambda must not see the loop variable move on
            next = Prefetch && following < batches ? Task.Run(() => Collate(order, following)) : null;
            yield return current;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Tensor[] Collate(int[] order, int batch)
    {
        int start = batch * BatchSize, count = Math.Min(BatchSize, order.Length - start);
        var indices = order.AsSpan(start, count).ToArray();
        using var _ = GradMode.NoGrad();
        if (Dataset is TensorDataset tensors) return tensors.Rows(Tensor.From(indices, DType.Int64));
        var items = Array.ConvertAll(indices, i => Dataset[i]);
        int fields = items[0].Length;
        var batchFields = new Tensor[fields];
        for (int f = 0; f < fields; f++)
        {
            var column = new Tensor[items.Length];
            for (int i = 0; i < items.Length; i++)
            {
                if (items[i].Length != fields)
                    throw new ArgumentException($"DataLoader: item {indices[i]} has {items[i].Length} fields, item {indices[0]} has {fields}");
                column[i] = items[i][f];
            }
            batchFields[f] = Tensor.Stack(column);
        }
        return batchFields;
    }
}
