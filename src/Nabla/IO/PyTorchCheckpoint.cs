using System.IO.Compression;
using System.Text;
using Nabla.Core;
using Nabla.IO.Pickle;

namespace Nabla.IO;

/// <summary>
/// PyTorch's checkpoint format (torch.save / torch.load since PyTorch 1.6), without Python or libtorch: a zip archive
/// holding <c>archive/data.pkl</c> (a protocol-2 pickle), <c>archive/byteorder</c>, one <c>archive/data/N</c> entry per
/// storage (little-endian elements) and <c>archive/version</c>. Loading rebuilds tensors
/// (torch._utils._rebuild_tensor_v2 / _rebuild_parameter over torch.FloatStorage, DoubleStorage, LongStorage, IntStorage,
/// ByteStorage, BoolStorage), OrderedDicts, dicts, lists, tuples and plain values; any other class in the pickle is refused
/// with its name and never executed. Tensors that shared a storage when saved share one when loaded.
/// </summary>
public static class PyTorchCheckpoint
{
    private static readonly (DType DType, string Storage)[] Storages =
        [(DType.Float32, "FloatStorage"), (DType.Float64, "DoubleStorage"), (DType.Int64, "LongStorage"), (DType.Int32, "IntStorage"),
         (DType.UInt8, "ByteStorage"), (DType.Bool, "BoolStorage")];

    private static readonly Dictionary<string, string> Unsupported = new()
    {
        ["HalfStorage"] = "torch.float16", ["BFloat16Storage"] = "torch.bfloat16", ["CharStorage"] = "torch.int8",
        ["ShortStorage"] = "torch.int16", ["ComplexFloatStorage"] = "torch.complex64", ["ComplexDoubleStorage"] = "torch.complex128",
    };

    /// <summary>torch.load(path) of a state dict: the tensors by name, in file order.</summary>
    /// <exception cref="TensorFileException">Not a valid checkpoint, a refused class, or the top-level object is not a dict of tensors.</exception>
    public static Dictionary<string, Tensor> LoadStateDict(string path)
    {
        using var stream = File.OpenRead(path);
        return LoadStateDict(stream, path);
    }

    /// <summary>torch.load of a state dict from a seekable stream; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="TensorFileException">Not a valid checkpoint, a refused class, or the top-level object is not a dict of tensors.</exception>
    public static Dictionary<string, Tensor> LoadStateDict(Stream stream, string source = "<stream>")
    {
        if (Load(stream, source) is not Dictionary<object, object?> dict)
            throw new TensorFileException(source, "the checkpoint does not hold a dict");
        var result = new Dictionary<string, Tensor>();
        foreach (var (k, v) in dict)
            result[k as string ?? throw new TensorFileException(source, $"state dict key {k} is not a string")] =
                v as Tensor ?? throw new TensorFileException(source, $"state dict entry '{k}' is not a tensor");
        return result;
    }

