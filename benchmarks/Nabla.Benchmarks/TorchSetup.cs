using static TorchSharp.torch;

namespace Nabla.Benchmarks;

/// <summary>libtorch on the machine's 2 cores; same random data on both sides.</summary>
public static class TorchSetup
{
    private static bool _done;

    public static void Init()
    {
        if (_done) return;
        // 2 = the machine's cores. NABLA_BENCH_TORCH_THREADS overrides it (e.g. 1 on a loaded machine).
        var threads = int.TryParse(Environment.GetEnvironmentVariable("NABLA_BENCH_TORCH_THREADS"), out var n) && n > 0 ? n : 2;
        set_num_threads(threads);
        set_num_interop_threads(1);
        _done = true;
    }

    /// <summary>A Nabla float32 tensor of uniform [0, 1) values and a libtorch copy of it.</summary>
    public static (Tensor Nabla, TorchSharp.torch.Tensor Torch) RandPair(params int[] shape)
    {
        var n = Nabla.Tensor.Rand(shape);
        return (n, ToTorch(n));
    }

    public static TorchSharp.torch.Tensor ToTorch(Tensor t)
    {
        var dims = Array.ConvertAll(t.Shape, s => (long)s);
        return t.DType switch
        {
            DType.Float32 => tensor(t.ToArray<float>(), dims),
            DType.Int64 => tensor(t.ToArray<long>(), dims),
            _ => throw new NotSupportedException(t.DType.ToString()),
        };
    }
}
