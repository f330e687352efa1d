using Nabla.NN;

namespace Nabla.Tests.Fuzz;

/// <summary>One public op under fuzzing: a name and a call that draws its own arguments.</summary>
public sealed record FuzzOp(string Name, Func<FuzzGen, object?> Call);

/// <summary>
/// Every public op of <see cref="Tensor"/>, <see cref="F"/> and <see cref="Autograd"/>, each called with arguments
/// drawn from a <see cref="FuzzGen"/>. Adding an op is one line here. The receiver of an instance call is never null
/// (that would be the test's own NullReferenceException); every argument may be.
/// </summary>
public static partial class FuzzOps
{
    private static Tensor X(FuzzGen g) => g.Tensor(g.Pick(FuzzGen.AllDTypes), g.Shape(), nullable: false)!;
    private static Tensor X(FuzzGen g, DType dt) => g.Tensor(dt, g.Shape(), nullable: false)!;
    private static Tensor A(FuzzGen g) => g.Tensor()!;
    private static Tensor Like(FuzzGen g, Tensor? x) => x is not null && g.Coin(0.8) ? g.Tensor(g.Pick(FuzzGen.AllDTypes), x.Shape)! : A(g);
    private static Tensor Float(FuzzGen g) => g.Tensor(g.Pick(DType.Float32, DType.Float64), g.Shape(), nullable: false)!;
    private static int Size0(Tensor x, int dim) => x.Dim == 0 ? 1 : x.Shape[((dim % x.Dim) + x.Dim) % x.Dim];
    private static int SafeDimSize(Tensor x, int dim) => dim >= -x.Dim && dim < Math.Max(x.Dim, 1) ? Size0(x, dim) : 3;
    private static int[] ShapeOf(Tensor? t) => t is null ? [] : t.Shape; // the fuzzer passes null on purpose
    private static DType? OptDType(FuzzGen g) => g.Coin(0.7) ? null : g.Pick(FuzzGen.AllDTypes);
    private static Tensor[] Tensors(FuzzGen g, Tensor first) =>
        [first, .. Enumerable.Range(0, g.Int(0, 3)).Select(_ => g.Coin(0.7) ? g.Tensor(g.Pick(FuzzGen.AllDTypes), first.Shape)! : A(g))];

    public static readonly FuzzOp[] All = [.. Pointwise(), .. Reductions(), .. Views(), .. Indexing(), .. Sorting(), .. Creation(), .. Functional(), .. Layers(), .. Elementwise(), .. More(), .. AutogradOps()];

