using Nabla.Core;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>
    /// torch.diagonal: a view of the elements (i, i + <paramref name="offset"/>) of dims <paramref name="dim1"/> and
    /// <paramref name="dim2"/>. Both dims are removed and the diagonal is appended as the last dim.
    /// </summary>
    public Tensor Diagonal(int offset = 0, int dim1 = 0, int dim2 = 1)
    {
        int d1 = Errors.WrapDim(dim1, Dim), d2 = Errors.WrapDim(dim2, Dim);
        Errors.Check(d1 != d2, $"diagonal dimensions cannot be identical {dim1}, {dim2}");
        var y = MakeView(DiagonalLayout(Layout, offset, d1, d2), b => b.Diagonal(offset, d1, d2));
        var inputShape = Shape;
        return Graph.Record(y, Derivatives.DiagonalBackward0, [this], (inputShape, offset, d1, d2), static (g, _, _, a) =>
            [g.EmbedInto(a.inputShape, z => z.Diagonal(a.offset, a.d1, a.d2), Derivatives.DiagonalBackwardBackward0)]);
    }

    /// <summary>Stepping along a diagonal advances both dims at once, so its stride is the sum of theirs.</summary>
    private static Layout DiagonalLayout(Layout layout, int offset, int d1, int d2)
    {
        int s1 = layout.Sizes[d1], s2 = layout.Sizes[d2];
        int length = Math.Max(offset >= 0 ? Math.Min(s1, s2 - offset) : Math.Min(s1 + offset, s2), 0);
        int start = layout.Offset;
        if (length > 0) start += offset >= 0 ? offset * layout.Strides[d2] : -offset * layout.Strides[d1];
        var kept = Enumerable.Range(0, layout.Rank).Where(d => d != d1 && d != d2).ToArray();
        int[] sizes = [.. kept.Select(d => layout.Sizes[d]), length];
        int[] strides = [.. kept.Select(d => layout.Strides[d]), layout.Strides[d1] + layout.Strides[d2]];
        return new Layout(sizes, strides, start);
    }
}
