using System.Diagnostics;
using System.Globalization;
using TorchSharp;

namespace Nabla.Benchmarks.Workloads;

/// <summary>
/// Runs the workloads of issue 12 side by side: `--workloads [name filter]` starts this program twice as a child,
/// once with glibc told to keep freed memory (libtorch at its best; the variable must be in the environment
/// before the process starts) and once with the default environment, then prints one table. In each child, per
/// workload: a warm-up round per side (at least 60 calls and 2 s), then three alternating rounds (Nabla, libtorch) of at least
/// <see cref="RoundSeconds"/> each; the time is the median of the rounds' per-call means. Nabla's rounds also
/// count minor page faults and managed bytes allocated per call (steady state, after the warm-up). Both children run
/// with OMP_WAIT_POLICY=PASSIVE, so that libtorch's idle OpenMP threads sleep instead of spinning during Nabla's rounds.
/// </summary>
public static class WorkloadRunner
{
    public const string BestTunables = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736";
    private const double RoundSeconds = 0.4, WarmupSeconds = 2;
    private const int WarmupCalls = 60;
    private const int Rounds = 3;

    public static Workload[] All() =>
    [
        new RaggedCumsum(), new RaggedDirect(), new MaeMasking(), new AdaptiveAvgPool(), new MaxPool(),
        new SumNormalize(), new ChainedTinyAdds(), new Matmul1024(), new CnnTrainingStep(),
    ];

    private sealed record Row(string Name, double Nabla, double Torch, double FaultMbPerCall, double AllocMbPerCall, double NablaCpu, double TorchCpu);

