using System.Diagnostics;
using System.Numerics.Tensors;

namespace Nabla.Benchmarks.Workloads;

/// <summary>
/// This machine's streaming bandwidth as it is during the run: a triad (a = b + 3c, STREAM's kernel) on every core at
/// once, each over its own three arrays of 64 MB (far beyond the caches), best of ten; the bytes counted are STREAM's
/// (two reads and one write per element). The floors of the bandwidth-bound workloads are their bytes at this rate.
/// </summary>
public static class MemoryBandwidth
{
    public static double MeasureBytesPerSecond()
    {
        int threads = Environment.ProcessorCount, n = 16 << 20;
        var arrays = Enumerable.Range(0, threads).Select(_ => (A: new float[n], B: new float[n], C: new float[n])).ToArray();
        foreach (var (a, b, c) in arrays) { Array.Fill(a, 1f); Array.Fill(b, 2f); Array.Fill(c, 3f); } // pages mapped before timing
        double best = 0;
        for (int round = 0; round < 10; round++)
        {
            var sw = Stopwatch.StartNew();
            Parallel.For(0, threads, i => TensorPrimitives.FusedMultiplyAdd(arrays[i].C, 3f, arrays[i].B, arrays[i].A));
            best = Math.Max(best, 3.0 * sizeof(float) * n * threads / sw.Elapsed.TotalSeconds);
        }
        return best;
    }
}
