namespace Nabla.Core;

/// <summary>
/// The flat buffer behind one or more tensors. Bool data lives in a byte[] holding 0 or 1, so every
/// kernel is generic over the five numeric CLR types.
/// </summary>
internal sealed class Storage(Array data)
{
    public Array Data { get; } = data;

    public T[] As<T>() => (T[])Data;

    public static Storage Allocate(DType dtype, int length) => new(dtype switch
    {
        DType.Bool or DType.UInt8 => new byte[length],
        DType.Int32 => new int[length],
        DType.Int64 => new long[length],
        DType.Float32 => new float[length],
        _ => new double[length],
    });
}
