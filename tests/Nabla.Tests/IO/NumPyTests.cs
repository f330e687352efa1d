using System.Text;
using Nabla.IO;

namespace Nabla.Tests.IO;

public class NumPyTests
{
    /// <summary>A .npy file built by hand to the format spec, as numpy 1.x/2.x writes it.</summary>
    private static byte[] Npy(string dict, byte[] data, int major = 1)
    {
        int prefix = major == 1 ? 10 : 12;
        int hlen = dict.Length + 1;
        var header = dict + new string(' ', 64 - (prefix + hlen) % 64) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        bytes.AddRange(major == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static byte[] Floats(params float[] v) => v.SelectMany(BitConverter.GetBytes).ToArray();

    [Fact]
    public void WritesNumpysExactHeader()
    {
        var bytes = NumPy.WriteNpy(Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }));
        var expected = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + new string(' ', 20), Floats(1, 2, 3, 4, 5, 6));
        Assert.Equal(expected, bytes);
        Assert.Equal(128, bytes.Length - 24);
    }

    [Fact]
    public void HandWrittenFilesLoad()
    {
        var c = NumPy.ReadNpy(Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", Floats(1, 2, 3, 4)));
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, c.ToArray<float>());
        // Fortran order: column-major data.
        var f = NumPy.ReadNpy(Npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", Floats(1, 2, 3, 4)));
        Assert.Equal(new[] { 1f, 3f, 2f, 4f }, f.ToArray<float>());
        // Big-endian int64, a version 2.0 header, double quotes and Python 2 long suffixes.
        var be = BitConverter.GetBytes(258L).Reverse().Concat(BitConverter.GetBytes(-1L).Reverse()).ToArray();
        var b = NumPy.ReadNpy(Npy("{\"descr\": \">i8\", \"fortran_order\": False, \"shape\": (2L,)}", be, major: 2));
        Assert.Equal(new[] { 258L, -1L }, b.ToArray<long>());
        var scalar = NumPy.ReadNpy(Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", BitConverter.GetBytes(2.5)));
        Assert.Equal(0, scalar.Dim);
        Assert.Equal(2.5, scalar.Item<double>());
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    [InlineData(DType.UInt8)]
    [InlineData(DType.Bool)]
    public void RoundTripsInBothOrders(DType dtype)
    {
        var t = (Tensor.Arange(0, 24).Reshape(2, 3, 4) % 3).To(dtype);
        foreach (bool fortran in new[] { false, true })
        {
            var back = NumPy.ReadNpy(NumPy.WriteNpy(t, fortran));
            Assert.Equal(dtype, back.DType);
            Assert.Equal(t.Shape, back.Shape);
            Assert.Equal(t.ToArray<double>(), back.ToArray<double>());
        }
    }

    [Fact]
    public void FortranOrderWritesColumnMajorData()
    {
        var bytes = NumPy.WriteNpy(Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } }), fortranOrder: true);
        Assert.Contains("'fortran_order': True", Encoding.ASCII.GetString(bytes));
        Assert.Equal(Floats(1, 3, 2, 4), bytes[^16..]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NpzStoredAndDeflatedRoundTrip(bool compressed)
    {
        var arrays = new Dictionary<string, Tensor> { ["a"] = Tensor.Randn(5, 3), ["labels"] = Tensor.Arange(10) };
        var ms = new MemoryStream();
        NumPy.WriteNpz(ms, arrays, compressed);
        var back = NumPy.ReadNpz(new MemoryStream(ms.ToArray()));
        Assert.Equal(["a", "labels"], back.Keys);
        Assert.Equal(arrays["a"].ToArray<float>(), back["a"].ToArray<float>());
        Assert.Equal(arrays["labels"].ToArray<long>(), back["labels"].ToArray<long>());
    }

    [Fact]
    public void ZipEntryLyingAboutItsSizeIsRefusedWithoutAllocatingIt()
    {
        var ms = new MemoryStream();
        NumPy.WriteNpz(ms, new Dictionary<string, Tensor> { ["a"] = Tensor.Ones(4) }, compressed: false);
        var bytes = ms.ToArray();
        int central = Enumerable.Range(0, bytes.Length - 4).Last(i => bytes[i] == 0x50 && bytes[i + 1] == 0x4b && bytes[i + 2] == 1 && bytes[i + 3] == 2);
        BitConverter.GetBytes(0x70000000u).CopyTo(bytes, central + 20); // compressed size
        BitConverter.GetBytes(0x70000000u).CopyTo(bytes, central + 24); // uncompressed size
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<TensorFileException>(() => NumPy.ReadNpz(new MemoryStream(bytes), "lie.npz"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "the reader allocated what the header claimed");
    }

    [Theory]
    [InlineData("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", 4, "dtype '<f2' is not supported")]
    [InlineData("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 16, "dtype '|O' is not supported")]
    [InlineData("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (2,), }", 8, "structured dtypes")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 8, "needs 12 data bytes but the file holds 8")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }", 8, "more elements than Nabla supports")]
    [InlineData("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", 8, "fortran_order")]
    [InlineData("{'descr': '<f4', 'shape': (2,), }", 8, "lacks descr")]
    public void BadFilesAreRefusedWithTheProblemNamed(string dict, int dataBytes, string problem)
    {
        var e = Assert.Throws<TensorFileException>(() => NumPy.ReadNpy(Npy(dict, new byte[dataBytes]), "x.npy"));
        Assert.Contains(problem, e.Message);
        Assert.StartsWith("x.npy: ", e.Message);
    }
}