    private static IEnumerable<FuzzOp> Pointwise()
    {
        RoundingMode?[] rounding = [null, null, RoundingMode.Trunc, RoundingMode.Floor];
        yield return new("Add", g => { var x = X(g); return x.Add(Like(g, x)); });
        yield return new("Add(Scalar)", g => X(g).Add(g.Scalar()));
        yield return new("Sub", g => { var x = X(g); return x.Sub(Like(g, x)); });
        yield return new("Sub(Scalar)", g => X(g).Sub(g.Scalar()));
        yield return new("Mul", g => { var x = X(g); return x.Mul(Like(g, x)); });
        yield return new("Mul(Scalar)", g => X(g).Mul(g.Scalar()));
        yield return new("Div", g => { var x = X(g); return x.Div(Like(g, x), g.Pick(rounding)); });
        yield return new("Div(Scalar)", g => X(g).Div(g.Scalar(), g.Pick(rounding)));
        yield return new("Remainder", g => { var x = X(g); return x.Remainder(Like(g, x)); });
        yield return new("FloorDivide", g => { var x = X(g); return x.FloorDivide(Like(g, x)); });
        yield return new("Pow", g => { var x = X(g); return x.Pow(Like(g, x)); });
        yield return new("Pow(Scalar)", g => X(g).Pow(g.Scalar()));
        yield return new("Maximum", g => { var x = X(g); return x.Maximum(Like(g, x)); });
        yield return new("Minimum", g => { var x = X(g); return x.Minimum(Like(g, x)); });
        yield return new("Neg", g => X(g).Neg());
        yield return new("Abs", g => X(g).Abs());
        yield return new("Sign", g => X(g).Sign());
        yield return new("Exp", g => X(g).Exp());
        yield return new("Log", g => X(g).Log());
        yield return new("Sqrt", g => X(g).Sqrt());
        yield return new("Rsqrt", g => X(g).Rsqrt());
        yield return new("Sin", g => X(g).Sin());
        yield return new("Cos", g => X(g).Cos());
        yield return new("Tanh", g => X(g).Tanh());
        yield return new("Sigmoid", g => X(g).Sigmoid());
        yield return new("Relu", g => X(g).Relu());
        yield return new("IsNan", g => X(g).IsNan());
        yield return new("IsInf", g => X(g).IsInf());
        yield return new("Clamp", g => X(g).Clamp(g.OptionalScalar(), g.OptionalScalar()));
        yield return new("Where(c, x, y)", g => { var x = X(g); return Tensor.Where(g.Mask(x.Shape)!, Like(g, x), Like(g, x)); });
        yield return new("Where(c, s, y)", g => { var x = X(g); return Tensor.Where(g.Mask(x.Shape)!, g.Scalar(), x); });
        yield return new("Where(c, x, s)", g => { var x = X(g); return Tensor.Where(g.Mask(x.Shape)!, x, g.Scalar()); });
        yield return new("Eq/Ne/Lt/Le/Gt/Ge", g => { var x = X(g); var y = Like(g, x); return g.Int(0, 6) switch { 0 => x.Eq(y), 1 => x.Ne(y), 2 => x.Lt(y), 3 => x.Le(y), 4 => x.Gt(y), _ => x.Ge(y) }; });
        yield return new("Eq/Ne/Lt/Le/Gt/Ge(Scalar)", g => { var x = X(g); var s = g.Scalar(); return g.Int(0, 6) switch { 0 => x.Eq(s), 1 => x.Ne(s), 2 => x.Lt(s), 3 => x.Le(s), 4 => x.Gt(s), _ => x.Ge(s) }; });
        yield return new("LogicalAnd/LogicalOr/LogicalXor", g => { var x = X(g); var y = Like(g, x); return g.Int(0, 3) switch { 0 => x.LogicalAnd(y), 1 => x.LogicalOr(y), _ => x.LogicalXor(y) }; });
        yield return new("LogicalNot", g => X(g).LogicalNot());
        yield return new("To", g => X(g).To(g.Pick(FuzzGen.AllDTypes)));
        yield return new("Add_/Sub_/Mul_/Div_", g => { var x = X(g); var y = Like(g, x); return g.Int(0, 4) switch { 0 => x.Add_(y), 1 => x.Sub_(y), 2 => x.Mul_(y), _ => x.Div_(y, g.Pick(rounding)) }; });
        yield return new("Add_/Sub_/Mul_/Div_(Scalar)", g => { var x = X(g); var s = g.Scalar(); return g.Int(0, 4) switch { 0 => x.Add_(s), 1 => x.Sub_(s), 2 => x.Mul_(s), _ => x.Div_(s, g.Pick(rounding)) }; });
        yield return new("Add_(overlapping view)", g => { var x = X(g); var v = x.Dim >= 2 && x.Shape[0] == x.Shape[1] ? x.Transpose(0, 1) : x.Dim >= 1 && x.Shape[0] > 1 ? x.Narrow(0, 1, x.Shape[0] - 1) : x; return (x.Dim >= 1 && x.Shape[0] > 1 && v.Dim == x.Dim && !v.Shape.SequenceEqual(x.Shape) ? x.Narrow(0, 0, x.Shape[0] - 1) : x).Add_(v); });
        yield return new("Clamp_", g => X(g).Clamp_(g.OptionalScalar(), g.OptionalScalar()));
        yield return new("Fill_", g => X(g).Fill_(g.Scalar()));
        yield return new("Zero_", g => X(g).Zero_());
        yield return new("Copy_", g => { var x = X(g); return x.Copy_(Like(g, x)); });
        yield return new("Matmul", g => { var x = X(g); int[] other = x.Dim > 0 ? [x.Shape[^1], g.Int(0, 4)] : [2]; return x.Matmul(g.Coin(0.6) ? g.Tensor(x.DType, other)! : A(g)); });
        yield return new("Mm", g => { var x = X(g, g.Pick(DType.Float32, DType.Float64, DType.Int64)); return x.Mm(x.Dim == 2 ? g.Tensor(x.DType, [x.Shape[1], g.Int(0, 4)])! : A(g)); });
        yield return new("Bmm", g => { var x = X(g); return x.Bmm(x.Dim == 3 ? g.Tensor(x.DType, [x.Shape[0], x.Shape[2], g.Int(0, 3)])! : A(g)); });
        yield return new("Einsum", g =>
        {
            var eq = g.Option("ij,jk->ik", "ii->i", "ij->", "i,i->", "bij,bjk->bik", "...i,...i->...", "ij->ji", "i->ii", "a,b,c", "ij,->ij");
            int n = eq.Count(c => c == ',') + 1;
            return Tensor.Einsum(eq, Enumerable.Range(0, n).Select(_ => g.Coin(0.5) ? Float(g) : g.Tensor(g.Pick(DType.Float32, DType.Int64), g.Shape(g.Int(0, 4)))!).ToArray());
        });
    }

