using static TorchSharp.torch;

namespace Nabla.Benchmarks;

/// <summary>libtorch on the machine's 2 cores; same random data on both sides.</summary>
public static class TorchSetup
{
    private static bool _interopSet;

    /// <summary>The libtorch intra-op thread count: 2 (the machine's cores) or NABLA_BENCH_TORCH_THREADS.</summary>
    public static int TorchThreads =>
        int.TryParse(Environment.GetEnvironmentVariable("NABLA_BENCH_TORCH_THREADS"), out var n) && n > 0 ? n : 2;

    /// <summary>
    /// Call on the thread that runs the benchmarks (every [GlobalSetup] does): OpenMP keeps the thread count
    /// per calling thread, and BenchmarkDotNet's in-process toolchain runs benchmarks on a thread of its own,
    /// so a count set once on the main thread would not reach them (they would get OpenMP's default).
    /// </summary>
    public static void Init()
    {
        set_num_threads(TorchThreads);
        if (_interopSet) return;
        set_num_interop_threads(1);
        _interopSet = true;
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
