using Nabla.Kernels;
using Nabla.NN;

namespace Nabla;

internal static partial class Derivatives
{
    /// <summary>The plain arguments of a resampling node: its forward taps, the taps its backward scatters with (they differ for
    /// nearest at exactly 1x or 2x, as in libtorch), the input shape and both node names.</summary>
    internal readonly record struct UpsampleArgs(UpsamplePlan Plan, UpsamplePlan AdjointPlan, int[] InputShape, string Node, string BackwardNode);

    /// <summary>upsample_*_backward: the adjoint scatter of the forward's taps (itself differentiable).</summary>
    internal static Tensor?[] UpsampleBackward(Tensor g, Tensor[] _, bool[] __, UpsampleArgs a) =>
        [F.UpsampleAdjoint(g, a)];

    /// <summary>The gradient of upsample_*_backward: the forward resampling again, since the op is linear.</summary>
    internal static Tensor?[] UpsampleBackwardBackward(Tensor gg, Tensor[] _, bool[] __, UpsampleArgs a) =>
        [F.UpsampleApply(gg, a)];
}
