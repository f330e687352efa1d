using System.Diagnostics;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// An elementwise function valid for every numeric storage type. <see cref="Vectorizes{T}"/> says whether the
/// vector forms compute it for the storage type T, exactly as the scalar form does, lane by lane.
/// </summary>
internal interface IUnaryOp
{
    static abstract T Apply<T>(T x) where T : unmanaged, INumber<T>;

    static virtual bool Vectorizes<T>() where T : unmanaged, INumber<T> => false;
    static virtual Vector256<T> Apply<T>(Vector256<T> x) where T : unmanaged, INumber<T> => throw new UnreachableException();
    static virtual Vector512<T> Apply<T>(Vector512<T> x) where T : unmanaged, INumber<T> => throw new UnreachableException();
}

/// <summary>An elementwise function of floating-point values, optionally with a vectorised span form.</summary>
internal interface IFloatUnaryOp
{
    static abstract T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>A vectorised form for contiguous runs; false when the op has none.</summary>
    static virtual bool TryApply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => false;
}

/// <summary>
/// A binary elementwise function whose result has the operands' type. <see cref="Vectorizes{T}"/> says whether the
/// vector forms compute it for the storage type T, exactly as the scalar form does, lane by lane; the row
/// kernel then runs them over contiguous runs and over runs where one operand is a broadcast scalar.
/// </summary>
internal interface IBinaryOp
{
    static abstract T Apply<T>(T a, T b) where T : unmanaged, INumber<T>;

    static virtual bool Vectorizes<T>() where T : unmanaged, INumber<T> => false;
    static virtual Vector256<T> Apply<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => throw new UnreachableException();
    static virtual Vector512<T> Apply<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => throw new UnreachableException();
}

/// <summary>A binary predicate; results are stored as Bool (0 or 1).</summary>
internal interface ICompareOp
{
    static abstract bool Apply<T>(T a, T b) where T : unmanaged, INumber<T>;
}

internal struct UnaryRow<T, TOp>(T[] y, T[] x) : IRowKernel where T : unmanaged, INumber<T> where TOp : IUnaryOp
{
    public void Row(int n, int o0, int s0, int o1, int s1, int o2, int s2)
    {
        if (TOp.Vectorizes<T>() && s0 == 1 && s1 == 1)
        {
            VectorLoop.Unary<T, TOp, RunLane<T>>(y.AsSpan(o0, n), new(x.AsSpan(o1, n)));
            return;
        }
        for (int i = 0; i < n; i++) y[o0 + i * s0] = TOp.Apply(x[o1 + i * s1]);
    }
}

internal struct FloatUnaryRow<T, TOp>(T[] y, T[] x) : IRowKernel where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatUnaryOp
{
    public void Row(int n, int o0, int s0, int o1, int s1, int o2, int s2)
    {
        if (s0 == 1 && s1 == 1 && TOp.TryApply<T>(x.AsSpan(o1, n), y.AsSpan(o0, n))) return;
        for (int i = 0; i < n; i++) y[o0 + i * s0] = TOp.Apply(x[o1 + i * s1]);
    }
}

/// <summary>
/// Binary ops over one run. A contiguous output whose operands are each contiguous or a broadcast scalar along the
/// run (stride 0) takes the vector loop; any other strides take the scalar loop.
/// </summary>
internal struct BinaryRow<T, TOp>(T[] y, T[] a, T[] b) : IRowKernel where T : unmanaged, INumber<T> where TOp : IBinaryOp
{
    public void Row(int n, int o0, int s0, int o1, int s1, int o2, int s2)
    {
        if (TOp.Vectorizes<T>() && s0 == 1 && (uint)s1 <= 1 && (uint)s2 <= 1)
        {
            var ys = y.AsSpan(o0, n);
            if (s1 == 1 && s2 == 1) VectorLoop.Binary<T, TOp, RunLane<T>, RunLane<T>>(ys, new(a.AsSpan(o1, n)), new(b.AsSpan(o2, n)));
            else if (s1 == 1) VectorLoop.Binary<T, TOp, RunLane<T>, ScalarLane<T>>(ys, new(a.AsSpan(o1, n)), new(b[o2]));
            else if (s2 == 1) VectorLoop.Binary<T, TOp, ScalarLane<T>, RunLane<T>>(ys, new(a[o1]), new(b.AsSpan(o2, n)));
            else VectorLoop.Binary<T, TOp, ScalarLane<T>, ScalarLane<T>>(ys, new(a[o1]), new(b[o2]));
            return;
        }
        for (int i = 0; i < n; i++) y[o0 + i * s0] = TOp.Apply(a[o1 + i * s1], b[o2 + i * s2]);
    }
}