    private static IEnumerable<FuzzOp> Reductions()
    {
        yield return new("Sum", g => X(g).Sum(OptDType(g)));
        yield return new("Sum(dims)", g => { var x = X(g); return x.Sum(g.Coin(0.1) ? null : g.Dims(x.Dim), g.Bool(), OptDType(g)); });
        yield return new("Mean", g => { var x = X(g); return x.Mean(g.Coin(0.2) ? null : g.Dims(x.Dim), g.Bool(), OptDType(g)); });
        yield return new("Prod", g => { var x = X(g); return x.Prod(g.Coin(0.3) ? null : g.Dim(x.Dim), g.Bool(), OptDType(g)); });
        yield return new("Any/All", g => { var x = X(g); int? d = g.Coin(0.3) ? null : g.Dim(x.Dim); return g.Coin() ? x.Any(d, g.Bool()) : x.All(d, g.Bool()); });
        yield return new("Max()/Min()", g => g.Coin() ? X(g).Max() : X(g).Min());
        yield return new("Max(dim)/Min(dim)", g => { var x = X(g); var r = g.Coin() ? x.Max(g.Dim(x.Dim), g.Bool()) : x.Min(g.Dim(x.Dim), g.Bool()); return new[] { r.Values, r.Indices }; });
        yield return new("Amax/Amin", g => { var x = X(g); return g.Coin() ? x.Amax(g.Dims(x.Dim), g.Bool()) : x.Amin(g.Dims(x.Dim), g.Bool()); });
        yield return new("Argmax/Argmin", g => { var x = X(g); int? d = g.Coin(0.3) ? null : g.Dim(x.Dim); return g.Coin() ? x.Argmax(d, g.Bool()) : x.Argmin(d, g.Bool()); });
        yield return new("Var/Std", g => { var x = X(g); var c = g.Pick(0.0, 1.0, 2.5, -1.0, double.NaN); return g.Coin() ? x.Var(g.Dims(x.Dim), c, g.Bool()) : x.Std(g.Dims(x.Dim), c, g.Bool()); });
        yield return new("Logsumexp", g => { var x = X(g); return x.Logsumexp(g.Dims(x.Dim), g.Bool()); });
        yield return new("Softmax/LogSoftmax", g => { var x = X(g); return g.Coin() ? x.Softmax(g.Dim(x.Dim), OptDType(g)) : x.LogSoftmax(g.Dim(x.Dim), OptDType(g)); });
        yield return new("Cumsum/Cumprod", g => { var x = X(g); return g.Coin() ? x.Cumsum(g.Dim(x.Dim), OptDType(g)) : x.Cumprod(g.Dim(x.Dim), OptDType(g)); });
        yield return new("Diff", g => { var x = X(g); int d = g.Dim(x.Dim); return x.Diff(g.Pick(0, 1, 1, 2, 5, -1), d, g.Coin(0.3) ? Like(g, x) : null, g.Coin(0.3) ? Like(g, x) : null); });
        yield return new("SegmentReduce", g =>
        {
            var data = X(g);
            int axis = g.Dim(data.Dim);
            var lengths = g.Index(Math.Max(SafeDimSize(data, axis), 1));
            bool useOffsets = g.Coin(0.3);
            return Tensor.SegmentReduce(data, g.Option(SegmentReduceMode.Sum, SegmentReduceMode.Mean, SegmentReduceMode.Max, SegmentReduceMode.Min, SegmentReduceMode.Prod), useOffsets ? null : lengths, useOffsets ? lengths : null, axis, g.Bool(), g.OptionalScalar());
        });
        yield return new("RaggedSliceReduce", g =>
        {
            var data = X(g);
            int dim = g.Dim(data.Dim);
            return Tensor.RaggedSliceReduce(data, g.Index(SafeDimSize(data, dim) + 1, [g.Int(0, 4), g.Pick(2, 2, 2, 1, 3)])!, g.Option(SegmentReduceMode.Mean, SegmentReduceMode.Sum, SegmentReduceMode.Max, SegmentReduceMode.Min), dim);
        });
    }

    private static IEnumerable<FuzzOp> Views()
    {
        yield return new("View", g => X(g).View(g.Sizes()));
        yield return new("Reshape", g => X(g).Reshape(g.Sizes()));
        yield return new("ViewAs/ReshapeAs", g => g.Coin() ? X(g).ViewAs(A(g)) : X(g).ReshapeAs(A(g)));
        yield return new("Flatten", g => { var x = X(g); return x.Flatten(g.Dim(x.Dim), g.Dim(x.Dim)); });
        yield return new("Squeeze", g => { var x = X(g); return g.Coin(0.3) ? x.Squeeze() : x.Squeeze(g.Dims(x.Dim)); });
        yield return new("Unsqueeze", g => { var x = X(g); return x.Unsqueeze(g.Dim(x.Dim + 1)); });
        yield return new("Permute", g => { var x = X(g); return x.Permute(g.Permutation(x.Dim)); });
        yield return new("Transpose", g => { var x = X(g); return x.Transpose(g.Dim(x.Dim), g.Dim(x.Dim)); });
        yield return new("T/MT", g => g.Coin() ? X(g).T : X(g).MT);
        yield return new("Expand", g => X(g).Expand(g.Sizes()));
        yield return new("ExpandAs", g => X(g).ExpandAs(A(g)));
        yield return new("Repeat", g =>
        {
            var x = X(g);
            var r = g.Sizes();
            // A legal repeat of hundreds of millions of elements is no bug to find: make such a size overflow instead.
            if (r.Aggregate((long)Math.Max(x.Numel, 1), (a, b) => a * Math.Max(b, 1)) > 10_000_000) r = r.Select(v => v >= 1 << 16 ? int.MaxValue : v).ToArray();
            return x.Repeat(r);
        });
        yield return new("Narrow", g => { var x = X(g); return x.Narrow(g.Dim(x.Dim), g.Size() - 2, g.Size()); });
        yield return new("Slice", g => { var x = X(g); return x.Slice(g.Dim(x.Dim), g.Coin(0.3) ? null : g.Size() - 3, g.Coin(0.3) ? null : g.Size() - 2, g.Pick(1, 1, 2, 3, 0, -1, int.MaxValue)); });
        yield return new("Select", g => { var x = X(g); return x.Select(g.Dim(x.Dim), g.Size() - 3); });
        yield return new("Unbind", g => { var x = X(g); return x.Unbind(g.Dim(x.Dim)); });
        yield return new("Split", g => { var x = X(g); return x.Split(g.Size(), g.Dim(x.Dim)); });
        yield return new("Split(sizes)", g => { var x = X(g); return x.Split(g.Sizes(), g.Dim(x.Dim)); });
        yield return new("Chunk", g => { var x = X(g); return x.Chunk(g.Size(), g.Dim(x.Dim)); });
        yield return new("Cat", g => { var x = X(g); return Tensor.Cat(Tensors(g, x), g.Dim(x.Dim)); });
        yield return new("Stack", g => { var x = X(g); return Tensor.Stack(Tensors(g, x), g.Dim(x.Dim + 1)); });
        yield return new("Flip", g => { var x = X(g); return x.Flip(g.Dims(x.Dim)); });
        yield return new("Contiguous/Clone/Detach/Detach_", g => g.Int(0, 4) switch { 0 => X(g).Contiguous(), 1 => X(g).Clone(), 2 => X(g).Detach(), _ => X(g).Detach_() });
        yield return new("Size/Stride/IsContiguous", g => { var x = X(g); return (long)x.Size(g.Dim(x.Dim)) + x.Stride().Length + (x.IsContiguous() ? 1 : 0); });
        yield return new("Diagonal", g => { var x = X(g); return x.Diagonal(g.Size() - 3, g.Dim(x.Dim), g.Dim(x.Dim)); });
    }

