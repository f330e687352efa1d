using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>
    /// PyTorch's <c>x[key]</c> and <c>x[key] = value</c>. Ints, slices, Ellipsis and NewAxis give views (ints select
    /// first, as in PyTorch, not NumPy); index tensors, Bool masks and bools select copies, broadcasting together.
    /// </summary>
    [System.Runtime.CompilerServices.IndexerName("Indexer")]
    public Tensor this[params TensorIndex[] key]
    {
        get
        {
            var (view, indices) = ApplyBasic(key);
            if (indices is not null) return view.Index(indices);
            return ReferenceEquals(view, this) ? Alias() : view; // x[...] is a new view, as in PyTorch, never x itself
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            var (view, indices) = ApplyBasic(key);
            var v = StripLeadingOnes(value);
            if (indices is null) view.Copy_(v);
            else view.IndexPut_(indices, v);
        }
    }

    /// <summary>
    /// Applies ints, slices, NewAxis and Ellipsis as views; returns the advanced indices in aten::index's form (one
    /// entry per indexed dim, a Bool/UInt8 mask one entry for all the dims it covers), or null when there are none.
    /// </summary>
    private (Tensor View, Tensor?[]? Indices) ApplyBasic(TensorIndex[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Count(k => k.Kind == TensorIndex.Kinds.Ellipsis) > 1)
            throw Errors.Index("an index can only have a single ellipsis ('...')");
        int specified = key.Sum(k => k.Kind switch
        {
            TensorIndex.Kinds.Int or TensorIndex.Kinds.Slice => 1,
            TensorIndex.Kinds.Tensor => (k.TensorValue ?? throw new ArgumentNullException(nameof(key), "an index tensor is null")).IsMask ? k.TensorValue.Dim : 1,
            _ => 0,
        });
        if (specified > Dim)
        {
            if (Dim == 0 && key.Any(k => k.Kind == TensorIndex.Kinds.Int))
                throw Errors.Index("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
            throw Errors.Index($"too many indices for tensor of dimension {Dim}");
        }
        var view = this;
        var indices = new List<Tensor?>();
        bool advanced = false;
        int d = 0; // the dim of `view` the next key entry applies to
        int original = 0; // the dim of this tensor it applies to, for messages
        foreach (var k in key)
        {
            switch (k.Kind)
            {
                case TensorIndex.Kinds.Int:
                    int size = view.Layout.Sizes[d];
                    long position = k.Position(size);
                    if (position < -size || position >= size)
                        throw Errors.Index($"index {position} is out of bounds for dimension {original} with size {size}");
                    view = view.Select(d, (int)position);
                    original++;
                    break;
                case TensorIndex.Kinds.Slice:
                    if (k.Step <= 0) throw Errors.Runtime("step must be greater than zero");
                    view = view.Slice(d, k.Start == int.MaxValue ? view.Layout.Sizes[d] : k.Start, k.Stop, k.Step);
                    indices.Add(null);
                    d++;
                    original++;
                    break;
                case TensorIndex.Kinds.NewAxis:
                    view = view.Unsqueeze(d);
                    indices.Add(null);
                    d++;
                    break;
                case TensorIndex.Kinds.Ellipsis:
                    for (int i = 0; i < Dim - specified; i++) indices.Add(null);
                    d += Dim - specified;
                    original += Dim - specified;
                    break;
                default:
                    var t = k.TensorValue!;
                    advanced = true;
                    if (t.Dim == 0 && t.IsMask)
                    {
                        // x[True] adds a dim of size 1, x[False] one of size 0; both are advanced indices.
                        // A 0-d UInt8 index is the same legacy mask.
                        view = view.Unsqueeze(d);
                        indices.Add(t.CastRaw(DType.Bool).Item<bool>() ? Zeros([1], DType.Int64) : Zeros([0], DType.Int64));
                        d++;
                        break;
                    }
                    indices.Add(t);
                    d += t.IsMask ? t.Dim : 1;
                    original += t.IsMask ? t.Dim : 1;
                    break;
            }
        }
        return (view, advanced ? [.. indices] : null);
    }

    /// <summary>Bool and (legacy) UInt8 index tensors are masks: they cover as many dims as they have.</summary>
    private bool IsMask => DType is DType.Bool or DType.UInt8;

    /// <summary>at::alias: a new view of the same data with the same layout.</summary>
    private Tensor Alias() =>
        Graph.Record(MakeView(Layout, static b => b.Alias()), Derivatives.AliasBackward0, [this], static (g, _, _) => [g]);

    /// <summary>
    /// torch.Tensor.index (aten::index): one optional index tensor per leading dim; Bool masks cover as many dims
    /// as they have. The result is a copy; its gradient accumulates at duplicate indices.
    /// </summary>
    public Tensor Index(params Tensor?[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var expanded = ExpandMasks(indices, "index");
        var plan = new AdvancedIndex(this, expanded);
        var y = Allocate(plan.ResultShape, DType);
        IndexedCopy.Run<Assign>(y, plan.ResultOuter(y), plan.ResultInner(y), this, plan.SourceOuter(this), plan.SourceInner(this));
        return Graph.Record(y, Derivatives.IndexBackward0, [this], (Shape, Derivatives.IndexSlots.Of(indices)), Derivatives.Index,
            Derivatives.IndexSlots.Saved(indices));
    }

    /// <summary>torch.index_put: a copy with the indexed positions replaced by (or, with accumulate, increased by) values.</summary>
    public Tensor IndexPut(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        var expanded = ExpandMasks(indices, "index_put");
        var plan = new AdvancedIndex(this, expanded);
        if (values.DType != DType)
            throw Errors.Runtime($"Index put requires the source and destination dtypes match, got {DType.ScalarTypeName()} for the destination and {values.DType.ScalarTypeName()} for the source.");
        var v = StripLeadingOnes(values);
        if (!Shapes.IsExpandableTo(v.Sizes, plan.ResultShape))
            throw Errors.Runtime($"shape mismatch: value tensor of shape {Errors.Shape(values.Sizes)} cannot be broadcast to indexing result of shape {Errors.Shape(plan.ResultShape)}");
        var ve = v.Detach().Expand(plan.ResultShape);
        var y = CloneRaw();
        var (outer, inner, vOuter, vInner) = (plan.SourceOuter(y), plan.SourceInner(y), plan.ResultOuter(ve), plan.ResultInner(ve));
        if (accumulate && DType == DType.Bool) IndexedCopy.Run<OrInto>(y, outer, inner, ve, vOuter, vInner);
        else if (accumulate) IndexedCopy.Run<AddInto>(y, outer, inner, ve, vOuter, vInner);
        else IndexedCopy.Run<Assign>(y, outer, inner, ve, vOuter, vInner);
        return Graph.Record(y, Derivatives.IndexPutBackward0, [this, values], (Derivatives.IndexSlots.Of(indices), accumulate), Derivatives.IndexPut,
            Derivatives.IndexSlots.Saved(indices));
    }

    /// <summary>torch.Tensor.index_put_: <see cref="IndexPut"/> in place.</summary>
    public Tensor IndexPut_(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        // PyTorch routes a lone mask with a one-element value to masked_fill_, which casts the value.
        if (!accumulate && indices.Length == 1 && indices[0] is { DType: DType.Bool } mask && mask.Dim <= Dim && values.Numel == 1)
        {
            var m = mask.Reshape([.. mask.Shape, .. Enumerable.Repeat(1, Dim - mask.Dim)]);
            return InPlace(null, x => Where(m, values.To(x.DType).Reshape(), x), castAny: true, operand: values);
        }
        return InPlace(null, x => x.IndexPut(indices, values, accumulate), castAny: true, operand: values);
    }

    /// <summary>Replaces each Bool/UInt8 mask by the coordinates of its set elements, one index per mask dim.</summary>
    private Tensor?[] ExpandMasks(Tensor?[] indices, string op)
    {
        var result = new List<Tensor?>();
        foreach (var t in indices)
        {
            if (t is null) { result.Add(null); continue; }
            if (t.IsFloatingPoint)
                throw Errors.Index("tensors used as indices must be long, int, byte or bool tensors");
            if (t.DType is not (DType.Bool or DType.UInt8)) { result.Add(t); continue; }
            int start = result.Count;
            for (int j = 0; j < t.Dim; j++)
                if (start + j >= Dim || t.Layout.Sizes[j] != Layout.Sizes[start + j])
                    throw Errors.Index($"The shape of the mask {Errors.Shape(t.Sizes)} at index {j} does not match the shape of the indexed tensor {Errors.Shape(Sizes)} at index {start + j}");
            result.AddRange(t.NonzeroColumns());
        }
        while (result.Count > 0 && result[^1] is null) result.RemoveAt(result.Count - 1);
        if (result.Count > Dim)
            throw Errors.Index($"too many indices for tensor of dimension {Dim}" + (op == "index_put" ? $" (got {result.Count})" : ""));
        if (result.Count == 0)
            throw Errors.Index("at least one index must be provided");
        return [.. result];
    }

    /// <summary>The coordinates of set elements of a mask, one Int64 tensor per dim (torch.nonzero(as_tuple=True)).</summary>
    internal Tensor[] NonzeroColumns()
    {
        var flat = CastRaw(DType.Bool).ToArray<bool>();
        var strides = Layout.ContiguousStrides(Sizes);
        var hits = Enumerable.Range(0, flat.Length).Where(i => flat[i]).ToArray();
        return Enumerable.Range(0, Dim)
            .Select(j => From(hits.Select(h => (long)(h / strides[j] % Layout.Sizes[j])).ToArray()))
            .ToArray();
    }

    /// <summary>Assignments drop leading size-1 dims of the value first, so a (1,1,3) value fits a (3,) target.</summary>
    private static Tensor StripLeadingOnes(Tensor v)
    {
        int lead = 0;
        while (lead < v.Dim && v.Layout.Sizes[lead] == 1) lead++;
        return lead == 0 ? v : v.Reshape(v.Shape[lead..]);
    }

    /// <summary>torch.index_select: the slices of <paramref name="dim"/> named by a 1-d index (negative indices are rejected).</summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        int d = Errors.WrapDim(dim, Dim);
        if (index.Dim > 1) throw Errors.Index("index_select(): Index is supposed to be a vector");
        if (index.IsFloatingPoint || index.DType is DType.Bool or DType.UInt8)
            throw Errors.Runtime("index_select(): Expected dtype int32 or int64 for index");
        int size = Dim == 0 ? 1 : Layout.Sizes[d];
        if (Dim == 0 && index.Numel != 1)
            throw Errors.Index($"index_select(): Index to scalar can have only 1 value, got {index.Numel} value(s)");
        foreach (var i in index.ToArray<long>())
            if (i < 0 || i >= size)
                throw Dim >= 2 && d == 1 ? Errors.Runtime($"INDICES element is out of DATA bounds, id={i} axis_dim={size}")
                    : Errors.Index("index out of range in self");
        if (Dim == 0) return Graph.Record(CloneRaw(), Derivatives.IndexSelectBackward0, [this], static (g, _, _) => [g]);
        var key = new Tensor?[d + 1];
        key[d] = index.Reshape(-1);
        var y = Detach().Index(key);
        var shape = Shape;
        return Graph.Record(y, Derivatives.IndexSelectBackward0, [this], (shape, d), static (g, s, _, a) => [g.IndexAddInto(a.shape, a.d, s[0])], key[d]!);
    }

    /// <summary>zeros(shape).index_add_(dim, index, this): the backward of IndexSelect, differentiable in turn.</summary>
    internal Tensor IndexAddInto(int[] shape, int dim, Tensor index) => Zeros(shape, DType).IndexAdd(dim, index, this);
}
