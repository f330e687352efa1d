using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>Element conversion between storage types, as a C cast does it (floats truncate toward zero).</summary>
internal static class Convert<TFrom, TTo>
    where TFrom : unmanaged, INumber<TFrom>
    where TTo : unmanaged, INumber<TTo>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TTo Apply(TFrom x) => TTo.CreateTruncating(x);
}

/// <summary>Copies (and converts) a strided source into a strided destination of the same iteration shape.</summary>
internal struct CopyRow<TFrom, TTo>(TFrom[] src, TTo[] dst, bool toBool) : IRowKernel
    where TFrom : unmanaged, INumber<TFrom>
    where TTo : unmanaged, INumber<TTo>
{
    public void Row(int n, int o0, int s0, int o1, int s1, int o2, int s2)
    {
        if (s1 == 0 && s0 == 1) // a broadcast scalar (fill_, zero_): one conversion, a vectorised fill
        {
            var v = src[o1];
            dst.AsSpan(o0, n).Fill(toBool ? (v == TFrom.Zero ? TTo.Zero : TTo.One) : Convert<TFrom, TTo>.Apply(v));
            return;
        }
        if (toBool)
        {
            for (int i = 0; i < n; i++) dst[o0 + i * s0] = src[o1 + i * s1] == TFrom.Zero ? TTo.Zero : TTo.One;
            return;
        }
        if (typeof(TFrom) == typeof(TTo) && s0 == 1 && s1 == 1)
        {
            src.AsSpan(o1, n).CopyTo(Unsafe.As<TFrom[]>(dst).AsSpan(o0, n));
            return;
        }
        for (int i = 0; i < n; i++) dst[o0 + i * s0] = Convert<TFrom, TTo>.Apply(src[o1 + i * s1]);
    }
}

internal static class Copy
{
    /// <summary>dst[...] = src[...] with src broadcast to dst's shape and converted to dst's dtype.</summary>
    public static void Into(Tensor src, Tensor dst)
    {
        var srcLayout = src.Layout.Expand(dst.Layout.Sizes);
        switch (src.DType)
        {
            case DType.Bool or DType.UInt8: From<byte>(src, srcLayout, dst); break;
            case DType.Int32: From<int>(src, srcLayout, dst); break;
            case DType.Int64: From<long>(src, srcLayout, dst); break;
            case DType.Float32: From<float>(src, srcLayout, dst); break;
            default: From<double>(src, srcLayout, dst); break;
        }
    }

    private static void From<TFrom>(Tensor src, Core.Layout srcLayout, Tensor dst) where TFrom : unmanaged, INumber<TFrom>
    {
        bool toBool = dst.DType == DType.Bool && src.DType != DType.Bool;
        var s = src.Data<TFrom>();
        switch (dst.DType)
        {
            case DType.Bool or DType.UInt8: Run(s, dst.Data<byte>(), toBool); break;
            case DType.Int32: Run(s, dst.Data<int>(), false); break;
            case DType.Int64: Run(s, dst.Data<long>(), false); break;
            case DType.Float32: Run(s, dst.Data<float>(), false); break;
            default: Run(s, dst.Data<double>(), false); break;
        }

        void Run<TTo>(TFrom[] from, TTo[] to, bool b) where TTo : unmanaged, INumber<TTo> =>
            StridedLoop.Run(dst.Layout.Sizes, dst.Layout.Strides, dst.Layout.Offset,
                srcLayout.Strides, srcLayout.Offset, [], 0, new CopyRow<TFrom, TTo>(from, to, b), independentElements: true);
    }
}
