using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Nabla.Core;

namespace Nabla.IO;

/// <summary>
/// The safetensors format, as Python's safetensors library writes and reads it: an 8-byte little-endian header length,
/// a JSON header (an optional "__metadata__" string map first, then per tensor its "dtype", "shape" and "data_offsets",
/// in data order: larger dtypes first, names ascending within a dtype), spaces padding the header to a multiple of 8
/// bytes, then the tensors' little-endian bytes back to back. Dtypes Nabla lacks (F16, BF16, I8, ...) are refused by name.
/// </summary>
public static class SafeTensors
{
    /// <summary>The largest header the reader accepts (the Python library's limit, 100 MB).</summary>
    public const int MaxHeaderSize = 100_000_000;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private static readonly (DType DType, string Name)[] Names =
        [(DType.Bool, "BOOL"), (DType.UInt8, "U8"), (DType.Int32, "I32"), (DType.Int64, "I64"), (DType.Float32, "F32"), (DType.Float64, "F64")];

    /// <summary>safetensors' Dtype declaration order, which orders tensors in a file (descending).</summary>
    private static int Rank(DType d) => d switch
    {
        DType.Bool => 0, DType.UInt8 => 1, DType.Int32 => 9, DType.Float32 => 11, DType.Float64 => 12, _ => 13,
    };

    /// <summary>safetensors.torch.save_file: writes <paramref name="tensors"/> (and optional string metadata) to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">Two tensors share a name, or a name is "__metadata__".</exception>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        File.WriteAllBytes(path, Serialize(tensors, metadata));

