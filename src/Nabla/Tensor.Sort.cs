using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

public sealed partial class Tensor
{
    // ---- sort family ------------------------------------------------------------------------------------------

    /// <summary>
    /// torch.sort: the values along <paramref name="dim"/> in order, and where each came from. Nabla's sort is
    /// always stable (equal elements keep their order, descending too), which is one of the orders PyTorch may
    /// return when <paramref name="stable"/> is false. NaN sorts above every number.
    /// </summary>
    public (Tensor Values, Tensor Indices) Sort(int dim = -1, bool descending = false, bool stable = false)
    {
        _ = stable; // every Nabla sort is stable
        int d = Errors.WrapDim(dim, Dim);
        var (values, indices) = OrderAlong(d, Selection.StableSort, descending, 0, SliceSize(d));
        return (RecordSelection(values, indices, d, keepdim: true, Derivatives.SortBackward0), indices);
    }

    /// <summary>torch.argsort: the Int64 positions that sort the tensor along <paramref name="dim"/> (stable).</summary>
    public Tensor Argsort(int dim = -1, bool descending = false, bool stable = false)
    {
        _ = stable;
        int d = Errors.WrapDim(dim, Dim);
        return OrderAlong(d, Selection.StableSort, descending, 0, SliceSize(d)).Indices;
    }

    /// <summary>torch.msort: the values sorted along dim 0.</summary>
    public Tensor Msort() => Sort(0).Values;

    /// <summary>
    /// torch.topk: the <paramref name="k"/> largest (or smallest) elements along <paramref name="dim"/>, in order
    /// (or, when <paramref name="sorted"/> is false, in the order the selection leaves them); NaN counts as the
    /// largest value. Among equal values the positions are the ones libtorch's CPU kernel picks (it runs the
    /// same unstable selection).
    /// </summary>
    public (Tensor Values, Tensor Indices) Topk(int k, int dim = -1, bool largest = true, bool sorted = true)
    {
        int d = Errors.WrapDim(dim, Dim);
        Errors.Check(k >= 0 && k <= SliceSize(d), "selected index k out of range");
        Errors.Check(DType != DType.Bool, "topk does not support bool dtypes on CPU");
        var how = sorted ? Selection.TopK : Selection.TopKUnsorted;
        var (values, indices) = OrderAlong(d, how, largest, 0, Dim == 0 ? 1 : k);
        return (RecordSelection(values, indices, d, keepdim: true, Derivatives.TopkBackward0), indices);
    }

    /// <summary>
    /// torch.kthvalue: the k-th smallest element along <paramref name="dim"/> (k counts from 1; NaN is largest)
    /// and its position; among equal elements, the one libtorch's quickselect lands on.
    /// </summary>
    public (Tensor Values, Tensor Indices) Kthvalue(int k, int dim = -1, bool keepdim = false)
    {
        int d = Errors.WrapDim(dim, Dim);
        if (Dim > 0 && Layout.Sizes[d] == 0) throw Errors.Index($"kthvalue(): Expected reduction dim {d} to have non-zero size.");
        Errors.Check(k >= 1 && k <= SliceSize(d), $"kthvalue(): selected number k out of range for dimension {d}");
        if (DType == DType.Bool && Dim > 0) throw Errors.NotImplemented("\"kthvalue_cpu\" not implemented for 'Bool'");
        var (values, indices) = OrderAlong(d, Selection.KthValue, false, Dim == 0 ? 0 : k - 1, 1);
        if (!keepdim && Dim > 0)
        {
            var shape = Shape.Where((_, i) => i != d).ToArray();
            (values, indices) = (values.FreshReshaped(shape), indices.FreshReshaped(shape));
        }
        return (RecordSelection(values, indices, d, keepdim, Derivatives.KthvalueBackward0), indices);
    }

    /// <summary>The length of the sorted dim; a 0-d tensor counts as one element.</summary>
    private int SliceSize(int d) => Dim == 0 ? 1 : Layout.Sizes[d];

