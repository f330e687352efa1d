using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

public sealed partial class Tensor
{
    // ---- gather / scatter -------------------------------------------------------------------------------------

    /// <summary>torch.gather: <c>out[i][j][k] = input[index[i][j][k]][j][k]</c> for dim 0; the output has the index's shape.</summary>
    public Tensor Gather(int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        int d = Errors.WrapDim(dim, Dim);
        var y = AllocateForOutput(index.Shape, DType); // the kernel writes every element
        // An empty index skips every check (even its dtype) and gives an empty result.
        if (index.Numel > 0)
        {
            CheckIndexDType("gather", index);
            CheckGatherShape(d, index);
            var idx = index.CastRaw(DType.Int64);
            // The run loop tests the range as it reads the index; otherwise (or on a bad value) the full check runs first.
            if (!IndexAlongDim.TryGatherCheckingRange(this, d, idx, y, SizeOrOne(this, d)))
                IndexAlongDim.Gather(this, d, CheckedIndex(idx, d), y);
        }
        var inputShape = Shape;
        return Graph.Record(y, Derivatives.GatherBackward0, [this], (inputShape, d),
            static (g, s, _, a) => [GatherBackward(a.inputShape, a.d, s[0], g)], index);
    }

    /// <summary>
    /// gather_backward: zeros of the input's shape with the gradient added at the gathered positions, recorded as the
    /// scatter_add it is. The zeros are scattered into directly (no clone), and the index, checked by the forward, is not
    /// checked again.
    /// </summary>
    private static Tensor GatherBackward(int[] inputShape, int d, Tensor index, Tensor grad)
    {
        var y = Zeros(inputShape, grad.DType);
        if (index.Numel > 0) IndexAlongDim.Scatter(y, d, index.CastRaw(DType.Int64), grad, ScatterMode.Add);
        return Graph.Record(y, Derivatives.ScatterAddBackward0, [null, grad], d, static (g, s, needs, d) => [null, needs[1] ? g.Gather(d, s[0]) : null], index);
    }

