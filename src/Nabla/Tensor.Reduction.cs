using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>torch.sum over all elements; integers and Bool give Int64.</summary>
    public Tensor Sum(DType? dtype = null) => Sum(null, false, dtype);

    /// <summary>torch.sum over <paramref name="dim"/> (several, negative, or null/empty for all).</summary>
    public Tensor Sum(int[]? dim, bool keepdim = false, DType? dtype = null)
    {
        var type = dtype ?? (DType.IsIntegral() ? DType.Int64 : DType);
        var dims = ReductionDims(dim);
        // Integer and Bool sums to Int64 widen element by element instead of converting the whole input first.
        var y = type == DType.Int64 && DType is not (DType.Int64 or DType.Float32 or DType.Float64)
            ? WideningSum(dims, keepdim, type)
            : ReduceValues<SumReducer>(CastRaw(type), dims, keepdim);
        var inputShape = Shape;
        return Graph.Record(y, dim is null ? Derivatives.SumBackward0 : Derivatives.SumBackward1, [this],
            new Derivatives.Reduced(inputShape, dims, keepdim), Derivatives.Sum);
    }

    /// <summary>torch.sum over one dim.</summary>
    /// <exception cref="IndexException"><paramref name="dim"/> is out of range.</exception>
    public Tensor Sum(int dim, bool keepdim = false, DType? dtype = null) => Sum([dim], keepdim, dtype);

    /// <summary>torch.mean: floating-point inputs only (or an explicit floating dtype); empty gives NaN.</summary>
    public Tensor Mean(int[]? dim = null, bool keepdim = false, DType? dtype = null)
    {
        var type = dtype ?? DType;
        if (!type.IsFloatingPoint())
            throw Errors.Runtime($"mean(): could not infer output dtype. {(dtype is null ? "Input" : "Optional")} dtype must be either a floating point or complex dtype. Got: {type.ScalarTypeName()}");
        var dims = ReductionDims(dim);
        int count = dims.Aggregate(1, (n, d) => n * Layout.Sizes[d]);
        Tensor y;
        using (GradMode.NoGrad())
        {
            var sum = DType == DType.Float64 ? ReduceValues<SumReducer>(this, dims, keepdim) : WideningSum(dims, keepdim, DType.Float64);
            y = sum.Div(count).CastRaw(type);
        }
        var inputShape = Shape;
        return Graph.Record(y, dim is null ? Derivatives.MeanBackward0 : Derivatives.MeanBackward1, [this],
            (new Derivatives.Reduced(inputShape, dims, keepdim), count), Derivatives.Mean);
    }

    /// <summary>torch.mean over one dim.</summary>
    /// <exception cref="ArgumentException">The input (or <paramref name="dtype"/>) is not floating-point.</exception>
    /// <exception cref="IndexException"><paramref name="dim"/> is out of range.</exception>
    public Tensor Mean(int dim, bool keepdim = false, DType? dtype = null) => Mean([dim], keepdim, dtype);

    /// <summary>torch.prod; the gradient is exact also when the input holds zeros.</summary>
    public Tensor Prod(int? dim = null, bool keepdim = false, DType? dtype = null)
    {
        var type = dtype ?? (DType.IsIntegral() ? DType.Int64 : DType);
        var dims = ReductionDims(dim is { } d ? [d] : null);
        var y = ReduceValues<ProdReducer>(CastRaw(type), dims, keepdim);
        var inputShape = Shape;
        return Graph.Record(y, dim is null ? Derivatives.ProdBackward0 : Derivatives.ProdBackward1, [this],
            (new Derivatives.Reduced(inputShape, dims, keepdim), dim is null), Derivatives.Prod, this, y);
    }

    /// <summary>torch.any: whether any element (over <paramref name="dim"/>, or all) is non-zero.</summary>
    public Tensor Any(int? dim = null, bool keepdim = false) =>
        KeepUInt8((CastRaw(DType.Bool).Sum(dim is { } d ? [d] : null, keepdim) > 0));

    /// <summary>torch.all: whether every element (over <paramref name="dim"/>, or all) is non-zero.</summary>
    public Tensor All(int? dim = null, bool keepdim = false) =>
        KeepUInt8(LogicalNot().Sum(dim is { } d ? [d] : null, keepdim) == 0);

    /// <summary>any/all of a UInt8 tensor stay UInt8 (PyTorch's legacy rule); every other dtype gives Bool.</summary>
    private Tensor KeepUInt8(Tensor result) => DType == DType.UInt8 ? result.CastRaw(DType.UInt8) : result;

    /// <summary>torch.max(): the largest element (NaN if any); the gradient is split among all maxima.</summary>
    public Tensor Max() => FullExtreme<MaxReducer>("max", Derivatives.MaxBackward1);

    /// <summary>torch.min(): the smallest element (NaN if any); the gradient is split among all minima.</summary>
    public Tensor Min() => FullExtreme<MinReducer>("min", Derivatives.MinBackward1);

    /// <summary>torch.max(dim): values and the index of the first maximum (first NaN); the gradient goes to that index.</summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepdim = false) => DimExtreme<MaxReducer, ArgMaxReducer>(dim, keepdim, "max", Derivatives.MaxBackward0);

    /// <summary>torch.min(dim): values and the index of the first minimum (first NaN).</summary>
    public (Tensor Values, Tensor Indices) Min(int dim, bool keepdim = false) => DimExtreme<MinReducer, ArgMinReducer>(dim, keepdim, "min", Derivatives.MinBackward0);

    /// <summary>torch.amax: maxima over dims; ties split the gradient evenly (NaN results give NaN gradients).</summary>
    public Tensor Amax(int[]? dim = null, bool keepdim = false) => AExtreme<MaxReducer>(dim, keepdim, "amax", Derivatives.AmaxBackward0);

    /// <summary>torch.amin: minima over dims; ties split the gradient evenly.</summary>
    public Tensor Amin(int[]? dim = null, bool keepdim = false) => AExtreme<MinReducer>(dim, keepdim, "amin", Derivatives.AminBackward0);

    /// <summary>torch.amax over one dim; ties split the gradient evenly.</summary>
    /// <exception cref="IndexException"><paramref name="dim"/> is out of range.</exception>
    public Tensor Amax(int dim, bool keepdim = false) => Amax([dim], keepdim);
    /// <summary>torch.amin over one dim; ties split the gradient evenly.</summary>
    /// <exception cref="IndexException"><paramref name="dim"/> is out of range.</exception>
    public Tensor Amin(int dim, bool keepdim = false) => Amin([dim], keepdim);

    /// <summary>torch.argmax: first index of the maximum; without a dim, an index into the flattened tensor.</summary>
    public Tensor Argmax(int? dim = null, bool keepdim = false) => ArgExtreme<ArgMaxReducer>(dim, keepdim, "argmax");

    /// <summary>torch.argmin: first index of the minimum; without a dim, an index into the flattened tensor.</summary>
    public Tensor Argmin(int? dim = null, bool keepdim = false) => ArgExtreme<ArgMinReducer>(dim, keepdim, "argmin");

    /// <summary>torch.var with Bessel's correction by default.</summary>
    public Tensor Var(int[]? dim = null, double correction = 1, bool keepdim = false)
    {
        CheckFloat("var");
        var dims = ReductionDims(dim);
        int n = dims.Aggregate(1, (c, d) => c * Layout.Sizes[d]);
        Tensor y;
        using (GradMode.NoGrad())
        {
            var x = CastRaw(DType.Float64);
            var centered = x - x.Mean([.. dims], keepdim: true);
            y = (centered * centered).Sum([.. dims], keepdim).Div(Math.Max(n - correction, 0)).CastRaw(DType);
        }
        var inputShape = Shape;
        return Graph.Record(y, Derivatives.VarBackward0, [this], (new Derivatives.Reduced(inputShape, dims, keepdim), n - correction), Derivatives.Var, this);
    }

    /// <summary>torch.var over one dim, dividing by N - <paramref name="correction"/>.</summary>
    /// <exception cref="ArgumentException">The input is not floating-point.</exception>
    public Tensor Var(int dim, double correction = 1, bool keepdim = false) => Var([dim], correction, keepdim);

    /// <summary>torch.std: the square root of <see cref="Var(int[], double, bool)"/>.</summary>
    public Tensor Std(int[]? dim = null, double correction = 1, bool keepdim = false)
    {
        CheckFloat("std");
        var dims = ReductionDims(dim);
        int n = dims.Aggregate(1, (c, d) => c * Layout.Sizes[d]);
        Tensor y;
        using (GradMode.NoGrad()) y = Var(dim, correction, keepdim).Sqrt();
        var inputShape = Shape;
        return Graph.Record(y, Derivatives.StdBackward0, [this], (new Derivatives.Reduced(inputShape, dims, keepdim), n - correction), Derivatives.Std, this, y);
    }

    /// <summary>torch.std over one dim: the square root of <see cref="Var(int, double, bool)"/>.</summary>
    /// <exception cref="ArgumentException">The input is not floating-point.</exception>
    public Tensor Std(int dim, double correction = 1, bool keepdim = false) => Std([dim], correction, keepdim);

    /// <summary>torch.logsumexp, computed stably around the maximum.</summary>
    public Tensor Logsumexp(int[] dim, bool keepdim = false)
    {
        ArgumentNullException.ThrowIfNull(dim);
        var x = IsFloatingPoint ? this : CastRaw(DTypes.Default);
        var dims = ReductionDims(dim);
        Tensor y;
        using (GradMode.NoGrad())
        {
            var m = x.Numel == 0 ? Zeros(x.ReducedShape(dims, keepdim: true), x.DType) : x.Detach().Amax([.. dims], keepdim: true);
            m = Where(m.IsInf(), 0.0, m);
            y = (x.Detach() - m).Exp().Sum([.. dims], keepdim: true).Log() + m;
            if (!keepdim) y = y.Squeeze(dims);
        }
        var inputShape = Shape;
        return Graph.Record(y, Derivatives.LogsumexpBackward0, [this], new Derivatives.Reduced(inputShape, dims, keepdim), Derivatives.Logsumexp, x, y);
    }

    /// <summary>torch.logsumexp over one dim: log(sum(exp(x))), computed stably.</summary>
    public Tensor Logsumexp(int dim, bool keepdim = false) => Logsumexp([dim], keepdim);

    /// <summary>torch.softmax along <paramref name="dim"/>.</summary>
    public Tensor Softmax(int dim, DType? dtype = null)
    {
        var (x, d) = SoftmaxInput(dim, dtype, "softmax");
        if (x.Numel == 0) return x.Clone();
        Tensor y;
        using (GradMode.NoGrad()) y = x.FusedSoftmax(d, log: false) ?? Composite();
        Tensor Composite()
        {
            var e = (x - x.RowMax(d)).Exp();
            return e / e.Sum(d, keepdim: true);
        }
        return Graph.Record(y, Derivatives.SoftmaxBackward0, [x], d, Derivatives.Softmax, y);
    }

    /// <summary>torch.log_softmax along <paramref name="dim"/>: x - max - log(sum(exp(x - max))), as PyTorch computes it.</summary>
    public Tensor LogSoftmax(int dim, DType? dtype = null)
    {
        var (x, d) = SoftmaxInput(dim, dtype, "log_softmax");
        if (x.Numel == 0) return x.Clone();
        Tensor y;
        using (GradMode.NoGrad()) y = x.FusedSoftmax(d, log: true) ?? Composite();
        Tensor Composite()
        {
            var shifted = x - x.RowMax(d);
            return shifted - shifted.Exp().Sum(d, keepdim: true).Log();
        }
        return Graph.Record(y, Derivatives.LogSoftmaxBackward0, [x], d, Derivatives.LogSoftmax, y);
    }

    /// <summary>The fused kernel's result when <paramref name="d"/> is the last dim of a contiguous tensor, else null.</summary>
    private Tensor? FusedSoftmax(int d, bool log)
    {
        if (Dim == 0 || d != Dim - 1 || !IsContiguous()) return null;
        var y = AllocateForOutput(Shape, DType);
        Kernels.Softmax.Run(this, y, Numel / Layout.Sizes[d], Layout.Sizes[d], log);
        return y;
    }

    /// <summary>The softmax input after PyTorch's checks: dim first, then the dtype (named after the kernel that lacks it).</summary>
    private (Tensor X, int Dim) SoftmaxInput(int dim, DType? dtype, string op)
    {
        int d = Errors.WrapDim(dim, Dim);
        // An explicit dtype converts first; the kernel then runs on (and rejects) the converted dtype.
        var x = dtype is { } t ? To(t) : this;
        if (!x.IsFloatingPoint && x.Numel > 0) // no kernel runs on an empty input, so no dtype check either
        {
            string kernel = d == Math.Max(Dim, 1) - 1 ? $"{op}_lastdim_kernel_impl" : "softmax_kernel_impl";
            throw Errors.NotImplemented($"\"{kernel}\" not implemented for '{x.DType.ScalarTypeName()}'");
        }
        return (x, d);
    }

    /// <summary>The maximum along a dim kept as size 1 (an empty dim stays empty rather than failing like amax).</summary>
    private Tensor RowMax(int d) => Numel == 0 ? Zeros(ReducedShape(Dim == 0 ? [] : [d], keepdim: true), DType) : Amax(Dim == 0 ? [] : [d], keepdim: true);

    // ---- helpers ---------------------------------------------------------------------------------------------

    private Tensor FullExtreme<TR>(string name, string node) where TR : IReducer
    {
        if (Numel == 0)
            throw Errors.Runtime($"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
        var y = ReduceValues<TR>(this, ReductionDims(null), false);
        return Graph.Record(y, node, [this], Derivatives.FullExtreme, this, y);
    }

    private (Tensor, Tensor) DimExtreme<TR, TA>(int dim, bool keepdim, string name, string node) where TR : IReducer where TA : IArgReducer
    {
        int d = Errors.WrapDim(dim, Dim);
        if (Dim > 0 && Layout.Sizes[d] == 0) throw Errors.Index($"{name}(): Expected reduction dim {d} to have non-zero size.");
        var indices = ReduceIndices<TA>(d, keepdim);
        var values = ReduceValues<TR>(this, Dim == 0 ? [] : [d], keepdim);
        var inputShape = Shape;
        values = Graph.Record(values, node, [this], (inputShape, d, keepdim), Derivatives.ValueSelecting, indices);
        return (values, indices);
    }

    private Tensor AExtreme<TR>(int[]? dim, bool keepdim, string name, string node) where TR : IReducer
    {
        if ((dim is null || dim.Length == 0) && Numel == 0)
            throw Errors.Runtime($"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
        var dims = ReductionDims(dim);
        for (int i = 0; i < dims.Length; i++)
            if (Layout.Sizes[dims[i]] == 0) throw Errors.Index($"{name}(): Expected reduction dim {dim![i]} to have non-zero size.");
        var y = ReduceValues<TR>(this, dims, keepdim);
        var inputShape = Shape;
        return Graph.Record(y, node, [this], new Derivatives.Reduced(inputShape, dims, keepdim), Derivatives.AExtreme, this, y);
    }

    private Tensor ArgExtreme<TA>(int? dim, bool keepdim, string name) where TA : IArgReducer
    {
        if (DType == DType.Bool) throw Errors.Runtime($"{name}(): does not support bool input");
        if (dim is null)
        {
            if (Numel == 0) throw Errors.Index($"{name}(): Expected reduction dim to be specified for input.numel() == 0.");
            var flat = Reshape(-1).ReduceIndices<TA>(0, false);
            return keepdim ? flat.Reshape(Enumerable.Repeat(1, Dim).ToArray()) : flat;
        }
        int d = Errors.WrapDim(dim.Value, Dim);
        if (Dim > 0 && Layout.Sizes[d] == 0) throw Errors.Index($"{name}(): Expected reduction dim {d} to have non-zero size.");
        return ReduceIndices<TA>(d, keepdim);
    }

    private Tensor ReduceIndices<TA>(int dim, bool keepdim) where TA : IArgReducer
    {
        var dims = Dim == 0 ? Array.Empty<int>() : [dim];
        var rows = Reduce.Rows(this, dims, out int outer, out int k);
        var y = Allocate(ReducedShape(dims, keepdim), DType.Int64);
        Reduce.Indices<TA>(rows, outer, k, y.Data<long>());
        return y;
    }

    /// <summary>The sum over <paramref name="dims"/> into <paramref name="wide"/> (Int64 or Float64), accumulated without a widened copy of the input.</summary>
    private Tensor WideningSum(int[] dims, bool keepdim, DType wide)
    {
        var y = Allocate(ReducedShape(dims, keepdim), wide);
        var rows = Reduce.Rows(this, dims, out int outer, out int k);
        if (k > 0 && y.Numel > 0) Reduce.WideningSums(rows, outer, k, y);
        return y;
    }

    /// <summary>Reduces <paramref name="x"/> (already of the output dtype) over <paramref name="dims"/> without autograd.</summary>
    private Tensor ReduceValues<TR>(Tensor x, int[] dims, bool keepdim) where TR : IReducer
    {
        var y = Allocate(x.ReducedShape(dims, keepdim), x.DType);
        // A sum over one block of consecutive dims of a contiguous input reads it in place as (outer, rows, inner):
        // always for leading dims, and for middle dims when the kept inner runs are long enough to vectorise.
        if (typeof(TR) == typeof(SumReducer) && x.IsContiguous() && dims.Length > 0 && dims.Length < x.Dim && y.Numel > 0)
        {
            int first = dims.Min(), end = dims.Max() + 1;
            if (end - first == dims.Length)
            {
                int slabs = Layout.NumelOf(x.Sizes[..first]), reduced = Layout.NumelOf(x.Sizes[first..end]), inner = Layout.NumelOf(x.Sizes[end..]);
                if (reduced > 1 && (first == 0 || inner >= 16)) { Reduce.SumLeading(x, slabs, reduced, inner, y); return y; }
            }
        }
        var rows = Reduce.Rows(x, dims, out int outer, out int k);
        if (k == 0) return y.FillRaw(typeof(TR) == typeof(ProdReducer) ? 1 : 0);
        Reduce.Values<TR>(rows, outer, k, y);
        return y;
    }

    private int[] ReducedShape(int[] dims, bool keepdim)
    {
        var shape = new List<int>();
        for (int i = 0; i < Dim; i++)
        {
            if (!dims.Contains(i)) shape.Add(Layout.Sizes[i]);
            else if (keepdim) shape.Add(1);
        }
        return [.. shape];
    }

    /// <summary>The dims to reduce, wrapped and checked for duplicates; null or empty means all.</summary>
    internal int[] ReductionDims(int[]? dim)
    {
        if (dim is null || dim.Length == 0) return Enumerable.Range(0, Dim).ToArray();
        var wrapped = dim.Select(d => Errors.WrapDim(d, Dim)).ToArray();
        var dup = wrapped.GroupBy(d => d).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw Errors.Runtime($"dim {dup.Key} appears multiple times in the list of dims");
        return Dim == 0 ? [] : wrapped;
    }

    /// <summary>Broadcasts a reduced gradient back to the input's shape (re-inserting dims when keepdim was false).</summary>
    internal Tensor ExpandReduced(int[] inputShape, int[] dims, bool keepdim)
    {
        var g = this;
        if (!keepdim)
            foreach (var d in dims.Order()) g = g.Unsqueeze(d);
        return g.Expand(inputShape);
    }

    private void CheckFloat(string name)
    {
        if (!IsFloatingPoint) throw Errors.Runtime("std and var only support floating point and complex dtypes");
    }
}
