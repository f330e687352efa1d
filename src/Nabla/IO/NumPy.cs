using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Nabla.Core;

namespace Nabla.IO;

/// <summary>
/// NumPy's .npy (format versions 1.0, 2.0 and 3.0; C and Fortran order; either byte order on reading) and .npz (a zip of
/// .npy entries, stored as np.savez writes it or deflated as np.savez_compressed does) for the dtypes Nabla has:
/// bool (|b1), uint8 (|u1), int32 (&lt;i4), int64 (&lt;i8), float32 (&lt;f4), float64 (&lt;f8). Other dtypes are refused by name.
/// </summary>
public static class NumPy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int ArrayAlign = 64;
    private const int MaxHeader = 1 << 20;

    private static readonly (DType DType, char Kind, int Size)[] Kinds =
        [(DType.Bool, 'b', 1), (DType.UInt8, 'u', 1), (DType.Int32, 'i', 4), (DType.Int64, 'i', 8), (DType.Float32, 'f', 4), (DType.Float64, 'f', 8)];

    /// <summary>np.load of a .npy file.</summary>
    /// <exception cref="TensorFileException">Not a valid .npy file, or a dtype Nabla lacks.</exception>
    public static Tensor Load(string path) => ReadNpy(File.ReadAllBytes(path), path);

    /// <summary>np.save: writes <paramref name="tensor"/> as a version 1.0 .npy file (C order, or Fortran order when asked).</summary>
    public static void Save(string path, Tensor tensor, bool fortranOrder = false) => File.WriteAllBytes(path, WriteNpy(tensor, fortranOrder));

    /// <summary>np.load of a .npz archive: its arrays by name (the entry name without ".npy"), in archive order.</summary>
    /// <exception cref="TensorFileException">Not a valid archive, an entry that is not a valid .npy, or a dtype Nabla lacks.</exception>
    public static Dictionary<string, Tensor> LoadNpz(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadNpz(stream, path);
    }

    /// <summary>np.savez: an archive of stored (uncompressed) .npy entries.</summary>
    public static void Savez(string path, IEnumerable<KeyValuePair<string, Tensor>> arrays) => WriteNpz(path, arrays, compressed: false);

    /// <summary>np.savez_compressed: an archive of deflated .npy entries.</summary>
    public static void SavezCompressed(string path, IEnumerable<KeyValuePair<string, Tensor>> arrays) => WriteNpz(path, arrays, compressed: true);

    private static void WriteNpz(string path, IEnumerable<KeyValuePair<string, Tensor>> arrays, bool compressed)
    {
        using var stream = File.Create(path);
        WriteNpz(stream, arrays, compressed);
    }

    /// <summary>Writes an .npz archive to a stream.</summary>
    public static void WriteNpz(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> arrays, bool compressed)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, t) in arrays) BoundedZip.Write(zip, name + ".npy", WriteNpy(t), compressed);
    }

    /// <summary>Reads an .npz archive from a seekable stream; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="TensorFileException">Not a valid archive, an entry that is not a valid .npy, or a dtype Nabla lacks.</exception>
    public static Dictionary<string, Tensor> ReadNpz(Stream stream, string source = "<stream>")
    {
        using var zip = BoundedZip.Open(stream, source);
        var result = new Dictionary<string, Tensor>();
        foreach (var entry in BoundedZip.Entries(zip, source))
        {
            var name = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
            result[name] = ReadNpy(BoundedZip.Read(entry, Array.MaxLength, source), $"{source}[{entry.FullName}]");
        }
        return result;
    }

    /// <summary>The bytes of a .npy file holding <paramref name="tensor"/>, laid out as numpy writes them (header padded to 64 bytes).</summary>
    public static byte[] WriteNpy(Tensor tensor, bool fortranOrder = false)
    {
        var kind = Kinds.First(k => k.DType == tensor.DType);
        string descr = $"{(kind.Size == 1 ? '|' : '<')}{kind.Kind}{kind.Size}";
        var shape = tensor.Shape;
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        var header = new StringBuilder($"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {shapeText}, }}");
        // numpy leaves room for the growth axis to reach 21 digits, then pads with spaces and a newline to 64 bytes
        // (a full 64 spaces when already aligned, as its _wrap_header computes the padding).
        if (shape.Length > 0) header.Append(' ', Math.Max(0, 21 - shape[fortranOrder ? ^1 : 0].ToString(CultureInfo.InvariantCulture).Length));
        int hlen = header.Length + 1;
        bool v2 = 10 + hlen > 65535;
        int prefix = v2 ? 12 : 10;
        header.Append(' ', ArrayAlign - (prefix + hlen) % ArrayAlign).Append('\n');
        var headerBytes = Encoding.ASCII.GetBytes(header.ToString());
        var data = fortranOrder && shape.Length > 1
            ? TensorBytes.LittleEndian(tensor.Permute(Enumerable.Range(0, shape.Length).Reverse().ToArray()))
            : TensorBytes.LittleEndian(tensor);
        var result = new byte[prefix + headerBytes.Length + data.Length];
        Magic.CopyTo(result, 0);
        result[6] = (byte)(v2 ? 2 : 1);
        if (v2) BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)headerBytes.Length);
        else BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)headerBytes.Length);
        headerBytes.CopyTo(result, prefix);
        data.CopyTo(result, prefix + headerBytes.Length);
        return result;
    }

    /// <summary>Parses the bytes of a .npy file; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="TensorFileException">Not a valid .npy file, or a dtype Nabla lacks.</exception>
    public static Tensor ReadNpy(ReadOnlySpan<byte> data, string source = "<bytes>")
    {
        TensorFileException Bad(string p) => new(source, p);
        if (data.Length < 10 || !data[..6].SequenceEqual(Magic)) throw Bad("not a .npy file (no \\x93NUMPY magic)");
        int major = data[6];
        if (major is < 1 or > 3) throw Bad($"unsupported .npy format version {major}.{data[7]}");
        int prefix = major == 1 ? 10 : 12;
        if (data.Length < prefix) throw Bad("truncated header length");
        long hlen = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(data[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (hlen > MaxHeader) throw Bad($"header length {hlen} exceeds the limit of {MaxHeader} bytes");
        if (hlen > data.Length - prefix) throw Bad($"header length {hlen} runs past the end of the file ({data.Length} bytes)");
        string header;
        try { header = (major == 3 ? new UTF8Encoding(false, true) : (Encoding)Encoding.Latin1).GetString(data.Slice(prefix, (int)hlen)); }
        catch (DecoderFallbackException) { throw Bad("header is not valid UTF-8"); }
        var (descr, fortran, shape) = NpyHeader.Parse(header, Bad);
        if (descr.Length < 3 || "<>|=".IndexOf(descr[0]) < 0 || !int.TryParse(descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int size))
            throw Bad($"dtype '{descr}' is not supported by Nabla (it has |b1, |u1, <i4, <i8, <f4, <f8)");
        int index = Array.FindIndex(Kinds, k => k.Kind == descr[1] && k.Size == size);
        if (index < 0) throw Bad($"dtype '{descr}' is not supported by Nabla (it has |b1, |u1, <i4, <i8, <f4, <f8)");
        var dtype = Kinds[index].DType;
        long numel = 1;
        foreach (var s in shape) numel = numel == 0 || s == 0 ? 0 : numel > int.MaxValue / s ? long.MaxValue : numel * s;
        if (numel > int.MaxValue) throw Bad($"shape ({string.Join(", ", shape)}) has more elements than Nabla supports");
        var body = data[(prefix + (int)hlen)..];
        long bytes = numel * size;
        if (body.Length != bytes) throw Bad($"shape ({string.Join(", ", shape)}) of {descr} needs {bytes} data bytes but the file holds {body.Length}");
        byte[]? swapped = null;
        if (descr[0] == '>' && size > 1)
        {
            swapped = body.ToArray();
            for (int i = 0; i < swapped.Length; i += size) swapped.AsSpan(i, size).Reverse();
        }
        int[] sizes = shape.Select(s => (int)s).ToArray();
        if (!fortran || sizes.Length < 2) return TensorBytes.ToTensor(swapped ?? body, dtype, sizes);
        var reversed = sizes.Reverse().ToArray();
        var columnMajor = TensorBytes.ToTensor(swapped ?? body, dtype, reversed);
        return columnMajor.Permute(Enumerable.Range(0, sizes.Length).Reverse().ToArray()).Contiguous();
    }
}