    /// <summary>torch.scatter: a copy of this tensor with <c>out[index[i][j]][j] = src[i][j]</c> (dim 0); duplicates: the last write wins.</summary>
    public Tensor Scatter(int dim, Tensor index, Tensor src)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        int d = CheckScatter(dim, index, src);
        var y = ScatterRaw(d, index, src, ScatterMode.Assign);
        return Graph.Record(y, Derivatives.ScatterBackward0, [this, src], d, static (g, s, needs, d) =>
        [
            needs[0] ? g.Scatter(d, s[0], 0) : null,
            needs[1] ? g.Gather(d, s[0]) : null,
        ], index);
    }

    /// <summary>torch.scatter with a scalar: a copy of this tensor with <paramref name="value"/> written at the indexed positions.</summary>
    public Tensor Scatter(int dim, Tensor index, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(index);
        int d = CheckScatter(dim, index, null);
        var y = ScatterRaw(d, index, ScalarTensor(value), ScatterMode.Assign);
        return Graph.Record(y, Derivatives.ScatterBackward1, [this], d, static (g, s, _, d) => [g.Scatter(d, s[0], 0)], index);
    }

    /// <summary>torch.scatter_add: a copy of this tensor with every src element added at its indexed position.</summary>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        int d = CheckScatter(dim, index, src);
        var y = ScatterRaw(d, index, src, ScatterMode.Add);
        return Graph.Record(y, Derivatives.ScatterAddBackward0, [this, src], d, static (g, s, needs, d) =>
        [
            needs[0] ? g : null,
            needs[1] ? g.Gather(d, s[0]) : null,
        ], index);
    }

    /// <summary>
    /// torch.scatter_reduce: reduces every src element into its indexed position with <paramref name="reduce"/>.
    /// Without <paramref name="includeSelf"/>, targeted positions start from the reduction's identity.
    /// </summary>
    /// <exception cref="ArgumentException">The ranks or shapes of index and src do not fit this tensor, or the dtypes differ.</exception>
    /// <exception cref="IndexException"><paramref name="dim"/> or an index is out of range.</exception>
    public Tensor ScatterReduce(int dim, Tensor index, Tensor src, ScatterReduceMode reduce, bool includeSelf = true)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        return ScatterReduce(dim, index, src, ReduceName(reduce), includeSelf);
    }

    /// <summary>scatter_reduce by PyTorch's reduce name, which the backward formula keeps.</summary>
    private Tensor ScatterReduce(int dim, Tensor index, Tensor src, string reduce, bool includeSelf)
    {
        int d = CheckScatter(dim, index, src);
        var mode = ParseReduce(reduce);
        Tensor y;
        using (GradMode.NoGrad()) y = ScatterReduceRaw(d, index, src, reduce, mode, includeSelf);
        return Graph.Record(y, Derivatives.ScatterReduceBackward0, [this, src], new Derivatives.ScatterReduceArgs(d, reduce, includeSelf),
            Derivatives.ScatterReduce, this, index, src, y);
    }

    /// <summary>torch.Tensor.scatter_ (in place).</summary>
    public Tensor Scatter_(int dim, Tensor index, Tensor src)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        return InPlace(null, x => x.Scatter(dim, index, src), operand: NotOverlapping(src));
    }

    /// <summary>torch.Tensor.scatter_ with a scalar value (in place).</summary>
    public Tensor Scatter_(int dim, Tensor index, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(index);
        return InPlace(null, x => x.Scatter(dim, index, value));
    }

    /// <summary>torch.Tensor.scatter_add_ (in place).</summary>
    public Tensor ScatterAdd_(int dim, Tensor index, Tensor src)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        return InPlace(null, x => x.ScatterAdd(dim, index, src), operand: NotOverlapping(src));
    }

    /// <summary>torch.Tensor.scatter_reduce_ (in place); see <see cref="ScatterReduce(int, Tensor, Tensor, ScatterReduceMode, bool)"/>.</summary>
    public Tensor ScatterReduce_(int dim, Tensor index, Tensor src, ScatterReduceMode reduce, bool includeSelf = true)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        return InPlace(null, x => x.ScatterReduce(dim, index, src, reduce, includeSelf), operand: NotOverlapping(src));
    }

    /// <summary>A copy of this tensor with <paramref name="src"/> combined in, without autograd; the index is checked for range here.</summary>
    private Tensor ScatterRaw(int dim, Tensor index, Tensor src, ScatterMode mode)
    {
        var y = CloneRaw();
        if (index.Numel > 0) IndexAlongDim.Scatter(y, dim, CheckedIndex(index, dim), src, mode);
        return y;
    }

    private Tensor ScatterReduceRaw(int dim, Tensor index, Tensor src, string reduce, ScatterMode mode, bool includeSelf)
    {
        var y = CloneRaw();
        if (index.Numel == 0) return y;
        var idx = CheckedIndex(index, dim);
        if (!includeSelf) IndexAlongDim.Scatter(y, dim, idx, ScalarTensor(ReductionIdentity(reduce)), ScatterMode.Assign);
        IndexAlongDim.Scatter(y, dim, idx, src, mode);
        if (reduce != "mean") return y;
        // mean: divide by the number of values that met at each position (self counts when included).
        var count = includeSelf ? Ones(Shape, DType) : Zeros(Shape, DType);
        IndexAlongDim.Scatter(count, dim, idx, ScalarTensor(1), ScatterMode.Add);
        count = Where(count.Eq(0), OnesLike(count), count);
        return IsFloatingPoint ? y.Div(count) : y.Div(count, RoundingMode.Floor);
    }

    /// <summary>The value untouched by a reduction, written first at targeted positions when include_self is false.</summary>
    private Scalar ReductionIdentity(string reduce) => (reduce, DType) switch
    {
        ("prod", _) => 1,
        ("amax", DType.Float32 or DType.Float64) => double.NegativeInfinity,
        ("amax", DType.Int64) => long.MinValue,
        ("amax", DType.Int32) => int.MinValue,
        ("amax", _) => 0,
        ("amin", DType.Float32 or DType.Float64) => double.PositiveInfinity,
        ("amin", DType.Int64) => long.MaxValue,
        ("amin", DType.Int32) => int.MaxValue,
        ("amin", DType.UInt8) => 255,
        ("amin", _) => true,
        _ => 0,
    };

    /// <summary>PyTorch's name of a scatter_reduce mode.</summary>
    private static string ReduceName(ScatterReduceMode reduce) => reduce switch
    {
        ScatterReduceMode.Sum => "sum",
        ScatterReduceMode.Prod => "prod",
        ScatterReduceMode.Mean => "mean",
        ScatterReduceMode.Amax => "amax",
        ScatterReduceMode.Amin => "amin",
        _ => throw new ArgumentOutOfRangeException(nameof(reduce), reduce, "not a ScatterReduceMode"),
    };

    private static ScatterMode ParseReduce(string reduce) => reduce switch
    {
        "sum" or "mean" => ScatterMode.Add,
        "prod" => ScatterMode.Multiply,
        "amax" => ScatterMode.Maximum,
        "amin" => ScatterMode.Minimum,
        _ => throw Errors.Runtime($"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"),
    };


    // ---- index_add / index_copy / index_fill ------------------------------------------------------------------

    /// <summary>torch.index_add: a copy of this tensor with <c>alpha * source</c> slice i added to slice <c>index[i]</c> of <paramref name="dim"/>.</summary>
    public Tensor IndexAdd(int dim, Tensor index, Tensor source, Scalar? alpha = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        var a = alpha ?? 1;
        int d = Errors.WrapDim(dim, Dim);
        CheckIndexFunc("index_add", d, index, source);
        var y = CloneRaw();
        if (index.Numel > 0 && Numel > 0)
        {
            CheckIndexAddRange(d, index, source, a);
            // alpha is converted to self's dtype first (2.5 scales an Int64 source by 2).
            var scaled = a.ToDouble() == 1 ? source : Zip<MulOp>(source, ScalarTensor(a), DType);
            IndexAlongDim.Scatter(y, d, SpreadIndex(index, d, source), scaled, ScatterMode.Add);
        }
        return Graph.Record(y, Derivatives.IndexAddBackward0, [this, source], (d, sourceDim: source.Dim, alpha: a), static (g, s, needs, a) =>
        [
            needs[0] ? g : null,
            needs[1] ? SelectedSlices(g, a.d, s[0], a.sourceDim).Mul(a.alpha) : null,
        ], index);
    }

    /// <summary>torch.index_copy: a copy of this tensor with source slice i written to slice <c>index[i]</c> of <paramref name="dim"/>.</summary>
    public Tensor IndexCopy(int dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        int d = Errors.WrapDim(dim, Dim);
        CheckIndexCopy(d, index, source);
        var y = CloneRaw();
        if (index.Numel > 0)
        {
            int size = Dim == 0 ? 1 : Layout.Sizes[d];
            if (IndexAlongDim.FirstOutOfRange(index, 0, size) is { } bad)
                throw Errors.Index($"index_copy_(): index {bad} is out of bounds for dimension {d} with size {size}");
            IndexAlongDim.Scatter(y, d, SpreadIndex(index, d, source), source, ScatterMode.Assign);
        }
        return Graph.Record(y, Derivatives.IndexCopyBackward0, [this, source], (d, sourceDim: source.Dim), static (g, s, needs, a) =>
        [
            needs[0] ? g.IndexFill(a.d, s[0], 0) : null,
            needs[1] ? SelectedSlices(g, a.d, s[0], a.sourceDim) : null,
        ], index);
    }

    /// <summary>torch.index_fill: a copy of this tensor with slices <paramref name="index"/> of <paramref name="dim"/> set to <paramref name="value"/> (negative indices wrap).</summary>
    public Tensor IndexFill(int dim, Tensor index, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(index);
        var (d, idx) = CheckIndexFill(dim, index);
        var y = CloneRaw();
        if (idx.Numel > 0 && Numel > 0) IndexAlongDim.Scatter(y, d, SpreadIndex(idx, d, this), ScalarTensor(value), ScatterMode.Assign);
        return Graph.Record(y, Derivatives.IndexFillBackward0, [this], d, static (g, s, _, d) => [g.IndexFill(d, s[0], 0)], index);
    }

    /// <summary>torch.index_fill with a 0-d tensor value, which receives the sum of the gradients of the filled slices.</summary>
    public Tensor IndexFill(int dim, Tensor index, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Dim != 0)
            throw Errors.Runtime($"index_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.Dim} dimension(s).");
        Tensor y;
        using (GradMode.NoGrad()) y = Detach().IndexFill(dim, index, ScalarOf(value));
        int d = Errors.WrapDim(dim, Dim);
        return Graph.Record(y, Derivatives.IndexFillBackward1, [this, value], d, static (g, s, needs, d) =>
        [
            needs[0] ? g.IndexFill(d, s[0], 0) : null,
            needs[1] ? g.IndexSelect(d, From(s[0].ToArray<long>().Distinct().ToArray())).Sum() : null,
        ], index);
    }

    /// <summary>torch.Tensor.index_add_ (in place).</summary>
    public Tensor IndexAdd_(int dim, Tensor index, Tensor source, Scalar? alpha = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        return InPlace(null, x => x.IndexAdd(dim, index, source, alpha), operand: NotOverlapping(source));
    }

    /// <summary>torch.Tensor.index_copy_ (in place).</summary>
    public Tensor IndexCopy_(int dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        return InPlace(null, x => x.IndexCopy(dim, index, source), operand: NotOverlapping(source));
    }

    /// <summary>torch.Tensor.index_fill_ (in place).</summary>
    public Tensor IndexFill_(int dim, Tensor index, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(index);
        return InPlace(null, x => x.IndexFill(dim, index, value));
    }

    /// <summary>torch.Tensor.index_fill_ with a 0-d tensor value (in place).</summary>
    public Tensor IndexFill_(int dim, Tensor index, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(value);
        return InPlace(null, x => x.IndexFill(dim, index, value), operand: value);
    }

    /// <summary>The checks index_add shares with index_reduce (index_func_meta_impl).</summary>
    private void CheckIndexFunc(string func, int dim, Tensor index, Tensor source)
    {
        if (index.Dim > 1)
            throw Errors.Index($"{func}_(): Index is supposed to be a vector, but got dim: {index.Dim} with type: {index.DType.ScalarTypeName()} and size: {Errors.Shape(index.Sizes)}");
        Errors.Check(index.DType is DType.Int64 or DType.Int32,
            $"{func}_(): Expected dtype int32/int64 for index but got: {index.DType.ScalarTypeName()}");
        Errors.Check(DType == source.DType,
            $"{func}_(): self ({DType.ScalarTypeName()}) and source ({source.DType.ScalarTypeName()}) must have the same scalar type");
        Errors.Check(dim == 0 || dim < source.Dim,
            $"{func}_(): Indexing dim {dim} is out of bounds of the source tensor with dim {source.Dim}");
        int sourceSize = source.Dim == 0 ? 1 : source.Layout.Sizes[dim];
        Errors.Check(index.Numel == sourceSize,
            $"{func}_(): Number of indices ({index.Numel}) should be equal to source.size(dim): ({sourceSize}), for dim: {dim}");
        bool bothNonScalar = source.Dim != 0 && Dim != 0;
        var selfRest = bothNonScalar ? Layout.Remove(Layout.Sizes, dim) : Layout.Sizes;
        var sourceRest = bothNonScalar ? Layout.Remove(source.Layout.Sizes, dim) : source.Layout.Sizes;
        Errors.Check(selfRest.SequenceEqual(sourceRest),
            $"source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = {Errors.Shape(Sizes)} source.shape = {Errors.Shape(source.Sizes)}");
    }

    /// <summary>
    /// index_add's range check. PyTorch runs index_add along the first or last dim of a (&gt;1)-d tensor as a
    /// scatter_add when alpha is 1 and the index is Int64, so those calls report scatter's message instead.
    /// </summary>
    private void CheckIndexAddRange(int dim, Tensor index, Tensor source, Scalar alpha)
    {
        int size = Dim == 0 ? Numel : Layout.Sizes[dim];
        if (IndexAlongDim.FirstOutOfRange(index, 0, size) is not { } bad) return;
        bool viaScatterAdd = Dim > 1 && (dim == 0 || dim == Dim - 1) && alpha.ToDouble() == 1
            && index.DType == DType.Int64 && source.Dim == Dim;
        if (viaScatterAdd) throw Errors.Runtime($"index {bad} is out of bounds for dimension {dim} with size {size}");
        throw Errors.Index("index out of range in self");
    }

    private void CheckIndexCopy(int dim, Tensor index, Tensor source)
    {
        if (index.Dim >= 2) throw Errors.Index($"index_copy_(): Index should have dimension 1 or 0 (got {index.Dim})");
        if (source.Dim == 0 && index.Numel != 1)
            throw Errors.Index($"index_copy_(): When source is scalar, index should have one element (got {index.Numel})");
        if (source.Dim != Dim && source.Dim != 0 && Dim != 0)
            throw Errors.Index($"index_copy_(): When source and destination are not scalars, their dimensionality must match. Source dimensionality ({source.Dim}), destination dimensionality ({Dim})");
        Errors.Check(index.DType == DType.Int64, $"index_copy_(): Expected a long tensor for index, but got {index.DType.ScalarTypeName()}");
        Errors.Check(DType == source.DType,
            $"index_copy_(): self and source expected to have the same dtype, but got (self) {DType.ScalarTypeName()} and (source) {source.DType.ScalarTypeName()}");
        var selfRest = Dim == 0 ? Layout.Sizes : Layout.Remove(Layout.Sizes, dim);
        var sourceRest = source.Dim == 0 ? source.Layout.Sizes : Layout.Remove(source.Layout.Sizes, dim);
        if (!selfRest.SequenceEqual(sourceRest))
            // libtorch streams these shapes as std::vector: space-separated, without brackets.
            throw Errors.Runtime("index_copy_(): Source/destination tensor must have same slice shapes. " +
                $"Destination slice shape: {string.Join(" ", selfRest)} at dimension {dim} and source slice shape: {string.Join(" ", sourceRest)} at dimension 0.");
        if (source.Dim != 0 && index.Numel != source.Layout.Sizes[dim])
            throw Errors.Index($"index_copy_(): Number of indices ({index.Numel}) should be equal to source.size(dim) ({source.Layout.Sizes[dim]})");
    }

    /// <summary>index_fill's checks; returns the wrapped dim and the index with negative entries wrapped.</summary>
    private (int Dim, Tensor Index) CheckIndexFill(int dim, Tensor index)
    {
        if (index.DType != DType.Int64) throw Errors.Index("index_fill_(): Expected dtype int64 for index.");
        int d = Errors.WrapDim(dim, Math.Max(Dim, 1));
        Errors.Check(index.Dim <= 1, "Index has to be a vector/scalar");
        int size = Dim == 0 ? 1 : Layout.Sizes[d];
        if (IndexAlongDim.FirstOutOfRange(index, -size, size) is { } bad)
            throw Errors.Index($"index {bad} is out of bounds for dimension {d} with size {size}");
        var values = index.ToArray<long>();
        for (int i = 0; i < values.Length; i++) if (values[i] < 0) values[i] += size;
        return (d, From(values));
    }

    /// <summary>
    /// A 1-d index along <paramref name="dim"/> as a view shaped like <paramref name="like"/> (stride 0 elsewhere),
    /// so the scatter kernel can run index_add / index_copy / index_fill.
    /// </summary>
    private static Tensor SpreadIndex(Tensor index, int dim, Tensor like)
    {
        var idx = index.CastRaw(DType.Int64);
        if (like.Dim == 0) return new Tensor(idx.Storage, Layout.Contiguous([], idx.Layout.Offset), DType.Int64);
        var sizes = like.Shape;
        sizes[dim] = idx.Numel;
        var strides = new int[sizes.Length];
        strides[dim] = idx.Dim == 0 ? 1 : idx.Layout.Strides[0];
        return new Tensor(idx.Storage, new Layout(sizes, strides, idx.Layout.Offset), DType.Int64);
    }

    /// <summary>The gradient slices a source of rank <paramref name="sourceDim"/> was written to (index_add / index_copy backward).</summary>
    private static Tensor SelectedSlices(Tensor grad, int dim, Tensor index, int sourceDim)
    {
        if (sourceDim > 0) return grad.IndexSelect(dim, index);
        return grad.IndexSelect(dim, index.Dim == 0 ? index : index.Squeeze(0));
    }

    // ---- masked ops -------------------------------------------------------------------------------------------

    /// <summary>torch.masked_fill: <paramref name="value"/> where the Bool mask is set (self and mask broadcast).</summary>
    public Tensor MaskedFill(Tensor mask, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        CheckFillMask(mask);
        var y = Detach().Expand(Shapes.Broadcast(mask.Sizes, Sizes)).CloneRaw();
        Pointwise.MaskedCopy(mask, ScalarTensor(value), y);
        return Graph.Record(y, Derivatives.MaskedFillBackward0, [this], static (g, s, _) => [g.MaskedFill(s[0], 0)], mask);
    }

    /// <summary>torch.masked_fill with a 0-d tensor value, which receives the sum of the gradients of the filled elements.</summary>
    public Tensor MaskedFill(Tensor mask, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Dim != 0)
            throw Errors.Runtime($"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.Dim} dimension(s).");
        Tensor y;
        using (GradMode.NoGrad()) y = Detach().MaskedFill(mask, ScalarOf(value));
        return Graph.Record(y, Derivatives.MaskedFillBackward1, [this, value], static (g, s, needs) =>
        [
            needs[0] ? g.MaskedFill(s[0], 0) : null,
            needs[1] ? g.MaskedSelect(s[0]).Sum() : null,
        ], mask);
    }

    /// <summary>torch.Tensor.masked_fill_ (in place); the mask must broadcast to this tensor's shape.</summary>
    public Tensor MaskedFill_(Tensor mask, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return InPlace(mask, x => x.MaskedFill(mask, value), castAny: true);
    }

    /// <summary>torch.Tensor.masked_fill_ with a 0-d tensor value (in place).</summary>
    public Tensor MaskedFill_(Tensor mask, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(value);
        return InPlace(mask, x => x.MaskedFill(mask, value), castAny: true, operand: value);
    }

    /// <summary>torch.masked_select: the elements where the Bool mask is set, as a 1-d tensor in row-major order.</summary>
    public Tensor MaskedSelect(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        Errors.Check(mask.DType == DType.Bool, "masked_select: expected BoolTensor for mask");
        var shape = Shapes.Broadcast(mask.Sizes, Sizes);
        var positions = MaskPositions(mask, shape);
        var y = AllocateForOutput([positions.Numel], DType);
        IndexAlongDim.Gather(Detach().Expand(shape).Flat(), 0, positions, y);
        return Graph.Record(y, Derivatives.MaskedSelectBackward0, [this], shape,
            static (g, s, _, shape) => [Zeros(shape, g.DType).MaskedScatter(s[0], g)], mask);
    }

    /// <summary>torch.masked_scatter: where the mask is set, the next element of <paramref name="source"/> in row-major order.</summary>
    public Tensor MaskedScatter(Tensor mask, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(source);
        Errors.Check(DType == source.DType,
            $"masked_scatter: expected self and source to have same dtypes but got{DType.ScalarTypeName()} and {source.DType.ScalarTypeName()}");
        Errors.Check(mask.DType == DType.Bool,
            $"masked_scatter_ only supports boolean masks, but got mask with dtype {mask.DType.ScalarTypeName()}");
        var shape = Shapes.Broadcast(mask.Sizes, Sizes);
        var positions = MaskPositions(mask, shape);
        Errors.Check(positions.Numel <= source.Numel, "Number of elements of source < number of ones in mask");
        var y = Detach().Expand(shape).CloneRaw();
        var used = source.Detach().Flat().Narrow(0, 0, positions.Numel);
        IndexAlongDim.Scatter(y.Flat(), 0, positions, used, ScatterMode.Assign);
        var sourceShape = source.Shape;
        return Graph.Record(y, Derivatives.MaskedScatterBackward0, [this, source], sourceShape, static (g, s, needs, sourceShape) =>
        [
            needs[0] ? g.MaskedFill(s[0], 0) : null,
            needs[1] ? Derivatives.MaskedScatterSource(g, s[0], sourceShape) : null,
        ], mask);
    }

    /// <summary>torch.Tensor.masked_scatter_ (in place); the mask must expand to this tensor's shape.</summary>
    public Tensor MaskedScatter_(Tensor mask, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(source);
        var expanded = mask.Expand(Shape);
        return InPlace(null, x => x.MaskedScatter(expanded, source), operand: source);
    }

    private static void CheckFillMask(Tensor mask)
    {
        if (mask.DType != DType.Bool)
            throw Errors.Runtime($"masked_fill_ only supports boolean masks, but got mask with dtype {mask.DType.TypeMetaName()}");
    }

    /// <summary>Flat (row-major) positions of the set elements of <paramref name="mask"/> broadcast to <paramref name="shape"/>.</summary>
    private static Tensor MaskPositions(Tensor mask, int[] shape)
    {
        var set = mask.Expand(shape).ToArray<bool>();
        var positions = new List<long>();
        for (int i = 0; i < set.Length; i++) if (set[i]) positions.Add(i);
        return From(positions.ToArray());
    }

    // ---- take / take_along_dim --------------------------------------------------------------------------------

    /// <summary>torch.take: elements of the flattened tensor at <paramref name="index"/> (negative indices wrap); the output has the index's shape.</summary>
    public Tensor Take(Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        Errors.Check(index.DType == DType.Int64, $"take(): Expected a long tensor for index, but got {index.DType.ScalarTypeName()}");
        if (Numel == 0 && index.Numel != 0) throw Errors.Index("take(): tried to take from an empty tensor");
        var y = Allocate(index.Shape, DType);
        int n = Numel;
        if (index.Numel == 0) return Graph.Record(y, Derivatives.TakeBackward0, [this], Shape, static (g, _, _, shape) => [Zeros(shape, g.DType)]);
        if (IndexAlongDim.FirstOutOfRange(index, -n, n) is { } bad)
            throw Errors.Index($"out of range: tried to access index {bad} on a tensor of {n} elements.");
        var wrapped = From(index.ToArray<long>().Select(v => v < 0 ? v + n : v).ToArray()).View(index.Shape);
        IndexAlongDim.Gather(Detach().Flat(), 0, wrapped.Flat(), y.Flat());
        var inputShape = Shape;
        return Graph.Record(y, Derivatives.TakeBackward0, [this], (n, inputShape), static (g, s, _, a) =>
            [Zeros([a.n], g.DType).IndexAdd(0, s[0].Reshape(-1), g.Reshape(-1)).View(a.inputShape)], wrapped);
    }

    /// <summary>
    /// torch.take_along_dim. Without a dim: gather from the flattened tensor. With a dim: input and indices
    /// broadcast on the other dims, and (as libtorch 2.10 does) every index is reduced modulo the dim's size.
    /// </summary>
    public Tensor TakeAlongDim(Tensor indices, int? dim = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (dim is not { } dimValue) return View(-1).Gather(0, indices.View(-1));
        Errors.Check(Dim == indices.Dim,
            $"torch.take_along_dim(): input and indices should have the same number of dimensions, but got {Dim} dimensions for input, and {indices.Dim} dimensions for indices");
        Errors.Check(indices.DType == DType.Int64,
            $"torch.take_along_dim(): dtype of indices should be Long but got {indices.DType.ScalarTypeName()}");
        int d = Errors.WrapDim(dimValue, Dim);
        if (Dim == 0) throw Errors.Index($"Dimension specified as {d} but tensor has no dimensions");
        var selfSizes = Shape;
        selfSizes[d] = indices.Size(d);
        var indicesBroadcast = indices.Expand(Shapes.Broadcast(selfSizes, indices.Sizes));
        var indicesSizes = indices.Shape;
        indicesSizes[d] = Size(d);
        var selfBroadcast = Expand(Shapes.Broadcast(indicesSizes, Sizes));
        // A size-0 dim makes this modulo raise "ZeroDivisionError", as in libtorch.
        var wrapped = indicesBroadcast.Remainder(WrapNumber(Layout.Sizes[d]));
        return selfBroadcast.Gather(d, wrapped);
    }

    // ---- shared checks and helpers ----------------------------------------------------------------------------

    /// <summary>assert_no_overlap for in-place writes: <paramref name="input"/> may not share memory with this tensor. Returns the input.</summary>
    private Tensor NotOverlapping(Tensor input)
    {
        Overlaps.RefuseAny(this, input);
        return input;
    }

    /// <summary>gather / scatter accept Int64 and (since PyTorch 2.x) Int32 index tensors.</summary>
    private static void CheckIndexDType(string op, Tensor index) =>
        Errors.Check(index.DType is DType.Int64 or DType.Int32, $"{op}(): Expected dtype int32/int64 for index");

    /// <summary>gather_shape_check: same rank, and index no larger than input except along dim (0-d counts as 1-d).</summary>
    private void CheckGatherShape(int dim, Tensor index)
    {
        int rank = Math.Max(Dim, 1);
        Errors.Check(rank == Math.Max(index.Dim, 1), "Index tensor must have the same number of dimensions as input tensor");
        for (int i = 0; i < rank; i++)
            if (i != dim && SizeOrOne(index, i) > SizeOrOne(this, i))
                throw Errors.Runtime($"Size does not match at dimension {i} expected index {Errors.Shape(index.Sizes)} to be no larger than self {Errors.Shape(Sizes)} apart from dimension {dim}");
    }

    /// <summary>scatter's dtype and shape checks (scatter_meta_impl); returns the wrapped dim. An empty index skips the shape checks.</summary>
    private int CheckScatter(int dim, Tensor index, Tensor? src)
    {
        int d = Errors.WrapDim(dim, Dim);
        if (index.Numel != 0) CheckIndexDType("scatter", index);
        if (src is not null)
            Errors.Check(DType == src.DType, "scatter(): Expected self.dtype to be equal to src.dtype");
        if (index.Numel == 0) return d;
        int rank = Math.Max(Dim, 1);
        Errors.Check(rank == Math.Max(index.Dim, 1), "Index tensor must have the same number of dimensions as self tensor");
        bool tooLarge = Enumerable.Range(0, rank).Any(i => i != d && SizeOrOne(index, i) > SizeOrOne(this, i));
        if (src is null)
        {
            if (tooLarge)
                throw Errors.Runtime($"Expected index {Errors.Shape(index.Sizes)} to be no larger than self {Errors.Shape(Sizes)} apart from dimension {d}");
            return d;
        }
        Errors.Check(Math.Max(src.Dim, 1) == rank, "Index tensor must have the same number of dimensions as src tensor");
        tooLarge |= Enumerable.Range(0, rank).Any(i => SizeOrOne(index, i) > SizeOrOne(src, i));
        if (tooLarge)
            throw Errors.Runtime($"Expected index {Errors.Shape(index.Sizes)} to be no larger than self {Errors.Shape(Sizes)} apart from dimension {d} and to be no larger size than src {Errors.Shape(src.Sizes)}");
        return d;
    }

    /// <summary>The index as Int64, after checking every value lies in [0, size) along <paramref name="dim"/> (no wrapping).</summary>
    private Tensor CheckedIndex(Tensor index, int dim)
    {
        var idx = index.CastRaw(DType.Int64);
        int size = SizeOrOne(this, dim);
        if (IndexAlongDim.FirstOutOfRange(idx, 0, size) is { } bad)
            throw Errors.Runtime($"index {bad} is out of bounds for dimension {dim} with size {size}");
        return idx;
    }

    /// <summary>ensure_nonempty_size: a 0-d tensor has one dim of size 1.</summary>
    private static int SizeOrOne(Tensor t, int dim) => t.Dim == 0 ? 1 : t.Layout.Sizes[dim];

    /// <summary>A 0-d tensor of this tensor's dtype holding <paramref name="value"/> (converted as PyTorch converts a Scalar).</summary>
    private Tensor ScalarTensor(Scalar value) => Allocate([], DType).FillRaw(value);

    /// <summary>The value of a one-element tensor as a Scalar of its own kind.</summary>
    private static Scalar ScalarOf(Tensor t) => t.DType switch
    {
        DType.Bool => t.Item<bool>(),
        DType.Float32 or DType.Float64 => t.Item<double>(),
        _ => t.Item<long>(),
    };


    /// <summary>A contiguous 1-d alias of this tensor's elements in row-major order (a copy when not contiguous).</summary>
    private Tensor Flat()
    {
        var dense = IsContiguous() ? this : CloneRaw();
        return new Tensor(dense.Storage, Layout.Contiguous([Numel], dense.Layout.Offset), DType, dense.VersionCounter);
    }
}
