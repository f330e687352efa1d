using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// One operand of a vectorised run: a contiguous run of values, or one value broadcast along the run (a stride-0
/// operand: a scalar, or a (1, C, 1, 1) tensor against (N, C, H, W)). Loads take the element index in the run.
/// </summary>
internal interface ILane<T> where T : unmanaged
{
    T At(int i);
    Vector256<T> At256(int i);
    Vector512<T> At512(int i);
}

/// <summary>A contiguous run (stride 1). The span's bounds were checked when it was made; the vector loop stays inside them.</summary>
internal readonly ref struct RunLane<T>(ReadOnlySpan<T> run) : ILane<T> where T : unmanaged
{
    private readonly ReadOnlySpan<T> _run = run;
    public T At(int i) => _run[i];
    public Vector256<T> At256(int i) => Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_run), (nuint)i);
    public Vector512<T> At512(int i) => Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_run), (nuint)i);
}

/// <summary>One value broadcast over the whole run (stride 0).</summary>
internal readonly struct ScalarLane<T>(T value) : ILane<T> where T : unmanaged
{
    private readonly Vector256<T> _v256 = Vector256.Create(value);
    private readonly Vector512<T> _v512 = Vector512.Create(value);
    public T At(int i) => value;
    public Vector256<T> At256(int i) => _v256;
    public Vector512<T> At512(int i) => _v512;
}

/// <summary>
/// The vectorised inner loops of the elementwise kernels: Vector512 where the processor accelerates it, else
/// Vector256, then a scalar tail. An op's vector form computes, lane by lane, exactly what its scalar form
/// computes (no reassociation, no approximations), so which path runs (and the width) never changes a value.
/// </summary>
internal static class VectorLoop
{
    public static void Unary<T, TOp, TX>(Span<T> y, TX x)
        where T : unmanaged, INumber<T> where TOp : IUnaryOp where TX : ILane<T>, allows ref struct
    {
        ref T dst = ref MemoryMarshal.GetReference(y);
        int n = y.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count) TOp.Apply(x.At512(i)).StoreUnsafe(ref dst, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) TOp.Apply(x.At256(i)).StoreUnsafe(ref dst, (nuint)i);
        for (; i < n; i++) y[i] = TOp.Apply(x.At(i));
    }

    public static void Binary<T, TOp, TA, TB>(Span<T> y, TA a, TB b)
        where T : unmanaged, INumber<T> where TOp : IBinaryOp where TA : ILane<T>, allows ref struct where TB : ILane<T>, allows ref struct
    {
        ref T dst = ref MemoryMarshal.GetReference(y);
        int n = y.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count) TOp.Apply(a.At512(i), b.At512(i)).StoreUnsafe(ref dst, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) TOp.Apply(a.At256(i), b.At256(i)).StoreUnsafe(ref dst, (nuint)i);
        for (; i < n; i++) y[i] = TOp.Apply(a.At(i), b.At(i));
    }
}
