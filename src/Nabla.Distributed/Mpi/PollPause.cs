using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Nabla.Distributed.Mpi;

/// <summary>
/// How the communication thread waits between two MPI_Test polls. Right after a collective is posted or completes
/// it only yields the core (small collectives finish within microseconds); once nothing has happened for
/// <see cref="SpinWindow"/> it sleeps about 50 µs per poll, so a rank waiting for a slow peer, or for a
/// collective overlapped with backward, leaves the cores to computation instead of spinning on one. .NET's
/// Thread.Sleep cannot sleep less than a millisecond, which would throttle MPI's progress on large messages, hence
/// libc's usleep on Unix.
/// </summary>
internal static partial class PollPause
{
    /// <summary>How long after the last event polls only yield.</summary>
    public static readonly long SpinWindow = Stopwatch.Frequency / 5000; // 200 µs

    private static readonly bool CanNap = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    /// <summary>Waits before the next poll; <paramref name="sinceEvent"/> is the Stopwatch ticks since the last post or completion.</summary>
    public static void Wait(long sinceEvent)
    {
        if (sinceEvent < SpinWindow || !CanNap) Thread.Yield();
        else _ = Usleep(50);
    }

    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int Usleep(uint microseconds);
}
