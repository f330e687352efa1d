using Nabla.Kernels;
using Nabla.NN;

namespace Nabla;

internal static partial class Derivatives
{
    // ---- pooling: node names -----------------------------------------------------------------------------------
    internal const string MaxPool2DWithIndicesBackward0 = nameof(MaxPool2DWithIndicesBackward0);
    internal const string MaxPool2DWithIndicesBackwardBackward0 = nameof(MaxPool2DWithIndicesBackwardBackward0);
    internal const string AdaptiveMaxPool2DBackward0 = nameof(AdaptiveMaxPool2DBackward0);
    internal const string AdaptiveMaxPool2DBackwardBackward0 = nameof(AdaptiveMaxPool2DBackwardBackward0);
    internal const string MaxUnpool2DBackward0 = nameof(MaxUnpool2DBackward0);
    internal const string AvgPool2DBackward0 = nameof(AvgPool2DBackward0);
    internal const string AvgPool2DBackwardBackward0 = nameof(AvgPool2DBackwardBackward0);
    internal const string AdaptiveAvgPool2DBackward0 = nameof(AdaptiveAvgPool2DBackward0);
    internal const string AdaptiveAvgPool2DBackwardBackward0 = nameof(AdaptiveAvgPool2DBackwardBackward0);

    /// <summary>The plain arguments of an average-pooling node: its windows, the shape to return to and both node names.</summary>
    internal readonly record struct WindowAvgArgs(PoolPlan Plan, int[] InputShape, string Node, string BackwardNode);

    /// <summary>max_pool2d_with_indices_backward and the gradient of a plane gather (saved: indices): each gradient added at its index. The last
    /// <c>Spatial</c> dims form a plane (2 for the 1-d and 2-d ops, 3 for the 3-d ones).</summary>
    internal static Tensor?[] ScatterAddPlanes(Tensor g, Tensor[] s, bool[] _, (int[] InputShape, string BackwardNode, int Spatial) a) =>
        [F.ScatterAddPlanes(g, s[0], a.InputShape, a.BackwardNode, a.Spatial)];

    /// <summary>adaptive_max_pool2d's backward: refuses an empty grad_output plane, then scatters like max-pool.</summary>
    internal static Tensor?[] AdaptiveMaxPoolScatterAddPlanes(Tensor g, Tensor[] s, bool[] needs, (int[] InputShape, string BackwardNode, int Spatial) a)
    {
        F.CheckAdaptiveGradOutput(g, "AdaptiveMaxPool2DBackward0");
        return ScatterAddPlanes(g, s, needs, a);
    }

    /// <summary>Reads each gradient plane at the saved indices (max_unpool2d's backward, max-pool's double backward).</summary>
    internal static Tensor?[] GatherPlanes(Tensor g, Tensor[] s, bool[] _, int spatial) => [F.GatherPlanes(g, s[0], spatial)];
}
