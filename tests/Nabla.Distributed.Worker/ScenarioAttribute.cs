namespace Nabla.Distributed.Worker;

/// <summary>
/// Marks a <c>public static void Name(ScenarioContext ctx)</c> method as a scenario the worker can run by name.
/// To add one, write such a method in any file of this project (one file per family, e.g. Scenarios.Ddp.cs); the
/// tests launch it with <c>MpiRun.Run(np, "name", args...)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ScenarioAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    /// <summary>False for scenarios that must not get a process group from the harness (they make their own, or test without MPI).</summary>
    public bool InitGroup { get; init; } = true;
}
