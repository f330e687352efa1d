using System.Diagnostics;
using System.Globalization;

namespace Nabla.Distributed.Worker;

/// <summary>
/// AllReduce bandwidth, as nccl-tests' all_reduce_perf reports it: float32 sums from 4 KB to 64 MB, the time per call
/// (the slowest rank's mean), algorithmic bandwidth = bytes / time, and bus bandwidth = algbw × 2(n−1)/n, the traffic
/// each link carries in a ring allreduce, comparable across world sizes. Not run by the tests (it is a measurement):
/// <c>mpirun -np 2 dotnet Nabla.Distributed.Worker.dll allreduce-bandwidth [maxMegabytes] [secondsPerSize]</c>.
/// </summary>
public static class BandwidthScenarios
{
    [Scenario("allreduce-bandwidth")]
    public static void AllReduceBandwidth(ScenarioContext ctx)
    {
        var group = ctx.Group;
        int n = ctx.WorldSize;
        long maxBytes = ctx.IntArg(0, 64) * 1024L * 1024;
        double secondsPerSize = ctx.Args.Length > 1 ? double.Parse(ctx.Args[1], CultureInfo.InvariantCulture) : 0.5;
        if (ctx.Rank == 0)
            Console.WriteLine($"{"bytes",12} {"floats",10} {"iters",6} {"time (us)",11} {"algbw (GB/s)",13} {"busbw (GB/s)",13}");
        for (long bytes = 4096; bytes <= maxBytes; bytes *= 4)
        {
            int count = (int)(bytes / sizeof(float));
            var tensor = Tensor.Zeros(count);
            group.AllReduce(tensor); // warm-up: connections, buffers and JIT
            // Rank 0 picks the iteration count from a trial so that every size takes about secondsPerSize; all ranks use it.
            var trial = Stopwatch.StartNew();
            for (int i = 0; i < 3; i++) group.AllReduce(tensor);
            var iterations = Tensor.From(new[] { (int)Math.Clamp(secondsPerSize / Math.Max(trial.Elapsed.TotalSeconds / 3, 1e-6), 3, 2000) });
            group.Broadcast(iterations, 0);
            int iters = iterations.Item<int>();
            group.Barrier();
            var stopwatch = Stopwatch.StartNew();
            for (int i = 0; i < iters; i++) group.AllReduce(tensor);
            var mean = Tensor.From(new[] { stopwatch.Elapsed.TotalSeconds / iters });
            group.AllReduce(mean, ReduceOp.Max);
            double seconds = mean.Item<double>();
            double algbw = bytes / seconds / 1e9, busbw = algbw * 2 * (n - 1) / n;
            if (ctx.Rank == 0)
                Console.WriteLine($"{bytes,12} {count,10} {iters,6} {seconds * 1e6,11:0.0} {algbw,13:0.000} {busbw,13:0.000}");
        }
    }
}