    private static IEnumerable<FuzzOp> Indexing()
    {
        yield return new("this[key]", g => { var x = X(g); return x[g.Key(x)]; });
        yield return new("this[key] = v", g => { var x = X(g); var key = g.Key(x); x[key] = g.Coin(0.6) ? g.Tensor(x.DType, g.Coin() ? [] : x.Shape)! : A(g); return x; });
        yield return new("Index", g => { var x = X(g); return x.Index(Enumerable.Range(0, g.Int(0, Math.Max(x.Dim, 1) + 2)).Select(i => g.Coin(0.25) ? null : g.Coin(0.2) ? g.Mask(x.Shape[Math.Min(i, Math.Max(x.Dim - 1, 0))..]) : g.Index(i < x.Dim ? x.Shape[i] : 2)).ToArray()); });
        yield return new("IndexPut/IndexPut_", g =>
        {
            var x = X(g);
            var indices = Enumerable.Range(0, g.Int(1, Math.Max(x.Dim, 1) + 2)).Select(i => g.Coin(0.2) ? null : g.Coin(0.2) ? g.Mask(x.Shape[Math.Min(i, Math.Max(x.Dim - 1, 0))..]) : g.Index(i < x.Dim ? x.Shape[i] : 2)).ToArray();
            var v = g.Tensor(g.Coin(0.8) ? x.DType : g.Pick(FuzzGen.AllDTypes), g.Coin() ? [] : g.Shape(g.Int(0, 3)))!;
            return g.Coin() ? x.IndexPut(indices, v, g.Bool()) : x.IndexPut_(indices, v, g.Bool());
        });
        yield return new("IndexSelect", g => { var x = X(g); int d = g.Dim(x.Dim); return x.IndexSelect(d, g.Index(SafeDimSize(x, d))!); });
        yield return new("Gather", g => { var x = X(g); int d = g.Dim(x.Dim); return x.Gather(d, g.Index(SafeDimSize(x, d), g.Shape(x.Dim))!); });
        yield return new("TakeAlongDim", g => { var x = X(g); int? d = g.Coin(0.3) ? null : g.Dim(x.Dim); return x.TakeAlongDim(g.Index(d is { } dd ? SafeDimSize(x, dd) : x.Numel, g.Shape(x.Dim))!, d); });
        yield return new("Take", g => { var x = X(g); return x.Take(g.Index(Math.Max(x.Numel, 1))!); });
        yield return new("Scatter/Scatter_/ScatterAdd/ScatterAdd_/ScatterReduce/ScatterReduce_", g =>
        {
            var x = X(g);
            int d = g.Dim(x.Dim);
            var index = g.Index(SafeDimSize(x, d), g.Shape(x.Dim))!;
            var src = g.Coin(0.8) ? g.Tensor(x.DType, ShapeOf(index))! : A(g);
            bool inPlace = g.Bool();
            return g.Int(0, 4) switch
            {
                0 => inPlace ? x.Scatter_(d, index, src) : x.Scatter(d, index, src),
                1 => inPlace ? x.Scatter_(d, index, g.Scalar()) : x.Scatter(d, index, g.Scalar()),
                2 => inPlace ? x.ScatterAdd_(d, index, src) : x.ScatterAdd(d, index, src),
                _ => inPlace ? x.ScatterReduce_(d, index, src, g.Option(ScatterReduceMode.Sum, ScatterReduceMode.Prod, ScatterReduceMode.Mean, ScatterReduceMode.Amax, ScatterReduceMode.Amin), g.Bool())
                             : x.ScatterReduce(d, index, src, g.Option(ScatterReduceMode.Sum, ScatterReduceMode.Prod, ScatterReduceMode.Mean, ScatterReduceMode.Amax, ScatterReduceMode.Amin), g.Bool()),
            };
        });
        yield return new("IndexAdd/IndexAdd_/IndexCopy/IndexCopy_/IndexFill/IndexFill_", g =>
        {
            var x = X(g);
            int d = g.Dim(x.Dim);
            var index = g.Index(SafeDimSize(x, d), g.Shape(g.Int(0, 2)))!;
            var shape = x.Shape;
            if (x.Dim > 0 && d >= -x.Dim && d < x.Dim) shape[(d + x.Dim) % x.Dim] = ShapeOf(index).Aggregate(1, (a, b) => a * b);
            var source = g.Coin(0.8) ? g.Tensor(x.DType, shape)! : A(g);
            bool inPlace = g.Bool();
            return g.Int(0, 4) switch
            {
                0 => inPlace ? x.IndexAdd_(d, index, source, g.OptionalScalar()) : x.IndexAdd(d, index, source, g.OptionalScalar()),
                1 => inPlace ? x.IndexCopy_(d, index, source) : x.IndexCopy(d, index, source),
                2 => inPlace ? x.IndexFill_(d, index, g.Scalar()) : x.IndexFill(d, index, g.Scalar()),
                _ => inPlace ? x.IndexFill_(d, index, g.Tensor(g.Pick(FuzzGen.AllDTypes), g.Coin() ? [] : [1])!) : x.IndexFill(d, index, g.Tensor(g.Pick(FuzzGen.AllDTypes), g.Coin() ? [] : [1])!),
            };
        });
        yield return new("MaskedFill/MaskedFill_/MaskedScatter/MaskedScatter_/MaskedSelect", g =>
        {
            var x = X(g);
            var mask = g.Mask(x.Shape)!;
            bool inPlace = g.Bool();
            return g.Int(0, 4) switch
            {
                0 => inPlace ? x.MaskedFill_(mask, g.Scalar()) : x.MaskedFill(mask, g.Scalar()),
                1 => inPlace ? x.MaskedFill_(mask, g.Tensor(g.Pick(FuzzGen.AllDTypes), g.Coin() ? [] : [1])!) : x.MaskedFill(mask, g.Tensor(g.Pick(FuzzGen.AllDTypes), g.Coin() ? [] : [1])!),
                2 => inPlace ? x.MaskedScatter_(mask, Like(g, x)) : x.MaskedScatter(mask, Like(g, x)),
                _ => x.MaskedSelect(mask),
            };
        });
        yield return new("Where(c)/Nonzero/NonzeroTuple/Argwhere", g => g.Int(0, 4) switch
        {
            0 => Tensor.Where(X(g)),
            1 => X(g).Nonzero(),
            2 => X(g).NonzeroTuple(),
            _ => X(g).Argwhere(),
        });
    }

