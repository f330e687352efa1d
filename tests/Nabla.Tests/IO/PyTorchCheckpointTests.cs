using System.IO.Compression;
using System.Text;
using Nabla.IO;

namespace Nabla.Tests.IO;

public class PyTorchCheckpointTests
{
    private static byte[] SaveToBytes(object? obj)
    {
        using var ms = new MemoryStream();
        PyTorchCheckpoint.Save(obj, ms);
        return ms.ToArray();
    }

    private static byte[] StateDictBytes(IEnumerable<KeyValuePair<string, Tensor>> sd)
    {
        var path = Path.GetTempFileName();
        try { PyTorchCheckpoint.SaveStateDict(sd, path); return File.ReadAllBytes(path); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void StateDictRoundTripsWithOrderDTypesAndViews()
    {
        var w = Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var sd = new List<KeyValuePair<string, Tensor>>
        {
            new("layer.weight", w), new("layer.weight_t", w.T), new("layer.bias", Tensor.From(new[] { 0.5, -1.5 })),
            new("count", Tensor.From(7L)), new("ids", Tensor.From(new[] { 3, 4 })), new("mask", Tensor.From(new[] { true, false })),
            new("bytes", Tensor.From(new byte[] { 1, 200 })), new("empty", Tensor.Zeros([0, 2])),
        };
        var loaded = PyTorchCheckpoint.LoadStateDict(new MemoryStream(StateDictBytes(sd)));
        Assert.Equal(sd.Select(kv => kv.Key), loaded.Keys);
        foreach (var (k, t) in sd)
        {
            Assert.Equal(t.DType, loaded[k].DType);
            Assert.Equal(t.Shape, loaded[k].Shape);
            Assert.Equal(t.ToArray<double>(), loaded[k].ToArray<double>());
        }
        // The transpose was saved as a view of the weight's storage, and loads as one.
        Assert.Equal(w.Stride().Reverse(), loaded["layer.weight_t"].Stride());
        using (GradMode.NoGrad()) loaded["layer.weight"].Fill_(9);
        Assert.Equal(9f, loaded["layer.weight_t"].ToArray<float>()[1]);
    }

    [Fact]
    public void ArchiveHasTorchSavesEntries()
    {
        var bytes = StateDictBytes([new("x", Tensor.Ones(2))]);
        // The first local header: stored (method 0), no data descriptor (flag bit 3), as PyTorch's writer produces.
        Assert.Equal(0, BitConverter.ToUInt16(bytes, 8));
        Assert.Equal(0, BitConverter.ToUInt16(bytes, 6) & 8);
        using var zip = new ZipArchive(new MemoryStream(StateDictBytes([new("x", Tensor.Ones(2))])));
        Assert.Equal(["archive/data.pkl", "archive/byteorder", "archive/data/0", "archive/version"], zip.Entries.Select(e => e.FullName));
        using var r = new StreamReader(zip.GetEntry("archive/byteorder")!.Open());
        Assert.Equal("little", r.ReadToEnd());
    }

    [Fact]
    public void OptimizerStyleNestedValuesRoundTrip()
    {
        var obj = new Dictionary<object, object?>
        {
            ["state"] = new Dictionary<object, object?> { [0L] = new Dictionary<object, object?> { ["step"] = Tensor.From(3f), ["momentum_buffer"] = Tensor.Ones(2) } },
            ["param_groups"] = new List<object?> { new Dictionary<object, object?> { ["lr"] = 0.01, ["betas"] = (0.9, 0.999), ["nesterov"] = false, ["foreach"] = null, ["params"] = new List<object?> { 0L }, ["big"] = 1L << 40, ["neg"] = -5L } },
        };
        var back = (Dictionary<object, object?>)PyTorchCheckpoint.Load(new MemoryStream(SaveToBytes(obj)))!;
        var group = (Dictionary<object, object?>)((List<object?>)back["param_groups"]!)[0]!;
        Assert.Equal(0.01, group["lr"]);
        Assert.Equal(new object?[] { 0.9, 0.999 }, (object?[])group["betas"]!);
        Assert.Equal(false, group["nesterov"]);
        Assert.Null(group["foreach"]);
        Assert.Equal(1L << 40, group["big"]);
        Assert.Equal(-5L, group["neg"]);
        var s0 = (Dictionary<object, object?>)((Dictionary<object, object?>)back["state"]!)[0L]!;
        Assert.Equal(3f, ((Tensor)s0["step"]!).Item<float>());
    }

    /// <summary>A checkpoint whose data.pkl is <paramref name="pickle"/>, built by hand.</summary>
    internal static byte[] Archive(byte[] pickle, params (string Name, byte[] Data)[] extra)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in new[] { ("archive/data.pkl", pickle) }.Concat(extra))
                using (var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open()) s.Write(data);
        }
        return ms.ToArray();
    }

    [Fact]
    public void ForeignGlobalsAreRefusedByNameAndNeverRun()
    {
        // PROTO 2, GLOBAL 'posix system', the string 'echo hi', TUPLE1, REDUCE, STOP
        var pickle = new byte[] { 0x80, 2 }.Concat(Encoding.ASCII.GetBytes("cposix\nsystem\nX\u0007\0\0\0echo hi\x85R.")).ToArray();
        var e = Assert.Throws<TensorFileException>(() => PyTorchCheckpoint.Load(new MemoryStream(Archive(pickle)), "evil.pt"));
        Assert.Contains("refused global 'posix.system'", e.Message);
        Assert.StartsWith("evil.pt: ", e.Message);
    }

    [Fact]
    public void UnsupportedStorageDTypesAreNamed()
    {
        var pickle = new byte[] { 0x80, 2 }.Concat(Encoding.ASCII.GetBytes("ctorch\nHalfStorage\n.")).ToArray();
        Assert.Contains("torch.float16", Assert.Throws<TensorFileException>(() => PyTorchCheckpoint.Load(new MemoryStream(Archive(pickle)))).Message);
    }

    [Fact]
    public void ViewsPastTheirStorageAreRefused()
    {
        var bytes = StateDictBytes([new("x", Tensor.Ones(4))]);
        // Rewrite the size tuple's 4 (BININT1 4 followed by TUPLE1) into 9: the view would read past 4 elements.
        using var zip = new ZipArchive(new MemoryStream(bytes));
        var pkl = new MemoryStream(); zip.GetEntry("archive/data.pkl")!.Open().CopyTo(pkl);
        var p = pkl.ToArray();
        int at = Enumerable.Range(0, p.Length).FirstOrDefault(i => i + 3 < p.Length && p[i] == (byte)'(' && p[i + 1] == (byte)'K' && p[i + 2] == 4 && p[i + 3] == (byte)'t', -1);
        Assert.True(at >= 0, BitConverter.ToString(p));
        p[at + 2] = 9;
        var data = new MemoryStream(); zip.GetEntry("archive/data/0")!.Open().CopyTo(data);
        var e = Assert.Throws<TensorFileException>(() => PyTorchCheckpoint.Load(new MemoryStream(Archive(p, ("archive/data/0", data.ToArray())))));
        Assert.Contains("runs past its storage", e.Message);
    }

    [Fact]
    public void ZipBombIsRefusedBeforeInflating()
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry("archive/data.pkl", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) s.Write(zeros);
        }
        var e = Assert.Throws<TensorFileException>(() => PyTorchCheckpoint.Load(new MemoryStream(ms.ToArray())));
        Assert.Contains("pickle", e.Message); // inflated only up to the declared size, then the pickle itself is refused
    }

    [Fact]
    public void NotAZipIsRefused()
    {
        Assert.Throws<TensorFileException>(() => PyTorchCheckpoint.Load(new MemoryStream(Encoding.ASCII.GetBytes("definitely not a zip file"))));
    }
}
