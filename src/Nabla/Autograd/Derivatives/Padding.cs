namespace Nabla;

internal static partial class Derivatives
{
    // ---- padding: node names -----------------------------------------------------------------------------------
    internal const string ConstantPadNdBackward0 = nameof(ConstantPadNdBackward0);
    internal const string ReflectionPad1DBackward0 = nameof(ReflectionPad1DBackward0);
    internal const string ReflectionPad2DBackward0 = nameof(ReflectionPad2DBackward0);
    internal const string ReflectionPad3DBackward0 = nameof(ReflectionPad3DBackward0);
    internal const string ReplicationPad1DBackward0 = nameof(ReplicationPad1DBackward0);
    internal const string ReplicationPad2DBackward0 = nameof(ReplicationPad2DBackward0);
    internal const string ReplicationPad3DBackward0 = nameof(ReplicationPad3DBackward0);

    /// <summary>reflection_pad{1,2,3}d's node for <paramref name="dims"/> padded dims.</summary>
    internal static string ReflectionPadBackward(int dims) => dims switch
    {
        1 => ReflectionPad1DBackward0,
        2 => ReflectionPad2DBackward0,
        _ => ReflectionPad3DBackward0,
    };

    /// <summary>replication_pad{1,2,3}d's node for <paramref name="dims"/> padded dims.</summary>
    internal static string ReplicationPadBackward(int dims) => dims switch
    {
        1 => ReplicationPad1DBackward0,
        2 => ReplicationPad2DBackward0,
        _ => ReplicationPad3DBackward0,
    };

    /// <summary>
    /// The backward of a padding done as gathers along one dim after another (saved: each step's index): the
    /// steps undone in reverse, each adding the gradient into its source positions (differentiable in turn).
    /// </summary>
    internal static Tensor?[] UndoGathers(Tensor g, Tensor[] indices, bool[] _, (int Dim, int[] InputShape)[] steps)
    {
        for (int k = steps.Length - 1; k >= 0; k--) g = g.IndexAddInto(steps[k].InputShape, steps[k].Dim, indices[k]);
        return [g];
    }
}