    /// <summary>safetensors.torch.save: the file's bytes.</summary>
    /// <exception cref="ArgumentException">Two tensors share a name, or a name is "__metadata__".</exception>
    public static byte[] Serialize(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        if (list.Select(kv => kv.Key).Distinct().Count() != list.Count) throw Errors.Runtime("safetensors: tensor names must be unique");
        if (list.Any(kv => kv.Key == "__metadata__")) throw Errors.Runtime("safetensors: a tensor cannot be named __metadata__");
        var ordered = list.OrderByDescending(kv => Rank(kv.Value.DType)).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        using var header = new MemoryStream();
        using (var w = new Utf8JsonWriter(header, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is not null)
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in ordered)
            {
                long size = (long)t.Numel * t.DType.ElementSize();
                w.WriteStartObject(name);
                w.WriteString("dtype", Names.First(n => n.DType == t.DType).Name);
                w.WriteStartArray("shape");
                foreach (var s in t.Shape) w.WriteNumberValue(s);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + size);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += size;
            }
            w.WriteEndObject();
        }
        int pad = (int)((8 - header.Length % 8) % 8);
        for (int i = 0; i < pad; i++) header.WriteByte((byte)' ');
        using var file = new MemoryStream();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Write(length);
        header.Position = 0;
        header.CopyTo(file);
        foreach (var (_, t) in ordered) file.Write(TensorBytes.LittleEndian(t));
        return file.ToArray();
    }

    /// <summary>safetensors.torch.load_file: the tensors of the file at <paramref name="path"/>, in file order.</summary>
    /// <exception cref="TensorFileException">The file is not a valid safetensors file, or holds a dtype Nabla lacks.</exception>
    public static Dictionary<string, Tensor> Load(string path) => LoadWithMetadata(path).Tensors;

    /// <summary>The tensors and the "__metadata__" map (null when absent) of the file at <paramref name="path"/>.</summary>
    /// <exception cref="TensorFileException">The file is not a valid safetensors file, or holds a dtype Nabla lacks.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string>? Metadata) LoadWithMetadata(string path) =>
        Deserialize(File.ReadAllBytes(path), path);

    /// <summary>safetensors.torch.load: parses a file's bytes; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="TensorFileException">The bytes are not a valid safetensors file, or hold a dtype Nabla lacks.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string>? Metadata) Deserialize(ReadOnlySpan<byte> data, string source = "<bytes>")
    {
        TensorFileException Bad(string problem, Exception? inner = null) => new(source, problem, inner);
        if (data.Length < 8) throw Bad($"file is {data.Length} bytes, too short for the 8-byte header length");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (n > MaxHeaderSize) throw Bad($"header length {n} exceeds the limit of {MaxHeaderSize} bytes");
        if (n > (ulong)(data.Length - 8)) throw Bad($"header length {n} runs past the end of the file ({data.Length} bytes)");
        var headerBytes = data.Slice(8, (int)n);
        if (headerBytes.Length == 0 || headerBytes[0] != (byte)'{') throw Bad("header does not start with '{'");
        var buffer = data[(8 + (int)n)..];
        JsonDocument doc;
        string headerText;
        try { headerText = StrictUtf8.GetString(headerBytes); }
        catch (DecoderFallbackException e) { throw Bad("header is not valid UTF-8", e); }
        try { doc = JsonDocument.Parse(headerText, new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException e) { throw Bad($"header is not valid JSON ({e.Message})", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad("header is not a JSON object");
            Dictionary<string, string>? metadata = null;
            var entries = new List<(string Name, DType DType, int[] Shape, long Start, long End)>();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad("__metadata__ is not a JSON object");
                    metadata = new Dictionary<string, string>();
                    foreach (var m in prop.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Bad($"__metadata__ value of '{m.Name}' is not a string");
                    continue;
                }
                entries.Add(ParseEntry(prop, Bad));
            }
            if (entries.Select(e => e.Name).Distinct().Count() != entries.Count) throw Bad("header names a tensor twice");
            // As the Python library validates: the tensors tile the data area exactly, in offset order, with no gap or overlap.
            long expected = 0;
            foreach (var e in entries.OrderBy(e => e.Start).ThenBy(e => e.End))
            {
                if (e.Start != expected) throw Bad($"tensor '{e.Name}' starts at byte {e.Start}, expected {expected} (gap or overlap in data_offsets)");
                expected = e.End;
            }
            if (expected != buffer.Length) throw Bad($"tensors cover {expected} bytes of data but the file holds {buffer.Length}");
            var result = new Dictionary<string, Tensor>();
            foreach (var e in entries)
                result[e.Name] = TensorBytes.ToTensor(buffer.Slice((int)e.Start, (int)(e.End - e.Start)), e.DType, e.Shape);
            return (result, metadata);
        }
    }

    private static (string, DType, int[], long, long) ParseEntry(JsonProperty prop, Func<string, Exception?, TensorFileException> bad)
    {
        string name = prop.Name;
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object) throw bad($"entry '{name}' is not a JSON object", null);
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw bad($"tensor '{name}' has no dtype string", null);
        string dtName = dt.GetString()!;
        int known = Array.FindIndex(Names, x => x.Name == dtName);
        if (known < 0) throw bad($"tensor '{name}' has dtype {dtName}, which Nabla does not support (it has BOOL, U8, I32, I64, F32, F64)", null);
        var dtype = Names[known].DType;
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw bad($"tensor '{name}' has no shape list", null);
        var shape = new List<int>();
        long numel = 1;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long s) || s < 0) throw bad($"tensor '{name}' has a shape entry that is not a non-negative integer", null);
            if (s > int.MaxValue) throw bad($"tensor '{name}' has dimension {s}, larger than Nabla supports", null);
            numel = numel == 0 || s == 0 ? 0 : numel > int.MaxValue / s ? long.MaxValue : numel * s;
            shape.Add((int)s);
        }
        if (numel > int.MaxValue) throw bad($"tensor '{name}' has more elements than Nabla supports", null);
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw bad($"tensor '{name}' has no [begin, end] data_offsets", null);
        if (!off[0].TryGetInt64(out long start) || !off[1].TryGetInt64(out long end) || start < 0 || end < start)
            throw bad($"tensor '{name}' has invalid data_offsets", null);
        if (end - start != numel * dtype.ElementSize())
            throw bad($"tensor '{name}' of dtype {dtName} and shape [{string.Join(", ", shape)}] needs {numel * dtype.ElementSize()} bytes but data_offsets span {end - start}", null);
        return (name, dtype, shape.ToArray(), start, end);
    }
}
