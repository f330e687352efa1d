using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>In-place torch.add_; bumps the version counter.</summary>
    public Tensor Add_(Tensor other) => DirectZip<AddOp>(other) ? this : InPlace(other, x => x.Add(other));
    /// <summary>In-place torch.Tensor.add_ with a scalar; bumps the version counter.</summary>
    public Tensor Add_(Scalar other) => DirectZip<AddOp>(WrapNumber(other)) ? this : InPlace(null, x => x.Add(other));
    /// <summary>In-place torch.Tensor.sub_; bumps the version counter.</summary>
    /// <exception cref="ArgumentException">A Bool operand, a result dtype this tensor cannot hold, or a shape that does not broadcast to this tensor's.</exception>
    public Tensor Sub_(Tensor other) => DirectZip<SubOp>(other) ? this : InPlace(other, x => x.Sub(other));
    /// <summary>In-place torch.Tensor.sub_ with a scalar; bumps the version counter.</summary>
    public Tensor Sub_(Scalar other) => DirectZip<SubOp>(WrapNumber(other)) ? this : InPlace(null, x => x.Sub(other));
    /// <summary>In-place torch.Tensor.mul_; bumps the version counter.</summary>
    /// <exception cref="ArgumentException">A result dtype this tensor cannot hold, or a shape that does not broadcast to this tensor's.</exception>
    public Tensor Mul_(Tensor other) => DirectZip<MulOp>(other) ? this : InPlace(other, x => x.Mul(other));
    /// <summary>In-place torch.Tensor.mul_ with a scalar; bumps the version counter.</summary>
    public Tensor Mul_(Scalar other) => DirectZip<MulOp>(WrapNumber(other)) ? this : InPlace(null, x => x.Mul(other));
    /// <summary>In-place torch.Tensor.div_; see <see cref="Div(Tensor, RoundingMode?)"/>. Bumps the version counter.</summary>
    /// <exception cref="ArgumentException">The quotient's dtype (a float for true division of integers) cannot be stored in this tensor, or the shapes do not broadcast to this tensor's.</exception>
    public Tensor Div_(Tensor other, RoundingMode? roundingMode = null) =>
        roundingMode is null && IsFloatingPoint && DirectZip<DivOp>(other) ? this : InPlace(other, x => x.Div(other, roundingMode));
    /// <summary>In-place torch.Tensor.div_ by a scalar; bumps the version counter.</summary>
    /// <exception cref="ArgumentException">The quotient's dtype cannot be stored in this tensor.</exception>
    public Tensor Div_(Scalar other, RoundingMode? roundingMode = null) =>
        roundingMode is null && IsFloatingPoint && DirectZip<DivOp>(WrapNumber(other)) ? this : InPlace(null, x => x.Div(other, roundingMode));
    /// <summary>In-place torch.Tensor.clamp_; bumps the version counter.</summary>
    /// <exception cref="ArgumentException">Both bounds are omitted.</exception>
    public Tensor Clamp_(Scalar? min = null, Scalar? max = null) => InPlace(null, x => x.Clamp(min, max));

    /// <summary>torch.Tensor.zero_.</summary>
    public Tensor Zero_() => Fill_(0);

    /// <summary>torch.Tensor.fill_: every element set to <paramref name="value"/>.</summary>
    public Tensor Fill_(Scalar value)
    {
        if (!WritesDirectly(null)) return InPlace(null, x => x * 0 + FullLike(x, value, x.DType), castAny: true);
        FillRaw(value);
        VersionCounter.Bump();
        return this;
    }

    /// <summary>torch.Tensor.copy_: copies (broadcast, converted) <paramref name="src"/> into this tensor.</summary>
    public Tensor Copy_(Tensor src)
    {
        ArgumentNullException.ThrowIfNull(src);
        if (!WritesDirectly(src)) return InPlace(src, x => src.To(x.DType).Expand(x.Shape), castAny: true);
        Copy.Into(src, this);
        VersionCounter.Bump();
        return this;
    }

    /// <summary>
    /// The in-place fast path: writes op(this, other) straight into this storage when nothing needs the old
    /// values (no autograd recording), the op computes in this tensor's dtype, and <paramref name="other"/> reads
    /// no element this write changes first. Returns false (nothing done) when the general path must run; that
    /// path also raises every error.
    /// </summary>
    private bool DirectZip<TOp>(Tensor other) where TOp : IBinaryOp
    {
        ArgumentNullException.ThrowIfNull(other);
        if (DType == DType.Bool || TypePromotion.ResultType(this, other) != DType || !WritesDirectly(other)) return false;
        Pointwise.Binary<TOp>(this, other, this);
        VersionCounter.Bump();
        return true;
    }

    /// <summary>True when a write into this tensor from <paramref name="other"/> (broadcast) may skip the general in-place path.</summary>
    private bool WritesDirectly(Tensor? other)
    {
        if (IsTracked(Graph.ShouldRecord([this, other]))) return false; // the general path records or refuses
        for (int d = 0; d < Dim; d++)
            if (Layout.Strides[d] == 0 && Layout.Sizes[d] > 1) return false;
        if (other is null) return true;
        if (other.Dim > Dim) return false;
        for (int d = 1; d <= other.Dim; d++)
            if (other.Sizes[^d] != 1 && other.Sizes[^d] != Sizes[^d]) return false;
        return !ReferenceEquals(other.Storage, Storage)
            || other.Layout.Offset == Layout.Offset && other.Sizes.SequenceEqual(Sizes) && other.Layout.Strides.AsSpan().SequenceEqual(Layout.Strides);
    }

    /// <summary>
    /// The one path of every in-place op: checks leaves and shapes, computes the result out of place
    /// (on a clone when autograd needs the old values), writes it into this storage, bumps the version,
    /// and moves this tensor's history (or its base's, for a view) onto the new node.
    /// <paramref name="other"/> must broadcast to this tensor; <paramref name="operand"/> is an input that only
    /// takes part in autograd (scatter's src, index_add's source), whatever its shape.
    /// </summary>
    private Tensor InPlace(Tensor? other, Func<Tensor, Tensor> op, bool castAny = false, Tensor? operand = null)
    {
        bool record = Graph.ShouldRecord([this, other, operand]);
        bool tracked = IsTracked(record);
        if (tracked && ViewBase is not null && Creation != ViewCreation.Default)
            throw Errors.Runtime(UntrackableViewMessage());
        if (IsTracked(record) && ViewBase is { IsLeaf: true, RequiresGrad: true }) // also a view taken before its base required grad
            throw Errors.Runtime("a view of a leaf Variable that requires grad is being used in an in-place operation.");
        if (record && ViewBase is null && IsLeaf && RequiresGrad)
            throw Errors.Runtime("a leaf Variable that requires grad is being used in an in-place operation.");
        if (other is not null)
        {
            var shape = Shapes.Broadcast(Sizes, other.Sizes);
            if (!shape.AsSpan().SequenceEqual(Sizes))
                throw Errors.Runtime($"output with shape {Errors.Shape(Sizes)} doesn't match the broadcast shape {Errors.Shape(shape)}");
        }
        if (Layout.Strides.Where((s, i) => s == 0 && Layout.Sizes[i] > 1).Any())
            throw Errors.Runtime("unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.");
        if (other is not null) Overlaps.RefusePartial(this, other);

        var input = record ? Clone() : Detach();
        var result = op(input);
        // Values written without history (copy_ of a constant) still cut the overwritten elements off from the
        // gradient, as PyTorch's CopyBackwards does; without a node the old history would keep flowing.
        if (record && result.GradFn is null && result.IsFloatingPoint)
            result = Graph.Record(result.Detach(), Derivatives.CopyBackwards, [input], Derivatives.Overwritten);
        if (!castAny && !CanCast(result.DType, DType))
            throw Errors.Runtime($"result type {result.DType.ScalarTypeName()} can't be cast to the desired output type {DType.ScalarTypeName()}");
        if (!result.Sizes.SequenceEqual(Sizes))
            throw Errors.Runtime($"output with shape {Errors.Shape(Sizes)} doesn't match the broadcast shape {Errors.Shape(result.Sizes)}");
        Copy.Into(result, Detach());
        VersionCounter.Bump();
        if (result.GradFn is not null) Rebase(result);
        return this;
    }

    /// <summary>check_inplace: whether autograd watches this write; a view also counts as requiring grad when its base does.</summary>
    private bool IsTracked(bool record) => record || (GradMode.IsEnabled && IsFloatingPoint && ViewBase is { RequiresGrad: true });

    /// <summary>Makes this tensor the output of <paramref name="result"/>'s node; for a view, rewrites its base's history (CopySlices).</summary>
    private void Rebase(Tensor result)
    {
        if (ViewBase is not { } root || ViewReplay is not { } region)
        {
            SetHistory(result.GradFn!, result.OutputNr);
            return;
        }
        var alias = new Tensor(root.Storage, root.Layout, root.DType, root.VersionCounter);
        alias.AdoptHistory(root);
        Graph.Record(alias, Derivatives.CopySlices, [alias.GradFn is null && !alias.RequiresGrad ? null : root, result], region, Derivatives.CopySlicesBackward);
        root.SetHistory(alias.GradFn!, 0);
        var fresh = region(root);
        SetHistory(fresh.GradFn!, fresh.OutputNr);
    }

    /// <summary>PyTorch's refusal (handle_view_on_rebase) of an in-place write into a no_grad or multi-output view.</summary>
    private string UntrackableViewMessage()
    {
        string what = GradFn is { } fn
            ? $"Output {OutputNr} of {fn.Name} is a view and is being modified inplace. "
            : "A view was created in no_grad mode and is being modified inplace with grad mode enabled. ";
        return what + (Creation == ViewCreation.MultiOutputNode
            ? "This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. " +
              "You should replace the inplace operation by an out-of-place one."
            : "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the " +
              "inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).");
    }

    private void AdoptHistory(Tensor other)
    {
        if (other.GradFn is { } fn) SetHistory(fn, other.OutputNr);
        else _leafRequiresGrad = other._leafRequiresGrad;
    }

    /// <summary>torch.can_cast for in-place results: no float into integers, nothing but Bool into Bool.</summary>
    private static bool CanCast(DType from, DType to) =>
        !(from.IsFloatingPoint() && !to.IsFloatingPoint()) && !(from != DType.Bool && to == DType.Bool);
}
