using System.Numerics;

namespace Nabla.Kernels;

/// <summary>How an indexed copy combines a source element with its destination.</summary>
internal interface ICombine
{
    static abstract T Apply<T>(T destination, T source) where T : unmanaged, INumber<T>;
}

internal struct Assign : ICombine
{
    public static T Apply<T>(T destination, T source) where T : unmanaged, INumber<T> => source;
}

internal struct AddInto : ICombine
{
    public static T Apply<T>(T destination, T source) where T : unmanaged, INumber<T> => destination + source;
}

/// <summary>Accumulation for Bool storage: true stays 1 however often it is added.</summary>
internal struct OrInto : ICombine
{
    public static T Apply<T>(T destination, T source) where T : unmanaged, INumber<T> =>
        T.IsZero(destination) && T.IsZero(source) ? T.Zero : T.One;
}

/// <summary>
/// The advanced-indexing kernel: element (b, r) lives at <c>outer[b] + inner[r]</c> on each side, where b runs
/// over the broadcast index shape and r over the un-indexed dims. Gather and index_put are the same loop with
/// the sides swapped; accumulation runs serially so duplicate indices sum deterministically.
/// </summary>
internal static class IndexedCopy
{
    public static void Run<TC>(Tensor dst, int[] dstOuter, int[] dstInner, Tensor src, int[] srcOuter, int[] srcInner)
        where TC : ICombine =>
        DTypeDispatch.Run(dst.DType, new Kernel<TC>(dst, dstOuter, dstInner, src, srcOuter, srcInner));

    private readonly struct Kernel<TC>(Tensor dst, int[] dstOuter, int[] dstInner, Tensor src, int[] srcOuter, int[] srcInner)
        : INumericKernel where TC : ICombine
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var d = dst.Data<T>();
            var s = src.Data<T>();
            // Plain assignment of dense rows (the common x[idx] of row-major tensors) copies whole runs.
            bool rows = typeof(TC) == typeof(Assign) && dstInner.Length > 1 && IsDense(dstInner) && IsDense(srcInner);
            for (int b = 0; b < dstOuter.Length; b++)
            {
                int db = dstOuter[b], sb = srcOuter[b];
                if (rows)
                {
                    s.AsSpan(sb, srcInner.Length).CopyTo(d.AsSpan(db, dstInner.Length));
                    continue;
                }
                for (int r = 0; r < dstInner.Length; r++)
                    d[db + dstInner[r]] = TC.Apply(d[db + dstInner[r]], s[sb + srcInner[r]]);
            }
        }

        private static bool IsDense(int[] offsets)
        {
            for (int r = 0; r < offsets.Length; r++)
                if (offsets[r] != r) return false;
            return true;
        }
    }

    /// <summary>Storage offsets of every element of a strided region, in row-major order.</summary>
    public static int[] Offsets(ReadOnlySpan<int> sizes, ReadOnlySpan<int> strides, int baseOffset)
    {
        int n = 1;
        foreach (var s in sizes) n *= s;
        var result = new int[n];
        Span<int> index = stackalloc int[sizes.Length];
        int offset = baseOffset;
        for (int i = 0; i < n; i++)
        {
            result[i] = offset;
            for (int d = sizes.Length - 1; d >= 0; d--)
            {
                if (++index[d] < sizes[d]) { offset += strides[d]; break; }
                offset -= strides[d] * (index[d] - 1);
                index[d] = 0;
            }
        }
        return result;
    }
}
