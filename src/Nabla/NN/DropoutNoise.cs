using Nabla.Core;

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
        lock (generator)
        {
            switch (like.DType)
            {
                case DType.Float32: Fill(storage.As<float>(), v => v ? 1f : 0f); break;
                case DType.Float64: Fill(storage.As<double>(), v => v ? 1.0 : 0.0); break;
                case DType.Int32: Fill(storage.As<int>(), v => v ? 1 : 0); break;
                case DType.Int64: Fill(storage.As<long>(), v => v ? 1L : 0L); break;
                default: Fill(storage.As<byte>(), v => v ? (byte)1 : (byte)0); break;
            }
        }
        return noise;

        void Fill<T>(T[] data, Func<bool, T> convert)
        {
            for (int i = 0; i < n; i++) data[i] = convert(generator.Uniform(true) < p);
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