/// <summary>Binary ops whose operands are stored in other types than the result: each element converts as it is read.</summary>
internal struct ConvertingBinaryRow<T, TA, TB, TOp>(T[] y, TA[] a, TB[] b) : IRowKernel
    where T : unmanaged, INumber<T> where TA : unmanaged, INumber<TA> where TB : unmanaged, INumber<TB> where TOp : IBinaryOp
{
    public void Row(int n, int o0, int s0, int o1, int s1, int o2, int s2)
    {
        for (int i = 0; i < n; i++)
            y[o0 + i * s0] = TOp.Apply(Convert<TA, T>.Apply(a[o1 + i * s1]), Convert<TB, T>.Apply(b[o2 + i * s2]));
    }
}

internal struct CompareRow<T, TOp>(byte[] y, T[] a, T[] b) : IRowKernel where T : unmanaged, INumber<T> where TOp : ICompareOp
{
    public void Row(int n, int o0, int s0, int o1, int s1, int o2, int s2)
    {
        for (int i = 0; i < n; i++) y[o0 + i * s0] = TOp.Apply(a[o1 + i * s1], b[o2 + i * s2]) ? (byte)1 : (byte)0;
    }
}

/// <summary>Where a Bool mask is set, copies the source element into the destination.</summary>
internal struct MaskedCopyRow<T>(T[] y, byte[] mask, T[] x) : IRowKernel where T : unmanaged
{
    public void Row(int n, int o0, int s0, int o1, int s1, int o2, int s2)
    {
        for (int i = 0; i < n; i++)
            if (mask[o1 + i * s1] != 0) y[o0 + i * s0] = x[o2 + i * s2];
    }
}

/// <summary>
/// Drivers of the elementwise families: one dtype switch each, a generic row kernel behind it.
/// Inputs broadcast to the output's shape; the output may be any strided tensor (in-place ops write views).
/// </summary>
internal static class Pointwise
{
    public static void Unary<TOp>(Tensor x, Tensor y) where TOp : IUnaryOp
    {
        switch (y.DType)
        {
            case DType.Bool or DType.UInt8: Run(new UnaryRow<byte, TOp>(y.Data<byte>(), x.Data<byte>()), y, x); break;
            case DType.Int32: Run(new UnaryRow<int, TOp>(y.Data<int>(), x.Data<int>()), y, x); break;
            case DType.Int64: Run(new UnaryRow<long, TOp>(y.Data<long>(), x.Data<long>()), y, x); break;
            case DType.Float32: Run(new UnaryRow<float, TOp>(y.Data<float>(), x.Data<float>()), y, x); break;
            default: Run(new UnaryRow<double, TOp>(y.Data<double>(), x.Data<double>()), y, x); break;
        }
    }

    public static void FloatUnary<TOp>(Tensor x, Tensor y) where TOp : IFloatUnaryOp
    {
        if (y.DType == DType.Float32) Run(new FloatUnaryRow<float, TOp>(y.Data<float>(), x.Data<float>()), y, x);
        else Run(new FloatUnaryRow<double, TOp>(y.Data<double>(), x.Data<double>()), y, x);
    }

    /// <summary>
    /// y = op(a, b) in y's dtype. Operands of another dtype convert element by element inside the kernel (as a C cast,
    /// like <see cref="Copy.Into"/>), instead of through a converted copy; a one-element operand (a number) is
    /// converted up front so the run keeps its vector loop. y must not be Bool unless both operands are.
    /// </summary>
    public static void Binary<TOp>(Tensor a, Tensor b, Tensor y) where TOp : IBinaryOp
    {
        if (a.DType != y.DType && a.Numel == 1) a = a.CastRaw(y.DType);
        if (b.DType != y.DType && b.Numel == 1) b = b.CastRaw(y.DType);
        if (a.DType != y.DType || b.DType != y.DType)
        {
            DTypeDispatch.Run(y.DType, new ConvertingBinary<TOp>(a, b, y));
            return;
        }
        switch (y.DType)
        {
            case DType.Bool or DType.UInt8: Run(new BinaryRow<byte, TOp>(y.Data<byte>(), a.Data<byte>(), b.Data<byte>()), y, a, b); break;
            case DType.Int32: Run(new BinaryRow<int, TOp>(y.Data<int>(), a.Data<int>(), b.Data<int>()), y, a, b); break;
            case DType.Int64: Run(new BinaryRow<long, TOp>(y.Data<long>(), a.Data<long>(), b.Data<long>()), y, a, b); break;
            case DType.Float32: Run(new BinaryRow<float, TOp>(y.Data<float>(), a.Data<float>(), b.Data<float>()), y, a, b); break;
            default: Run(new BinaryRow<double, TOp>(y.Data<double>(), a.Data<double>(), b.Data<double>()), y, a, b); break;
        }
    }

