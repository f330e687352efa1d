using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>In-place torch.add_; bumps the version counter.</summary>
    public Tensor Add_(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return InPlace(other, x => x.Add(other));
    }
    public Tensor Add_(Scalar other) => InPlace(null, x => x.Add(other));
    public Tensor Sub_(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return InPlace(other, x => x.Sub(other));
    }
    public Tensor Sub_(Scalar other) => InPlace(null, x => x.Sub(other));
    public Tensor Mul_(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return InPlace(other, x => x.Mul(other));
    }
    public Tensor Mul_(Scalar other) => InPlace(null, x => x.Mul(other));
    public Tensor Div_(Tensor other, string? roundingMode = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        return InPlace(other, x => x.Div(other, roundingMode));
    }
    public Tensor Div_(Scalar other, string? roundingMode = null) => InPlace(null, x => x.Div(other, roundingMode));
    public Tensor Clamp_(Scalar? min = null, Scalar? max = null) => InPlace(null, x => x.Clamp(min, max));

    /// <summary>torch.Tensor.zero_.</summary>
    public Tensor Zero_() => Fill_(0);

    /// <summary>torch.Tensor.fill_: every element set to <paramref name="value"/>.</summary>
    public Tensor Fill_(Scalar value) => InPlace(null, x => x * 0 + FullLike(x, value, x.DType), castAny: true);

    /// <summary>torch.Tensor.copy_: copies (broadcast, converted) <paramref name="src"/> into this tensor.</summary>
    public Tensor Copy_(Tensor src)
    {
        ArgumentNullException.ThrowIfNull(src);
        return InPlace(src, x => src.To(x.DType).Expand(x.Shape), castAny: true);
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
        if (record && ViewBase is { IsLeaf: true, RequiresGrad: true })
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

        var result = op(record ? Clone() : Detach());
        if (!castAny && !CanCast(result.DType, DType))
            throw Errors.Runtime($"result type {result.DType.ScalarTypeName()} can't be cast to the desired output type {DType.ScalarTypeName()}");
        if (!result.Sizes.SequenceEqual(Sizes))
            throw Errors.Runtime($"output with shape {Errors.Shape(Sizes)} doesn't match the broadcast shape {Errors.Shape(result.Sizes)}");
        Copy.Into(result, Detach());
        VersionCounter.Bump();
        if (result.GradFn is not null) Rebase(result);
        return this;
    }

    /// <summary>Makes this tensor the output of <paramref name="result"/>'s node; for a view, rewrites its base's history (CopySlices).</summary>
    private void Rebase(Tensor result)
    {
        if (ViewBase is not { } root || ViewReplay is not { } region)
        {
            SetHistory(result.GradFn!, result.OutputNr);
            return;
        }
        var baseShape = root.Shape;
        var alias = new Tensor(root.Storage, root.Layout, root.DType, root.VersionCounter);
        alias.AdoptHistory(root);
        Graph.Record(alias, "CopySlices", [alias.GradFn is null && !alias.RequiresGrad ? null : root, result], (g, _, needs) =>
        {
            var outside = OnesLike(g, DType.Bool);
            using (GradMode.NoGrad()) region(outside).Detach().FillRaw(false);
            return [needs[0] ? Where(outside, g, 0.0) : null, region(g)];
        });
        root.SetHistory(alias.GradFn!, 0);
        var fresh = region(root);
        SetHistory(fresh.GradFn!, fresh.OutputNr);
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
