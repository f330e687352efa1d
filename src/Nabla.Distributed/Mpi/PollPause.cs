using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Nabla.Distributed.Mpi;

/// <summary>
/// How the communication thread waits between two MPI_Test polls. While a collective can still be moving data (for
/// 200 µs after a post or completion, plus as long as its bytes take at 0.5 GB/s, about what 2 shared cores manage)
/// it only yields the core, because MPI progresses only inside MPI_Test and a large transfer wants frequent polls. After that it sleeps
/// about 50 µs per poll, so a rank waiting for a slow peer, or for a collective overlapped with backward, leaves the
/// cores to computation instead of spinning on one. .NET's Thread.Sleep cannot sleep less than a millisecond, hence
/// libc's usleep on Unix.
/// </summary>
internal sealed partial class PollPause
{
    private static readonly long BaseWindow = Stopwatch.Frequency / 5000; // 200 µs
    private const double AssumedBytesPerSecond = 0.5e9;
    private static readonly bool CanNap = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    private long _spinUntil;

    /// <summary>A collective moving <paramref name="bytes"/> was posted, or one completed (0): poll eagerly for a while.</summary>
    public void Event(long bytes)
    {
        long until = Stopwatch.GetTimestamp() + BaseWindow + (long)(bytes / AssumedBytesPerSecond * Stopwatch.Frequency);
        _spinUntil = Math.Max(_spinUntil, until);
    }

    /// <summary>Waits before the next poll.</summary>
    public void Wait()
    {
        if (!CanNap || Stopwatch.GetTimestamp() < _spinUntil) Thread.Yield();
        else _ = Usleep(50);
    }

    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int Usleep(uint microseconds);
}