    /// <summary>
    /// Orders along <paramref name="d"/> without autograd and keeps ordered positions [first, first + count):
    /// values and Int64 source positions, shaped like this tensor with <paramref name="count"/> along d.
    /// </summary>
    private (Tensor Values, Tensor Indices) OrderAlong(int d, Selection how, bool descending, int first, int count)
    {
        var x = Dim == 0 ? Detach().FreshReshaped([1]) : this;
        var rows = Reduce.Rows(x, [d], out int outer, out int n);
        var rowShape = rows.Shape;
        rowShape[^1] = count;
        var values = Allocate(rowShape, DType);
        var indices = Allocate(rowShape, DType.Int64);
        Sorting.Select(rows, outer, n, how, descending, first, count, values, indices.Data<long>());
        values = LastDimBackTo(values, d);
        indices = LastDimBackTo(indices, d);
        return Dim == 0 ? (values.FreshReshaped([]), indices.FreshReshaped([])) : (values, indices);
    }

    /// <summary>
    /// The backward of a value-selecting op (value_selecting_reduction_backward): the gradient of each selected
    /// value goes to the position its index names, zero elsewhere; built from differentiable ops.
    /// </summary>
    private Tensor RecordSelection(Tensor values, Tensor indices, int d, bool keepdim, string node)
    {
        return Graph.Record(values, node, [this], (Shape, d, keepdim), Derivatives.ValueSelectingScatter, indices);
    }

    /// <summary>
    /// torch.gather along <paramref name="dim"/> for an Int64 index that matches this tensor's shape except along
    /// dim; its backward is <see cref="ScatterAlongDim"/>, and the pair differentiates any number of times.
    /// </summary>
    private Tensor GatherAlongDim(int dim, Tensor index)
    {
        var rows = Reduce.Rows(this, [dim], out int outer, out int n);
        var indexRows = Reduce.Rows(index, [dim], out _, out int m);
        var y = Allocate(indexRows.Shape, DType);
        Sorting.Route(rows, indexRows, outer, m, n, y, scatter: false);
        var inputShape = Shape;
        return Graph.Record(LastDimBackTo(y, dim), Derivatives.GatherBackward0, [this], (inputShape, dim),
            static (g, s, _, a) => [g.ScatterAlongDim(a.inputShape, a.dim, s[0])], index);
    }

    /// <summary>zeros(<paramref name="shape"/>).scatter_add(dim, index, this), differentiable (its backward gathers).</summary>
    internal Tensor ScatterAlongDim(int[] shape, int dim, Tensor index)
    {
        var rows = Reduce.Rows(this, [dim], out int outer, out int m);
        var indexRows = Reduce.Rows(index, [dim], out _, out _);
        var movedShape = rows.Shape;
        movedShape[^1] = shape[dim];
        var z = Allocate(movedShape, DType);
        Sorting.Route(rows, indexRows, outer, m, shape[dim], z, scatter: true);
        return Graph.Record(LastDimBackTo(z, dim), Derivatives.ScatterAddBackward0, [this], dim,
            static (g, s, _, dim) => [g.GatherAlongDim(dim, s[0])], index);
    }

    /// <summary>Undoes <see cref="Reduce.Rows"/> for one dim: a fresh tensor whose last dim moves back to <paramref name="d"/>.</summary>
    private static Tensor LastDimBackTo(Tensor rows, int d)
    {
        int last = rows.Dim - 1;
        if (d == last) return rows;
        var order = Enumerable.Range(0, last).ToList();
        order.Insert(d, last);
        return rows.Permute([.. order]).CloneRaw();
    }

    /// <summary>This fresh, contiguous tensor's storage under another shape of the same size (not a view: no history).</summary>
    private Tensor FreshReshaped(int[] shape) => new(Storage, Layout.Contiguous(shape, Layout.Offset), DType);

    /// <summary>This tensor's data, contiguous and of <paramref name="dtype"/>, without autograd.</summary>
    private Tensor ContiguousRaw(DType dtype)
    {
        var t = CastRaw(dtype);
        return t.IsContiguous() ? t : t.CloneRaw();
    }

    // ---- unique ------------------------------------------------------------------------------------------------

    /// <summary>
    /// torch.unique: the distinct elements (always sorted, as PyTorch's CPU kernel does whatever
    /// <paramref name="sorted"/> says), optionally the Int64 index of each input element in the output (shaped like
    /// the input) and the Int64 count of each output element. Every NaN is distinct. With <paramref name="dim"/>,
    /// the distinct slices along that dim, in lexicographic order. Not differentiable.
    /// </summary>
    public (Tensor Output, Tensor? Inverse, Tensor? Counts) Unique(bool sorted = true, bool returnInverse = false,
        bool returnCounts = false, int? dim = null)
    {
        _ = sorted;
        return UniqueRuns(consecutive: false, returnInverse, returnCounts, dim);
    }

