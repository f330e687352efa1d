namespace Nabla;

/// <summary>
/// How many threads Nabla's kernels use (torch.get_num_threads / torch.set_num_threads). Kernels split work at
/// boundaries that do not depend on this number, so results are the same whatever it is set to.
/// </summary>
public static class Parallelism
{
    private static int _numThreads = Environment.ProcessorCount;

    /// <summary>The number of threads a kernel may use; defaults to the number of processors.</summary>
    /// <exception cref="ArgumentException">Set to a value below 1.</exception>
    public static int NumThreads
    {
        get => Volatile.Read(ref _numThreads);
        set
        {
            if (value < 1) throw new ArgumentException($"set_num_threads expects a positive integer, but got {value}", nameof(value));
            Volatile.Write(ref _numThreads, value);
        }
    }
}
