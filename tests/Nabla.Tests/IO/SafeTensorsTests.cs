using System.Text;
using Nabla.IO;

namespace Nabla.Tests.IO;

public class SafeTensorsTests
{
    private static Dictionary<string, Tensor> Sample() => new()
    {
        ["weight"] = Tensor.From(new float[,] { { 1.5f, -2f, 3f }, { 4f, 5f, -6.25f } }),
        ["bias"] = Tensor.From(new[] { 0.5, -0.25 }),
        ["steps"] = Tensor.From(new long[] { 1, 2, 3 }),
        ["ids"] = Tensor.From(new[] { 7, -8 }),
        ["mask"] = Tensor.From(new[] { true, false, true }),
        ["bytes"] = Tensor.From(new byte[] { 0, 255 }),
        ["scalar"] = Tensor.From(2.5f),
        ["empty"] = Tensor.Zeros([0, 3]),
    };

    [Fact]
    public void LayoutIsThePythonLibrarys()
    {
        var bytes = SafeTensors.Serialize(new Dictionary<string, Tensor>
        {
            ["b"] = Tensor.From(new[] { 1f, 2f }),
            ["a"] = Tensor.From(new[] { 3f }),
            ["c"] = Tensor.From(new long[] { 9 }),
        }, new Dictionary<string, string> { ["format"] = "pt" });
        ulong n = BitConverter.ToUInt64(bytes, 0);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        // I64 sorts before F32 (dtype order descending), names ascending within a dtype; spaces pad to 8 bytes.
        Assert.Equal("{\"__metadata__\":{\"format\":\"pt\"},\"c\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}," +
            "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", header.TrimEnd(' '));
        Assert.Equal(0UL, (8 + n) % 8);
        Assert.Equal(8 + (int)n + 20, bytes.Length);
        Assert.Equal(9L, BitConverter.ToInt64(bytes, 8 + (int)n));
        Assert.Equal(3f, BitConverter.ToSingle(bytes, 8 + (int)n + 8));
    }

    [Fact]
    public void RoundTripsEveryDType()
    {
        var sample = Sample();
        var (loaded, meta) = SafeTensors.Deserialize(SafeTensors.Serialize(sample, new Dictionary<string, string> { ["k"] = "v" }));
        Assert.Equal("v", meta!["k"]);
        Assert.Equal(sample.Keys.Order(), loaded.Keys.Order());
        foreach (var (k, t) in sample)
        {
            Assert.Equal(t.DType, loaded[k].DType);
            Assert.Equal(t.Shape, loaded[k].Shape);
            Assert.Equal(t.ToArray<double>(), loaded[k].ToArray<double>());
        }
    }

    [Fact]
    public void NonContiguousTensorsAreWrittenInLogicalOrder()
    {
        var t = Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } }).T;
        var loaded = SafeTensors.Deserialize(SafeTensors.Serialize([new("t", t)])).Tensors["t"];
        Assert.Equal(new[] { 1f, 3f, 2f, 4f }, loaded.ToArray<float>());
    }

    [Fact]
    public void HandWrittenFileToTheSpecLoads()
    {
        // A file made by hand: header {"x":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}} padded to 64 bytes.
        var json = "{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        var header = Encoding.UTF8.GetBytes(json.PadRight(64));
        var file = BitConverter.GetBytes((ulong)header.Length).Concat(header).Concat(BitConverter.GetBytes(1.25)).Concat(BitConverter.GetBytes(-3.5)).ToArray();
        var x = SafeTensors.Deserialize(file).Tensors["x"];
        Assert.Equal(new[] { 1.25, -3.5 }, x.ToArray<double>());
    }

    private static byte[] File(string json, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return BitConverter.GetBytes((ulong)header.Length).Concat(header).Concat(new byte[dataBytes]).ToArray();
    }

    [Theory]
    [InlineData("{\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "dtype BF16, which Nabla does not support")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}}", 12, "needs 8 bytes but data_offsets span 12")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "tensors cover 8 bytes of data but the file holds 4")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "gap or overlap")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "gap or overlap")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[100000,100000,100000],\"data_offsets\":[0,4]}}", 4, "more elements than Nabla supports")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "not a non-negative integer")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", 4, "not valid JSON")]
    [InlineData("[1]", 0, "does not start with '{'")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 4, "invalid data_offsets")]
    public void BadHeadersAreRefusedWithTheProblemNamed(string json, int dataBytes, string problem)
    {
        var e = Assert.Throws<TensorFileException>(() => SafeTensors.Deserialize(File(json, dataBytes), "model.safetensors"));
        Assert.Contains(problem, e.Message);
        Assert.StartsWith("model.safetensors: ", e.Message);
    }

    [Fact]
    public void LyingHeaderLengthIsRefusedBeforeAnyAllocation()
    {
        var bytes = new byte[16];
        BitConverter.GetBytes(ulong.MaxValue).CopyTo(bytes, 0);
        Assert.Contains("exceeds the limit", Assert.Throws<TensorFileException>(() => SafeTensors.Deserialize(bytes)).Message);
        BitConverter.GetBytes(1000UL).CopyTo(bytes, 0);
        Assert.Contains("runs past the end", Assert.Throws<TensorFileException>(() => SafeTensors.Deserialize(bytes)).Message);
        Assert.Contains("too short", Assert.Throws<TensorFileException>(() => SafeTensors.Deserialize(new byte[3])).Message);
    }

    [Fact]
    public void SaveAndLoadAFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nabla-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(Sample(), path);
            Assert.Equal(Sample()["weight"].ToArray<float>(), SafeTensors.Load(path)["weight"].ToArray<float>());
        }
        finally { System.IO.File.Delete(path); }
    }
}
