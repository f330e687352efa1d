namespace Nabla.Distributed.Worker;

/// <summary>What a scenario gets: the process group (null for scenarios with InitGroup = false) and its arguments.</summary>
public sealed class ScenarioContext(ProcessGroup? group, string[] args)
{
    public ProcessGroup Group => group ?? throw new InvalidOperationException("This scenario was declared with InitGroup = false.");
    public int Rank => group?.Rank ?? LaunchEnvironment.Rank;
    public int WorldSize => group?.WorldSize ?? LaunchEnvironment.WorldSize;

    /// <summary>The command-line arguments after the scenario's name.</summary>
    public string[] Args { get; } = args;

    /// <summary>Argument <paramref name="index"/> as an int, or <paramref name="fallback"/> when absent.</summary>
    public int IntArg(int index, int fallback) => index < Args.Length ? int.Parse(Args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;

    /// <summary>Prints one line prefixed with the rank, flushed at once (mpirun merges the ranks' output).</summary>
    public void Log(string message) => Console.Out.WriteLine($"[rank {Rank}/{WorldSize}] {message}");

    /// <summary>Fails the scenario (the exception ends this rank with a nonzero exit code) when <paramref name="condition"/> is false.</summary>
    public void Check(bool condition, string message)
    {
        if (!condition) throw new ScenarioFailedException($"rank {Rank}: {message}");
    }
}

/// <summary>A scenario's own check failed.</summary>
public sealed class ScenarioFailedException(string message) : Exception(message);
