using Nabla.Core;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>torch.Tensor.view: same data, new shape (one -1 is inferred); fails when strides make a view impossible.</summary>
    public Tensor View(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var sizes = InferSize(shape, Numel);
        var strides = Layout.ViewStrides(sizes) ?? throw Errors.Runtime(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
        var inputShape = Shape;
        var y = MakeView(new Layout(sizes, strides, Layout.Offset), b => b.View(sizes));
        return Graph.Record(y, Derivatives.ViewBackward0, [this], inputShape, Derivatives.ReshapeBack);
    }

    /// <summary>torch.reshape: a view when the strides allow, else a copy.</summary>
    public Tensor Reshape(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var sizes = InferSize(shape, Numel);
        if (Layout.ViewStrides(sizes) is not null) return View(sizes);
        var inputShape = Shape;
        var y = CloneRaw();
        y = new Tensor(y.Storage, Layout.Contiguous(sizes), DType);
        return Graph.Record(y, Derivatives.UnsafeViewBackward0, [this], inputShape, Derivatives.ReshapeBack);
    }

    /// <summary>torch.Tensor.view_as: a view with <paramref name="other"/>'s shape.</summary>
    /// <exception cref="ArgumentException">The element counts differ, or the strides cannot express the view (use <see cref="ReshapeAs"/>).</exception>
    public Tensor ViewAs(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return View(other.Shape);
    }
    /// <summary>torch.Tensor.reshape_as: <paramref name="other"/>'s shape, a view when possible, else a copy.</summary>
    /// <exception cref="ArgumentException">The element counts differ.</exception>
    public Tensor ReshapeAs(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Reshape(other.Shape);
    }

    /// <summary>torch.flatten: dims startDim..endDim merged into one.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Dim == 0) return Reshape(1);
        int s = Errors.WrapDim(startDim, Dim), e = Errors.WrapDim(endDim, Dim);
        Errors.Check(s <= e, "flatten() has invalid args: start_dim cannot come after end_dim");
        if (s == e) return this;
        var sizes = new List<int>(Sizes[..s].ToArray()) { Layout.NumelOf(Sizes[s..(e + 1)]) };
        sizes.AddRange(Sizes[(e + 1)..].ToArray());
        return Reshape([.. sizes]);
    }

    /// <summary>Removes every size-1 dim (torch.squeeze()).</summary>
    public Tensor Squeeze()
    {
        var dims = Enumerable.Range(0, Dim).Where(d => Layout.Sizes[d] == 1).ToArray();
        return SqueezeDims(dims, Derivatives.SqueezeBackward0);
    }

    /// <summary>Removes the listed dims that have size 1; others are left alone (torch.squeeze(dim)).</summary>
    public Tensor Squeeze(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var wrapped = dims.Select(d => Errors.WrapDim(d, Dim)).ToArray();
        var dup = wrapped.GroupBy(d => d).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw Errors.Runtime($"dim {dup.Key} appears multiple times in the list of dims");
        return SqueezeDims(wrapped.Where(d => Dim > 0 && Layout.Sizes[d] == 1).ToArray(),
            dims.Length == 1 ? Derivatives.SqueezeBackward1 : Derivatives.SqueezeBackward2);
    }

    private Tensor SqueezeDims(int[] dims, string node)
    {
        var layout = Layout;
        foreach (var d in dims.OrderDescending()) layout = layout.Squeeze(d);
        var inputShape = Shape;
        var y = MakeView(layout, b => b.SqueezeDims(dims, node));
        return Graph.Record(y, node, [this], inputShape, Derivatives.ReshapeBack);
    }

    /// <summary>Inserts a size-1 dim at <paramref name="dim"/> (valid range [-(n+1), n]).</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = Errors.WrapDim(dim, Dim + 1);
        var y = MakeView(Layout.Unsqueeze(d), b => b.Unsqueeze(d));
        return Graph.Record(y, Derivatives.UnsqueezeBackward0, [this], d, static (g, _, _, d) => [g.Squeeze(d)]);
    }

    /// <summary>torch.permute: dims reordered.</summary>
    public Tensor Permute(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        Errors.Check(dims.Length == Dim,
            $"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {Dim} is not equal to len(dims) = {dims.Length}");
        var wrapped = dims.Select(d => Errors.WrapDim(d, Dim)).ToArray();
        Errors.Check(wrapped.Distinct().Count() == wrapped.Length, "permute(): duplicate dims are not allowed.");
        var inverse = InversePermutation(wrapped);
        var y = MakeView(Layout.Permute(wrapped), b => b.Permute(wrapped));
        return Graph.Record(y, Derivatives.PermuteBackward0, [this], inverse, static (g, _, _, inverse) => [g.Permute(inverse)]);
    }

    /// <summary>The permutation that undoes <paramref name="order"/>.</summary>
    internal static int[] InversePermutation(int[] order)
    {
        var inverse = new int[order.Length];
        for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
        return inverse;
    }

    /// <summary>torch.transpose: swaps two dims.</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int a = Errors.WrapDim(dim0, Dim), b = Errors.WrapDim(dim1, Dim);
        if (Dim == 0) return Graph.Record(MakeView(Layout, t => t), Derivatives.TransposeBackward0, [this], static (g, _, _) => [g]);
        var order = Enumerable.Range(0, Dim).ToArray();
        (order[a], order[b]) = (order[b], order[a]);
        var y = MakeView(Dim == 0 ? Layout : Layout.Permute(order), t => t.Transpose(a, b));
        return Graph.Record(y, Derivatives.TransposeBackward0, [this], (a, b), static (g, _, _, d) => [g.Transpose(d.a, d.b)]);
    }

    /// <summary>torch.Tensor.T / .t() for rank ≤ 2.</summary>
    public Tensor T
    {
        get
        {
            Errors.Check(Dim <= 2, $"t() expects a tensor with <= 2 dimensions, but self is {Dim}D");
            return Dim < 2 ? this : Transpose(0, 1);
        }
    }

    /// <summary>torch.Tensor.mT: transposes the last two dims.</summary>
    public Tensor MT => Transpose(-2, -1);

    /// <summary>torch.Tensor.expand: a broadcast view; -1 keeps a size; new dims go on the left.</summary>
    public Tensor Expand(params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        Errors.Check(sizes.Length >= Dim,
            $"expand({DType.CpuTypeName()}{{{Errors.Shape(Sizes)}}}, size={Errors.Shape(sizes)}): the number of sizes provided ({sizes.Length}) must be greater or equal to the number of dimensions in the tensor ({Dim})");
        var target = new int[sizes.Length];
        int lead = sizes.Length - Dim;
        for (int i = 0; i < sizes.Length; i++)
        {
            int j = i - lead;
            if (j < 0)
            {
                // -1 cannot be kept in a new dim; any other negative size is left to the layout's numel check, as in libtorch.
                Errors.Check(sizes[i] != -1, $"The expanded size of the tensor ({sizes[i]}) isn't allowed in a leading, non-existing dimension {i}");
                target[i] = sizes[i];
                continue;
            }
            int have = Layout.Sizes[j];
            target[i] = sizes[i] == -1 ? have : sizes[i];
            if (have != 1 && target[i] != have)
                throw Errors.Runtime($"The expanded size of the tensor ({target[i]}) must match the existing size ({have}) at non-singleton dimension {i}.  Target sizes: {Errors.Shape(sizes)}.  Tensor sizes: {Errors.Shape(Sizes)}");
        }
        var inputShape = Shape;
        var y = MakeView(Layout.Expand(target), b => b.Expand(target));
        return Graph.Record(y, Derivatives.ExpandBackward0, [this], inputShape, static (g, _, _, shape) => [g.SumTo(shape)]);
    }

    /// <summary>torch.Tensor.expand_as: a broadcast view with <paramref name="other"/>'s shape.</summary>
    /// <exception cref="ArgumentException">A non-singleton size differs from <paramref name="other"/>'s.</exception>
    public Tensor ExpandAs(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Expand(other.Shape);
    }

    /// <summary>torch.Tensor.repeat: tiles copies of the data.</summary>
    public Tensor Repeat(params int[] repeats)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        Errors.Check(repeats.Length >= Dim, "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
        int lead = repeats.Length - Dim;
        var padded = Enumerable.Repeat(1, lead).Concat(Shape).ToArray();
        var outShape = padded.Select((s, i) => s * repeats[i]).ToArray();
        CheckSizes(outShape);
        // Interleave (rep, size) pairs: expand a (1, s) view to (rep, s), then merge.
        var interleavedView = new List<int>();
        var expanded = new List<int>();
        foreach (var (s, r) in padded.Zip(repeats)) { interleavedView.AddRange([1, s]); expanded.AddRange([r, s]); }
        var x = Detach().Reshape([.. interleavedView]).Expand([.. expanded]);
        var y = x.CloneRaw().Reshape(outShape).Detach();
        var inputShape = Shape;
        return Graph.Record(y, Derivatives.RepeatBackward0, [this], (expanded.ToArray(), inputShape), Derivatives.Repeat);
    }

    /// <summary>torch.narrow: <paramref name="length"/> elements of <paramref name="dim"/> from <paramref name="start"/>.</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        Errors.Check(Dim > 0, "narrow() cannot be applied to a 0-dim tensor.");
        int d = Errors.WrapDim(dim, Dim);
        int size = Layout.Sizes[d];
        if (start < 0) start += size;
        Errors.Check(length >= 0, "narrow(): length must be non-negative.");
        if (start < 0 || start > size) throw Errors.Index($"start out of range (expected to be in range of [{-size}, {size}], but got {start})");
        Errors.Check(start <= size - length, $"start ({start}) + length ({length}) exceeds dimension size ({size}).");
        return SliceView(d, start, start + length, 1);
    }

    /// <summary>Python's x[start:stop:step] on one dim: bounds clamp, negatives count from the end, step must be positive.</summary>
    public Tensor Slice(int dim, int? start = null, int? stop = null, int step = 1)
    {
        int d = Errors.WrapDim(dim, Dim, scalarWraps: false);
        if (step <= 0) throw Errors.Runtime($"step is {step}, but it should always be positive.");
        int size = Layout.Sizes[d];
        int s = Clamp(start ?? 0), e = Clamp(stop ?? size);
        return SliceView(d, s, Math.Max(s, e), step);

        int Clamp(int v) => Math.Clamp(v < 0 ? v + size : v, 0, size);
    }

    private Tensor SliceView(int d, int start, int stop, int step)
    {
        int length = (int)(((long)stop - start + step - 1) / step); // in long: a step near int.MaxValue must not wrap
        var y = MakeView(Layout.Slice(d, start, length, step), b => b.SliceView(d, start, stop, step));
        var inputShape = Shape;
        return Graph.Record(y, Derivatives.SliceBackward0, [this], (inputShape, d, start, stop, step), static (g, _, _, a) =>
            [g.EmbedInto(a.inputShape, z => z.SliceView(a.d, a.start, a.stop, a.step), Derivatives.SliceBackwardBackward0)]);
    }

    /// <summary>torch.select: the slice at <paramref name="index"/> of <paramref name="dim"/>, which disappears.</summary>
    public Tensor Select(int dim, int index)
    {
        if (Dim == 0) throw Errors.Index("select() cannot be applied to a 0-dim tensor.");
        int d = Errors.WrapDim(dim, Dim);
        int size = Layout.Sizes[d];
        if (index < -size || index >= size)
            throw Errors.Index($"select(): index {index} out of range for tensor of size {Errors.Shape(Sizes)} at dimension {d}");
        int i = index < 0 ? index + size : index;
        var y = MakeView(Layout.Select(d, i), b => b.Select(d, i));
        var inputShape = Shape;
        return Graph.Record(y, Derivatives.SelectBackward0, [this], (inputShape, d, i), static (g, _, _, a) =>
            [g.EmbedInto(a.inputShape, z => z.Select(a.d, a.i), Derivatives.SelectBackwardBackward0)]);
    }

    /// <summary>torch.unbind: the slices along a dim.</summary>
    public Tensor[] Unbind(int dim = 0)
    {
        if (Dim == 0) throw Errors.Index("Dimension specified as 0 but tensor has no dimensions"); // libtorch names dim 0 whatever was asked
        int d = Errors.WrapDim(dim, Dim);
        bool grad = GradMode.IsEnabled;
        Tensor[] views;
        using (GradMode.NoGrad()) views = Enumerable.Range(0, Layout.Sizes[d]).Select(i => Select(d, i)).ToArray();
        return MultiOutputViews(views, grad, Derivatives.UnbindBackward0, (Shape, d), Derivatives.Unbind);
    }

    /// <summary>torch.split with one chunk size.</summary>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        Errors.Check(Dim > 0, "split expects at least a 1-dimensional tensor");
        int d = Errors.WrapDim(dim, Dim);
        Errors.Check(splitSize >= 0, $"split expects split_size be non-negative, but got split_size={splitSize}");
        int size = Layout.Sizes[d];
        if (splitSize == 0) return size == 0 ? [this] : throw Errors.Runtime($"split_size can only be 0 if dimension size is 0, but got dimension size of {size}");
        int n = (int)Math.Max(((long)size + splitSize - 1) / splitSize, 1);
        var sizes = Enumerable.Range(0, n).Select(i => Math.Min(splitSize, size - i * splitSize)).ToArray();
        return SplitViews(d, sizes, Derivatives.SplitBackward0);
    }

    /// <summary>torch.split with explicit sizes.</summary>
    public Tensor[] Split(int[] splitSizes, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(splitSizes);
        Errors.Check(Dim > 0, "split expects at least a 1-dimensional tensor");
        int d = Errors.WrapDim(dim, Dim);
        Errors.Check(splitSizes.Sum(s => (long)s) == Layout.Sizes[d],
            $"split_with_sizes expects split_sizes to sum exactly to {Layout.Sizes[d]} (input tensor's size at dimension {d}), but got split_sizes={Errors.Shape(splitSizes)}");
        return SplitViews(d, splitSizes, Derivatives.SplitWithSizesBackward0);
    }

    /// <summary>Consecutive narrow views along <paramref name="d"/> of the given sizes, as the outputs of one node.</summary>
    private Tensor[] SplitViews(int d, int[] sizes, string node)
    {
        bool grad = GradMode.IsEnabled;
        var views = new Tensor[sizes.Length];
        using (GradMode.NoGrad())
            for (int i = 0, start = 0; i < sizes.Length; start += sizes[i], i++) views[i] = Narrow(d, start, sizes[i]);
        return MultiOutputViews(views, grad, node, (Shape, d, (int[])sizes.Clone()), Derivatives.Split);
    }

    /// <summary>
    /// The outputs of a view op that returns several views (made without recording): with <paramref name="grad"/> mode on
    /// they become the outputs of one node named <paramref name="node"/>, as in PyTorch, and in-place writes into
    /// them are refused whenever autograd would track them.
    /// </summary>
    private Tensor[] MultiOutputViews<TArgs>(Tensor[] views, bool grad, string node, TArgs args, MultiViewFormula<TArgs> formula)
    {
        foreach (var v in views) v.Creation = grad ? ViewCreation.MultiOutputNode : ViewCreation.NoGradMode;
        if (!grad || !RequiresGrad || views.Length == 0) return views;
        var fn = new MultiViewNode<TArgs>(node, this, views.Length, args, formula);
        for (int i = 0; i < views.Length; i++) views[i].SetHistory(fn, i);
        return views;
    }

    /// <summary>torch.chunk: at most <paramref name="chunks"/> pieces of equal size (the last may be smaller).</summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        Errors.Check(Dim > 0, "chunk expects at least a 1-dimensional tensor");
        Errors.Check(chunks > 0, $"chunk expects `chunks` to be greater than 0, got: {chunks}");
        int size = Size(dim);
        return Split((int)(((long)size + chunks - 1) / chunks), dim);
    }

    /// <summary>torch.cat: tensors joined along an existing dim (1-d empty tensors are skipped, as in PyTorch).</summary>
    public static Tensor Cat(Tensor[] tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Errors.NoNullTensors(tensors, nameof(tensors));
        Errors.Check(tensors.Length > 0, "torch.cat(): expected a non-empty list of Tensors");
        // Skipped empty tensors still take part in type promotion, as in PyTorch.
        var type = TypePromotion.ResultType(tensors);
        var parts = tensors.Where(t => !(t.Dim == 1 && t.Numel == 0)).ToArray();
        if (parts.Length == 0)
            return Graph.Record(tensors[0].CloneRaw().CastRaw(type), Derivatives.CatBackward0, tensors, tensors.Length, static (g, _, _, n) => Enumerable.Repeat<Tensor?>(g, n).ToArray());
        var first = parts[0];
        Errors.Check(first.Dim > 0, "zero-dimensional tensor (at position 0) cannot be concatenated");
        int d = Errors.WrapDim(dim, first.Dim);
        for (int i = 0; i < parts.Length; i++)
        {
            var t = parts[i];
            Errors.Check(t.Dim == first.Dim, $"Tensors must have same number of dimensions: got {first.Dim} and {t.Dim}");
            for (int k = 0; k < t.Dim; k++)
                if (k != d && t.Layout.Sizes[k] != first.Layout.Sizes[k])
                    throw Errors.Runtime($"Sizes of tensors must match except in dimension {d}. Expected size {first.Layout.Sizes[k]} but got size {t.Layout.Sizes[k]} for tensor number {i} in the list.");
        }
        var shape = first.Shape;
        long joined = parts.Sum(t => (long)t.Layout.Sizes[d]);
        if (joined > int.MaxValue)
            throw Errors.Runtime($"cat(): the result would have size {joined} at dimension {d}, more than a Nabla dim holds ({int.MaxValue})");
        shape[d] = (int)joined;
        var y = Allocate(shape, type);
        int offset = 0;
        var sizes = parts.Select(t => t.Layout.Sizes[d]).ToArray();
        foreach (var t in parts)
        {
            Kernels.Copy.Into(t, y.Detach().Narrow(d, offset, t.Layout.Sizes[d]));
            offset += t.Layout.Sizes[d];
        }
        return Graph.Record(y, Derivatives.CatBackward0, parts, (sizes, d), static (g, _, _, a) => g.Split(a.sizes, a.d));
    }

    /// <summary>torch.stack: tensors of equal shape joined along a new dim.</summary>
    public static Tensor Stack(Tensor[] tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Errors.NoNullTensors(tensors, nameof(tensors));
        Errors.Check(tensors.Length > 0, "stack expects a non-empty TensorList");
        int d = Errors.WrapDim(dim, tensors[0].Dim + 1);
        for (int i = 1; i < tensors.Length; i++)
            Errors.Check(tensors[i].Sizes.SequenceEqual(tensors[0].Sizes),
                $"stack expects each tensor to be equal size, but got {Errors.Shape(tensors[0].Sizes)} at entry 0 and {Errors.Shape(tensors[i].Sizes)} at entry {i}");
        return Cat(tensors.Select(t => t.Unsqueeze(d)).ToArray(), d);
    }

    /// <summary>torch.flip: reverses the order along the given dims (a copy).</summary>
    public Tensor Flip(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var wrapped = dims.Select(d => Errors.WrapDim(d, Dim)).ToArray();
        var dup = wrapped.GroupBy(d => d).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw Errors.Runtime($"dim {dup.Key} appears multiple times in the list of dims");
        if (Dim == 0) return Clone();
        var strides = (int[])Layout.Strides.Clone();
        int offset = Layout.Offset;
        foreach (var d in wrapped.Distinct())
        {
            if (Layout.Sizes[d] == 0) continue;
            offset += (Layout.Sizes[d] - 1) * strides[d];
            strides[d] = -strides[d];
        }
        var reversed = new Tensor(Storage, new Layout(Shape, strides, offset), DType, VersionCounter);
        var y = Allocate(Shape, DType);
        Kernels.Copy.Into(reversed, y);
        return Graph.Record(y, Derivatives.FlipBackward0, [this], wrapped, static (g, _, _, dims) => [g.Flip(dims)]);
    }

    /// <summary>This tensor if it is contiguous, else a contiguous copy.</summary>
    public Tensor Contiguous() => IsContiguous() ? this : Clone();

    /// <summary>torch.clone: a contiguous copy that stays in the graph.</summary>
    public Tensor Clone() => Graph.Record(CloneRaw(), Derivatives.CloneBackward0, [this], static (g, _, _) => [g]);

    internal Tensor CloneRaw()
    {
        var y = AllocateForOutput(Shape, DType);
        Kernels.Copy.Into(this, y);
        return y;
    }

    /// <summary>
    /// A tensor of <paramref name="shape"/> that is zero except in the region <paramref name="region"/> selects,
    /// which holds this tensor: the backward of every view op, itself differentiable (its backward is the view).
    /// </summary>
    internal Tensor EmbedInto(int[] shape, Func<Tensor, Tensor> region, string node)
    {
        var z = Zeros(shape, DType);
        using (GradMode.NoGrad()) Kernels.Copy.Into(this, region(z));
        return Graph.Record(z, node, [this], region, static (g, _, _, region) => [region(g)]);
    }

    /// <summary>sum_to: sums a broadcast gradient back to <paramref name="shape"/>.</summary>
    internal Tensor SumTo(int[] shape)
    {
        if (Sizes.SequenceEqual(shape)) return this;
        int lead = Dim - shape.Length;
        var dims = new List<int>();
        for (int i = 0; i < Dim; i++)
            if (i < lead || (shape[i - lead] == 1 && Layout.Sizes[i] != 1)) dims.Add(i);
        var r = dims.Count == 0 ? this : Sum([.. dims], keepdim: true);
        return lead > 0 || r.Dim != shape.Length ? r.Reshape(shape) : r;
    }

    internal static int[] InferSize(int[] shape, int numel)
    {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw Errors.Runtime("only one dimension can be inferred");
                infer = i;
            }
            else if (shape[i] < 0) throw Errors.Runtime($"invalid shape dimension {shape[i]}");
            else known *= shape[i];
        }
        var sizes = (int[])shape.Clone();
        if (infer >= 0)
        {
            if (known == 0)
                throw Errors.Runtime($"cannot reshape tensor of 0 elements into shape {Errors.Shape(shape)} because the unspecified dimension size -1 can be any value and is ambiguous");
            if (numel % known == 0) { sizes[infer] = (int)(numel / known); return sizes; }
        }
        else if (known == numel) return sizes;
        throw Errors.Runtime($"shape '{Errors.Shape(shape)}' is invalid for input of size {numel}");
    }
}
