namespace Nabla;

internal static partial class Derivatives
{
    // ---- views, shape ops and copies: node names ---------------------------------------------------------------
    internal const string ViewBackward0 = nameof(ViewBackward0);
    internal const string UnsafeViewBackward0 = nameof(UnsafeViewBackward0);
    internal const string SqueezeBackward0 = nameof(SqueezeBackward0);
    internal const string SqueezeBackward1 = nameof(SqueezeBackward1);
    internal const string SqueezeBackward2 = nameof(SqueezeBackward2);
    internal const string UnsqueezeBackward0 = nameof(UnsqueezeBackward0);
    internal const string PermuteBackward0 = nameof(PermuteBackward0);
    internal const string TransposeBackward0 = nameof(TransposeBackward0);
    internal const string ExpandBackward0 = nameof(ExpandBackward0);
    internal const string RepeatBackward0 = nameof(RepeatBackward0);
    internal const string SliceBackward0 = nameof(SliceBackward0);
    internal const string SliceBackwardBackward0 = nameof(SliceBackwardBackward0);
    internal const string SelectBackward0 = nameof(SelectBackward0);
    internal const string SelectBackwardBackward0 = nameof(SelectBackwardBackward0);
    internal const string DiagonalBackward0 = nameof(DiagonalBackward0);
    internal const string DiagonalBackwardBackward0 = nameof(DiagonalBackwardBackward0);
    internal const string CatBackward0 = nameof(CatBackward0);
    internal const string FlipBackward0 = nameof(FlipBackward0);
    internal const string CopySlices = nameof(CopySlices);
    internal const string CopyBackwards = nameof(CopyBackwards);
    internal const string AliasBackward0 = nameof(AliasBackward0);
    internal const string UnbindBackward0 = nameof(UnbindBackward0);
    internal const string SplitBackward0 = nameof(SplitBackward0);
    internal const string SplitWithSizesBackward0 = nameof(SplitWithSizesBackward0);

    // ---- formulas ------------------------------------------------------------------------------------------------

    /// <summary>copy_ (and any in-place write of values that do not depend on the old ones): nothing flows to the overwritten tensor.</summary>
    internal static Tensor?[] Overwritten(Tensor g, Tensor[] _, bool[] __) => [Tensor.ZerosLike(g)];

    /// <summary>view / reshape / squeeze: the gradient reshaped back to the input's shape.</summary>
    internal static Tensor?[] ReshapeBack(Tensor g, Tensor[] _, bool[] __, int[] inputShape) => [g.Reshape(inputShape)];

    /// <summary>repeat: the gradient of each tile summed back onto the input (repeat_backward).</summary>
    internal static Tensor?[] Repeat(Tensor g, Tensor[] _, bool[] __, (int[] Expanded, int[] InputShape) a)
    {
        var split = g.Reshape(a.Expanded);
        var dims = Enumerable.Range(0, a.Expanded.Length / 2).Select(i => 2 * i).ToArray();
        return [split.Sum(dims).Reshape(a.InputShape)];
    }

    /// <summary>
    /// CopySlices: the base's gradient outside the written region passes through, the region's goes to the
    /// value written there. <paramref name="region"/> replays the view from its base (plain view arguments only).
    /// </summary>
    internal static Tensor?[] CopySlicesBackward(Tensor g, Tensor[] _, bool[] needs, Func<Tensor, Tensor> region)
    {
        var outside = Tensor.OnesLike(g, DType.Bool);
        using (GradMode.NoGrad()) region(outside).Detach().FillRaw(false);
        return [needs[0] ? Tensor.Where(outside, g, 0.0) : null, region(g)];
    }

    /// <summary>unbind_backward: the outputs' gradients stacked along dim, zeros for outputs that got none.</summary>
    internal static Tensor Unbind(Tensor?[] grads, (int[] Shape, int Dim) a)
    {
        var slice = a.Shape.Where((_, i) => i != a.Dim).ToArray();
        var dtype = grads.First(g => g is not null)!.DType;
        return Tensor.Stack(grads.Select(g => g ?? Tensor.Zeros(slice, dtype)).ToArray(), a.Dim);
    }

    /// <summary>split_backward: the outputs' gradients joined along dim, zeros for outputs that got none.</summary>
    internal static Tensor Split(Tensor?[] grads, (int[] Shape, int Dim, int[] Sizes) a)
    {
        var dtype = grads.First(g => g is not null)!.DType;
        return Tensor.Cat(grads.Select((g, i) => g ?? Tensor.Zeros([.. a.Shape[..a.Dim], a.Sizes[i], .. a.Shape[(a.Dim + 1)..]], dtype)).ToArray(), a.Dim);
    }
}
