
namespace Nabla.IO;

/// <summary>An IDX element type: its code in the magic number, its size, and the dtype that holds it.</summary>
internal sealed record IdxElementType(byte Code, int Size, DType DType)
{
    private static readonly IdxElementType[] All =
    [
        new(0x08, 1, DType.UInt8),
        new(0x0C, 4, DType.Int32),
        new(0x0D, 4, DType.Float32),
        new(0x0E, 8, DType.Float64),
    ];

    public static IdxElementType? OfCode(byte code) => Array.Find(All, t => t.Code == code);

    public static IdxElementType? Of(DType dtype) => Array.Find(All, t => t.DType == dtype);

    /// <summary>Builds a tensor of <paramref name="shape"/> from big-endian elements.</summary>
    public Tensor FromBigEndian(ReadOnlySpan<byte> bytes, int[] shape) => DType switch
    {
        DType.UInt8 => Tensor.From(bytes.ToArray(), DType.UInt8).Reshape(shape),
        DType.Int32 => Tensor.From(Swap<int>(bytes), DType.Int32).Reshape(shape),
        DType.Float32 => Tensor.From(Swap<float>(bytes), DType.Float32).Reshape(shape),
        _ => Tensor.From(Swap<double>(bytes), DType.Float64).Reshape(shape),
    };

    /// <summary>The elements of <paramref name="tensor"/> in row-major order, big-endian.</summary>
    public byte[] ToBigEndian(Tensor tensor) => DType switch
    {
        DType.UInt8 => tensor.ToArray<byte>(),
        DType.Int32 => Swapped(tensor.ToArray<int>()),
        DType.Float32 => Swapped(tensor.ToArray<float>()),
        _ => Swapped(tensor.ToArray<double>()),
    };

    private static T[] Swap<T>(ReadOnlySpan<byte> bytes) where T : unmanaged
    {
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes).ToArray();
        if (BitConverter.IsLittleEndian) Reverse(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()), System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        return values;
    }

    private static byte[] Swapped<T>(T[] values) where T : unmanaged
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (BitConverter.IsLittleEndian) Reverse(bytes, System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        return bytes;
    }

    private static void Reverse(Span<byte> bytes, int size)
    {
        for (int i = 0; i < bytes.Length; i += size) bytes.Slice(i, size).Reverse();
    }
}
