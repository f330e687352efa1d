using Nabla.Kernels;

namespace Nabla.Core;

/// <summary>
/// The plan of one advanced-indexing step (aten::index / index_put_): the broadcast index shape B, the
/// un-indexed ("rest") dims, the result shape (B in place of adjacent indexed dims, else first), and the
/// storage offsets that turn element (b, r) into a position of the indexed tensor.
/// </summary>
internal sealed class AdvancedIndex
{
    public readonly int[] BroadcastShape;
    public readonly int[] ResultShape;
    private readonly int[] _indexedDims;
    private readonly int[] _restDims;
    private readonly int _position;
    private readonly long[][] _wrapped; // per indexed dim, the broadcast indices made non-negative

    /// <param name="x">the tensor being indexed</param>
    /// <param name="indices">one optional Int64/Int32 index per leading dim of <paramref name="x"/> (masks already expanded)</param>
    public AdvancedIndex(Tensor x, Tensor?[] indices)
    {
        var present = Enumerable.Range(0, indices.Length).Where(i => indices[i] is not null).ToArray();
        _indexedDims = present;
        _restDims = Enumerable.Range(0, x.Dim).Where(d => !present.Contains(d)).ToArray();
        BroadcastShape = present.Select(i => indices[i]!.Shape).Aggregate((a, b) =>
        {
            try { return Shapes.Broadcast(a, b); }
            catch (ArgumentException)
            {
                throw Errors.Index("shape mismatch: indexing tensors could not be broadcast together with shapes " +
                    string.Join(", ", present.Select(i => Errors.Shape(indices[i]!.Sizes))));
            }
        });
        _wrapped = new long[present.Length][];
        for (int k = 0; k < present.Length; k++)
        {
            int size = x.Size(present[k]);
            var values = indices[present[k]]!.Expand(BroadcastShape).ToArray<long>();
            for (int i = 0; i < values.Length; i++)
            {
                long v = values[i];
                if (v < -size || v >= size)
                    throw Errors.Index(size == 0 ? "index is out of bounds for dimension with size 0"
                        : $"index {v} is out of bounds for dimension {k} with size {size}");
                values[i] = v < 0 ? v + size : v;
            }
            _wrapped[k] = values;
        }
        bool adjacent = present[^1] - present[0] == present.Length - 1;
        _position = adjacent ? present[0] : 0;
        var rest = _restDims.Select(d => x.Size(d)).ToArray();
        ResultShape = [.. rest[.._position], .. BroadcastShape, .. rest[_position..]];
    }

    /// <summary>Offsets of element (b, ·) in a tensor laid out like the indexed one.</summary>
    public int[] SourceOuter(Tensor x)
    {
        var outer = new int[Layout.NumelOf(BroadcastShape)];
        for (int b = 0; b < outer.Length; b++)
        {
            long o = x.StorageOffset;
            for (int k = 0; k < _indexedDims.Length; k++) o += _wrapped[k][b] * x.Layout.Strides[_indexedDims[k]];
            outer[b] = (int)o;
        }
        return outer;
    }

    /// <summary>Offsets of element (·, r) in a tensor laid out like the indexed one.</summary>
    public int[] SourceInner(Tensor x) => IndexCopy.Offsets(
        _restDims.Select(d => x.Layout.Sizes[d]).ToArray(), _restDims.Select(d => x.Layout.Strides[d]).ToArray(), 0);

    /// <summary>Offsets of element (b, ·) in a tensor shaped like the result (e.g. the output, or expanded values).</summary>
    public int[] ResultOuter(Tensor r) => IndexCopy.Offsets(BroadcastShape,
        r.Layout.Strides.AsSpan(_position, BroadcastShape.Length), r.StorageOffset);

    /// <summary>Offsets of element (·, r) in a tensor shaped like the result.</summary>
    public int[] ResultInner(Tensor r)
    {
        int nb = BroadcastShape.Length;
        var dims = Enumerable.Range(0, _restDims.Length).Select(j => j < _position ? j : j + nb).ToArray();
        return IndexCopy.Offsets(dims.Select(d => r.Layout.Sizes[d]).ToArray(), dims.Select(d => r.Layout.Strides[d]).ToArray(), 0);
    }
}
