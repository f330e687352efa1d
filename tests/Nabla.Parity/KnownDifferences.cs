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
        .. BroadcastOps.Select(op => new Entry(op, "error:broadcast", "error-message", BroadcastMessage)),

        // Bool inputs libtorch rejects
        new("abs", "", "throws", "B2: abs accepts Bool; libtorch: '\"abs_cpu\" not implemented for 'Bool''", Bool),
        new("pow", "", "throws", "B3: pow accepts Bool base and exponent; libtorch: '\"pow\" not implemented for 'Bool''", Bool),
        new("div(rounding_mode='trunc')", "", "throws", "B4: div(trunc) accepts Bool; libtorch: '\"div_trunc_cpu\" not implemented for 'Bool''", Bool),
        new("div(rounding_mode='trunc')", "", "error-message", "B4: div(trunc) of Bool by false says 'ZeroDivisionError'; libtorch: '\"div_trunc_cpu\" not implemented for 'Bool''", Bool),
        new("div(rounding_mode='floor')", "", "throws", "B4: div(floor) accepts Bool; libtorch: '\"div_floor_cpu\" not implemented for 'Bool''", Bool),
        new("div(rounding_mode='floor')", "", "error-message", "B4: div(floor) of Bool by false says 'ZeroDivisionError'; libtorch: '\"div_floor_cpu\" not implemented for 'Bool''", Bool),
        new("remainder", "", "throws", "B4: remainder accepts Bool; libtorch: '\"remainder_cpu\" not implemented for 'Bool''", Bool),
        new("remainder", "", "error-message", "B4: remainder of Bool by false says 'ZeroDivisionError'; libtorch: '\"remainder_cpu\" not implemented for 'Bool''", Bool),
        new("matmul", "", "throws", "B5: matmul accepts Bool; libtorch: '\"dot\"/\"addmv_impl_cpu\"/\"addmm_impl_cpu_\" not implemented for 'Bool''", Bool),
        new("mm", "", "throws", "B5: mm accepts Bool; libtorch: '\"addmm_impl_cpu_\" not implemented for 'Bool''", Bool),
        new("argmax", "", "throws", "B6: argmax accepts Bool; libtorch: 'argmax(): does not support bool input'", Bool),
        new("argmax", "", "error-message", "B6: argmax of an empty Bool tensor reports the empty reduction, libtorch the Bool dtype first", Bool),
        new("argmax", "", "error-type", "B6: argmax of an empty Bool tensor: IndexOutOfRangeException; libtorch raises RuntimeError (Bool not supported)", Bool),
        new("argmin", "", "throws", "B6: argmin accepts Bool; libtorch: 'argmin(): does not support bool input'", Bool),
        new("argmin", "", "error-message", "B6: argmin of an empty Bool tensor reports the empty reduction, libtorch the Bool dtype first", Bool),
        new("argmin", "", "error-type", "B6: argmin of an empty Bool tensor: IndexOutOfRangeException; libtorch raises RuntimeError (Bool not supported)", Bool),
        new("relu", "", "error-message", "B7: relu(Bool) says '\"clamp_min_cpu\" not implemented for 'Bool''; libtorch: 'Boolean inputs not supported for relu'", Bool),

        // Reductions
        new("amax", "full", "error-message", "B8: amax() of an empty tensor says 'Expected reduction dim 0 to have non-zero size.'; libtorch: 'amax(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.'"),
        new("amax", "full", "error-type", "B8: amax() of an empty tensor throws IndexOutOfRangeException; libtorch raises RuntimeError"),
        new("amin", "full", "error-message", "B8: amin() of an empty tensor: same as amax"),
        new("amin", "full", "error-type", "B8: amin() of an empty tensor: same as amax"),
        new("amax", "dim", "error-message", "B9: amax(dim<0) over an empty dim prints the wrapped dim ('dim 1'); libtorch prints the dim as given ('dim -1')"),
        new("amin", "dim", "error-message", "B9: amin(dim<0) over an empty dim prints the wrapped dim; libtorch prints it as given"),
        new("var", "", "error-message", "B10: var of an integer/Bool tensor says 'var(): could not infer output dtype...'; libtorch: 'std and var only support floating point and complex dtypes'", NonFloat),
        new("std", "", "error-message", "B10: std of an integer/Bool tensor: same as var", NonFloat),
        new("logsumexp", "dim", "throws", "B11: logsumexp over an empty dim throws (amax error); libtorch returns -inf: zeros(0).Logsumexp(0)"),
        new("softmax", "dim", "throws", "B12: softmax over an empty dim throws the amax error 'Expected reduction dim 0 to have non-zero size.' (and for empty integer input); libtorch returns an empty result: Zeros(0).Softmax(0)"),
        new("softmax", "dim", "error-message", "B12: softmax of an integer tensor always names \"softmax_lastdim_kernel_impl\"; libtorch names \"softmax_kernel_impl\" unless dim is the last", NonFloat),
        new("softmax", "error:", "error-message", "B12: softmax(int, dim out of range) reports the dtype; libtorch checks the dim first (IndexError)", NonFloat),
        new("softmax", "error:", "error-type", "B12: softmax(int, dim out of range) throws ArgumentException; libtorch raises IndexError", NonFloat),
        new("log_softmax", "dim", "throws", "B12: log_softmax over an empty dim throws the amax error; libtorch returns an empty result: Zeros(0).LogSoftmax(0)"),
        new("log_softmax", "dim", "values", "B32: log_softmax of a row containing +inf gives -inf for the finite entries; libtorch gives NaN (x - max - log(sum) with max = inf): From(new[]{1.0, double.PositiveInfinity}).LogSoftmax(0)"),
        new("log_softmax", "dim", "error-message", "B12: log_softmax(int) names \"log_softmax_lastdim_kernel_impl\"; libtorch: \"softmax_kernel_impl\" not implemented for ...", NonFloat),
        new("log_softmax", "error:", "error-message", "B12: log_softmax(int, dim out of range) reports the dtype; libtorch checks the dim first", NonFloat),
        new("log_softmax", "error:", "error-type", "B12: log_softmax(int, dim out of range) throws ArgumentException; libtorch raises IndexError", NonFloat),

        // Autograd
        new("std", "", "grad", "B31: std backward where std == 0 (all values tied) is NaN; libtorch masks it to 0: From(new[]{1.0, 1.0}).RequiresGrad_().Std()"),
        new("cumsum", "dim", "grad", "B13: backward of cumsum on a 0-d tensor throws IndexOutOfRangeException: From(2f).RequiresGrad_().Cumsum(0)"),
        new("prod", "dim", "grad", "B13: backward of prod(dim) on a 0-d tensor throws IndexOutOfRangeException; with inf/NaN inputs values differ (see B15)"),
        new("prod", "full", "grad", "B15: prod backward differs from libtorch's grad*prod/x formula at inf/NaN inputs: [2,inf,3] gives [inf,6,inf], libtorch [inf,NaN,inf]"),
        new("cumprod", "dim", "grad", "B14: cumprod backward throws 'torch.cat(): expected a non-empty list of Tensors' on empty input, and gives NaN/inf where libtorch is finite for inputs with inf/NaN"),
        new("maximum", "same", "grad", "B16: maximum backward with a NaN operand: Nabla sends 0 to the NaN side; libtorch sends the full grad to both"),
        new("minimum", "same", "grad", "B16: minimum backward with a NaN operand: same as maximum"),
        new("relu", "", "grad", "B17: relu backward at NaN input gives 0; libtorch passes the gradient (threshold_backward: NaN <= 0 is false)"),
        new("sign", "", "values", "B18: sign(NaN) is NaN; libtorch gives 0"),
        new("abs", "", "grad", "B18: abs backward at NaN is NaN (grad*sign(x)); libtorch gives 0 (sign(NaN) = 0)"),
        new("to(dtype)", "to:", "requires-grad", "B19: x.To(integer or Bool dtype) of a float tensor requiring grad still requires grad; libtorch: requires_grad=False"),
        new("cat", "cat", "requires-grad", "B20: cat of only empty 1-d tensors requiring grad loses requires_grad: Cat([Zeros(0).RequiresGrad_()]).RequiresGrad is False"),
        new("var", "full", "grad", "B33: var (correction=1, keepdim) backward of a 0-d NaN tensor gives NaN; libtorch +inf: From(float.NaN).RequiresGrad_().Var(null, 1, true) (NABLA_PARITY_SEED=674005239 NABLA_PARITY_OPS=var)"),

        // Views, shapes, indexing
        new("transpose", "", "throws", "B21: transpose on a 0-d tensor throws IndexOutOfRangeException ('Index was outside the bounds of the array.'); libtorch allows transpose(0, -1) on a scalar"),
        new("flip", "error:dup", "throws", "B22: flip with a repeated dim (1, -1) succeeds; libtorch: 'dim 1 appears multiple times in the list of dims'"),
        new("expand", "error:fewer-dims", "error-message", "B23: expand error always prints 'torch.FloatTensor{...}'; libtorch prints the dtype's CPU type, e.g. 'CPULongType{[2, 3]}'"),
        new("select", "error:index", "error-message", "B24: select out of range says 'index 3 is out of bounds for dimension 1 with size 3'; libtorch: 'select(): index 3 out of range for tensor of size [4, 3] at dimension 1'"),
        new("slice", "error:step0", "error-message", "B25: slice step 0 says 'step must be greater than zero'; libtorch: 'step is 0, but it should always be positive.'"),
        new("index(int64 tensor)", "", "throws", "B26: x[idx] throws 'cannot reshape tensor of 0 elements into shape [-1, 0, 3]...' when x has an empty non-indexed dim: Zeros(2,0,3)[From(new long[]{0,1})]"),
        new("bmm", "3d@3d", "error-message", "B27: bmm batch mismatch says 'batch1 and batch2 must have same number of batches, got 2 and 3'; libtorch: 'Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [3, 3].'"),
        new("nn.functional.pad(constant)", "error:negative-size", "error-message", "B28: pad to a negative size reports 'The input size 3, plus negative padding ...'; libtorch 2.10 fails earlier with 'narrow(): length must be non-negative.'"),
        new("nn.functional.pad(constant)", "pad", "throws", "B29: pad of a UInt8 tensor with value -1 wraps to 255; libtorch: 'value cannot be converted to type uint8_t without overflow'", [DType.UInt8]),
        new("", "", "to-array", "B30: ToArray on an empty view with a non-zero offset throws ArgumentOutOfRangeException: Zeros(3,0).Slice(0,1,3,2).ToArray<float>()"),
    ];

    public static Entry? Match(Failure f) =>
        Entries.FirstOrDefault(e => (e.Op == "" || e.Op == f.Op) && e.Check == f.Check && f.SampleKind.StartsWith(e.Kind)
            && (e.DTypes is null || (f.DType is { } d && e.DTypes.Contains(d))));
}