    public static void Compare<TOp>(Tensor a, Tensor b, Tensor y) where TOp : ICompareOp
    {
        var o = y.Data<byte>();
        switch (a.DType)
        {
            case DType.Bool or DType.UInt8: Run(new CompareRow<byte, TOp>(o, a.Data<byte>(), b.Data<byte>()), y, a, b); break;
            case DType.Int32: Run(new CompareRow<int, TOp>(o, a.Data<int>(), b.Data<int>()), y, a, b); break;
            case DType.Int64: Run(new CompareRow<long, TOp>(o, a.Data<long>(), b.Data<long>()), y, a, b); break;
            case DType.Float32: Run(new CompareRow<float, TOp>(o, a.Data<float>(), b.Data<float>()), y, a, b); break;
            default: Run(new CompareRow<double, TOp>(o, a.Data<double>(), b.Data<double>()), y, a, b); break;
        }
    }

    /// <summary>y[mask] = x, with mask and x broadcast to y's shape; x has y's dtype.</summary>
    public static void MaskedCopy(Tensor mask, Tensor x, Tensor y)
    {
        var m = mask.Data<byte>();
        switch (y.DType)
        {
            case DType.Bool or DType.UInt8: Run(new MaskedCopyRow<byte>(y.Data<byte>(), m, x.Data<byte>()), y, mask, x); break;
            case DType.Int32: Run(new MaskedCopyRow<int>(y.Data<int>(), m, x.Data<int>()), y, mask, x); break;
            case DType.Int64: Run(new MaskedCopyRow<long>(y.Data<long>(), m, x.Data<long>()), y, mask, x); break;
            case DType.Float32: Run(new MaskedCopyRow<float>(y.Data<float>(), m, x.Data<float>()), y, mask, x); break;
            default: Run(new MaskedCopyRow<double>(y.Data<double>(), m, x.Data<double>()), y, mask, x); break;
        }
    }

    /// <summary>Picks the storage types of y, a and b in turn (three dispatches, one kernel instantiated per combination used).</summary>
    private readonly struct ConvertingBinary<TOp>(Tensor a, Tensor b, Tensor y) : INumericKernel where TOp : IBinaryOp
    {
        public void Run<T>() where T : unmanaged, INumber<T> => DTypeDispatch.Run(a.DType, new WithA<T>(a, b, y));

        private readonly struct WithA<T>(Tensor a, Tensor b, Tensor y) : INumericKernel where T : unmanaged, INumber<T>
        {
            public void Run<TA>() where TA : unmanaged, INumber<TA> => DTypeDispatch.Run(b.DType, new WithB<T, TA>(a, b, y));
        }

        private readonly struct WithB<T, TA>(Tensor a, Tensor b, Tensor y) : INumericKernel where T : unmanaged, INumber<T> where TA : unmanaged, INumber<TA>
        {
            public void Run<TB>() where TB : unmanaged, INumber<TB> =>
                Pointwise.Run(new ConvertingBinaryRow<T, TA, TB, TOp>(y.Data<T>(), a.Data<TA>(), b.Data<TB>()), y, a, b);
        }
    }

    private static void Run<TK>(TK kernel, Tensor y, Tensor a, Tensor? b = null) where TK : struct, IRowKernel
    {
        var sizes = y.Layout.Sizes;
        var la = a.Layout.Expand(sizes);
        var lb = b?.Layout.Expand(sizes);
        StridedLoop.Run(sizes, y.Layout.Strides, y.Layout.Offset, la.Strides, la.Offset,
            lb is null ? [] : lb.Strides, lb?.Offset ?? 0, kernel, independentElements: true);
    }
}
