namespace Nabla.Parity;

/// <summary>
/// Test classes that seed both default generators (Nabla's and libtorch's) and compare what they draw: xunit runs test
/// classes in parallel, so these share one collection and run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DefaultGeneratorsCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "default generators";
}
