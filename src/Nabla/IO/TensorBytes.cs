using System.Runtime.InteropServices;
using Nabla.Core;

namespace Nabla.IO;

/// <summary>Tensors to and from little-endian element bytes (row-major), for the file formats.</summary>
internal static class TensorBytes
{
    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Nabla.IO reads and writes little-endian data on little-endian machines only");
    }

    /// <summary>The elements of <paramref name="t"/> in row-major order as little-endian bytes.</summary>
    public static byte[] LittleEndian(Tensor t)
    {
        RequireLittleEndian();
        var dense = t.Detach().Contiguous();
        int n = dense.Numel, off = dense.StorageOffset;
        return dense.DType switch
        {
            DType.Bool or DType.UInt8 => dense.Data<byte>().AsSpan(off, n).ToArray(),
            DType.Int32 => MemoryMarshal.AsBytes(dense.Data<int>().AsSpan(off, n)).ToArray(),
            DType.Int64 => MemoryMarshal.AsBytes(dense.Data<long>().AsSpan(off, n)).ToArray(),
            DType.Float32 => MemoryMarshal.AsBytes(dense.Data<float>().AsSpan(off, n)).ToArray(),
            _ => MemoryMarshal.AsBytes(dense.Data<double>().AsSpan(off, n)).ToArray(),
        };
    }

    /// <summary>A fresh contiguous tensor from exactly numel·element-size little-endian bytes (the caller checked the length).</summary>
    public static Tensor ToTensor(ReadOnlySpan<byte> bytes, DType dtype, int[] shape)
    {
        RequireLittleEndian();
        var layout = Layout.Contiguous(shape);
        var storage = Storage.Allocate(dtype, layout.Numel, zeroed: false);
        var target = dtype switch
        {
            DType.Bool or DType.UInt8 => storage.As<byte>().AsSpan(),
            DType.Int32 => MemoryMarshal.AsBytes(storage.As<int>().AsSpan()),
            DType.Int64 => MemoryMarshal.AsBytes(storage.As<long>().AsSpan()),
            DType.Float32 => MemoryMarshal.AsBytes(storage.As<float>().AsSpan()),
            _ => MemoryMarshal.AsBytes(storage.As<double>().AsSpan()),
        };
        bytes.CopyTo(target);
        if (dtype == DType.Bool)
            foreach (ref var b in target) b = b != 0 ? (byte)1 : (byte)0;
        return new Tensor(storage, layout, dtype);
    }
}
