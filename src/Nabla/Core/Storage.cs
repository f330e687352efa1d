namespace Nabla.Core;

/// <summary>
/// The flat buffer behind one or more tensors. Bool data lives in a byte[] holding 0 or 1, so every
/// kernel is generic over the five numeric CLR types.
/// </summary>
internal sealed class Storage(Array data)
{
    public Array Data { get; } = data;

    public T[] As<T>() => (T[])Data;

    /// <summary>
    /// A zero-filled buffer, or (for outputs a kernel overwrites entirely) an uninitialised one, from the
    /// <see cref="CachingAllocator"/>: the one place buffers are made, where other kinds of memory plug in.
    /// </summary>
    public static Storage Allocate(DType dtype, int length, bool zeroed = true) => new(dtype switch
    {
        DType.Bool or DType.UInt8 => Array<byte>(length, zeroed),
        DType.Int32 => Array<int>(length, zeroed),
        DType.Int64 => Array<long>(length, zeroed),
        DType.Float32 => Array<float>(length, zeroed),
        _ => Array<double>(length, zeroed),
    });

    private static T[] Array<T>(int length, bool zeroed) where T : unmanaged => CachingAllocator.Rent<T>(length, zeroed);
}
