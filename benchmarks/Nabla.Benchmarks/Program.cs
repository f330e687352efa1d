using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Nabla.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["--workloads", .. var w]) return Workloads.WorkloadRunner.Parent(w.FirstOrDefault() ?? "");
        if (args is ["--workloads-child", .. var c]) return Workloads.WorkloadRunner.Child(c.FirstOrDefault() ?? "");
        TorchSetup.Init();
        if (args is ["--check"]) return Check.Run();

        // In-process: BenchmarkDotNet's generated child project would copy TorchSharp's native libraries
        // without the GLIBCXX patch of LibTorchSharpGlibcxx.targets, so libtorch would not load there.
        // Short: the whole suite runs in a few minutes; ratios come from the same process and run.
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId("Short");
        // NABLA_BENCH_CLOCK=cpu: process CPU time instead of wall-clock time (see ProcessCpuClock).
        if (Environment.GetEnvironmentVariable("NABLA_BENCH_CLOCK") == "cpu")
            job = job.WithClock(ProcessCpuClock.Instance).WithId("ShortCpu");

        var config = DefaultConfig.Instance
            .AddJob(job.AsDefault())
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min)
            .HideColumns(Column.Error, Column.RatioSD);

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}
