using System.Numerics;

namespace Nabla.Kernels;

/// <summary>A running combination along a row (cumsum, cumprod).</summary>
internal interface IScanOp
{
    static abstract double Identity { get; }
    static abstract double Combine(double acc, double x);
    static abstract long Combine(long acc, long x);
}

internal struct CumsumOp : IScanOp
{
    public static double Identity => 0;
    public static double Combine(double acc, double x) => acc + x;
    public static long Combine(long acc, long x) => acc + x;
}

internal struct CumprodOp : IScanOp
{
    public static double Identity => 1;
    public static double Combine(double acc, double x) => acc * x;
    public static long Combine(long acc, long x) => acc * x;
}

/// <summary>
/// Inclusive scans along the last dim of a contiguous tensor. Floating types accumulate in double and round
/// each prefix on output, as PyTorch's CPU kernel does; integer types accumulate in their own type.
/// </summary>
internal static class Scan
{
    public static void Run<TOp>(Tensor rows, int k, Tensor y) where TOp : IScanOp
    {
        switch (y.DType)
        {
            case DType.Bool or DType.UInt8: Int<byte>(); break;
            case DType.Int32: Int<int>(); break;
            case DType.Int64: Int<long>(); break;
            case DType.Float32: Float<float>(); break;
            default: Float<double>(); break;
        }

        void Float<T>() where T : unmanaged, INumber<T>
        {
            var src = rows.Data<T>();
            var dst = y.Data<T>();
            int off = rows.StorageOffset;
            for (int start = 0; start < dst.Length; start += k)
            {
                double acc = TOp.Identity;
                for (int i = start; i < start + k; i++)
                {
                    acc = TOp.Combine(acc, double.CreateTruncating(src[off + i]));
                    dst[i] = T.CreateTruncating(acc);
                }
            }
        }

        void Int<T>() where T : unmanaged, INumber<T>
        {
            var src = rows.Data<T>();
            var dst = y.Data<T>();
            int off = rows.StorageOffset;
            for (int start = 0; start < dst.Length; start += k)
            {
                long acc = (long)TOp.Identity;
                for (int i = start; i < start + k; i++)
                {
                    acc = TOp.Combine(acc, long.CreateTruncating(src[off + i]));
                    dst[i] = T.CreateTruncating(acc);
                }
            }
        }
    }
}
