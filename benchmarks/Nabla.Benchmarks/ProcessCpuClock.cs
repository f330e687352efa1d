using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace Nabla.Benchmarks;

/// <summary>
/// CPU time of the whole process (all threads, clock_gettime(CLOCK_PROCESS_CPUTIME_ID)), in nanoseconds.
/// On a machine shared with other busy processes, wall-clock time of anything longer than a scheduler slice
/// measures the scheduler; CPU time measures the work. Selected with NABLA_BENCH_CLOCK=cpu (Linux only).
/// </summary>
public sealed partial class ProcessCpuClock : IClock
{
    public static readonly ProcessCpuClock Instance = new();

    private const int ClockProcessCpuTimeId = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);

    public string Title => "ProcessCpuTime";

    public bool IsAvailable => OperatingSystem.IsLinux();

    public Frequency Frequency => Frequency.GHz;

    public long GetTimestamp()
    {
        if (ClockGetTime(ClockProcessCpuTimeId, out var t) != 0) throw new InvalidOperationException("clock_gettime failed");
        return t.Seconds * 1_000_000_000L + t.Nanoseconds;
    }
}
