using TorchSharp;
using static TorchSharp.torch;

namespace Nabla.Parity;

/// <summary>Proves the TorchSharp/libtorch reference backend loads and computes on this machine.</summary>
public class LibTorchSmokeTests
{
    [Fact]
    public void MatmulAndBackwardMatchHandComputedValues()
    {
        // x = [[0, 1, 2], [3, 4, 5]]
        using var x = torch.arange(6, dtype: ScalarType.Float32).reshape(2, 3).requires_grad_();
        using var w = torch.tensor(new float[] { 1, 0, 0, 1, 1, 1 }, new long[] { 3, 2 }, requires_grad: true);

        using var y = x.matmul(w); // [[2, 3], [8, 9]]
        using var loss = y.sum();
        loss.backward();

        Assert.Equal(new long[] { 2, 2 }, y.shape);
        Assert.Equal(new float[] { 2, 3, 8, 9 }, y.data<float>().ToArray());
        Assert.Equal(22f, loss.item<float>());

        // d(sum(x @ w))/dx = ones(2, 2) @ w^T, d/dw = x^T @ ones(2, 2)
        using var gx = x.grad!;
        using var gw = w.grad!;
        Assert.Equal(new float[] { 1, 1, 2, 1, 1, 2 }, gx.data<float>().ToArray());
        Assert.Equal(new float[] { 3, 3, 5, 5, 7, 7 }, gw.data<float>().ToArray());

        // `sum(0)` would bind 0 to the dtype overload; the dimension must be named.
        using var colSums = y.sum(dim: 0);
        Assert.Equal(new float[] { 10, 12 }, colSums.data<float>().ToArray());
    }

    [Fact]
    public void InPlaceBroadcastErrorCarriesLibTorchMessage()
    {
        using var a = torch.zeros(3);
        using var b = torch.ones(2, 3);

        Exception ex = Assert.ThrowsAny<Exception>(() => a.add_(b));

        string firstLine = ex.Message.Split('\n')[0];
        Assert.StartsWith("output with shape [3] doesn't match the broadcast shape [2, 3]", firstLine);
    }

    [Fact]
    public void NativeLibrariesComeFromTheTestOutputDirectory()
    {
        if (!OperatingSystem.IsLinux())
            return;

        using var t = torch.ones(1); // make sure the backend is loaded
        string baseDir = Path.GetFullPath(AppContext.BaseDirectory);
        string[] mapped = File.ReadAllLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6)
            .Select(fields => string.Join(' ', fields.Skip(5)))
            .Distinct()
            .ToArray();

        foreach (string library in new[] { "libLibTorchSharp.so", "libtorch_cpu.so", "libc10.so" })
        {
            string path = Assert.Single(mapped, p => Path.GetFileName(p) == library);
            Assert.StartsWith(baseDir, path);
        }
    }
}