    private static IEnumerable<FuzzOp> Sorting()
    {
        yield return new("Sort/Argsort/Msort", g =>
        {
            var x = X(g);
            return g.Int(0, 3) switch
            {
                0 => (object)x.Sort(g.Dim(x.Dim), g.Bool(), g.Bool()).Values,
                1 => x.Argsort(g.Dim(x.Dim), g.Bool(), g.Bool()),
                _ => x.Msort(),
            };
        });
        yield return new("Topk", g => { var x = X(g); var r = x.Topk(g.Size(), g.Dim(x.Dim), g.Bool(), g.Bool()); return new[] { r.Values, r.Indices }; });
        yield return new("Kthvalue", g => { var x = X(g); var r = x.Kthvalue(g.Size(), g.Dim(x.Dim), g.Bool()); return new[] { r.Values, r.Indices }; });
        yield return new("Unique/UniqueConsecutive", g =>
        {
            var x = X(g);
            int? d = g.Coin(0.5) ? null : g.Dim(x.Dim);
            var r = g.Coin() ? x.Unique(g.Bool(), g.Bool(), g.Bool(), d) : x.UniqueConsecutive(g.Bool(), g.Bool(), d);
            return new[] { r.Output, r.Inverse, r.Counts };
        });
        yield return new("Searchsorted", g =>
        {
            var seq = X(g);
            var sorter = g.Coin(0.2) ? g.Index(Math.Max(SafeDimSize(seq, -1), 1), seq.Shape) : null;
            SearchSide? side = g.Coin(0.7) ? null : g.Option(SearchSide.Left, SearchSide.Right);
            return g.Coin(0.8) ? Tensor.Searchsorted(seq, Like(g, seq), g.Bool(), side, g.Bool(), sorter)
                : Tensor.Searchsorted(seq, g.Scalar(), g.Bool(), side, g.Bool(), sorter);
        });
        yield return new("Bucketize", g => g.Coin(0.8) ? Tensor.Bucketize(A(g), A(g), g.Bool(), g.Bool()) : Tensor.Bucketize(g.Scalar(), A(g), g.Bool(), g.Bool()));
        yield return new("UnravelIndex", g => Tensor.UnravelIndex(g.Index(30)!, g.Sizes()));
    }