    /// <summary>
    /// torch.unique_consecutive: collapses each run of equal consecutive elements (or slices along
    /// <paramref name="dim"/>) to one, with the same optional inverse and counts as <see cref="Unique"/>.
    /// </summary>
    public (Tensor Output, Tensor? Inverse, Tensor? Counts) UniqueConsecutive(bool returnInverse = false,
        bool returnCounts = false, int? dim = null) =>
        UniqueRuns(consecutive: true, returnInverse, returnCounts, dim);

    /// <summary>Sorts (unless <paramref name="consecutive"/>), then keeps the first element of every run of equal ones.</summary>
    private (Tensor Output, Tensor? Inverse, Tensor? Counts) UniqueRuns(bool consecutive, bool returnInverse, bool returnCounts, int? dim)
    {
        if (dim is { } d) return UniqueSlices(Errors.WrapDim(d, Dim, scalarWraps: false), consecutive, returnInverse, returnCounts);
        int n = Numel;
        var flat = Detach().Reshape(-1);
        var (values, order) = consecutive
            ? (flat.ContiguousRaw(DType), Arange(n))
            : flat.OrderAlong(0, Selection.StableSort, false, 0, n);
        var starts = Sorting.RunStarts(values, n, 1);
        var output = values.GatherAlongDim(0, From(starts.Select(s => (long)s).ToArray()));
        var (inverse, counts) = GroupIndices(order.ToArray<long>(), starts, n);
        return (output, returnInverse ? inverse.FreshReshaped(Shape) : null, returnCounts ? counts : null);
    }

    /// <summary>unique / unique_consecutive with a dim: the slices along <paramref name="d"/> play the elements.</summary>
    private (Tensor Output, Tensor? Inverse, Tensor? Counts) UniqueSlices(int d, bool consecutive, bool returnInverse, bool returnCounts)
    {
        int zeroDims = Sizes.ToArray().Count(s => s == 0);
        if (Layout.Sizes[d] == 0)
        {
            Errors.Check(zeroDims == 1, "Number of zero sized dimensions is more than one, so unique cannot be applied ");
            var none = Zeros([0], DType.Int64);
            return (Zeros(Shape, DType), returnInverse ? none : null, returnCounts ? none.CloneRaw() : null);
        }
        Errors.Check(zeroDims == 0, "There are 0 sized dimensions, and they aren't selected, so unique cannot be applied");
        int n = Layout.Sizes[d], width = Numel / n;
        // Slices along d become contiguous rows: d first, everything else flattened behind it.
        var order = Enumerable.Range(0, Dim).Where(i => i != d).Prepend(d).ToArray();
        var slices = Detach().Permute(order).ContiguousRaw(DType);
        var rows = slices.FreshReshaped([n, width]);
        var perm = consecutive ? Enumerable.Range(0, n).ToArray() : Sorting.LexSort(rows, n, width);
        var sortedRows = rows.GatherRows(perm);
        var starts = Sorting.RunStarts(sortedRows, n, width);
        var kept = sortedRows.GatherRows([.. starts]);
        var movedShape = slices.Shape;
        movedShape[0] = starts.Count;
        var output = kept.FreshReshaped(movedShape).Permute(InversePermutation(order)).CloneRaw();
        var (inverse, counts) = GroupIndices(perm.Select(p => (long)p).ToArray(), starts, n);
        return (output, returnInverse ? inverse : null, returnCounts ? counts : null);
    }

    /// <summary>The rows <paramref name="rowIndices"/> of a contiguous 2-d tensor, as a new tensor.</summary>
    private Tensor GatherRows(int[] rowIndices)
    {
        var y = Allocate([rowIndices.Length, Layout.Sizes[1]], DType);
        for (int i = 0; i < rowIndices.Length; i++) Copy.Into(Select(0, rowIndices[i]), y.Select(0, i));
        return y;
    }

