using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// Batch norm fused per channel over a contiguous (N, C, *) Float32 or Float64 tensor: each channel is N runs of
/// `plane` elements. Statistics take two passes (mean, then the squared deviations) and the backward two (the sums of
/// the gradient and of (x - mean) * gradient, then the input gradient), all sums in float64, instead of a chain of
/// broadcast ops and float64 copies. Channels run in parallel and each channel's sums run in one fixed order, so
/// results do not depend on the thread count.
/// </summary>
internal static class BatchNorm
{
    /// <summary>Per channel: the mean and the biased variance, in float64.</summary>
    public static (double[] Mean, double[] Var) Statistics(Tensor x)
    {
        var (n, c, plane) = Geometry(x);
        var mean = new double[c];
        var variance = new double[c];
        int count = n * plane;
        if (x.DType == DType.Float32) Run<float>(); else Run<double>();
        return (mean, variance);

        void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var data = x.Data<T>();
            int offset = x.StorageOffset;
            ForChannels(c, (long)n * plane, ch =>
            {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += Sum<T, Plain>(ChannelRun(data, offset, i, ch, c, plane), 0);
                double m = sum / count, squares = 0;
                for (int i = 0; i < n; i++) squares += Sum<T, Squares>(ChannelRun(data, offset, i, ch, c, plane), m);
                mean[ch] = m;
                variance[ch] = squares / count;
            });
        }
    }

    /// <summary><c>y = x * scale[c] + shift[c]</c> (a product, then a sum, each rounded in the element type).</summary>
    public static void Affine(Tensor x, Tensor scale, Tensor shift, Tensor y)
    {
        var (n, c, plane) = Geometry(x);
        if (x.DType == DType.Float32) Run<float>(); else Run<double>();

        void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (data, a, b, output) = (x.Data<T>(), scale.Contiguous().ToArray<T>(), shift.Contiguous().ToArray<T>(), y.Data<T>());
            int offset = x.StorageOffset;
            ForChannels(c, (long)n * plane, ch =>
            {
                for (int i = 0; i < n; i++)
                {
                    int at = (i * c + ch) * plane;
                    ScaleShift(data.AsSpan(offset + at, plane), a[ch], b[ch], output.AsSpan(at, plane));
                }
            });
        }
    }

    /// <summary>Per channel: Σ grad and Σ (x - mean[c]) · grad, in float64 (grad and x contiguous, of one shape).</summary>
    public static (double[] SumGrad, double[] Dot) GradSums(Tensor grad, Tensor x, Tensor mean)
    {
        var (n, c, plane) = Geometry(x);
        var sumGrad = new double[c];
        var dot = new double[c];
        if (x.DType == DType.Float32) Run<float>(); else Run<double>();
        return (sumGrad, dot);

        void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (g, data, mu) = (grad.Data<T>(), x.Data<T>(), mean.Contiguous().ToArray<T>());
            int go = grad.StorageOffset, xo = x.StorageOffset;
            ForChannels(c, (long)n * plane, ch =>
            {
                double s = 0, d = 0;
                double m = double.CreateTruncating(mu[ch]);
                for (int i = 0; i < n; i++)
                {
                    var gRun = ChannelRun(g, go, i, ch, c, plane);
                    s += Sum<T, Plain>(gRun, 0);
                    d += Dot(ChannelRun(data, xo, i, ch, c, plane), m, gRun);
                }
                sumGrad[ch] = s;
                dot[ch] = d;
            });
        }
    }

    /// <summary>
    /// The input gradient in libtorch's CPU form, <c>((grad - meanGrad[c]) - (x - mean[c]) * k[c]) * scale[c]</c>, with
    /// the per-channel coefficients given in the element type (training: meanGrad = Σgrad / count, k = Σ(x - mean)grad ·
    /// rstd² / count; evaluation: both 0).
    /// </summary>
    public static void InputGrad(Tensor grad, Tensor x, Tensor mean, double[] meanGrad, double[] k, double[] scale, Tensor gradInput)
    {
        var (n, c, plane) = Geometry(x);
        if (x.DType == DType.Float32) Run<float>(); else Run<double>();

        void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (g, data, mu, gi) = (grad.Data<T>(), x.Data<T>(), mean.Contiguous().ToArray<T>(), gradInput.Data<T>());
            int go = grad.StorageOffset, xo = x.StorageOffset;
            ForChannels(c, (long)n * plane, ch =>
            {
                T gm = T.CreateTruncating(meanGrad[ch]), kk = T.CreateTruncating(k[ch]), s = T.CreateTruncating(scale[ch]);
                for (int i = 0; i < n; i++)
                {
                    int at = (i * c + ch) * plane;
                    Backward(g.AsSpan(go + at, plane), data.AsSpan(xo + at, plane), mu[ch], gm, kk, s, gi.AsSpan(at, plane));
                }
            });
        }
    }

    private static (int N, int C, int Plane) Geometry(Tensor x)
    {
        int plane = 1;
        for (int d = 2; d < x.Dim; d++) plane *= x.Size(d);
        return (x.Size(0), x.Size(1), plane);
    }

    private static ReadOnlySpan<T> ChannelRun<T>(T[] data, int offset, int sample, int channel, int channels, int plane) =>
        data.AsSpan(offset + (sample * channels + channel) * plane, plane);

    private static void ForChannels(int channels, long workPerChannel, Action<int> body)
    {
        if (channels < 2 || channels * workPerChannel < StridedLoop.ParallelGrain)
            for (int ch = 0; ch < channels; ch++) body(ch);
        else
            Parallel.For(0, channels, body);
    }

    /// <summary>Σ v (<typeparamref name="TFold"/> = <see cref="Plain"/>) or Σ (v - mean)² (<see cref="Squares"/>) in float64: four lanes, then the lanes and the tail in order.</summary>
    private static double Sum<T, TFold>(ReadOnlySpan<T> v, double mean) where T : unmanaged, IFloatingPointIeee754<T> where TFold : IWideFold
    {
        var acc = Vector256<double>.Zero;
        var m = Vector256.Create(mean);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && typeof(T) == typeof(float))
        {
            ref float r = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(v));
            for (; i + 8 <= v.Length; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)i));
                acc = TFold.Fold(TFold.Fold(acc, lo, m), hi, m);
            }
        }
        else if (Vector256.IsHardwareAccelerated && typeof(T) == typeof(double))
        {
            ref double r = ref Unsafe.As<T, double>(ref MemoryMarshal.GetReference(v));
            for (; i + 4 <= v.Length; i += 4) acc = TFold.Fold(acc, Vector256.LoadUnsafe(ref r, (nuint)i), m);
        }
        double s = Vector256.Sum(acc);
        for (; i < v.Length; i++) s = TFold.Fold(s, double.CreateTruncating(v[i]), mean);
        return s;
    }

    private interface IWideFold
    {
        static abstract Vector256<double> Fold(Vector256<double> acc, Vector256<double> x, Vector256<double> mean);
        static abstract double Fold(double acc, double x, double mean);
    }

    private struct Plain : IWideFold
    {
        public static Vector256<double> Fold(Vector256<double> acc, Vector256<double> x, Vector256<double> mean) => acc + x;
        public static double Fold(double acc, double x, double mean) => acc + x;
    }

    private struct Squares : IWideFold
    {
        public static Vector256<double> Fold(Vector256<double> acc, Vector256<double> x, Vector256<double> mean) => acc + (x - mean) * (x - mean);
        public static double Fold(double acc, double x, double mean) => acc + (x - mean) * (x - mean);
    }

    /// <summary>Σ (x - mean) · g in float64.</summary>
    private static double Dot<T>(ReadOnlySpan<T> x, double mean, ReadOnlySpan<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && typeof(T) == typeof(float))
        {
            var acc = Vector256<double>.Zero;
            var m = Vector256.Create(mean);
            ref float xr = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x));
            ref float gr = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(g));
            for (; i + 8 <= x.Length; i += 8)
            {
                var (xl, xu) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                var (gl, gu) = Vector256.Widen(Vector256.LoadUnsafe(ref gr, (nuint)i));
                acc += (xl - m) * gl + (xu - m) * gu;
            }
            s = Vector256.Sum(acc);
        }
        for (; i < x.Length; i++) s += (double.CreateTruncating(x[i]) - mean) * double.CreateTruncating(g[i]);
        return s;
    }

    private static void ScaleShift<T>(ReadOnlySpan<T> x, T a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            var vb = Vector256.Create(b);
            for (; i + Vector256<T>.Count <= x.Length; i += Vector256<T>.Count)
                (Vector256.Create(x.Slice(i, Vector256<T>.Count)) * va + vb).CopyTo(y.Slice(i, Vector256<T>.Count));
        }
        for (; i < x.Length; i++) y[i] = x[i] * a + b;
    }

    private static void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T mean, T meanGrad, T k, T scale, Span<T> gi)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            int w = Vector256<T>.Count;
            var (vm, vgm, vk, vs) = (Vector256.Create(mean), Vector256.Create(meanGrad), Vector256.Create(k), Vector256.Create(scale));
            for (; i + w <= g.Length; i += w)
            {
                var vg = Vector256.Create(g.Slice(i, w));
                var vx = Vector256.Create(x.Slice(i, w));
                ((vg - vgm - (vx - vm) * vk) * vs).CopyTo(gi.Slice(i, w));
            }
        }
        for (; i < g.Length; i++) gi[i] = (g[i] - meanGrad - (x[i] - mean) * k) * scale;
    }
}
