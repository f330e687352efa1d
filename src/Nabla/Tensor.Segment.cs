using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>
    /// torch.segment_reduce: reduces consecutive segments of <paramref name="data"/> along <paramref name="axis"/>,
    /// which must be the last dim of <paramref name="lengths"/> (or <paramref name="offsets"/>); their leading dims are
    /// batch dims matching data's. <paramref name="reduce"/> is sum, mean, max (amax), min (amin) or prod; data must be
    /// floating point (else NotSupportedException, torch's NotImplementedError). An empty segment gives <paramref name="initial"/> when given, else 0 (sum), 1 (prod), NaN (mean),
    /// -inf (max) or +inf (min); with <paramref name="initial"/> it also joins every non-empty reduction (mean divides
    /// initial + sum by the length). Offsets take precedence over lengths; segment i is [offsets[i], offsets[i+1]).
    /// Unless <paramref name="unsafeMode"/>, lengths must be non-negative and each row must sum to data.size(axis);
    /// ranges past the end of data are rejected in either mode. Values accumulate in double (float32 included).
    /// Backward (SegmentReduceBackward0) follows torch's CPU kernel: sum and mean exact; prod g * out / x, or the
    /// product of the other elements where x is 0 or NaN; max/min send the gradient to every element equal to the
    /// result or NaN, and with two or more such elements split it evenly only when it is positive (torch's rule).
    /// </summary>
    /// <exception cref="ArgumentException">Neither lengths nor offsets is given, their shapes or sums do not fit data, or a segment runs past its end.</exception>
    /// <exception cref="NotSupportedException">data, lengths or offsets has a dtype torch's kernel does not take.</exception>
    /// <exception cref="IndexException"><paramref name="axis"/> is out of range.</exception>
    public static Tensor SegmentReduce(Tensor data, SegmentReduceMode reduce, Tensor? lengths = null, Tensor? offsets = null,
        int axis = 0, bool unsafeMode = false, Scalar? initial = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        int ax = Errors.WrapDim(axis, data.Dim);
        Errors.Check(lengths is not null || offsets is not null, "segment_reduce(): Either lengths or offsets must be defined.");
        var reduction = ToSegmentReduction(reduce);
        var plan = offsets is not null ? PlanFromOffsets(data, offsets, ax) : PlanFromLengths(data, lengths!, ax, unsafeMode);
        if (!data.IsFloatingPoint)
            throw Errors.NotImplemented($"\"_segment_reduce_cpu\" not implemented for '{data.DType.ScalarTypeName()}'");

        // torch converts initial to data's dtype first.
        double? init = initial is { } v ? Full([], v, data.DType).Item<double>() : null;
        var y = ReduceSegments(data, plan, reduction, init, ax);
        return Graph.Record(y, Derivatives.SegmentReduceBackward0, [data],
            new Derivatives.SegmentArgs(plan, reduction, init, TieRule.SegmentReduce, "aten::_segment_reduce_backward"), SegmentBackward, data, y);
    }

    /// <summary>
    /// Reduces arbitrary, possibly overlapping or empty row slices [start, end) of <paramref name="data"/> along
    /// <paramref name="dim"/>: <paramref name="slices"/> is an (N, 2) Int64 (or Int32) tensor, and the result has data's
    /// shape with dim's size replaced by N (so (N, rest of data dims) for dim 0). The direct counterpart of torch's
    /// cumsum + pad + index + diff idiom, and of stacking data[start:end].sum/mean/amax/amin/prod(dim) per slice:
    /// each slice is summed directly in double (cost proportional to the total slice length, no cancellation on long
    /// float32 axes), and gradients reach exactly the rows inside each slice (rows outside every slice get 0).
    /// Empty slices behave like torch's reductions of an empty selection: sum 0, prod 1, mean NaN, and max/min raise
    /// (as torch.amax/amin raise IndexError on an empty reduction dim). Max/min gradients follow torch.amax: split evenly
    /// among the elements equal to the slice's extreme (NaN gradients when the extreme is NaN). Prod gradients are exact
    /// with zeros and use segment_reduce's rule for NaN elements (the product of the others, where torch.prod of a
    /// zero-free slice gives NaN).
    /// </summary>
    /// <exception cref="ArgumentException">data is not floating point, or slices is not an (N, 2) integer tensor of ranges inside data.</exception>
    /// <exception cref="IndexException"><paramref name="dim"/> is out of range, or a max/min slice is empty.</exception>
    public static Tensor RaggedSliceReduce(Tensor data, Tensor slices, SegmentReduceMode reduce = SegmentReduceMode.Mean, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(slices);
        const string op = "RaggedSliceReduce()";
        var reduction = ToSegmentReduction(reduce);
        if (!data.IsFloatingPoint)
            throw Errors.Runtime($"{op}: expected data of a floating point dtype, but got data of dtype {data.DType.ScalarTypeName()}");
        int d = Errors.WrapDim(dim, data.Dim, scalarWraps: false);
        if (!IsIndexDType(slices))
            throw Errors.Runtime($"{op}: expected slices of dtype Long (or Int), but got slices of dtype {slices.DType.ScalarTypeName()}");
        if (slices.Dim != 2 || slices.Size(1) != 2)
            throw Errors.Runtime($"{op}: expected slices of shape (N, 2), but got slices of shape {Errors.Shape(slices.Sizes)}");

        var bounds = slices.ToArray<long>();
        int n = slices.Size(0);
        var starts = Enumerable.Range(0, n).Select(s => bounds[2 * s]).ToArray();
        var ends = Enumerable.Range(0, n).Select(s => bounds[2 * s + 1]).ToArray();
        CheckRanges(op, "slice", data, d, n, starts, ends);
        int e = Enumerable.Range(0, n).FirstOrDefault(s => starts[s] == ends[s], -1);
        if (reduction is SegmentReduction.Max or SegmentReduction.Min && e >= 0)
            throw Errors.Index($"{op}: slice {e} is empty ([{starts[e]}, {ends[e]})), and {(reduce == SegmentReduceMode.Max ? "max" : "min")} of an empty slice is undefined (torch.amax/amin raise on an empty reduction dim)");

        // The same slices apply to every index of the dims before dim.
        int outer = Product(data.Sizes[..d]);
        var plan = MakeSegmentPlan(data, d, n, Repeat(starts, outer), Repeat(ends, outer));
        var y = ReduceSegments(data, plan, reduction, null, d);
        return Graph.Record(y, Derivatives.RaggedSliceReduceBackward0, [data],
            new Derivatives.SegmentArgs(plan, reduction, null, TieRule.Amax, Derivatives.RaggedSliceReduceBackward0), SegmentBackward, data, y);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static SegmentReduction ToSegmentReduction(SegmentReduceMode reduce) => reduce switch
    {
        SegmentReduceMode.Sum => SegmentReduction.Sum,
        SegmentReduceMode.Mean => SegmentReduction.Mean,
        SegmentReduceMode.Max => SegmentReduction.Max,
        SegmentReduceMode.Min => SegmentReduction.Min,
        SegmentReduceMode.Prod => SegmentReduction.Prod,
        _ => throw new ArgumentOutOfRangeException(nameof(reduce), reduce, "not a SegmentReduceMode"),
    };

    /// <summary>Segments from lengths: consecutive runs along axis, one row of lengths per batch index.</summary>
    private static SegmentPlan PlanFromLengths(Tensor data, Tensor lengths, int axis, bool unsafeMode)
    {
        CheckSegmentIndexShape(data, lengths, axis, "lengths");
        var values = lengths.ToArray<long>();
        int count = lengths.Size(-1), rows = Product(lengths.Sizes[..^1]);
        if (!unsafeMode)
        {
            Errors.Check(values.All(v => v >= 0), "lengths contains negative value!");
            for (int row = 0; row < rows; row++)
                Errors.Check(values.AsSpan(row * count, count).ToArray().Aggregate(Int128.Zero, (sum, v) => sum + v) == data.Size(axis), // no int64 wrap
                    "segment_reduce(): Expected all rows of lengths along axis to sum to data.size(lengths.dim()-1) when !unsafe.");
        }
        if (!IsIndexDType(lengths))
            throw Errors.NotImplemented($"\"_segment_reduce_lengths_cpu_kernel1\" not implemented for '{lengths.DType.ScalarTypeName()}'");

        var starts = new long[values.Length];
        var ends = new long[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            starts[k] = k % count == 0 ? 0 : ends[k - 1];
            ends[k] = starts[k] + values[k];
        }
        CheckRanges("segment_reduce()", "segment", data, axis, count, starts, ends);
        return MakeSegmentPlan(data, axis, count, starts, ends);
    }

    /// <summary>Segments from offsets: segment i of a row is [offsets[i], offsets[i + 1]).</summary>
    private static SegmentPlan PlanFromOffsets(Tensor data, Tensor offsets, int axis)
    {
        CheckSegmentIndexShape(data, offsets, axis, "offsets");
        Errors.Check(offsets.Size(-1) >= 1,
            $"segment_reduce(): Expected offsets to have at least one element along axis, but got offsets of shape {Errors.Shape(offsets.Sizes)}");
        if (!IsIndexDType(offsets))
            throw Errors.NotImplemented($"\"_segment_reduce_offsets_cpu_kernel1\" not implemented for '{offsets.DType.ScalarTypeName()}'");

        var values = offsets.ToArray<long>();
        int width = offsets.Size(-1), count = width - 1, rows = values.Length / width;
        var starts = new long[rows * count];
        var ends = new long[rows * count];
        for (int row = 0; row < rows; row++)
            for (int s = 0; s < count; s++)
            {
                starts[row * count + s] = values[row * width + s];
                ends[row * count + s] = values[row * width + s + 1];
            }
        CheckRanges("segment_reduce()", "segment", data, axis, count, starts, ends);
        return MakeSegmentPlan(data, axis, count, starts, ends);
    }

    /// <summary>torch's checks on lengths/offsets, plus batch dims that must match data's (torch reads out of bounds otherwise).</summary>
    private static void CheckSegmentIndexShape(Tensor data, Tensor index, int axis, string name)
    {
        Errors.Check(data.Dim >= index.Dim,
            $"segment_reduce(): Expected data.dim() >= {name}.dim(), but got data of shape {Errors.Shape(data.Sizes)} and {name} of shape {Errors.Shape(index.Sizes)}");
        Errors.Check(axis == index.Dim - 1, $"segment_reduce(): Expected axis to be the last dimension of {name} but got {axis}.");
        Errors.Check(index.Sizes[..axis].SequenceEqual(data.Sizes[..axis]),
            $"segment_reduce(): Expected the leading dims of {name} to match data's, but got {name} of shape {Errors.Shape(index.Sizes)} and data of shape {Errors.Shape(data.Sizes)} with axis {axis}");
    }

    /// <summary>The dtypes torch's AT_DISPATCH_INDEX_TYPES accepts.</summary>
    private static bool IsIndexDType(Tensor index) => index.DType is DType.Int64 or DType.Int32;

    /// <summary>
    /// Every range must satisfy 0 &lt;= start &lt;= end &lt;= data.size(axis); <paramref name="count"/> ranges per batch row.
    /// A reversed range is a RuntimeError, one reaching outside data an IndexError.
    /// </summary>
    private static void CheckRanges(string op, string what, Tensor data, int axis, int count, long[] starts, long[] ends)
    {
        int size = data.Size(axis);
        for (int k = 0; k < starts.Length; k++)
        {
            long start = starts[k], end = ends[k];
            if (start >= 0 && start <= end && end <= size) continue;
            string label = starts.Length == count ? $"{k}" : $"({k / count}, {k % count})";
            string message = $"{op}: {what} {label} is [{start}, {end}), but expected 0 <= start <= end <= data.size({axis}) = {size} (data of shape {Errors.Shape(data.Sizes)})";
            throw start > end ? Errors.Runtime(message) : Errors.Index(message);
        }
    }

    /// <summary>Views data as (outer, data.size(axis), inner) with <paramref name="count"/> already checked ranges per outer index.</summary>
    private static SegmentPlan MakeSegmentPlan(Tensor data, int axis, int count, long[] starts, long[] ends) =>
        new(Product(data.Sizes[..axis]), data.Sizes[axis], Product(data.Sizes[(axis + 1)..]), count,
            Array.ConvertAll(starts, v => (int)v), Array.ConvertAll(ends, v => (int)v));

    private static int Product(ReadOnlySpan<int> sizes)
    {
        int p = 1;
        foreach (var s in sizes) p *= s;
        return p;
    }

    private static long[] Repeat(long[] values, int times) => Enumerable.Repeat(values, times).SelectMany(v => v).ToArray();

    /// <summary>Runs the forward kernel; the result has data's shape with the axis's size replaced by the range count.</summary>
    private static Tensor ReduceSegments(Tensor data, SegmentPlan plan, SegmentReduction reduction, double? initial, int axis)
    {
        var shape = data.Shape;
        shape[axis] = plan.Count;
        var y = AllocateForOutput(shape, data.DType); // every element is written
        Segment.Forward(Dense(data, data.DType), plan, reduction, initial, y);
        return y;
    }

    /// <summary>
    /// The backward kernel: sum and mean straight into data's dtype (float64 accumulation inside), prod/max/min on float64
    /// copies, cast back. Like torch's _segment_reduce_backward it has no derivative of its own: differentiating it again raises.
    /// </summary>
    private static Tensor?[] SegmentBackward(Tensor grad, Tensor[] saved, bool[] _, Derivatives.SegmentArgs a)
    {
        var (data, output) = (saved[0], saved[1]);
        Tensor gx;
        if (!Segment.BackwardNeedsValues(a.Reduction))
        {
            gx = AllocateForOutput(data.Shape, data.DType); // every element is written
            Segment.SpreadBackward(Dense(grad, data.DType), a.Plan, a.Reduction, gx);
        }
        else
        {
            var gx64 = Allocate(data.Shape, DType.Float64);
            Segment.Backward(Dense(grad, DType.Float64), Dense(output, DType.Float64), Dense(data, DType.Float64),
                a.Plan, a.Reduction, a.Initial, a.Ties, gx64);
            gx = gx64.CastRaw(data.DType);
        }
        return [Graph.Record(gx, Derivatives.NotImplemented, [grad, output, data], a.Name,
            static (_, _, _, name) => throw Errors.NotImplemented($"derivative for {name} is not implemented"))];
    }

    /// <summary>A contiguous copy of <paramref name="t"/> in <paramref name="dtype"/> (t itself when it already is one), without autograd.</summary>
    private static Tensor Dense(Tensor t, DType dtype)
    {
        var cast = t.CastRaw(dtype);
        return cast.IsContiguous() ? cast : cast.CloneRaw();
    }
}
