using Nabla.Kernels;

namespace Nabla;

internal static partial class Derivatives
{
    // ---- segment and ragged-slice reductions: node names -------------------------------------------------------
    internal const string SegmentReduceBackward0 = nameof(SegmentReduceBackward0);
    internal const string RaggedSliceReduceBackward0 = nameof(RaggedSliceReduceBackward0);

    /// <summary>
    /// The node PyTorch gives the result of an op without a derivative formula (autograd's NotImplemented node,
    /// shown as grad_fn=&lt;NotImplemented&gt; in Python); running it raises "derivative for ... is not implemented".
    /// </summary>
    internal const string NotImplemented = nameof(NotImplemented);

    /// <summary>The plain arguments of a segment reduction's backward.</summary>
    internal readonly record struct SegmentArgs(SegmentPlan Plan, SegmentReduction Reduction, double? Initial, TieRule Ties, string Name);
}