    /// <summary>
    /// From a sort permutation and the starts of runs in the sorted order: for each original position the number
    /// of its run (the inverse), and each run's length (the counts).
    /// </summary>
    private static (Tensor Inverse, Tensor Counts) GroupIndices(long[] sortedPositions, List<int> starts, int n)
    {
        var inverse = new long[n];
        int group = -1;
        for (int i = 0; i < n; i++)
        {
            if (group + 1 < starts.Count && starts[group + 1] == i) group++;
            inverse[sortedPositions[i]] = group;
        }
        var counts = new long[starts.Count];
        for (int g = 0; g < starts.Count; g++) counts[g] = (g + 1 < starts.Count ? starts[g + 1] : n) - starts[g];
        return (From(inverse), From(counts));
    }

    // ---- searchsorted / bucketize ----------------------------------------------------------------------------

    /// <summary>
    /// torch.searchsorted: for each value, the index in the innermost dim of <paramref name="sortedSequence"/> where
    /// it would be inserted to keep that row sorted (the first such index, or the last with <paramref name="right"/>
    /// or <paramref name="side"/> <see cref="SearchSide.Right"/>). A 1-d sequence serves every value; otherwise its leading dims must equal
    /// the values' leading dims. With <paramref name="sorter"/> (Int64 positions that sort each row, e.g. from
    /// <see cref="Argsort"/>) the sequence itself need not be sorted. Operands compare in their promoted dtype; the
    /// result is Int64 (Int32 with <paramref name="outInt32"/>) and shaped like <paramref name="values"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="right"/> contradicts <paramref name="side"/> Left, the shapes do not fit, or the sorter is invalid.</exception>
    /// <exception cref="NotSupportedException">Both operands are Bool.</exception>
    public static Tensor Searchsorted(Tensor sortedSequence, Tensor values, bool right = false, SearchSide? side = null,
        bool outInt32 = false, Tensor? sorter = null)
    {
        ArgumentNullException.ThrowIfNull(sortedSequence);
        ArgumentNullException.ThrowIfNull(values);
        Errors.Check(!right || side != SearchSide.Left, "torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True");
        var boundaries = sortedSequence;
        if (sorter is not null) CheckSorter(sorter, boundaries);
        Errors.Check(values.Dim > 0 || (values.Numel == 1 && boundaries.Dim == 1),
            $"torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim({boundaries.Dim}) and input value's dim({values.Dim}) numel({values.Numel})");
        Errors.Check(boundaries.Dim != 0, "torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension");
        Errors.Check(boundaries.Dim == 1 || LeadingDimsMatch(boundaries, values),
            $"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor {Errors.Shape(boundaries.Sizes)} and input value tensor {Errors.Shape(values.Sizes)}");
        var result = Allocate(values.Shape, DType.Int64);
        if (values.Numel > 0)
        {
            var type = TypePromotion.ResultType(boundaries, values);
            if (type == DType.Bool) throw Errors.NotImplemented("\"searchsorted_out_cpu\" not implemented for 'Bool'");
            int rowLength = values.Dim == 0 ? 1 : values.Layout.Sizes[^1];
            Sorting.Search(boundaries.ContiguousRaw(type), values.ContiguousRaw(type), sorter?.ContiguousRaw(DType.Int64),
                boundaries.Layout.Sizes[^1], rowLength, sharedRow: boundaries.Dim == 1, right: side is null ? right : side == SearchSide.Right,
                result.Data<long>());
        }
        return outInt32 ? result.CastRaw(DType.Int32) : result;
    }

    /// <summary>torch.searchsorted with a single .NET number as the value (it takes part in promotion as a Python scalar).</summary>
    public static Tensor Searchsorted(Tensor sortedSequence, Scalar value, bool right = false, SearchSide? side = null,
        bool outInt32 = false, Tensor? sorter = null)
    {
        ArgumentNullException.ThrowIfNull(sortedSequence);
        return Searchsorted(sortedSequence, WrapNumber(value), right, side, outInt32, sorter);
    }

