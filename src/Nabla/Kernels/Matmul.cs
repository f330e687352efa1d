using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla.Kernels;

/// <summary>
/// Batched matrix multiply of contiguous row-major operands: C[b] = A[b] · B[b]. Each output row is built
/// as a sum of scaled rows of B (i-k-j order, vectorised through TensorPrimitives); rows run in parallel.
/// </summary>
internal static class Matmul
{
    public static void Run(Tensor a, Tensor b, Tensor c, int batch, int m, int k, int n)
    {
        switch (c.DType)
        {
            case DType.Float32: Float<float>(); break;
            case DType.Float64: Float<double>(); break;
            case DType.Int32: Int<int>(); break;
            case DType.Int64: Int<long>(); break;
            default: Int<byte>(); break;
        }

        void Float<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (A, B, C) = (a.Data<T>(), b.Data<T>(), c.Data<T>());
            int ao = a.StorageOffset, bo = b.StorageOffset;
            Rows(batch * m, (long)m * n * k, row =>
            {
                int bi = row / m, i = row % m;
                var dst = C.AsSpan((bi * m + i) * n, n);
                for (int p = 0; p < k; p++)
                {
                    T scale = A[ao + (bi * m + i) * k + p];
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(B, bo + (bi * k + p) * n, n), scale, dst, dst);
                }
            });
        }

        void Int<T>() where T : unmanaged, INumber<T>
        {
            var (A, B, C) = (a.Data<T>(), b.Data<T>(), c.Data<T>());
            int ao = a.StorageOffset, bo = b.StorageOffset;
            Rows(batch * m, (long)m * n * k, row =>
            {
                int bi = row / m, i = row % m;
                for (int p = 0; p < k; p++)
                {
                    T scale = A[ao + (bi * m + i) * k + p];
                    for (int j = 0; j < n; j++) C[(bi * m + i) * n + j] += scale * B[bo + (bi * k + p) * n + j];
                }
            });
        }
    }

    private static void Rows(int rows, long work, Action<int> body)
    {
        if (work < 1 << 15 || rows < 2) for (int r = 0; r < rows; r++) body(r);
        else Parallel.For(0, rows, body);
    }
}
