using System.Diagnostics;
using System.Reflection;
using System.Globalization;
using System.Text;

namespace Nabla.Distributed.Tests;

/// <summary>What one mpirun launch did: its exit code, the ranks' merged output and how long it took.</summary>
public sealed record MpiRunResult(int ExitCode, string Output, TimeSpan Elapsed, bool TimedOut)
{
    /// <summary>For assertion messages: the exit code and the output.</summary>
    public override string ToString() => $"exit code {ExitCode} after {Elapsed.TotalSeconds:0.0} s{(TimedOut ? " (killed: timed out)" : "")}\n{Output}";
}

/// <summary>
/// Launches the worker under MPICH's mpirun on this machine: <c>mpirun -np N dotnet Nabla.Distributed.Worker.dll
/// scenario args</c>. Tests call <see cref="SkipUnlessAvailable"/> first: without mpirun they are skipped with the
/// reason (.ci/run installs MPICH, so CI runs them).
/// </summary>
public static class MpiRun
{
    /// <summary>The worker assembly built next to this project (its path is baked in by the csproj).</summary>
    public static string WorkerPath { get; } = typeof(MpiRun).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "WorkerPath").Value!;

    /// <summary>The mpirun on PATH, or null.</summary>
    public static string? MpiRunPath { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "mpirun"))
        .FirstOrDefault(File.Exists);

    /// <summary>Why the MPI tests cannot run here, or null when MPICH's mpirun (hydra) is on PATH.</summary>
    public static string? Unavailable { get; } = MpiRunPath is null
        ? "mpirun is not on PATH: install MPICH (`apt-get install -y mpich`; .ci/run does) to run the MPI tests."
        : !Launch(MpiRunPath, ["--version"], new Dictionary<string, string>(), TimeSpan.FromSeconds(30)).Output.Contains("HYDRA", StringComparison.Ordinal)
            ? $"{MpiRunPath} is not MPICH's mpirun (hydra), probably Open MPI's: Nabla.Distributed binds MPICH's ABI. Install MPICH " +
              "(`apt-get install -y mpich`) and select it (`update-alternatives --config mpirun`)."
            : null;

    /// <summary>Skips the calling test, saying why, when MPICH's mpirun is not installed.</summary>
    public static void SkipUnlessAvailable() => Skip.If(Unavailable is not null, Unavailable);

    /// <summary>Runs the worker as one plain process, without mpirun, with extra environment variables.</summary>
    public static MpiRunResult RunAlone(string scenario, IReadOnlyDictionary<string, string> environment) =>
        Launch("dotnet", [WorkerPath, scenario], environment, TimeSpan.FromSeconds(60));

    /// <summary>
    /// Runs <paramref name="scenario"/> on <paramref name="np"/> ranks and waits at most <paramref name="limit"/> (then kills mpirun).
    /// <paramref name="timeoutSeconds"/> becomes the process group's collective timeout (NABLA_DIST_TIMEOUT_SECONDS).
    /// </summary>
    public static MpiRunResult Run(int np, string scenario, string[]? args = null, double timeoutSeconds = 30, TimeSpan? limit = null)
    {
        // Hydra on one machine: every rank starts locally (fork launcher, no ssh) and they talk over shared memory/loopback.
        string[] command = ["-launcher", "fork", "-np", np.ToString(CultureInfo.InvariantCulture), "dotnet", WorkerPath, scenario, .. args ?? []];
        var environment = new Dictionary<string, string> { ["NABLA_DIST_TIMEOUT_SECONDS"] = timeoutSeconds.ToString(CultureInfo.InvariantCulture) };
        return Launch(MpiRunPath ?? "mpirun", command, environment, limit ?? TimeSpan.FromSeconds(90));
    }

    /// <summary>The training job (examples/Nabla.Train) built next to this project.</summary>
    public static string TrainPath { get; } = typeof(MpiRun).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TrainPath").Value!;

    /// <summary>Runs the training job on <paramref name="np"/> ranks with <paramref name="args"/>, waiting at most <paramref name="limit"/>.</summary>
    public static MpiRunResult RunTraining(int np, string[] args, TimeSpan limit) =>
        Launch(MpiRunPath ?? "mpirun", ["-launcher", "fork", "-np", np.ToString(CultureInfo.InvariantCulture), "dotnet", TrainPath, .. args],
            new Dictionary<string, string>(), limit);

    private static MpiRunResult Launch(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan limit)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool finished = process.WaitForExit(limit);
        if (!finished) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        lock (output) return new MpiRunResult(finished ? process.ExitCode : -1, output.ToString(), stopwatch.Elapsed, !finished);
    }
}