    private static IEnumerable<FuzzOp> Creation()
    {
        yield return new("Zeros/Ones/Empty", g => g.Int(0, 3) switch
        {
            0 => Tensor.Zeros(g.Sizes(), g.Pick(FuzzGen.AllDTypes), g.Bool()),
            1 => Tensor.Ones(g.Sizes(), g.Pick(FuzzGen.AllDTypes), g.Bool()),
            _ => Tensor.Empty(g.Sizes(), g.Pick(FuzzGen.AllDTypes), g.Bool()),
        });
        yield return new("Full", g => Tensor.Full(g.Sizes(), g.Scalar(), OptDType(g), g.Bool()));
        yield return new("ZerosLike/OnesLike/FullLike/EmptyLike", g => g.Int(0, 4) switch
        {
            0 => Tensor.ZerosLike(A(g), OptDType(g)),
            1 => Tensor.OnesLike(A(g), OptDType(g)),
            2 => Tensor.FullLike(A(g), g.Scalar(), OptDType(g)),
            _ => Tensor.EmptyLike(A(g), OptDType(g)),
        });
        // Bounds whose ranges are either small or far past what an array holds: a legal 8 GB arange is no bug to find.
        long[] bounds = [0, 1, 5, -3, 17, long.MaxValue, long.MinValue, 1L << 40];
        yield return new("Arange(long)", g => g.Coin(0.3) ? Tensor.Arange(g.Pick(bounds)) : Tensor.Arange(g.Pick(bounds), g.Pick(bounds), g.Pick(1L, 2L, -1L, 0L, 3L, long.MaxValue, long.MinValue), g.Pick(FuzzGen.AllDTypes)));
        double[] dbounds = [0, 1, 2.5, -3, 17, double.NaN, double.PositiveInfinity, 1e300, -1e300];
        yield return new("Arange(double)", g => Tensor.Arange(g.Pick(dbounds), g.Pick(dbounds), g.Pick(1.0, 0.5, -1.0, 0.0, 1e-300, double.NaN, 0.25), g.Pick(FuzzGen.AllDTypes)));
        yield return new("Linspace", g => Tensor.Linspace(g.Pick(dbounds), g.Pick(dbounds), g.Pick(0, 1, 2, 5, -1, int.MinValue), g.Pick(FuzzGen.AllDTypes)));
        yield return new("Eye", g => Tensor.Eye(g.Pick(0, 1, 3, -1, int.MinValue), g.Coin() ? null : g.Pick(0, 2, 4, -2), g.Pick(FuzzGen.AllDTypes)));
        yield return new("Rand/Randn/ManualSeed", g => g.Coin(0.05) ? Tensor.Zeros(1).Let(_ => Tensor.ManualSeed((ulong)g.Int(0, 1000))) : g.Coin() ? Tensor.Rand(g.Sizes(), g.Pick(FuzzGen.AllDTypes), g.Coin() ? null : new Generator(3), g.Bool())
            : Tensor.Randn(g.Sizes(), g.Pick(FuzzGen.AllDTypes), null, g.Bool()));
        yield return new("Randint", g => Tensor.Randint(g.Pick(bounds), g.Pick(bounds), g.Sizes(), g.Pick(FuzzGen.AllDTypes)));
        yield return new("Randperm", g => Tensor.Randperm(g.Pick(0, 1, 5, 300, -1, int.MinValue), g.Pick(FuzzGen.AllDTypes)));
        yield return new("From(array)", g => g.Int(0, 5) switch
        {
            0 => Tensor.From(new float[g.Int(0, 4), g.Int(0, 3)], OptDType(g), g.Bool()),
            1 => Tensor.From(new long[] { long.MaxValue, long.MinValue }, OptDType(g), g.Bool()),
            2 => Tensor.From(new bool[] { true, false }, OptDType(g), g.Bool()),
            3 => Tensor.From(g.Coin() ? new string[1] : new decimal[2], OptDType(g)),
            _ => Tensor.From((Array)null!),
        });
        yield return new("From(value)", g => g.Coin() ? Tensor.From(double.NaN, OptDType(g), g.Bool()) : Tensor.From(long.MinValue, OptDType(g), g.Bool()));
        yield return new("Item", g => g.Int(0, 6) switch
        {
            0 => X(g).Item<float>(),
            1 => X(g).Item<double>(),
            2 => X(g).Item<int>(),
            3 => X(g).Item<long>(),
            4 => X(g).Item<byte>(),
            _ => X(g).Item<bool>(),
        });
        yield return new("ToArray", g => g.Int(0, 4) switch { 0 => X(g).ToArray<float>(), 1 => X(g).ToArray<long>(), 2 => X(g).ToArray<bool>(), _ => X(g).ToArray<byte>() });
        yield return new("ToString", g => X(g).ToString());
    }