    public static int Parent(string filter)
    {
        Workload.BytesPerSecond = MemoryBandwidth.MeasureBytesPerSecond(); // before the children: nothing else runs
        var best = RunChild("best", filter);
        var plain = RunChild("default", filter);
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
        Console.WriteLine();
        Console.WriteLine($"Date {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load after run: {load}; " +
            $"Vector512 accelerated: {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}; cores {Environment.ProcessorCount}; " +
            $"floors at {Workload.BytesPerSecond / 1e9:F1} GB/s (a triad on every core, measured at the start)");
        Console.WriteLine();
        Console.WriteLine("| workload | Nabla | libtorch best | Nabla ÷ best | Nabla ÷ best, CPU time | libtorch default | Nabla ÷ default | floor | Nabla ÷ floor | fresh pages per call | managed alloc per call |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var w in All().Where(w => Matches(w, filter)))
        {
            if (!best.TryGetValue(w.Name, out var b) || !plain.TryGetValue(w.Name, out var d)) continue;
            string floor = w.FloorSeconds is { } f ? Time(f) : w.Flops is { } fl ? $"{fl / b.Nabla / 1e9:F0} vs {fl / b.Torch / 1e9:F0} GFLOP/s" : "n/a";
            string overFloor = w.FloorSeconds is { } f2 ? $"{b.Nabla / f2:F1}" : "";
            Console.WriteLine($"| {w.Name} | {Time(b.Nabla)} | {Time(b.Torch)} | **{b.Nabla / b.Torch:F2}** | {b.NablaCpu / b.TorchCpu:F2} | {Time(d.Torch)} | {d.Nabla / d.Torch:F2} | " +
                $"{floor} | {overFloor} | {b.FaultMbPerCall:F1} MB | {b.AllocMbPerCall:F2} MB |");
        }
        Console.WriteLine();
        foreach (var w in All().Where(w => Matches(w, filter)))
        {
            if (!best.TryGetValue(w.Name, out var b) || !plain.TryGetValue(w.Name, out var d)) continue;
            if (w.Derived(b.Nabla, b.Torch) is { } atBest) Console.WriteLine($"- libtorch best: {atBest}");
            if (w.Derived(d.Nabla, d.Torch) is { } atDefault) Console.WriteLine($"- libtorch default: {atDefault}");
        }
        return 0;
    }

    private static bool Matches(Workload w, string filter) =>
        filter.Length == 0 || w.Name.Contains(filter, StringComparison.OrdinalIgnoreCase) || w.GetType().Name.Contains(filter, StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, Row> RunChild(string mode, string filter)
    {
        var path = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(path) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(path) == "dotnet") psi.ArgumentList.Add(typeof(WorkloadRunner).Assembly.Location);
        psi.ArgumentList.Add("--workloads-child");
        psi.ArgumentList.Add(filter);
        if (mode == "best") psi.Environment["GLIBC_TUNABLES"] = BestTunables;
        else psi.Environment.Remove("GLIBC_TUNABLES");
        // Both sides share the process and its two cores: libtorch's OpenMP threads, left spinning after a libtorch
        // round, took the cores from Nabla's next round (Nabla's CNN step measured 67-139 ms against 50 ms with them
        // asleep), while libtorch's own times did not change. Passive waiting keeps each side's round to itself.
        psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        using var child = Process.Start(psi)!;
        var rows = new Dictionary<string, Row>();
        while (child.StandardOutput.ReadLine() is { } line)
        {
            Console.WriteLine($"[{mode}] {line}");
            var f = line.Split('\t');
            if (f[0] != "RESULT") continue;
            var v = f[2..].Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            rows[f[1]] = new Row(f[1], v[0], v[1], v[2], v[3], v[4], v[5]);
        }
        child.WaitForExit();
        return rows;
    }

    public static int Child(string filter)
    {
        TorchSetup.Init();
        var pending = new Queue<Workload>(All().Where(w => Matches(w, filter)));
        // Dequeued one at a time so that a finished workload's tensors die before the next one starts.
        while (pending.TryDequeue(out var w))
        {
            w.Setup();
            // warm-up: past .NET's tiered JIT (a method is recompiled optimized after 30 calls, in the background), and
            // the caching allocator reaching its steady state; a round of 0.4 s left the CNN step half in unoptimized code
            Measure(w.Nabla, minCalls: WarmupCalls, minSeconds: WarmupSeconds);
            Measure(() => TorchCall(w), minCalls: WarmupCalls, minSeconds: WarmupSeconds);
            var nabla = new List<double>();
            var torchTimes = new List<double>();
            var nablaCpu = new List<double>();
            var torchCpu = new List<double>();
            double faults = 0, alloc = 0;
            for (int r = 0; r < Rounds; r++)
            {
                long f0 = MemoryProbe.MinorFaults(), a0 = GC.GetTotalAllocatedBytes(true);
                var (t, cpu, calls) = Measure(w.Nabla);
                nablaCpu.Add(cpu);
                long f1 = MemoryProbe.MinorFaults(), a1 = GC.GetTotalAllocatedBytes(true);
                nabla.Add(t);
                if (r == Rounds - 1)
                {
                    faults = (f1 - f0) * (double)MemoryProbe.PageBytes / calls / 1e6;
                    alloc = (a1 - a0) / (double)calls / 1e6;
                }
                var torchRound = Measure(() => TorchCall(w));
                torchTimes.Add(torchRound.PerCall);
                torchCpu.Add(torchRound.CpuPerCall);
            }
            w.Cleanup();
            Console.WriteLine(string.Join('\t', "RESULT", w.Name, Inv(Median(nabla)), Inv(Median(torchTimes)), Inv(faults), Inv(alloc),
                Inv(Median(nablaCpu)), Inv(Median(torchCpu))));
            Console.Out.Flush();
        }
        return 0;
    }

    private static void TorchCall(Workload w)
    {
        using var scope = torch.NewDisposeScope();
        w.Torch();
    }

    /// <summary>Wall-clock and process CPU time (user + system, all threads) per call over one round.</summary>
    private static (double PerCall, double CpuPerCall, int Calls) Measure(Action call, int minCalls = 1, double minSeconds = RoundSeconds)
    {
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        int calls = 0;
        do { call(); calls++; } while (sw.Elapsed.TotalSeconds < minSeconds || calls < minCalls);
        double wall = sw.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall / calls, (process.TotalProcessorTime - cpu0).TotalSeconds / calls, calls);
    }

    private static double Median(List<double> v)
    {
        var s = v.Order().ToArray();
        return s[s.Length / 2];
    }

    private static string Inv(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Time(double seconds) => seconds switch
    {
        < 1e-3 => $"{seconds * 1e6:F1} µs",
        < 1 => $"{seconds * 1e3:F2} ms",
        _ => $"{seconds:F2} s",
    };
}
