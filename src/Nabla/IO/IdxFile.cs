using System.Buffers.Binary;
using System.IO.Compression;

namespace Nabla.IO;

/// <summary>
/// Reads and writes the IDX format of the MNIST family (big-endian magic <c>0 0 type rank</c>, one big-endian
/// 32-bit size per dim, then the elements, big-endian), plain or gzipped. A malformed file is refused with an
/// <see cref="InvalidDataException"/> naming the file and the problem; sizes are checked against the bytes
/// present before anything is allocated, so a lying header cannot make the reader allocate what it claims.
/// </summary>
public static class IdxFile
{
    /// <summary>Reads an IDX file (gzipped when it starts with gzip's magic) into a tensor of its element type.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, has trailing bytes, a bad magic number,
    /// an element type Nabla has no dtype for, or sizes that do not fit.</exception>
    public static Tensor Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>Reads an IDX stream; <paramref name="name"/> names it in error messages.</summary>
    public static Tensor Read(Stream stream, string name = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffered = new BufferedStream(stream);
        bool gzip = buffered.ReadByte() is 0x1f & buffered.ReadByte() is 0x8b;
        if (!buffered.CanSeek) throw new ArgumentException($"IDX: stream '{name}' must be seekable", nameof(stream));
        buffered.Position = 0;
        using var source = gzip ? new GZipStream(buffered, CompressionMode.Decompress, leaveOpen: true) : (Stream)buffered;
        try { return ReadPlain(source, name); }
        catch (InvalidDataException e) when (!e.Message.StartsWith("IDX file", StringComparison.Ordinal))
        {
            throw Malformed(name, $"gzip data is corrupt ({e.Message})"); // GZipStream's own complaint
        }
    }

    /// <summary>Writes <paramref name="tensor"/> as an IDX file, gzipped when <paramref name="gzip"/> is true.</summary>
    /// <exception cref="ArgumentException">The tensor's dtype has no IDX element type (Bool, Int64).</exception>
    public static void Write(string path, Tensor tensor, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensor);
        var type = IdxElementType.Of(tensor.DType)
            ?? throw new ArgumentException($"IDX: no element type for dtype {tensor.DType}; IDX stores UInt8, Int32, Float32 and Float64", nameof(tensor));
        string temporary = path + ".tmp";
        using (var file = File.Create(temporary))
        using (var sink = gzip ? new GZipStream(file, CompressionLevel.SmallestSize) : (Stream)file)
        {
            Span<byte> word = stackalloc byte[4];
            sink.Write([0, 0, type.Code, (byte)tensor.Dim]);
            foreach (int size in tensor.Shape)
            {
                BinaryPrimitives.WriteInt32BigEndian(word, size);
                sink.Write(word);
            }
            sink.Write(type.ToBigEndian(tensor));
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static Tensor ReadPlain(Stream source, string name)
    {
        Span<byte> magic = stackalloc byte[4];
        if (!ReadFully(source, magic)) throw Malformed(name, "truncated before the end of the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw Malformed(name, $"bad magic number 0x{magic[0]:x2}{magic[1]:x2}{magic[2]:x2}{magic[3]:x2} (an IDX file starts with two zero bytes)");
        var type = IdxElementType.OfCode(magic[2])
            ?? throw Malformed(name, $"element type 0x{magic[2]:x2} is not supported (Nabla reads 0x08 ubyte, 0x0c int, 0x0d float, 0x0e double)");
        int rank = magic[3];
        if (rank == 0) throw Malformed(name, "rank 0: an IDX file has at least one dimension");

        var shape = new int[rank];
        Span<byte> word = stackalloc byte[4];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            if (!ReadFully(source, word)) throw Malformed(name, $"truncated in the size of dimension {d}");
            int size = BinaryPrimitives.ReadInt32BigEndian(word);
            if (size < 0) throw Malformed(name, $"dimension {d} has negative size {size}");
            shape[d] = size;
            count *= size;
            if (count * type.Size > Array.MaxLength)
                throw Malformed(name, $"sizes [{string.Join(", ", shape.Take(d + 1))}] describe more data than one tensor can hold");
        }

        // Read in bounded chunks: a header claiming gigabytes over a short file fails at the end of the data,
        // having allocated only what the file really held.
        var data = new MemoryStream();
        long expected = count * type.Size;
        var chunk = new byte[1 << 16];
        while (data.Length < expected)
        {
            int want = (int)Math.Min(chunk.Length, expected - data.Length);
            int got = source.Read(chunk, 0, want);
            if (got == 0)
                throw Malformed(name, $"truncated: sizes [{string.Join(", ", shape)}] need {expected} bytes of data, the file has {data.Length}");
            data.Write(chunk, 0, got);
        }
        if (source.Read(chunk, 0, 1) != 0)
            throw Malformed(name, $"trailing bytes after the {expected} bytes of data that sizes [{string.Join(", ", shape)}] describe");
        return type.FromBigEndian(data.GetBuffer().AsSpan(0, (int)expected), shape);
    }

    private static bool ReadFully(Stream source, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int got = source.Read(buffer[total..]);
            if (got == 0) return false;
            total += got;
        }
        return true;
    }

    private static InvalidDataException Malformed(string name, string problem) => new($"IDX file '{name}': {problem}");
}
