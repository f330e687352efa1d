using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>
    /// PyTorch's <c>x[key]</c> and <c>x[key] = value</c>. Ints, slices, Ellipsis and NewAxis give views; index
    /// tensors and Bool masks select copies (advanced indexing), broadcasting together.
    /// </summary>
    [System.Runtime.CompilerServices.IndexerName("Indexer")]
    public Tensor this[params TensorIndex[] key]
    {
        get
        {
            var (view, advanced) = ApplyBasic(key);
            return advanced.Count == 0 ? view : view.AdvancedGet(advanced);
        }
        set
        {
            var (view, advanced) = ApplyBasic(key);
            if (advanced.Count == 0) view.Copy_(value);
            else view.AdvancedPut(advanced, value);
        }
    }

    /// <summary>Applies ints, slices, NewAxis and Ellipsis as views; returns the index tensors by the dim they index.</summary>
    private (Tensor View, List<(int Dim, Tensor Index)> Advanced) ApplyBasic(TensorIndex[] key)
    {
        int consumed = 0;
        foreach (var k in key)
            consumed += k.Kind switch
            {
                TensorIndex.Kinds.Int or TensorIndex.Kinds.Slice => 1,
                TensorIndex.Kinds.Tensor => k.TensorValue!.DType == DType.Bool ? Math.Max(k.TensorValue.Dim, 0) : 1,
                _ => 0,
            };
        if (consumed > Dim)
        {
            if (Dim == 0 && key.Any(k => k.Kind == TensorIndex.Kinds.Int))
                throw Errors.Index("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
            throw Errors.Index($"too many indices for tensor of dimension {Dim}");
        }
        var view = this;
        var advanced = new List<(int, Tensor)>();
        int d = 0, original = 0;
        bool sawEllipsis = false;
        foreach (var k in key)
        {
            switch (k.Kind)
            {
                case TensorIndex.Kinds.Int:
                    int size = view.Layout.Sizes[d];
                    if (k.IntValue < -size || k.IntValue >= size)
                        throw Errors.Index($"index {k.IntValue} is out of bounds for dimension {original} with size {size}");
                    view = view.Select(d, k.IntValue);
                    original++;
                    break;
                case TensorIndex.Kinds.Slice:
                    int? start = k.Start == int.MaxValue ? view.Layout.Sizes[d] : k.Start;
                    view = view.Slice(d, start, k.Stop, k.Step);
                    d++; original++;
                    break;
                case TensorIndex.Kinds.NewAxis:
                    view = view.Unsqueeze(d);
                    d++;
                    break;
                case TensorIndex.Kinds.Ellipsis:
                    if (sawEllipsis) { break; }
                    sawEllipsis = true;
                    int skip = Dim - consumed;
                    d += skip; original += skip;
                    break;
                default:
                    var t = k.TensorValue!;
                    if (t.DType == DType.Bool)
                    {
                        for (int j = 0; j < t.Dim; j++)
                            if (t.Layout.Sizes[j] != view.Layout.Sizes[d + j])
                                throw Errors.Index($"The shape of the mask {Errors.Shape(t.Sizes)} at index {j} does not match the shape of the indexed tensor {Errors.Shape(view.Sizes)} at index {d + j}");
                        var coords = t.NonzeroColumns();
                        for (int j = 0; j < coords.Length; j++) advanced.Add((d + j, coords[j]));
                        d += t.Dim; original += t.Dim;
                    }
                    else
                    {
                        if (t.IsFloatingPoint)
                            throw Errors.Index("tensors used as indices must be long, int, byte or bool tensors");
                        advanced.Add((d, t));
                        d++; original++;
                    }
                    break;
            }
        }
        return (view, advanced);
    }

    /// <summary>The coordinates of set elements of a Bool tensor, one Int64 tensor per dim (torch.nonzero(as_tuple=True)).</summary>
    internal Tensor[] NonzeroColumns()
    {
        var dense = CastRaw(DType.Bool).Contiguous();
        var flat = dense.Data<byte>();
        int offset = dense.StorageOffset; // the dense copy's offset, not this view's
        var strides = Layout.ContiguousStrides(Sizes);
        var hits = new List<int>();
        for (int i = 0; i < Numel; i++) if (flat[offset + i] != 0) hits.Add(i);
        var result = new Tensor[Dim];
        for (int j = 0; j < Dim; j++)
        {
            var col = new long[hits.Count];
            for (int h = 0; h < hits.Count; h++) col[h] = hits[h] / strides[j] % Layout.Sizes[j];
            result[j] = From(col);
        }
        return result;
    }

    /// <summary>
    /// The advanced step: indexed dims move to the front and merge into one, so a single IndexSelect along
    /// dim 0 does the gather; the broadcast index shape then goes where PyTorch puts it (in place when the
    /// indexed dims are adjacent, else first).
    /// </summary>
    private Tensor AdvancedGet(List<(int Dim, Tensor Index)> advanced)
    {
        var (moved, linear, rest, position) = PrepareAdvanced(advanced);
        var flat = moved.Reshape([-1, .. rest]).IndexSelect(0, linear.Reshape(-1));
        var result = flat.Reshape([.. linear.Shape, .. rest]);
        return position == 0 ? result : MoveBroadcastDims(result, linear.Dim, position);
    }

    private void AdvancedPut(List<(int Dim, Tensor Index)> advanced, Tensor value)
    {
        var (_, linear, rest, position) = PrepareAdvanced(advanced);
        var order = AdvancedOrder(advanced);
        var resultShape = position == 0
            ? (int[])[.. linear.Shape, .. rest]
            : [.. rest[..position], .. linear.Shape, .. rest[position..]];
        if (!Shapes.IsExpandableTo(value.Sizes, resultShape))
            throw Errors.Runtime($"shape mismatch: value tensor of shape {Errors.Shape(value.Sizes)} cannot be broadcast to indexing result of shape {Errors.Shape(resultShape)}");
        if (value.DType != DType && !(value.Dim == 0 || value.Numel == 1))
            throw Errors.Runtime($"Index put requires the source and destination dtypes match, got {DType.ScalarTypeName()} for the destination and {value.DType.ScalarTypeName()} for the source.");
        var v = value.To(DType).Expand(resultShape);
        if (position != 0) v = MoveBroadcastDims(v, linear.Dim, position, toFront: true);
        var flatValues = v.Reshape([-1, .. rest]);
        var flatIndex = linear.Reshape(-1);
        InPlace(null, x => x.Permute(order).Reshape([-1, .. rest]).IndexPutRows(flatIndex, flatValues)
            .Reshape([.. order.Select(i => Layout.Sizes[i])]).Permute(Inverse(order)), castAny: true);
    }

    /// <summary>Permutes x so the indexed dims lead, and folds the broadcast indices into one linear index.</summary>
    private (Tensor Moved, Tensor Linear, int[] RestSizes, int Position) PrepareAdvanced(List<(int Dim, Tensor Index)> advanced)
    {
        var shape = advanced.Select(a => a.Index.Shape).Aggregate((a, b) =>
        {
            try { return Shapes.Broadcast(a, b); }
            catch (ArgumentException)
            {
                throw Errors.Index("shape mismatch: indexing tensors could not be broadcast together with shapes " +
                    string.Join(", ", advanced.Select(x => Errors.Shape(x.Index.Sizes))));
            }
        });
        var linear = Zeros(shape, DType.Int64);
        int k = 0;
        foreach (var (dim, index) in advanced.OrderBy(a => a.Dim))
        {
            int size = Layout.Sizes[dim];
            var idx = index.CastRaw(DType.Int64).Contiguous();
            var data = idx.Data<long>();
            for (int i = 0; i < idx.Numel; i++)
            {
                long v = data[idx.StorageOffset + i];
                if (v < -size || v >= size)
                    throw Errors.Index(size == 0 ? "index is out of bounds for dimension with size 0"
                        : $"index {v} is out of bounds for dimension {k} with size {size}");
            }
            var wrapped = Where(idx < 0, idx + size, idx);
            linear = linear * size + wrapped;
            k++;
        }
        var order = AdvancedOrder(advanced);
        var dims = advanced.Select(a => a.Dim).Order().ToArray();
        bool adjacent = dims[^1] - dims[0] == dims.Length - 1;
        var rest = Enumerable.Range(0, Dim).Where(d => !dims.Contains(d)).Select(d => Layout.Sizes[d]).ToArray();
        return (Permute(order), linear, rest, adjacent ? dims[0] : 0);
    }

    private int[] AdvancedOrder(List<(int Dim, Tensor Index)> advanced)
    {
        var dims = advanced.Select(a => a.Dim).Order().ToArray();
        return [.. dims, .. Enumerable.Range(0, Dim).Where(d => !dims.Contains(d))];
    }

    /// <summary>Moves the leading <paramref name="count"/> dims to <paramref name="position"/> (or back to the front).</summary>
    private static Tensor MoveBroadcastDims(Tensor t, int count, int position, bool toFront = false)
    {
        var order = Enumerable.Range(0, t.Dim).ToList();
        var moved = toFront
            ? [.. order.Skip(position).Take(count), .. order.Take(position), .. order.Skip(position + count)]
            : (int[])[.. order.Skip(count).Take(position), .. order.Take(count), .. order.Skip(count + position)];
        return t.Permute(moved);
    }

    private static int[] Inverse(int[] order)
    {
        var inv = new int[order.Length];
        for (int i = 0; i < order.Length; i++) inv[order[i]] = i;
        return inv;
    }

    /// <summary>torch.index_select: the slices of <paramref name="dim"/> named by a 1-d index (negative indices are rejected).</summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        int d = Errors.WrapDim(dim, Dim);
        Errors.Check(index.Dim <= 1, "index_select(): Index is supposed to be a vector");
        Errors.Check(!index.IsFloatingPoint && index.DType != DType.Bool,
            $"index_select(): Expected dtype int32 or int64 for index");
        var idx = index.ToArray<long>();
        int size = Dim == 0 ? 1 : Layout.Sizes[d];
        foreach (var i in idx)
            if (i < 0 || i >= size) throw Errors.Index("index out of range in self");
        var shape = Shape;
        if (Dim > 0) shape[d] = idx.Length;
        var y = Allocate(shape, DType);
        var src = Detach();
        if (Dim == 0) Copy.Into(src, y);
        else
            for (int i = 0; i < idx.Length; i++) Copy.Into(src.Select(d, (int)idx[i]), y.Select(d, i));
        var inputShape = Shape;
        return Graph.Record(y, "IndexSelectBackward0", [this], (g, s, _) => [g.IndexAddInto(inputShape, d, s[0])], index);
    }

    /// <summary>zeros(shape).index_add_(dim, index, this): the backward of IndexSelect, differentiable in turn.</summary>
    private Tensor IndexAddInto(int[] shape, int dim, Tensor index)
    {
        var z = Zeros(shape, DType);
        var idx = index.ToArray<long>();
        var src = Detach();
        if (shape.Length == 0) Copy.Into(src, z);
        else
            for (int i = 0; i < idx.Length; i++)
            {
                var target = z.Select(dim, (int)idx[i]);
                Pointwise.Binary<AddOp>(target, src.Select(dim, i), target);
            }
        return Graph.Record(z, "IndexAddBackward0", [this], (g, _, _) => [g.IndexSelect(dim, index)]);
    }

    /// <summary>Out-of-place row write: rows <paramref name="index"/> of dim 0 replaced by <paramref name="values"/> (last write wins).</summary>
    private Tensor IndexPutRows(Tensor index, Tensor values)
    {
        var y = CloneRaw();
        var idx = index.ToArray<long>();
        var v = values.Detach();
        for (int i = 0; i < idx.Length; i++) Copy.Into(v.Select(0, i), y.Select(0, (int)idx[i]));
        return Graph.Record(y, "IndexPutBackward0", [this, values], (g, _, needs) =>
        [
            needs[0] ? g.IndexPutRows(index, ZerosLike(values)) : null,
            needs[1] ? g.IndexSelect(0, index) : null,
        ]);
    }
}