    private static IEnumerable<FuzzOp> Functional()
    {
        int[] K(FuzzGen g) => g.Pick(1, 2, 2, 3) is var n && g.Coin(0.85) ? [n] : g.Sizes(g.Pick(0, 2, 3));
        int[]? OptK(FuzzGen g) => g.Coin(0.4) ? null : K(g);
        yield return new("F.Pad", g => F.Pad(X(g), g.Sizes(g.Pick(0, 2, 2, 4, 6, 3)), g.Option(PadMode.Constant, PadMode.Reflect, PadMode.Replicate, PadMode.Circular), g.Coin() ? null : g.Pick(0.5, double.NaN)));
        yield return new("F.MaxPool2d/MaxPool2dWithIndices", g => g.Coin() ? F.MaxPool2d(X(g), K(g), OptK(g), OptK(g), OptK(g), g.Bool())
            : F.MaxPool2dWithIndices(X(g), K(g), OptK(g), OptK(g), OptK(g), g.Bool()).Output);
        yield return new("F.MaxPool1d/MaxPool1dWithIndices", g => g.Coin() ? F.MaxPool1d(X(g), g.Size(), g.Coin() ? null : g.Size(), g.Size(), g.Pick(1, 2, 0), g.Bool())
            : F.MaxPool1dWithIndices(X(g), g.Size(), g.Coin() ? null : g.Size(), g.Size(), g.Pick(1, 2, 0), g.Bool()).Indices);
        yield return new("F.MaxUnpool2d", g =>
        {
            var x = X(g);
            var (y, i) = x.Dim is 3 or 4 && x.IsFloatingPoint && g.Coin(0.7) ? F.MaxPool2dWithIndices(x, 2) : (x, g.Index(9, x.Shape)!);
            return F.MaxUnpool2d(y, g.Coin(0.9) ? i : g.Index(9, y.Shape)!, K(g), OptK(g), OptK(g), g.Coin(0.6) ? null : g.Sizes(g.Pick(2, 4, 3)));
        });
        yield return new("F.AvgPool2d", g => F.AvgPool2d(X(g), K(g), OptK(g), OptK(g), g.Bool(), g.Bool(), g.Coin(0.8) ? null : g.Size()));
        yield return new("F.AvgPool1d", g => F.AvgPool1d(X(g), g.Size(), g.Coin() ? null : g.Size(), g.Size(), g.Bool(), g.Bool()));
        yield return new("F.AdaptiveAvgPool2d/AdaptiveAvgPool1d", g => g.Int(0, 3) switch
        {
            0 => F.AdaptiveAvgPool2d(X(g), g.Size()),
            1 => F.AdaptiveAvgPool2d(X(g), g.Sizes(g.Pick(2, 2, 1, 3)).Select(s => g.Coin(0.2) ? (int?)null : s).ToArray()),
            _ => F.AdaptiveAvgPool1d(X(g), g.Size()),
        });
        yield return new("F.AdaptiveMaxPool2d/AdaptiveMaxPool2dWithIndices/AdaptiveMaxPool1d/AdaptiveMaxPool1dWithIndices", g => g.Int(0, 4) switch
        {
            0 => F.AdaptiveMaxPool2d(X(g), g.Size()),
            1 => F.AdaptiveMaxPool2dWithIndices(X(g), g.Sizes(g.Pick(2, 2, 1, 3)).Select(s => g.Coin(0.2) ? (int?)null : s).ToArray()).Indices,
            2 => F.AdaptiveMaxPool1d(X(g), g.Size()),
            _ => F.AdaptiveMaxPool1dWithIndices(X(g), g.Size()).Output,
        });
        // nn-conv: linear, convolution, folding, 3-d pooling, embeddings, pixel shuffle
        Tensor? OptX(FuzzGen g) => g.Coin(0.4) ? null : X(g);
        yield return new("F.Linear", g => F.Linear(X(g), X(g), OptX(g)));
        yield return new("F.Conv1d/Conv2d/Conv3d", g => g.Int(0, 4) switch
        {
            0 => F.Conv1d(X(g), X(g), OptX(g), OptK(g), OptK(g), OptK(g), g.Pick(1, 2, 0)),
            1 => F.Conv2d(X(g), X(g), OptX(g), OptK(g), OptK(g), OptK(g), g.Pick(1, 2, 0)),
            2 => F.Conv3d(X(g), X(g), OptX(g), OptK(g), OptK(g), OptK(g), g.Pick(1, 2)),
            _ => F.Conv2d(X(g), X(g), OptX(g), OptK(g), g.Coin() ? ConvPadding.Same : ConvPadding.Valid, OptK(g), g.Pick(1, 2)),
        });
        yield return new("F.ConvTranspose1d/ConvTranspose2d/ConvTranspose3d", g => g.Int(0, 3) switch
        {
            0 => F.ConvTranspose1d(X(g), X(g), OptX(g), OptK(g), OptK(g), OptK(g), g.Pick(1, 2, 0), OptK(g)),
            1 => F.ConvTranspose2d(X(g), X(g), OptX(g), OptK(g), OptK(g), OptK(g), g.Pick(1, 2, 0), OptK(g)),
            _ => F.ConvTranspose3d(X(g), X(g), OptX(g), OptK(g), OptK(g), OptK(g), g.Pick(1, 2), OptK(g)),
        });
        yield return new("F.Unfold/Fold", g => g.Coin() ? F.Unfold(X(g), K(g), OptK(g), OptK(g), OptK(g)) : F.Fold(X(g), K(g), K(g), OptK(g), OptK(g), OptK(g)));
        yield return new("F.MaxPool3d/MaxPool3dWithIndices/AvgPool3d", g => g.Int(0, 3) switch
        {
            0 => F.MaxPool3d(X(g), K(g), OptK(g), OptK(g), OptK(g), g.Bool()),
            1 => F.MaxPool3dWithIndices(X(g), K(g), OptK(g), OptK(g), OptK(g), g.Bool()).Indices,
            _ => F.AvgPool3d(X(g), K(g), OptK(g), OptK(g), g.Bool(), g.Bool(), g.Coin(0.8) ? null : g.Size()),
        });
        yield return new("F.AdaptiveAvgPool3d/AdaptiveMaxPool3d/AdaptiveMaxPool3dWithIndices", g => g.Int(0, 3) switch
        {
            0 => F.AdaptiveAvgPool3d(X(g), g.Sizes(g.Pick(3, 3, 2)).Select(s => g.Coin(0.2) ? (int?)null : s).ToArray()),
            1 => F.AdaptiveMaxPool3d(X(g), g.Sizes(g.Pick(3, 3, 1)).Select(s => g.Coin(0.2) ? (int?)null : s).ToArray()),
            _ => F.AdaptiveMaxPool3dWithIndices(X(g), g.Sizes(3).Select(s => (int?)s).ToArray()).Indices,
        });
        yield return new("F.MaxUnpool1d/MaxUnpool3d", g =>
        {
            var x = X(g);
            return g.Coin() ? F.MaxUnpool1d(x, g.Index(9, x.Shape)!, g.Size(), g.Coin() ? null : g.Size(), g.Size(), g.Coin(0.6) ? null : g.Sizes(g.Pick(1, 3, 2)))
                : F.MaxUnpool3d(x, g.Index(9, x.Shape)!, K(g), OptK(g), OptK(g), g.Coin(0.6) ? null : g.Sizes(g.Pick(3, 5, 2)));
        });
        yield return new("F.LpPool1d/LpPool2d", g => g.Coin() ? F.LpPool1d(X(g), g.Pick(1.0, 2.0, 0.0), g.Size(), g.Coin() ? null : g.Size(), g.Bool())
            : F.LpPool2d(X(g), g.Pick(1.0, 2.0, 3.0), K(g), OptK(g), g.Bool()));
        yield return new("F.Embedding/EmbeddingBag", g =>
        {
            var w = X(g);
            var i = g.Index(9, g.Shape())!;
            return g.Coin() ? F.Embedding(i, w, g.Coin() ? null : g.Pick(0, -1, 5), g.Coin(0.7) ? null : 1.0, 2, g.Bool())
                : F.EmbeddingBag(i, w, g.Coin() ? null : g.Index(9, g.Shape())!, null, 2, g.Bool(), g.Pick(EmbeddingBagMode.Sum, EmbeddingBagMode.Mean, EmbeddingBagMode.Max),
                    g.Coin(0.8) ? null : X(g), g.Bool(), g.Coin() ? null : g.Pick(0, -1));
        });
        yield return new("F.Bilinear", g => F.Bilinear(X(g), X(g), X(g), OptX(g)));
        yield return new("F.PixelShuffle/PixelUnshuffle", g => g.Coin() ? F.PixelShuffle(X(g), g.Pick(1, 2, 0, -1)) : F.PixelUnshuffle(X(g), g.Pick(1, 2, 0)));
    }

