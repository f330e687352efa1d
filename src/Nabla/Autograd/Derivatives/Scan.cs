namespace Nabla;

internal static partial class Derivatives
{
    // ---- scans: node names -------------------------------------------------------------------------------------
    internal const string CumsumBackward0 = nameof(CumsumBackward0);
    internal const string CumprodBackward0 = nameof(CumprodBackward0);

    /// <summary>cumsum: the gradient summed from the end backwards.</summary>
    internal static Tensor?[] Cumsum(Tensor g, Tensor[] _, bool[] __, int dim) => [ReverseCumsum(g, dim)];

    /// <summary>cumprod_backward (saved: self, result).</summary>
    internal static Tensor?[] Cumprod(Tensor g, Tensor[] s, bool[] _, int d)
    {
        var x = s[0];
        if (x.Numel <= 1 || x.Dim == 0 || x.Size(d) == 1) return [g];
        // Without zeros: sum over j >= i of g_j * out_j / x_i, a reversed cumsum.
        if (!x.Eq(0.0).Any().Item<bool>()) return [ReverseCumsum(g * s[1], d) / x];
        return [GradMode.IsEnabled ? CumprodBackwardWithZeros(x, g, d) : CumprodBackwardFirstOrder(x, g, s[1], d)];
    }

    /// <summary>
    /// PyTorch's O(n) first-order cumprod gradient for inputs with zeros: before the first zero the reversed-cumsum
    /// formula; at the first zero the product of the elements up to the second zero times the prefix before it;
    /// after it nothing.
    /// </summary>
    private static Tensor CumprodBackwardFirstOrder(Tensor x, Tensor g, Tensor output, int d)
    {
        var zerosSoFar = x.Eq(0.0).Cumsum(d);
        var before = zerosSoFar == 0;
        var grad = Tensor.ZerosLike(x, g.DType);
        grad = grad.MaskedScatter(before, (ReverseCumsum((output * g).MaskedFill(~before, 0), d) / x).MaskedSelect(before));
        var afterFirst = zerosSoFar == 1;
        var firstZero = afterFirst.To(DType.Int64).Max(d, keepdim: true).Indices;
        var atFirst = Tensor.ZerosLike(afterFirst).Scatter(d, firstZero, true) & afterFirst;
        var between = afterFirst & ~atFirst;
        var prefix = output.Gather(d, (firstZero - 1).Clamp(min: 0)).MaskedFill(firstZero == 0, 1);
        var atZero = (x.MaskedFill(~between, 1).Cumprod(d) * g.MaskedFill(zerosSoFar != 1, 0)).Sum(d, keepdim: true) * prefix;
        return grad.MaskedScatter(atFirst, atZero.Expand(x.Shape).MaskedSelect(atFirst));
    }

    /// <summary>A twice-differentiable cumprod gradient: d out_j / d x_i = prod_{k&lt;=j, k!=i} x_k summed over j >= i.</summary>
    private static Tensor CumprodBackwardWithZeros(Tensor x, Tensor g, int d)
    {
        int n = x.Size(d);
        var parts = new Tensor[n];
        for (int i = 0; i < n; i++)
        {
            var replaced = Tensor.Cat([x.Narrow(d, 0, i), Tensor.OnesLike(x.Narrow(d, i, 1)), x.Narrow(d, i + 1, n - i - 1)], d);
            parts[i] = (g * replaced.Cumprod(d)).Narrow(d, i, n - i).Sum([d], keepdim: true);
        }
        return Tensor.Cat(parts, d);
    }

    /// <summary>Sums from the end of <paramref name="dim"/> backwards: the adjoint of cumsum.</summary>
    internal static Tensor ReverseCumsum(Tensor g, int dim)
    {
        if (g.Dim == 0) return g;
        // A graph through the gradient (create_graph) needs the differentiable route; otherwise one reverse scan, no flips.
        if (Graph.ShouldRecord([g])) return g.Flip(dim).Cumsum(dim).Flip(dim);
        return g.ScanRaw<Kernels.CumsumOp>(dim, null, reverse: true);
    }
}
