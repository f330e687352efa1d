using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla.Kernels;

/// <summary>
/// Fused softmax / log-softmax over the rows of a contiguous (rows, k) tensor: per row the maximum, the
/// shifted exponentials, their sum, then one scaling pass, each vectorised. Computes what the composite
/// x - max, exp, sum, divide does (NaN and infinities included), without four temporaries.
/// </summary>
internal static class Softmax
{
    public static void Run(Tensor x, Tensor y, int rows, int k, bool log)
    {
        if (x.DType == DType.Float32) Rows<float>();
        else Rows<double>();

        void Rows<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var src = x.Data<T>();
            var dst = y.Data<T>();
            int offset = x.StorageOffset;
            void Row(int r)
            {
                var input = new ReadOnlySpan<T>(src, offset + r * k, k);
                var output = new Span<T>(dst, r * k, k);
                T max = TensorPrimitives.Max(input);
                TensorPrimitives.Subtract(input, max, output);
                if (log)
                {
                    var exps = ArrayPool<T>.Shared.Rent(k); // scratch per row: the shifted values stay in output
                    TensorPrimitives.Exp(output, exps.AsSpan(0, k));
                    TensorPrimitives.Subtract(output, T.Log(Sum<T>(exps.AsSpan(0, k))), output);
                    ArrayPool<T>.Shared.Return(exps);
                }
                else
                {
                    TensorPrimitives.Exp(output, output);
                    TensorPrimitives.Divide(output, Sum<T>(output), output);
                }
            }
            if ((long)rows * k < StridedLoop.ParallelGrain || rows < 2) for (int r = 0; r < rows; r++) Row(r);
            else Parallel.For(0, rows, Row);
        }
    }

    private static T Sum<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T> => SumReducer.Reduce(values);
}
