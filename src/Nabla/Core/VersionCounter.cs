namespace Nabla.Core;

/// <summary>
/// Counts in-place modifications of a storage region. Shared by a tensor, its views and its Detach() results,
/// so autograd can tell when a tensor it saved was changed behind its back.
/// </summary>
internal sealed class VersionCounter
{
    public int Version { get; private set; }
    public void Bump() => Version++;
}