    /// <summary>
    /// torch.load(path, weights_only=True) for what Nabla rebuilds: <see cref="Tensor"/>, dicts and OrderedDicts as
    /// Dictionary&lt;object, object?&gt;, lists as List&lt;object?&gt;, tuples as object?[], ints as long, floats as double,
    /// strings, bools, bytes and null.
    /// </summary>
    /// <exception cref="TensorFileException">Not a valid checkpoint, or a refused class.</exception>
    public static object? Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream, path);
    }

    /// <summary>As <see cref="Load(string)"/>, from a seekable stream.</summary>
    /// <exception cref="TensorFileException">Not a valid checkpoint, or a refused class.</exception>
    public static object? Load(Stream stream, string source = "<stream>")
    {
        try
        {
            using var zip = BoundedZip.Open(stream, source);
            var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - 9)
                ?? throw new TensorFileException(source, "no <archive>/data.pkl entry: not a PyTorch zip checkpoint");
            string prefix = pkl.FullName[..^"data.pkl".Length];
            if (zip.GetEntry(prefix + "byteorder") is { } bo && Encoding.ASCII.GetString(BoundedZip.Read(bo, 16, source)).Trim() != "little")
                throw new TensorFileException(source, "big-endian checkpoints are not supported");
            var storages = new Dictionary<string, (DType, Storage, int)>();
            object? LoadStorage(object? pid) => PersistentLoad(pid, zip, prefix, storages, source);
            var reader = new PickleReader(BoundedZip.Read(pkl, int.MaxValue, source), source, RefuseGlobal, (g, a) => Reduce(g, a, source), LoadStorage);
            return reader.Load();
        }
        catch (InvalidDataException e) { throw new TensorFileException(source, $"corrupt zip archive ({e.Message})", e); }
    }

    private static string? RefuseGlobal(PyGlobal g) => (g.Module, g.Name) switch
    {
        ("collections", "OrderedDict") or ("torch._utils", "_rebuild_tensor_v2") or ("torch._utils", "_rebuild_parameter") => null,
        ("torch", var s) when Storages.Any(x => x.Storage == s) => null,
        ("torch", var s) when Unsupported.TryGetValue(s, out var dtype) => $"storage torch.{s} holds {dtype}, a dtype Nabla does not support",
        _ => $"refused global '{g}': only tensors, OrderedDict and plain containers are loaded, nothing is executed",
    };

    private sealed record StorageRef(DType DType, Storage Storage, int Numel);

    private static object? PersistentLoad(object? pid, ZipArchive zip, string prefix, Dictionary<string, (DType, Storage, int)> cache, string source)
    {
        TensorFileException Bad(string p) => new(source, p);
        if (pid is not object?[] { Length: 5 } t || t[0] is not "storage" || t[1] is not PyGlobal type || t[2] is not string key || t[4] is not long numel)
            throw Bad("persistent id is not ('storage', type, key, location, numel)");
        var dtype = Storages.FirstOrDefault(s => s.Storage == type.Name && type.Module == "torch").DType;
        if (!Storages.Any(s => s.Storage == type.Name)) throw Bad($"persistent id names {type}, which is not a storage type");
        if (cache.TryGetValue(key, out var cached))
        {
            if (cached.Item1 != dtype) throw Bad($"storage {key} is used with two dtypes");
            return new StorageRef(cached.Item1, cached.Item2, cached.Item3);
        }
        if (numel < 0 || numel > int.MaxValue) throw Bad($"storage {key} claims {numel} elements");
        var entry = zip.GetEntry($"{prefix}data/{key}") ?? throw Bad($"storage {key} has no entry {prefix}data/{key}");
        long bytes = numel * dtype.ElementSize();
        if (entry.Length != bytes) throw Bad($"storage {key} should hold {bytes} bytes ({numel} elements of {dtype.TorchName()}) but its entry holds {entry.Length}");
        var data = BoundedZip.Read(entry, bytes, source);
        var tensor = TensorBytes.ToTensor(data, dtype, [(int)numel]);
        cache[key] = (dtype, tensor.Storage, (int)numel);
        return new StorageRef(dtype, tensor.Storage, (int)numel);
    }

    private static object? Reduce(PyGlobal g, object?[] a, string source)
    {
        TensorFileException Bad(string p) => new(source, $"{g}: {p}");
        switch (g.Name)
        {
            case "OrderedDict":
                return OrderedDict(a, Bad);
            case "_rebuild_parameter":
                if (a.Length < 2 || a[0] is not Tensor data || a[1] is not bool requiresGrad) throw Bad("expected (tensor, requires_grad, hooks)");
                return requiresGrad && data.IsFloatingPoint ? data.RequiresGrad_() : data;
            case "_rebuild_tensor_v2":
                if (a.Length is < 6 or > 7 || a[0] is not StorageRef storage || a[1] is not long offset || a[2] is not object?[] size || a[3] is not object?[] stride || a[4] is not bool rg)
                    throw Bad("expected (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])");
                var tensor = View(storage, offset, size, stride, Bad);
                return rg && tensor.IsFloatingPoint ? tensor.RequiresGrad_() : tensor;
            default:
                throw Bad("is not callable here");
        }
    }

    /// <summary>OrderedDict() or OrderedDict(pairs), the second as other picklers (not Python's) write it.</summary>
    private static Dictionary<object, object?> OrderedDict(object?[] a, Func<string, TensorFileException> bad)
    {
        var dict = new Dictionary<object, object?>();
        if (a.Length == 0) return dict;
        if (a.Length != 1 || a[0] is not System.Collections.IList pairs) throw bad("expected no arguments or a list of pairs");
        foreach (var p in pairs)
        {
            if (p is not System.Collections.IList { Count: 2 } kv || kv[0] is not (string or long)) throw bad("expected (key, value) pairs with string or int keys");
            dict[kv[0]!] = kv[1];
        }
        return dict;
    }

    /// <summary>A tensor over a loaded storage, after checking that every element it addresses lies inside the storage.</summary>
    private static Tensor View(StorageRef s, long offset, object?[] size, object?[] stride, Func<string, TensorFileException> bad)
    {
        if (size.Length != stride.Length) throw bad($"size has {size.Length} dims but stride has {stride.Length}");
        var sizes = new int[size.Length];
        var strides = new int[size.Length];
        long numel = 1, last = offset;
        for (int i = 0; i < size.Length; i++)
        {
            if (size[i] is not long sz || sz < 0 || sz > int.MaxValue) throw bad($"size[{i}] is not a valid dimension");
            if (stride[i] is not long st || st < 0 || st > int.MaxValue) throw bad($"stride[{i}] is not a valid stride");
            sizes[i] = (int)sz; strides[i] = (int)st;
            numel = numel == 0 || sz == 0 ? 0 : Math.Min(numel * sz, long.MaxValue / 2);
            if (sz > 0) last += (sz - 1) * st;
        }
        if (numel > int.MaxValue) throw bad("the tensor has more elements than Nabla supports");
        if (offset < 0 || (numel > 0 && last >= s.Numel) || offset > s.Numel)
            throw bad($"a view at offset {offset} with size ({string.Join(", ", sizes)}) and stride ({string.Join(", ", strides)}) runs past its storage of {s.Numel} elements");
        return new Tensor(s.Storage, new Layout(sizes, strides, (int)offset), s.DType);
    }

    /// <summary>torch.save(state_dict, path): the tensors as a collections.OrderedDict, in the given order.</summary>
    /// <exception cref="ArgumentException">A tensor of a dtype the format cannot hold (none today).</exception>
    public static void SaveStateDict(IEnumerable<KeyValuePair<string, Tensor>> stateDict, string path) =>
        Save(new OrderedDictMarker(stateDict.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value))), path);

    /// <summary>
    /// torch.save(obj, path) for the values <see cref="Load(string)"/> returns (tensors, dictionaries, lists, tuples,
    /// numbers, strings, bools, null): dictionaries are written as dicts, storages shared between tensors once.
    /// </summary>
    /// <exception cref="ArgumentException">A value of a type that cannot be pickled.</exception>
    public static void Save(object? obj, string path)
    {
        using var stream = File.Create(path);
        Save(obj, stream);
    }

    /// <summary>As <see cref="Save(object?, string)"/>, to a stream.</summary>
    /// <exception cref="ArgumentException">A value of a type that cannot be pickled.</exception>
    public static void Save(object? obj, Stream stream)
    {
        var storages = new List<(Storage Storage, DType DType, int Numel)>();
        var keys = new Dictionary<Storage, int>(ReferenceEqualityComparer.Instance);
        void WriteTensor(PickleWriter w, Tensor t)
        {
            var storage = t.Storage;
            if (!keys.TryGetValue(storage, out int key))
            {
                key = storages.Count;
                keys[storage] = key;
                storages.Add((storage, t.DType, storage.Data.Length));
            }
            w.Global("torch._utils", "_rebuild_tensor_v2");
            w.Mark();
            w.Mark();
            w.Write("storage");
            w.Global("torch", Storages.First(s => s.DType == t.DType).Storage);
            w.Write(key.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.Write("cpu");
            w.Write((long)storage.Data.Length);
            w.Op((byte)'t');
            w.Op((byte)'Q');
            w.Write((long)t.StorageOffset);
            w.Tuple(t.Shape.Select(x => (object?)(long)x).ToArray());
            w.Tuple(t.Stride().Select(x => (object?)(long)x).ToArray());
            w.Write(t.RequiresGrad);
            w.Global("collections", "OrderedDict");
            w.Op((byte)')');
            w.Op((byte)'R');
            w.Op((byte)'t');
            w.Op((byte)'R');
        }
        var writer = new PickleWriter(WriteTensor);
        var pickle = writer.Finish(obj);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        void Entry(string name, ReadOnlySpan<byte> bytes) => BoundedZip.Write(zip, "archive/" + name, bytes);
        Entry("data.pkl", pickle);
        Entry("byteorder", "little"u8);
        for (int i = 0; i < storages.Count; i++)
        {
            var (storage, dtype, numel) = storages[i];
            Entry($"data/{i}", TensorBytes.LittleEndian(new Tensor(storage, Layout.Contiguous([numel]), dtype)));
        }
        Entry("version", "3\n"u8);
    }
}