    private static IEnumerable<FuzzOp> AutogradOps()
    {
        yield return new("Backward", g => { var y = X(g); y.Backward(g.Coin(0.5) ? null : Like(g, y), g.Bool(), g.Bool()); return y; });
        yield return new("Autograd.Grad", g =>
        {
            var x = Float(g).Detach().RequiresGrad_(g.Coin(0.9));
            var y = g.Coin(0.8) ? (x * 2).Sum(g.Dims(x.Dim), g.Bool()) : A(g);
            return Autograd.Grad([y], [x], g.Coin() ? null : [Like(g, y)], g.Coin() ? null : g.Bool(), g.Bool(), g.Bool());
        });
        yield return new("Autograd.Backward", g => { var y = Float(g).RequiresGrad_(); Autograd.Backward([y * 3], g.Coin() ? null : [Like(g, y)]); return y.Grad; });
        yield return new("RequiresGrad_/RetainGrad/Grad=", g =>
        {
            var x = X(g);
            switch (g.Int(0, 3))
            {
                case 0: x.RequiresGrad_(g.Bool()); break;
                case 1: x.RetainGrad(); break;
                default: x.Grad = A(g); break;
            }
            return x;
        });
        yield return new("RegisterHook/RegisterPostAccumulateGradHook", g =>
        {
            var x = X(g);
            var handle = g.Coin()
                ? x.RegisterHook(grad => g.Int(0, 3) switch { 0 => null, 1 => grad * 2, _ => A(g) })
                : x.RegisterPostAccumulateGradHook(t => t.Grad?.Zero_());
            var y = x * 2;
            y.Backward(Like(g, y));
            if (g.Coin()) handle.Remove();
            return x.Grad;
        });
        yield return new("Jacobian", g => Autograd.Functional.Jacobian(t => t * 2, Float(g), g.Bool(), g.Bool()));
    }
}

internal static class FuzzLet
{
    /// <summary>Runs a statement inside an expression and returns the value.</summary>
    public static T Let<T>(this T value, Action<T> body) { body(value); return value; }
}
