using Nabla.Core;

namespace Nabla.Optim;

/// <summary>Typed reads of per-parameter state entries, with a clear error when a loaded state lacks one.</summary>
internal static class OptimizerState
{
    public static Tensor Buffer(Dictionary<string, object?> state, string name, string optimizer) =>
        state.GetValueOrDefault(name) as Tensor ?? throw Errors.Runtime($"{optimizer}: the parameter's state has no tensor '{name}'");
}
