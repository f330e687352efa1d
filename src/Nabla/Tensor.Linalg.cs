using Nabla.Core;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>torch.mm: (n×m)·(m×p). Both operands must share a dtype, as in PyTorch.</summary>
    public Tensor Mm(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Errors.Check(Dim == 2, "self must be a matrix");
        Errors.Check(other.Dim == 2, "mat2 must be a matrix");
        return Bmm3(Unsqueeze(0), other.Unsqueeze(0), "mm").Squeeze(0);
    }

    /// <summary>torch.bmm: batched (b×n×m)·(b×m×p).</summary>
    public Tensor Bmm(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Errors.Check(Dim == 3, "batch1 must be a 3D tensor");
        Errors.Check(other.Dim == 3, "batch2 must be a 3D tensor");
        return Bmm3(this, other, "bmm");
    }

    /// <summary>torch.matmul: dot, matrix-vector, matrix-matrix or broadcast batched product by the operands' ranks.</summary>
    public Tensor Matmul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Errors.Check(Dim > 0 && other.Dim > 0, $"both arguments to matmul need to be at least 1D, but they are {Dim}D and {other.Dim}D");
        if (Dim == 1 && other.Dim == 1)
        {
            Errors.Check(Layout.Sizes[0] == other.Layout.Sizes[0],
                $"inconsistent tensor size, expected tensor [{Layout.Sizes[0]}] and src [{other.Layout.Sizes[0]}] to have the same number of elements, but got {Layout.Sizes[0]} and {other.Layout.Sizes[0]} elements respectively");
            RejectBool("dot", other, kernelRuns: Numel > 0);
            return Unsqueeze(0).Mm(other.Unsqueeze(1)).Reshape();
        }
        var a = Dim == 1 ? Unsqueeze(0) : this;
        var b = other.Dim == 1 ? other.Unsqueeze(1) : other;
        int m = a.Size(-2), k = a.Size(-1), k2 = b.Size(-2), n = b.Size(-1);
        if (k != k2)
            throw Errors.Runtime(a.Dim == 2 && b.Dim == 2
                ? $"mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n})"
                : $"Expected size for first two dimensions of batch2 tensor to be: [{Layout.NumelOf(a.Sizes[..^2])}, {k}] but got: [{Layout.NumelOf(b.Sizes[..^2])}, {k2}].");
        RejectBool(Dim == 2 && other.Dim == 1 ? "addmv_impl_cpu" : Dim <= 2 && other.Dim <= 2 ? "addmm_impl_cpu_" : "bmm", other,
            kernelRuns: (long)m * n * k > 0);
        var batch = Shapes.Broadcast(a.Sizes[..^2], b.Sizes[..^2]);
        int batchSize = Layout.NumelOf(batch);
        var a3 = a.Expand([.. batch, m, k]).Reshape(batchSize, m, k);
        var b3 = b.Expand([.. batch, k, n]).Reshape(batchSize, k, n);
        var y = Bmm3(a3, b3, "matmul").Reshape([.. batch, m, n]);
        if (Dim == 1) y = y.Squeeze(-2);
        if (other.Dim == 1) y = y.Squeeze(-1);
        return y;
    }


    /// <summary>
    /// A (batch, rows, cols) operand as the matmul kernel reads it: in place when each batch is a row-major matrix (or,
    /// for a right operand, the transpose of one), whatever the batch stride (0 for a broadcast operand, which is then
    /// read once instead of copied per batch); otherwise a contiguous copy (of one batch only, for a broadcast operand).
    /// </summary>
    private static Kernels.MatrixBatch InPlaceOperand(Tensor t, int rows, int cols, bool allowTransposed)
    {
        var st = t.Layout.Strides;
        long batchStride = t.Layout.Sizes[0] <= 1 ? 0 : st[0];
        if ((cols <= 1 || st[2] == 1) && (rows <= 1 || st[1] == cols)) return new(t, batchStride);
        if (allowTransposed && (rows <= 1 || st[1] == 1) && (cols <= 1 || st[2] == rows)) return new(t, batchStride, Transposed: true);
        if (batchStride == 0) return new(t.Select(0, 0).Contiguous(), 0); // one copy of the shared matrix
        return new(t.Contiguous(), (long)rows * cols);
    }

    private static Tensor Bmm3(Tensor a, Tensor b, string op)
    {
        if (a.DType != b.DType)
            throw Errors.Runtime(op == "mm"
                ? $"expected m1 and m2 to have the same dtype, but got: {a.DType.TypeMetaName()} != {b.DType.TypeMetaName()}"
                : $"expected scalar type {a.DType.ScalarTypeName()} but found {b.DType.ScalarTypeName()}");
        int batch = a.Layout.Sizes[0], m = a.Layout.Sizes[1], k = a.Layout.Sizes[2], n = b.Layout.Sizes[2];
        if (b.Layout.Sizes[1] != k || b.Layout.Sizes[0] != batch)
            throw Errors.Runtime(op == "mm"
                ? $"mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {b.Layout.Sizes[1]}x{n})"
                : $"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {k}] but got: [{b.Layout.Sizes[0]}, {b.Layout.Sizes[1]}].");
        a.RejectBool(op == "mm" ? "addmm_impl_cpu_" : "bmm", b, kernelRuns: (long)batch * m * n * k > 0);
        var y = Allocate([batch, m, n], a.DType);
        if (y.Numel > 0 && k > 0)
            Kernels.Matmul.Run(InPlaceOperand(a.Detach(), m, k, allowTransposed: false), InPlaceOperand(b.Detach(), k, n, allowTransposed: true),
                y, batch, m, k, n);
        return Graph.Record(y, op == "mm" ? Derivatives.MmBackward0 : Derivatives.BmmBackward0, [a, b], Derivatives.Bmm, a, b);
    }
}
