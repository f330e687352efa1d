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
        return Graph.Record(y, Derivatives.CumsumBackward0, [this], d, Derivatives.Cumsum);
    }

    /// <summary>torch.cumprod: running products along <paramref name="dim"/>; integers and Bool give Int64.</summary>
    public Tensor Cumprod(int dim, DType? dtype = null)
    {
        int d = Errors.WrapDim(dim, Dim);
        var y = ScanRaw<CumprodOp>(d, dtype);
        return Graph.Record(y, Derivatives.CumprodBackward0, [this], d, Derivatives.Cumprod, this, y);
    }


    /// <summary>The scan along <paramref name="d"/> into a fresh contiguous tensor, read in place (no transposes).</summary>
    internal Tensor ScanRaw<TOp>(int d, DType? dtype, bool reverse = false) where TOp : IScanOp
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
