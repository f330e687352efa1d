using System.Runtime.Intrinsics.X86;

namespace Nabla.Core;

/// <summary>
/// The element streams of libtorch's CPU uniform_ and normal_ kernels (ATen's uniform_real_distribution,
/// normal_distribution and normal_fill), returned as doubles holding exactly the values of the target dtype.
/// float32 draws 24 random bits per uniform and computes in float; float64 draws 53 bits (two 32-bit draws).
/// libtorch compiles these kernels per CPU capability; on x86 with AVX2 and FMA (where it picks its AVX2 or AVX-512
/// kernels) the multiply-adds are fused and float32 normal_ runs its vector Box–Muller; elsewhere the plain scalar code.
/// </summary>
internal static class RandomFills
{
    /// <summary>Whether libtorch runs its vectorised (AVX2/AVX-512) kernels on this CPU.</summary>
    private static readonly bool VectorKernels = Avx2.IsSupported && Fma.IsSupported;

    private static double MulAdd(double a, double b, double c) => VectorKernels ? Math.FusedMultiplyAdd(a, b, c) : a * b + c;

    private static float MulAdd(float a, float b, float c) => VectorKernels ? MathF.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary>uniform_real_distribution(from, to): x·(to − from) + from in the target precision.</summary>
    public static double[] Uniform(int n, bool dbl, double from, double to, Generator g)
    {
        lock (g.Mutex) return UniformLocked(n, dbl, from, to, g); // one tensor, consecutive draws
    }

    private static double[] UniformLocked(int n, bool dbl, double from, double to, Generator g)
    {
        var values = new double[n];
        Units(values, dbl, g);
        if (dbl)
            for (int i = 0; i < n; i++) values[i] = MulAdd(values[i], to - from, from);
        else
        {
            float f = (float)from, t = (float)to, range = t - f;
            for (int i = 0; i < n; i++) values[i] = MulAdd((float)values[i], range, f);
        }
        return values;
    }

    /// <summary>
    /// normal_: contiguous tensors of 16 elements or more fill with uniforms first, then Box–Muller over blocks of 16
    /// (the first 8 give the radii, the last 8 the angles; a ragged tail redraws the last 16); other tensors draw one
    /// double-precision normal at a time, caching Box–Muller's second value in the generator.
    /// </summary>
    public static double[] Normal(int n, bool dbl, bool contiguous, double mean, double std, Generator g)
    {
        lock (g.Mutex) return NormalLocked(n, dbl, contiguous, mean, std, g); // one tensor, consecutive draws
    }

    private static double[] NormalLocked(int n, bool dbl, bool contiguous, double mean, double std, Generator g)
    {
        var values = new double[n];
        if (n >= 16 && contiguous)
        {
            Units(values, dbl, g);
            for (int i = 0; i + 16 <= n; i += 16) BoxMuller16(values.AsSpan(i, 16), dbl, mean, std);
            if (n % 16 != 0)
            {
                var tail = values.AsSpan(n - 16, 16);
                Units(tail, dbl, g);
                BoxMuller16(tail, dbl, mean, std);
            }
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                double v = MulAdd(g.Normal(), std, mean);
                values[i] = dbl ? v : (float)v;
            }
        }
        return values;
    }

    /// <summary>Words drawn per block when filling uniforms.</summary>
    private const int Block = 1024;

    /// <summary>
    /// Consecutive uniforms in [0, 1): float32 takes the low 24 bits of one 32-bit draw times 2^-24; float64 the low
    /// 53 bits of a 64-bit draw (first word high, second low) times 2^-53. The words come from the generator in blocks.
    /// </summary>
    private static void Units(Span<double> values, bool dbl, Generator g)
    {
        Span<uint> words = stackalloc uint[Block];
        int perBlock = dbl ? Block / 2 : Block;
        for (int start = 0; start < values.Length; start += perBlock)
        {
            var block = values.Slice(start, Math.Min(perBlock, values.Length - start));
            var drawn = words[..(dbl ? 2 * block.Length : block.Length)];
            g.Fill(drawn);
            if (dbl)
                for (int i = 0; i < block.Length; i++)
                    block[i] = ((((ulong)drawn[2 * i] << 32) | drawn[2 * i + 1]) & ((1UL << 53) - 1)) * (1.0 / (1UL << 53));
            else
                for (int i = 0; i < block.Length; i++) block[i] = (drawn[i] & ((1u << 24) - 1)) * (1.0f / (1u << 24));
        }
    }

    private static void BoxMuller16(Span<double> data, bool dbl, double mean, double std)
    {
        for (int j = 0; j < 8; j++)
        {
            if (dbl)
            {
                double u1 = 1 - data[j], u2 = data[j + 8];
                double radius = Math.Sqrt(-2 * Math.Log(u1)), theta = 2.0 * Math.PI * u2;
                data[j] = MulAdd(radius * Math.Cos(theta), std, mean);
                data[j + 8] = MulAdd(radius * Math.Sin(theta), std, mean);
            }
            else if (VectorKernels)
            {
                // The vector kernel: Cephes log/sincos in float, the angle formed in float.
                float u1 = 1 - (float)data[j], u2 = (float)data[j + 8], s = (float)std, m = (float)mean;
                float radius = MathF.Sqrt(-2f * CephesAvxMath.Log(u1));
                var (sin, cos) = CephesAvxMath.SinCos((float)(2.0 * Math.PI) * u2);
                data[j] = MathF.FusedMultiplyAdd(radius * cos, s, m);
                data[j + 8] = MathF.FusedMultiplyAdd(radius * sin, s, m);
            }
            else
            {
                // The scalar kernel: logf/cosf/sinf, the angle formed in double then rounded to float.
                float u1 = 1 - (float)data[j], u2 = (float)data[j + 8], s = (float)std, m = (float)mean;
                float radius = MathF.Sqrt(-2 * MathF.Log(u1)), theta = (float)(2.0 * Math.PI * u2);
                data[j] = radius * MathF.Cos(theta) * s + m;
                data[j + 8] = radius * MathF.Sin(theta) * s + m;
            }
        }
    }
}
