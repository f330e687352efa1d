namespace Nabla.Parity;

/// <summary>
/// Every known way Nabla differs from libtorch, found by the parity suite. Each entry is a reported bug, not a
/// silent pass: a failure matching an entry is listed in the test output, and any failure matching no entry
/// fails the test. Match: op name, sample kind (prefix; "*" for any) and check ("values", "grad",
/// "error-message", "error-type", "throws", "dtype", "shape", "requires-grad").
/// </summary>
public static class KnownDifferences
{
    public sealed record Entry(string Op, string Kind, string Check, string What);

    public static readonly Entry[] Entries =
    [
    ];

    public static Entry? Match(Harness.Failure f) =>
        Entries.FirstOrDefault(e => e.Op == f.Op && e.Check == f.Check && (e.Kind == "*" || f.SampleKind.StartsWith(e.Kind)));
}
