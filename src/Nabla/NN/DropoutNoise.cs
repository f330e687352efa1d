using System.Numerics;
using Nabla.Core;
using Nabla.Kernels;

namespace Nabla.NN;

/// <summary>
/// The noise tensor of CPU dropout: <c>empty_like(input).bernoulli_(p)</c>. empty_like keeps the strides of a dense,
/// non-overlapping input (else it is row-major), and the bernoulli kernel fills memory in order with
/// <c>uniform(random64) &lt; p</c>, one draw per element.
/// </summary>
internal static class DropoutNoise
{
    public static Tensor Bernoulli(Tensor like, double p, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(like);
        var sizes = like.Shape;
        var strides = DenseStrides(like) ?? Layout.ContiguousStrides(sizes);
        int n = like.Numel;
        var storage = Storage.Allocate(like.DType, n);
        var noise = new Tensor(storage, new Layout(sizes, strides, 0), like.DType);
        DTypeDispatch.Run(like.DType, new BernoulliFill(storage, n, p, generator));
        return noise;
    }

    /// <summary>The fill for the storage's element type (Bool is stored as bytes of 0 and 1).</summary>
    private readonly struct BernoulliFill(Storage storage, int n, double p, Generator generator) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T> => Fill(storage.As<T>().AsSpan(0, n), p, generator);
    }

    /// <summary>Draws per block: two 32-bit words per element, on the stack.</summary>
    private const int Block = 512;

    /// <summary>
    /// data[i] = 1 when the i-th double-precision uniform is below <paramref name="p"/>, else 0: the uniform is the
    /// low 53 bits m of a 64-bit draw (first word high, second low) times 2^-53, as <see cref="Generator.Uniform"/>
    /// computes it. Scaling by 2^53 is exact, so m·2^-53 &lt; p exactly when the integer m is below ceil(p·2^53): the
    /// test runs on integers, without a branch. The words come in blocks, under one hold of the generator's lock.
    /// </summary>
    private static void Fill<T>(Span<T> data, double p, Generator generator) where T : unmanaged, INumber<T>
    {
        const double TwoTo53 = 1UL << 53;
        // p outside [0, 1] (or NaN) behaves as the comparison would: never below (0), always below (2^53)
        ulong threshold = !(p > 0) ? 0 : p >= 1 ? 1UL << 53 : (ulong)Math.Ceiling(p * TwoTo53);
        ReadOnlySpan<T> outcome = [T.Zero, T.One];
        Span<uint> words = stackalloc uint[2 * Block];
        lock (generator.Mutex)
        {
            for (int start = 0; start < data.Length; start += Block)
            {
                var block = data.Slice(start, Math.Min(Block, data.Length - start));
                var drawn = words[..(2 * block.Length)];
                generator.Fill(drawn);
                for (int i = 0; i < block.Length; i++)
                {
                    ulong m = (((ulong)drawn[2 * i] << 32) | drawn[2 * i + 1]) & ((1UL << 53) - 1);
                    block[i] = outcome[(int)((m - threshold) >> 63)]; // m < threshold: the difference wraps past 2^63
                }
            }
        }
    }

    /// <summary>The tensor's own strides when its elements tile a block of memory exactly (in some dim order), else null.</summary>
    private static int[]? DenseStrides(Tensor t)
    {
        var sizes = t.Layout.Sizes;
        var strides = t.Layout.Strides;
        var order = Enumerable.Range(0, sizes.Length).Where(d => sizes[d] != 1).OrderBy(d => strides[d]).ToArray();
        long expected = 1;
        foreach (int d in order)
        {
            if (strides[d] != expected) return null;
            expected *= sizes[d];
        }
        var result = (int[])strides.Clone();
        // size-1 dims: any stride is fine for the order of memory; keep them as they are.
        return result;
    }
}
