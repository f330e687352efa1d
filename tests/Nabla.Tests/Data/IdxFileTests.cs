using System.IO.Compression;
using Nabla.IO;

namespace Nabla.Tests.Data;

public class IdxFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nabla-idx").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    // Two 2x3 images of bytes, as MNIST stores them: magic 0x00000803, sizes 2, 2, 3, then the pixels.
    private static readonly byte[] TwoImages = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255];

    private string Save(string name, byte[] bytes, bool gzip = false)
    {
        var path = PathOf(name);
        if (!gzip) File.WriteAllBytes(path, bytes);
        else
        {
            using var file = File.Create(path);
            using var z = new GZipStream(file, CompressionLevel.Fastest);
            z.Write(bytes);
        }
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsUbyteImagesPlainOrGzipped(bool gzip)
    {
        var t = IdxFile.Read(Save("images", TwoImages, gzip));
        Assert.Equal(DType.UInt8, t.DType);
        Assert.Equal([2, 2, 3], t.Shape);
        Assert.Equal(TwoImages[16..], t.ToArray<byte>());
    }

    [Fact]
    public void ReadsBigEndianInts()
    {
        var t = IdxFile.Read(Save("ints", [0, 0, 0x0C, 1, 0, 0, 0, 2, 0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFE]));
        Assert.Equal(DType.Int32, t.DType);
        Assert.Equal([256, -2], t.ToArray<int>());
    }

    [Theory]
    [InlineData(DType.UInt8, false)]
    [InlineData(DType.Int32, true)]
    [InlineData(DType.Float32, false)]
    [InlineData(DType.Float64, true)]
    public void WriteThenReadRoundTrips(DType dtype, bool gzip)
    {
        var t = (Tensor.Arange(0, 24).Reshape(2, 3, 4) * 3).To(dtype);
        var path = PathOf("round-trip");
        IdxFile.Write(path, t.Transpose(1, 2), gzip);
        var back = IdxFile.Read(path);
        Assert.Equal(dtype, back.DType);
        Assert.Equal([2, 4, 3], back.Shape);
        Assert.Equal(t.Transpose(1, 2).ToArray<double>(), back.ToArray<double>());
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void RefusesDtypesIdxCannotStore() =>
        Assert.Contains("no element type for dtype Int64", Assert.Throws<ArgumentException>(() => IdxFile.Write(PathOf("x"), Tensor.Arange(3))).Message);

    [Theory]
    [InlineData(3, "truncated before the end of the 4-byte magic number")]
    [InlineData(10, "truncated in the size of dimension 1")]
    [InlineData(20, "truncated: sizes [2, 2, 3] need 12 bytes of data, the file has 4")]
    public void RefusesTruncatedFiles(int length, string problem)
    {
        foreach (bool gzip in new[] { false, true })
        {
            var path = Save($"cut{length}{gzip}", TwoImages[..length], gzip);
            var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
            Assert.Equal($"IDX file '{path}': {problem}", e.Message);
        }
    }

    [Fact]
    public void RefusesWrongMagic()
    {
        var bytes = (byte[])TwoImages.Clone();
        bytes[0] = 0x50; // a PNG or anything else
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(Save("magic", bytes)));
        Assert.Contains("bad magic number 0x50000803", e.Message);
    }

    [Fact]
    public void RefusesUnknownElementType()
    {
        var bytes = (byte[])TwoImages.Clone();
        bytes[2] = 0x0B; // short: Nabla has no int16
        Assert.Contains("element type 0x0b is not supported", Assert.Throws<InvalidDataException>(() => IdxFile.Read(Save("short", bytes))).Message);
    }

    [Fact]
    public void SizesThatLieAreRefusedWithoutAllocatingWhatTheyClaim()
    {
        var huge = (byte[])TwoImages.Clone();
        huge[4] = 0x7F; // 2^31-ish images of 2x3
        Assert.Contains("describe more data than one tensor can hold", Assert.Throws<InvalidDataException>(() => IdxFile.Read(Save("huge", huge))).Message);

        var more = (byte[])TwoImages.Clone();
        more[7] = 200; // 200 images claimed, 2 present
        Assert.Contains("need 1200 bytes of data, the file has 12", Assert.Throws<InvalidDataException>(() => IdxFile.Read(Save("more", more))).Message);

        var negative = (byte[])TwoImages.Clone();
        negative[8] = 0x80;
        Assert.Contains("dimension 1 has negative size", Assert.Throws<InvalidDataException>(() => IdxFile.Read(Save("neg", negative))).Message);
    }

    [Fact]
    public void RefusesTrailingBytes() =>
        Assert.Contains("trailing bytes after the 12 bytes", Assert.Throws<InvalidDataException>(() => IdxFile.Read(Save("trailing", [.. TwoImages, 0]))).Message);

    [Fact]
    public void RefusesCorruptGzip()
    {
        var path = Save("corrupt", TwoImages, gzip: true);
        var bytes = File.ReadAllBytes(path);
        for (int i = 12; i < bytes.Length - 8; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        Assert.StartsWith($"IDX file '{path}': ", Assert.Throws<InvalidDataException>(() => IdxFile.Read(path)).Message);
    }
}
