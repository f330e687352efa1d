using Nabla.IO;

namespace Nabla.Tests.IO;

/// <summary>
/// Seeded fuzzing of every reader: valid files truncated, bit-flipped and with header bytes overwritten must either load
/// or fail with <see cref="TensorFileException"/>; any other exception (an out-of-range read, an out-of-memory from a lying
/// header, a JSON or zip library's own exception leaking out) fails the test.
/// </summary>
public class ReaderFuzzTests
{
    internal static IEnumerable<byte[]> Mutations(byte[] valid, int seed, int count, int headerBytes)
    {
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            var b = (byte[])valid.Clone();
            switch (i % 4)
            {
                case 0: yield return b[..rng.Next(b.Length)]; break;
                case 1:
                    for (int k = 0, flips = 1 + rng.Next(4); k < flips; k++) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                    yield return b;
                    break;
                case 2:
                    int at = rng.Next(Math.Min(headerBytes, b.Length));
                    b[at] = (byte)"0123456789{}[],:\"-eE. ax"[rng.Next(24)];
                    yield return b;
                    break;
                default:
                    int from = rng.Next(Math.Min(headerBytes, b.Length)), len = rng.Next(1, 9);
                    for (int k = from; k < Math.Min(b.Length, from + len); k++) b[k] = (byte)rng.Next(256);
                    yield return b;
                    break;
            }
        }
    }

    internal static void AssertOnlyDocumentedFailures(byte[] valid, int headerBytes, Action<byte[]> read)
    {
        int loaded = 0, refused = 0;
        foreach (var m in Mutations(valid, 1234, 2000, headerBytes))
        {
            try { read(m); loaded++; }
            catch (TensorFileException) { refused++; }
        }
        Assert.True(refused > 0, "no mutation was refused: the fuzzer is not reaching the checks");
    }

    [Fact]
    public void SafeTensors()
    {
        var valid = Nabla.IO.SafeTensors.Serialize(new Dictionary<string, Tensor>
        {
            ["w"] = Tensor.Randn(3, 4), ["b"] = Tensor.From(new long[] { 1, 2 }), ["m"] = Tensor.From(new[] { true, false }),
        }, new Dictionary<string, string> { ["format"] = "pt" });
        int header = 8 + (int)BitConverter.ToUInt64(valid, 0);
        AssertOnlyDocumentedFailures(valid, header, m => Nabla.IO.SafeTensors.Deserialize(m));
    }

    [Fact]
    public void Npy()
    {
        var valid = NumPy.WriteNpy(Tensor.Randn(3, 5), fortranOrder: true);
        AssertOnlyDocumentedFailures(valid, 128, m => NumPy.ReadNpy(m));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Npz(bool compressed)
    {
        var ms = new MemoryStream();
        NumPy.WriteNpz(ms, new Dictionary<string, Tensor> { ["a"] = Tensor.Randn(4, 4), ["b"] = Tensor.Arange(6) }, compressed);
        var valid = ms.ToArray();
        AssertOnlyDocumentedFailures(valid, valid.Length, m => NumPy.ReadNpz(new MemoryStream(m)));
    }

    [Fact]
    public void PyTorchCheckpoint()
    {
        var ms = new MemoryStream();
        Nabla.IO.PyTorchCheckpoint.Save(new Dictionary<object, object?>
        {
            ["w"] = Tensor.Randn(3, 4), ["b"] = Tensor.From(new long[] { 1, 2 }), ["groups"] = new List<object?> { 0.5, (1L, "x"), null, true },
        }, ms);
        var valid = ms.ToArray();
        // Every byte matters here: the zip headers, the pickle (stored uncompressed) and the storages.
        AssertOnlyDocumentedFailures(valid, valid.Length, m => Nabla.IO.PyTorchCheckpoint.Load(new MemoryStream(m)));
    }
}
