using System.Numerics;

namespace Nabla.Kernels;

/// <summary>A running combination along a row (cumsum, cumprod).</summary>
internal interface IScanOp
{
    static abstract double Identity { get; }
    static abstract double Combine(double acc, double x);
    static abstract long Combine(long acc, long x);
    static abstract Vector<double> Combine(Vector<double> acc, Vector<double> x);
}

internal struct CumsumOp : IScanOp
{
    public static double Identity => 0;
    public static double Combine(double acc, double x) => acc + x;
    public static long Combine(long acc, long x) => acc + x;
    public static Vector<double> Combine(Vector<double> acc, Vector<double> x) => acc + x;
}

internal struct CumprodOp : IScanOp
{
    public static double Identity => 1;
    public static double Combine(double acc, double x) => acc * x;
    public static long Combine(long acc, long x) => acc * x;
    public static Vector<double> Combine(Vector<double> acc, Vector<double> x) => acc * x;
}

/// <summary>
/// Inclusive scans along one dim of a contiguous tensor, seen as (outer, k, inner): no transposes. With inner > 1
/// the scan runs down k for a block of inner columns at once (vectorised for float32), so scanning dim 0 reads
/// memory in order. Floating types accumulate in double and round each prefix on output, as PyTorch's CPU kernel
/// does; integer types accumulate in long. Each (outer, column) chain runs on one thread in order, so results do
/// not depend on the thread count. <c>reverse</c> scans from the end (the adjoint of cumsum).
/// </summary>
internal static class Scan
{
    public static void Run<TOp>(Tensor x, int outer, int k, int inner, Tensor y, bool reverse = false) where TOp : IScanOp
    {
        switch (y.DType)
        {
            case DType.Bool or DType.UInt8: Split(new IntChains<byte, TOp>(x.Data<byte>(), x.StorageOffset, y.Data<byte>(), k, inner, reverse)); break;
            case DType.Int32: Split(new IntChains<int, TOp>(x.Data<int>(), x.StorageOffset, y.Data<int>(), k, inner, reverse)); break;
            case DType.Int64: Split(new IntChains<long, TOp>(x.Data<long>(), x.StorageOffset, y.Data<long>(), k, inner, reverse)); break;
            case DType.Float32: Split(new FloatChains<float, TOp>(x.Data<float>(), x.StorageOffset, y.Data<float>(), k, inner, reverse)); break;
            default: Split(new FloatChains<double, TOp>(x.Data<double>(), x.StorageOffset, y.Data<double>(), k, inner, reverse)); break;
        }

        void Split<TC>(TC chains) where TC : struct, IChains
        {
            // Work units: one outer slice times one block of columns.
            int blockCols = inner;
            long work = (long)outer * k * inner;
            int threads = Parallelism.NumThreads;
            if (work >= StridedLoop.ParallelGrain && threads > 1 && outer < threads * 2 && inner >= 64)
                blockCols = Math.Max(32, (inner / (threads * 2) + 31) / 32 * 32);
            int blocks = (inner + blockCols - 1) / blockCols;
            long units = (long)outer * blocks;
            void Unit(long u)
            {
                int o = (int)(u / blocks), b = (int)(u % blocks);
                int c0 = b * blockCols;
                chains.Run(o, c0, Math.Min(inner, c0 + blockCols));
            }
            if (work < StridedLoop.ParallelGrain || threads < 2 || units < 2)
            {
                for (long u = 0; u < units; u++) Unit(u);
                return;
            }
            Parallel.For(0L, units, Unit);
        }
    }

    private interface IChains
    {
        /// <summary>Scans columns [c0, c1) of outer slice o.</summary>
        void Run(int o, int c0, int c1);
    }

    private readonly struct FloatChains<T, TOp>(T[] src, int offset, T[] dst, int k, int inner, bool reverse) : IChains
        where T : unmanaged, INumber<T> where TOp : IScanOp
    {
        public void Run(int o, int c0, int c1)
        {
            int width = c1 - c0;
            int baseIndex = o * k * inner + c0;
            int first = reverse ? k - 1 : 0, step = reverse ? -1 : 1;
            if (inner == 1)
            {
                double acc = TOp.Identity;
                for (int j = 0, i = baseIndex + first; j < k; j++, i += step)
                {
                    acc = TOp.Combine(acc, double.CreateTruncating(src[offset + i]));
                    dst[i] = T.CreateTruncating(acc);
                }
                return;
            }
            var accs = new double[width];
            accs.AsSpan().Fill(TOp.Identity);
            for (int j = 0, row = baseIndex + first * inner; j < k; j++, row += step * inner)
            {
                int c = 0;
                if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
                {
                    var s = System.Runtime.CompilerServices.Unsafe.As<float[]>(src).AsSpan(offset + row, width);
                    var d = System.Runtime.CompilerServices.Unsafe.As<float[]>(dst).AsSpan(row, width);
                    for (; c + Vector<float>.Count <= width; c += Vector<float>.Count)
                    {
                        Vector.Widen(new Vector<float>(s[c..]), out var lo, out var hi);
                        var a0 = TOp.Combine(new Vector<double>(accs, c), lo);
                        var a1 = TOp.Combine(new Vector<double>(accs, c + Vector<double>.Count), hi);
                        a0.CopyTo(accs, c);
                        a1.CopyTo(accs, c + Vector<double>.Count);
                        Vector.Narrow(a0, a1).CopyTo(d[c..]);
                    }
                }
                for (; c < width; c++)
                {
                    accs[c] = TOp.Combine(accs[c], double.CreateTruncating(src[offset + row + c]));
                    dst[row + c] = T.CreateTruncating(accs[c]);
                }
            }
        }
    }

    private readonly struct IntChains<T, TOp>(T[] src, int offset, T[] dst, int k, int inner, bool reverse) : IChains
        where T : unmanaged, INumber<T> where TOp : IScanOp
    {
        public void Run(int o, int c0, int c1)
        {
            int width = c1 - c0;
            int baseIndex = o * k * inner + c0;
            int first = reverse ? k - 1 : 0, step = reverse ? -1 : 1;
            var accs = new long[width];
            accs.AsSpan().Fill((long)TOp.Identity);
            for (int j = 0, row = baseIndex + first * inner; j < k; j++, row += step * inner)
                for (int c = 0; c < width; c++)
                {
                    accs[c] = TOp.Combine(accs[c], long.CreateTruncating(src[offset + row + c]));
                    dst[row + c] = T.CreateTruncating(accs[c]);
                }
        }
    }
}