    /// <summary>searchsorted's sorter rules: the boundaries' shape, Int64, every entry a position within a row.</summary>
    private static void CheckSorter(Tensor sorter, Tensor boundaries)
    {
        Errors.Check(sorter.Sizes.SequenceEqual(boundaries.Sizes),
            $"torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor {Errors.Shape(boundaries.Sizes)}and got sorter tensor {Errors.Shape(sorter.Sizes)}");
        Errors.Check(sorter.DType == DType.Int64, $"torch.searchsorted(): sorter must be a tensor of long dtype but got dtype {sorter.DType.ScalarTypeName()}");
        if (sorter.Numel == 0 || sorter.Dim == 0) return;
        var positions = sorter.ToArray<long>();
        Errors.Check(positions.Min() >= 0 && positions.Max() < sorter.Layout.Sizes[^1], "torch.searchsorted(): sorter index out of range");
    }

    /// <summary>
    /// torch.bucketize: the bucket of each input element among 1-d sorted <paramref name="boundaries"/>, i.e. the
    /// index i with boundaries[i-1] &lt; x &lt;= boundaries[i] (or boundaries[i-1] &lt;= x &lt; boundaries[i] with
    /// <paramref name="right"/>).
    /// </summary>
    public static Tensor Bucketize(Tensor input, Tensor boundaries, bool outInt32 = false, bool right = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(boundaries);
        Errors.Check(boundaries.Dim == 1, $"boundaries tensor must be 1 dimension, but got dim({boundaries.Dim})");
        return Searchsorted(boundaries, input, right, null, outInt32);
    }

    /// <summary>torch.bucketize of a single .NET number.</summary>
    public static Tensor Bucketize(Scalar input, Tensor boundaries, bool outInt32 = false, bool right = false)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        return Bucketize(WrapNumber(input), boundaries, outInt32, right);
    }

    /// <summary>searchsorted's rule for n-d sequences: same rank, and equal sizes on every dim but the last.</summary>
    private static bool LeadingDimsMatch(Tensor boundaries, Tensor values) =>
        boundaries.Dim == values.Dim && boundaries.Sizes[..^1].SequenceEqual(values.Sizes[..^1]);

    // ---- nonzero / unravel_index ---------------------------------------------------------------------------------

    /// <summary>
    /// torch.nonzero: an Int64 (n, ndim) tensor of the coordinates of the n nonzero elements (NaN counts as
    /// nonzero), in row-major order. A 0-d input gives shape (1, 0) or (0, 0).
    /// </summary>
    public Tensor Nonzero()
    {
        if (Dim == 0) return Zeros([CastRaw(DType.Bool).Item<bool>() ? 1 : 0, 0], DType.Int64);
        return Stack(NonzeroColumns(), 1);
    }

    /// <summary>torch.nonzero(as_tuple=True): one 1-d Int64 tensor of coordinates per dim (a 0-d input counts as 1-d).</summary>
    public Tensor[] NonzeroTuple() => Dim == 0 ? Detach().FreshReshaped([1]).NonzeroColumns() : NonzeroColumns();

    /// <summary>torch.argwhere: the same as <see cref="Nonzero"/>.</summary>
    public Tensor Argwhere() => Nonzero();

    /// <summary>
    /// torch.unravel_index: the coordinates of flat <paramref name="indices"/> in a tensor of <paramref name="shape"/>,
    /// one Int64 tensor per dim, each shaped like <paramref name="indices"/>. Computed as PyTorch does, with
    /// floor_divide and remainder, so out-of-range and negative indices wrap around instead of raising.
    /// </summary>
    public static Tensor[] UnravelIndex(Tensor indices, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(shape);
        if (indices.IsFloatingPoint || indices.DType == DType.Bool)
            throw Errors.Runtime($"expected 'indices' to be integer dtype, but got {indices.DType.TorchName()}");
        if (shape.Any(s => s < 0))
            throw Errors.Runtime($"'shape' cannot have negative values, but got {PythonTuple(shape)}");
        // coefs[k] is the number of elements one step along dim k skips: the product of the sizes after it.
        var coefs = new long[shape.Length];
        long stride = 1;
        for (int k = shape.Length - 1; k >= 0; k--) { coefs[k] = stride; stride *= shape[k]; }
        var sizes = shape.Select(s => (long)s).ToArray();
        var coordinates = indices.Unsqueeze(-1).FloorDivide(From(coefs)) % From(sizes);
        return coordinates.Unbind(-1);
    }

    private static string PythonTuple(int[] values) =>
        values.Length == 1 ? $"({values[0]},)" : "(" + string.Join(", ", values) + ")";
}
