namespace Nabla;

internal static partial class Derivatives
{
    // ---- matrix products: node names ---------------------------------------------------------------------------
    internal const string MmBackward0 = nameof(MmBackward0);
    internal const string BmmBackward0 = nameof(BmmBackward0);

    /// <summary>mm / bmm on (batch, m, k) x (batch, k, n): grad @ other^T, self^T @ grad (saved: self, other).</summary>
    internal static Tensor?[] Bmm(Tensor g, Tensor[] s, bool[] needs) =>
    [
        needs[0] ? g.Bmm(s[1].Transpose(1, 2)) : null,
        needs[1] ? s[0].Transpose(1, 2).Bmm(g) : null,
    ];
}
