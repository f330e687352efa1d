using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>torch.cumsum: running sums along <paramref name="dim"/>; integers and Bool give Int64.</summary>
    public Tensor Cumsum(int dim, DType? dtype = null)
    {
        int d = Errors.WrapDim(dim, Dim);
        var y = ScanRaw<CumsumOp>(d, dtype);
        return Graph.Record(y, "CumsumBackward0", [this], (g, _, _) => [ReverseCumsum(g, d)]);
    }

    /// <summary>torch.cumprod: running products along <paramref name="dim"/>; integers and Bool give Int64.</summary>
    public Tensor Cumprod(int dim, DType? dtype = null)
    {
        int d = Errors.WrapDim(dim, Dim);
        var y = ScanRaw<CumprodOp>(d, dtype);
        return Graph.Record(y, "CumprodBackward0", [this], (g, s, _) =>
        {
            var x = s[0];
            if (x.Numel <= 1 || x.Dim == 0 || x.Size(d) == 1) return [g];
            // Without zeros: sum over j >= i of g_j * out_j / x_i, a reversed cumsum.
            if (!x.Eq(0.0).Any().Item<bool>()) return [ReverseCumsum(g * s[1], d) / x];
            return [GradMode.IsEnabled ? CumprodBackwardWithZeros(x, g, d) : CumprodBackwardFirstOrder(x, g, s[1], d)];
        }, this, y);
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
        var grad = ZerosLike(x, g.DType);
        grad = grad.MaskedScatter(before, (ReverseCumsum((output * g).MaskedFill(~before, 0), d) / x).MaskedSelect(before));
        var afterFirst = zerosSoFar == 1;
        var firstZero = afterFirst.To(DType.Int64).Max(d, keepdim: true).Indices;
        var atFirst = ZerosLike(afterFirst).Scatter(d, firstZero, true) & afterFirst;
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
            var replaced = Cat([x.Narrow(d, 0, i), OnesLike(x.Narrow(d, i, 1)), x.Narrow(d, i + 1, n - i - 1)], d);
            parts[i] = (g * replaced.Cumprod(d)).Narrow(d, i, n - i).Sum([d], keepdim: true);
        }
        return Cat(parts, d);
    }

    /// <summary>Sums from the end of <paramref name="dim"/> backwards: the adjoint of cumsum.</summary>
    private static Tensor ReverseCumsum(Tensor g, int dim)
    {
        if (g.Dim == 0) return g;
        // A graph through the gradient (create_graph) needs the differentiable route; otherwise scan backwards in place of flips.
        if (Graph.ShouldRecord([g])) return g.Flip(dim).Cumsum(dim).Flip(dim);
        return g.ScanRaw<CumsumOp>(dim, null, reverse: true);
    }

    /// <summary>The scan along <paramref name="d"/> into a fresh contiguous tensor, read in place (no transposes).</summary>
    private Tensor ScanRaw<TOp>(int d, DType? dtype, bool reverse = false) where TOp : IScanOp
    {
        var type = dtype ?? (DType.IsIntegral() ? DType.Int64 : DType);
        var x = CastRaw(type);
        if (Dim == 0) return x.CloneRaw();
        if (!x.IsContiguous()) x = x.CloneRaw();
        var y = AllocateForOutput(Shape, type);
        if (y.Numel == 0) return y;
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= Sizes[i];
        for (int i = d + 1; i < Dim; i++) inner *= Sizes[i];
        Scan.Run<TOp>(x, outer, Sizes[d], inner, y, reverse);
        return y;
    }

    /// <summary>torch.diff: n-th forward difference along <paramref name="dim"/>, with optional prepend/append.</summary>
    public Tensor Diff(int n = 1, int dim = -1, Tensor? prepend = null, Tensor? append = null)
    {
        Errors.Check(Dim >= 1, "diff expects input to be at least one-dimensional");
        Errors.Check(n >= 0, $"order must be non-negative but got {n}");
        int d = Errors.WrapDim(dim, Dim);
        foreach (var extra in new[] { prepend, append })
        {
            if (extra is null) continue;
            Errors.Check(extra.Dim == Dim, "diff expects prepend or append to be the same dimension as input");
            for (int i = 0; i < Dim; i++)
                if (i != d && extra.Layout.Sizes[i] != Layout.Sizes[i])
                    throw Errors.Runtime($"diff expects the shape of tensor to prepend or append to match that of input except along the differencing dimension; input.size({i}) = {Layout.Sizes[i]}, but got tensor.size({i}) = {extra.Layout.Sizes[i]}");
        }
        if (n == 0) return Clone();
        var a = prepend is null && append is null ? this
            : Cat(new[] { prepend, this, append }.OfType<Tensor>().ToArray(), d);
        n = Math.Min(n, a.Size(d));
        for (int i = 0; i < n; i++)
        {
            int len = a.Size(d);
            var hi = a.Narrow(d, 1, len - 1);
            var lo = a.Narrow(d, 0, len - 1);
            a = a.DType == DType.Bool ? hi.LogicalXor(lo) : hi - lo;
        }
        return a;
    }
}
