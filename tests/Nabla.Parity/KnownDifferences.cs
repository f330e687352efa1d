using Nabla.Parity.Harness;

namespace Nabla.Parity;

/// <summary>
/// Every known way Nabla differs from libtorch 2.10, found by the parity suite. Each entry is a reported Nabla
/// bug, not a silent pass: matching failures are printed in the test output and counted in docs/OPS.md, and any
/// failure matching no entry fails the test. An entry matches on op name, sample-kind prefix ("" = any kind),
/// check ("values", "grad", "error-message", "error-type", "throws", "dtype", "shape", "requires-grad",
/// "to-array") and, when given, the dtypes the sample was drawn for.
/// When Nabla fixes a bug, delete its entry: OPS.md lists entries that no longer reproduce.
/// </summary>
public static class KnownDifferences
{
    public sealed record Entry(string Op, string Kind, string Check, string What, DType[]? DTypes = null);

    private static readonly DType[] Bool = [DType.Bool];
    private static readonly DType[] NonFloat = [DType.Bool, DType.UInt8, DType.Int32, DType.Int64];

    private static readonly string[] BroadcastOps =
        ["add", "sub", "mul", "div", "div(rounding_mode='trunc')", "div(rounding_mode='floor')", "remainder", "pow",
         "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge", "logical_and"];

    private const string BroadcastMessage =
        "B1: broadcast error reports the first mismatch from the front with a/b sizes swapped; libtorch reports the last: "
        + "zeros(2,3)+zeros(3,2) gives 'a (2) ... b (3) at non-singleton dimension 0', libtorch 'a (3) ... b (2) at non-singleton dimension 1'";

    public static readonly Entry[] Entries =
    [

        // Bool inputs libtorch rejects

        // Reductions

        // Autograd
        new("var", "full", "grad", "B33: var (correction=1, keepdim) backward of a 0-d NaN tensor gives NaN; libtorch +inf: From(float.NaN).RequiresGrad_().Var(null, 1, true) (NABLA_PARITY_SEED=674005239 NABLA_PARITY_OPS=var)"),

        // Views, shapes, indexing
    ];

    public static Entry? Match(Failure f) =>
        Entries.FirstOrDefault(e => (e.Op == "" || e.Op == f.Op) && e.Check == f.Check && f.SampleKind.StartsWith(e.Kind)
            && (e.DTypes is null || (f.DType is { } d && e.DTypes.Contains(d))));
}
