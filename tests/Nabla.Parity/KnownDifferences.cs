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

    public static readonly Entry[] Entries =
    [
        // Autograd
        new("var", "dim", "grad", "B33: (same) var over dim -1 of a 0-d NaN tensor: backward NaN, libtorch ±inf (NABLA_PARITY_SEED=99 NABLA_PARITY_ITERATIONS=8 NABLA_PARITY_OPS=var)"),
        new("var", "full", "grad", "B33: var (correction=1, keepdim) backward of a 0-d NaN tensor gives NaN; libtorch +inf: From(float.NaN).RequiresGrad_().Var(null, 1, true) (NABLA_PARITY_SEED=674005239 NABLA_PARITY_OPS=var)"),

        new("std", "full/expanded", "grad", "B51: std backward of a float32 input whose elements are all equal gives 0; libtorch's float32 mean of the equal values is inexact, so its std is tiny but nonzero and the gradient finite and nonzero (e.g. -0.044): x = Tensor.From(new[]{-1.7376647f}).RequiresGrad_(); x.Expand([5]).Std(null, 1, true) then Backward (NABLA_PARITY_SEED=4242 NABLA_PARITY_ITERATIONS=6 NABLA_PARITY_OPS=std)", [DType.Float32]),
        new("std", "dim/expanded", "grad", "B51: (same) std over a dim of equal float32 values: gradient 0 vs libtorch's nonzero one", [DType.Float32]),

        // Resampling
        new("nn.functional.hardtanh", "contiguous/Edge", "grad", "hardtanh backward at a NaN input: libtorch's hardtanh_backward passes the gradient in its vectorized loop and zeroes it in its scalar loop, so the result depends on the element's position and the layout; Nabla always passes it (the vectorized rule, x <= min or x >= max zeroes): F.Hardtanh(x, 0, 2) with NaN in x (NABLA_PARITY_ITERATIONS=12 NABLA_PARITY_OPS=nn.functional.hardtanh)"),
        new("nn.functional.hardtanh", "expanded/Edge", "grad", "(same) hardtanh backward at a NaN input of an expanded view: libtorch's scalar loop gives 0"),
        new("nn.functional.hardtanh", "transposed/Edge", "grad", "(same) hardtanh backward at a NaN input of a transposed view"),
        new("nn.functional.hardtanh", "sliced/Edge", "grad", "(same) hardtanh backward at a NaN input of a step-sliced view"),
        new("nn.functional.interpolate", "nearest/scale/transposed", "values", "nearest forward on a channels-last-strided input when an output size is exactly 1x or 2x its input but the scale_factor is not: libtorch's channels-last kernel copies/halves the index, its contiguous kernel and Nabla floor(dst/scale) (NABLA_PARITY_SEED=4 NABLA_PARITY_OPS=nn.functional.interpolate)"),

        // Views, shapes, indexing
        new("index_add", "", "error-message", "B39: index_add on a 0-d self with dim 0 checks the number of indices first; libtorch first rejects the dim ('Dimension specified as 0 but tensor has no dimensions', IndexError): Tensor.From(1f).Reshape([]).IndexAdd(0, Tensor.Zeros([0], DType.Int64), Tensor.From(1f).Reshape([]))"),
        new("index_add", "", "error-type", "B39: (same) index_add on a 0-d self with dim 0 throws ArgumentException about the number of indices; libtorch IndexError 'Dimension specified as 0 but tensor has no dimensions'"),
        new("scatter_reduce", "mean/", "error-message", "B40: scatter_reduce(reduce='mean') on Bool: Nabla fails in its division ('\"div_floor_cpu\" not implemented for 'Bool''), after the index bounds check, and returns an empty result without error; libtorch rejects Bool first with '\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'': Tensor.Zeros([3], DType.Bool).ScatterReduce(0, Tensor.From(new long[]{0}), Tensor.Zeros([1], DType.Bool), ScatterReduceMode.Mean)", Bool),
        new("scatter_reduce", "mean/", "throws", "B40: (same) scatter_reduce(reduce='mean') on Bool: Nabla fails in its division ('\"div_floor_cpu\" not implemented for 'Bool''), after the index bounds check, and returns an empty result without error; libtorch rejects Bool first with '\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'': Tensor.Zeros([3], DType.Bool).ScatterReduce(0, Tensor.From(new long[]{0}), Tensor.Zeros([1], DType.Bool), ScatterReduceMode.Mean)", Bool),
        new("scatter_reduce", "mean/", "error-type", "B40: (same) scatter_reduce(reduce='mean') on Bool: Nabla fails in its division ('\"div_floor_cpu\" not implemented for 'Bool''), after the index bounds check, and returns an empty result without error; libtorch rejects Bool first with '\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'': Tensor.Zeros([3], DType.Bool).ScatterReduce(0, Tensor.From(new long[]{0}), Tensor.Zeros([1], DType.Bool), ScatterReduceMode.Mean)", Bool),


        // Reductions (any / all)

        // Padding, pooling
        new("max_unpool3d(max_pool3d)", "", "error-message", "B-unpool3d: with invalid indices in several planes, libtorch's cpu_max_unpool (parallel over planes, no grain) reports whichever plane wrote its error index last, which varies with threading; Nabla reports the last plane's (NABLA_PARITY_SEED=20261126 NABLA_PARITY_OPS=max_unpool3d(max_pool3d))"),

        // Convolution
        .. new[] { "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d" }.Select(op => new Entry("nn.functional." + op, "", "grad",
            "B-conv: float32 gradients of a convolution sum many products in another order than libtorch's kernels; on large samples a value can miss the float32 tolerance (weight grad 0.0670598 vs 0.0670700, NABLA_PARITY_SEED=1253347001 NABLA_PARITY_OPS=nn.functional.conv3d; bias grad -0.9120002 vs libtorch -0.9120151 where the exact sum of the 3-decimal cotangents is -0.912, NABLA_PARITY_SEED=15927137 NABLA_PARITY_OPS=nn.functional.conv_transpose3d); float64 gradients of the same samples match", [DType.Float32])),
        new("nn.functional.pad(reflect/replicate/circular)", "circular/", "throws", "B44: circular pad with a negative pad on one side and a positive pad on another throws 'unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location'; libtorch pads: F.Pad(Tensor.Zeros([2,2,4,2]), [-1,1,4,-1], PadMode.Circular)"),
        new("max_unpool2d(max_pool2d)", "", "error-message", "B47: (same) with an output_size out of the allowed range Nabla reports 'Found an invalid max index: 6 (output volumes are of size 4x1)'; torch 'invalid output_size 4 1 (dim 0 must be between 1 and 3)' (NABLA_PARITY_SEED=777 NABLA_PARITY_ITERATIONS=6)"),
        new("max_unpool2d(max_pool2d)", "", "throws", "B47: max_unpool2d accepts an explicit output_size outside the range torch.nn.functional allows (the default size minus/plus the stride); torch throws ('invalid output_size 5 3 (dim 0 must be between 6 and 10)'; the check is in Python/TorchSharp's functional layer, not in at::max_unpool2d): F.MaxUnpool2d(o, i, [3,3], [3,3], null, [5,3]) for o,i = MaxPool2dWithIndices(x[2,2,5,3], [3,3], [3,3])"),

        // Normalisation
        new("nn.functional.group_norm", "", "grad", "B60: float32 group_norm gradients over ill-conditioned groups (two elements, or all-equal values from an expanded input, so the variance is 0 or tiny next to eps) differ after cancellation: libtorch sums its statistics and per-channel sums in float32 in its own order, Nabla in float64 (float64 matches). E.g. F.GroupNorm(x[2,4], 2) on a sliced float32 x (NABLA_PARITY_SEED=20261126)", [DType.Float32]),
        new("nn.functional.group_norm", "", "values", "B60: (same) float32 group_norm of an expanded input whose groups hold equal values: libtorch's float32 mean differs from the values by an ulp, so its output is that ulp times rstd = 1/sqrt(eps); Nabla's mean is exact, its output exactly the bias (NABLA_PARITY_SEED=5 NABLA_PARITY_ITERATIONS=6)", [DType.Float32]),
        new("nn.functional.layer_norm", "", "grad", "B60: (same) float32 layer_norm gradients over two-element rows: cancellation, libtorch's float32 sums vs Nabla's (NABLA_PARITY_SEED=5 NABLA_PARITY_ITERATIONS=6)", [DType.Float32]),

        // Activations on infinities and NaN, where libtorch's vectorised and scalar kernel paths disagree with each other
        new("nn.functional.elu", "", "grad", "B61: elu / selu / celu backward at x = ±inf (Edge samples): libtorch's vectorised kernel gives NaN, Nabla the limit of the formula (0 or g * scale), as libtorch's own scalar path does (NABLA_PARITY_SEED=20261126)"),
        new("nn.functional.selu", "", "grad", "B61: (same) selu backward at x = ±inf"),
        new("nn.functional.celu", "", "grad", "B61: (same) celu backward at x = ±inf"),
        new("nn.functional.mish", "", "values", "B61: mish(+inf): libtorch NaN, Nabla +inf (x * tanh(softplus(x)) = inf * 1)"),
        new("nn.functional.hardshrink", "", "grad", "B61: hardshrink backward at NaN: libtorch's vectorised path gives 0, its scalar tail path the gradient; Nabla always 0"),
        new("nn.functional.softshrink", "", "grad", "B61: (same) softshrink backward at NaN"),
        new("nn.functional.relu6", "", "grad", "B61: (same) relu6 (hardtanh) backward at NaN: libtorch gives 0 on its vectorised path and the gradient on its scalar tail, depending on the element's position; Nabla always 0"),
    ];

    public static Entry? Match(Failure f) =>
        Entries.FirstOrDefault(e => (e.Op == "" || e.Op == f.Op) && e.Check == f.Check && f.SampleKind.StartsWith(e.Kind)
            && (e.DTypes is null || (f.DType is { } d && e.DTypes.Contains(d))));
}
