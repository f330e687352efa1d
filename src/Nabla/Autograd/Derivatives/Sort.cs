namespace Nabla;

internal static partial class Derivatives
{
    // ---- sort and selection: node names ------------------------------------------------------------------------
    internal const string SortBackward0 = nameof(SortBackward0);
    internal const string TopkBackward0 = nameof(TopkBackward0);
    internal const string KthvalueBackward0 = nameof(KthvalueBackward0);

    /// <summary>
    /// value_selecting_reduction_backward for sort, topk and kthvalue (saved: indices): each selected value's gradient
    /// goes to the position its index names, through a scatter that differentiates any number of times.
    /// </summary>
    internal static Tensor?[] ValueSelectingScatter(Tensor g, Tensor[] s, bool[] _, (int[] InputShape, int Dim, bool Keepdim) a)
    {
        if (a.InputShape.Length == 0) return [g];
        var index = a.Keepdim ? s[0] : s[0].Unsqueeze(a.Dim);
        return [(a.Keepdim ? g : g.Unsqueeze(a.Dim)).ScatterAlongDim(a.InputShape, a.Dim, index)];
    }
}
