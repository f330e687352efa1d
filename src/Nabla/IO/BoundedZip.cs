using System.IO.Compression;

namespace Nabla.IO;

/// <summary>Reads zip entries without trusting their headers: sizes capped by what the caller expects and by what deflate can produce.</summary>
internal static class BoundedZip
{
    /// <summary>Deflate cannot expand data more than about 1032 times; an entry that claims more is refused.</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>Opens <paramref name="stream"/> as a zip archive, turning the runtime's errors for corrupt archives into <see cref="TensorFileException"/>.</summary>
    public static ZipArchive Open(Stream stream, string source)
    {
        try { return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e) { throw new TensorFileException(source, $"corrupt zip archive ({e.Message})", e); }
    }

    /// <summary>The archive's entries (its central directory is read here, lazily by the runtime), corrupt directories reported as <see cref="TensorFileException"/>.</summary>
    public static IReadOnlyList<ZipArchiveEntry> Entries(ZipArchive zip, string source)
    {
        try { return zip.Entries; }
        catch (InvalidDataException e) { throw new TensorFileException(source, $"corrupt zip archive ({e.Message})", e); }
    }

    /// <summary>An entry's bytes, refusing declared sizes above <paramref name="limit"/> or beyond what deflate can produce, and never reading past the declared size.</summary>
    public static byte[] Read(ZipArchiveEntry entry, long limit, string source)
    {
        long declared = entry.Length;
        if (declared > limit || declared > Array.MaxLength) throw new TensorFileException(source, $"entry {entry.FullName} declares {declared} bytes, more than expected ({limit})");
        if (declared > entry.CompressedLength * MaxDeflateRatio + 1024)
            throw new TensorFileException(source, $"entry {entry.FullName} claims {declared} bytes from {entry.CompressedLength} compressed: a zip bomb or a lie");
        try
        {
            // Grown as data actually arrives, so a header that lies about the size cannot make us allocate it up front.
            using var s = entry.Open();
            using var output = new MemoryStream((int)Math.Min(declared, 1 << 20));
            var chunk = new byte[64 * 1024];
            while (output.Length < declared)
            {
                int n = s.Read(chunk, 0, (int)Math.Min(chunk.Length, declared - output.Length));
                if (n == 0) throw new TensorFileException(source, $"entry {entry.FullName} is truncated: {output.Length} of {declared} bytes");
                output.Write(chunk, 0, n);
            }
            if (s.ReadByte() >= 0) throw new TensorFileException(source, $"entry {entry.FullName} holds more than its declared {declared} bytes");
            return output.Length == output.Capacity ? output.GetBuffer() : output.ToArray();
        }
        catch (InvalidDataException e) { throw new TensorFileException(source, $"corrupt zip entry {entry.FullName} ({e.Message})", e); }
    }

    /// <summary>Adds an entry holding <paramref name="bytes"/>, stored or deflated.</summary>
    public static void Write(ZipArchive zip, string name, ReadOnlySpan<byte> bytes, bool compressed = false)
    {
        using var s = zip.CreateEntry(name, compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression).Open();
        s.Write(bytes);
    }
}
