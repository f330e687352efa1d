namespace Nabla.Data;

/// <summary>
/// torch.utils.data.TensorDataset: item i is row i of each tensor. A <see cref="DataLoader"/> over it gathers a
/// whole batch with one <see cref="Tensor.IndexSelect"/> per tensor instead of stacking rows one by one.
/// </summary>
public sealed class TensorDataset : Dataset<Tensor[]>
{
    private readonly Tensor[] _tensors;

    /// <summary>Pairs up the rows of <paramref name="tensors"/>, which must share their first size.</summary>
    /// <exception cref="ArgumentException">No tensors, a 0-d tensor, or first sizes that differ.</exception>
    public TensorDataset(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("TensorDataset: at least one tensor is needed", nameof(tensors));
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            if (t.Dim == 0) throw new ArgumentException("TensorDataset: 0-d tensors have no rows", nameof(tensors));
            if (t.Size(0) != tensors[0].Size(0))
                throw new ArgumentException(
                    $"Size mismatch between tensors: [{string.Join(", ", tensors.Select(x => x.Dim == 0 ? "()" : x.Size(0).ToString()))}]", nameof(tensors));
        }
        _tensors = tensors;
    }

    /// <summary>The tensors whose rows are the items.</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <inheritdoc/>
    public override int Count => _tensors[0].Size(0);

    /// <inheritdoc/>
    public override Tensor[] this[int index]
    {
        get
        {
            CheckIndex(index);
            return Array.ConvertAll(_tensors, t => t[index]);
        }
    }

    /// <summary>The rows at <paramref name="indices"/> of each tensor, as a batch.</summary>
    internal Tensor[] Rows(Tensor indices) => Array.ConvertAll(_tensors, t => t.IndexSelect(0, indices));
}
