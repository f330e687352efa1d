namespace Nabla.Core;

/// <summary>
/// How PyTorch's error classes map to .NET exceptions: RuntimeError, ValueError and TypeError on inputs become
/// ArgumentException; IndexError becomes <see cref="IndexException"/>; errors about autograd state become
/// InvalidOperationException; NotImplementedError becomes NotSupportedException. Messages keep PyTorch's wording.
/// </summary>
internal static class Errors
{
    public static ArgumentException Runtime(string message) => Mark(new ArgumentException(message));
    public static IndexException Index(string message) => new(message);
    public static InvalidOperationException State(string message) => Mark(new InvalidOperationException(message));
    public static NotSupportedException NotImplemented(string message) => Mark(new NotSupportedException(message));

    /// <summary>The key in <see cref="Exception.Data"/> that marks an exception as Nabla's deliberate answer to bad input.</summary>
    public const string ContractKey = "Nabla.Contract";

    /// <summary>Marks a deliberate refusal, so tests tell it from a runtime exception leaking out of a kernel.</summary>
    private static T Mark<T>(T e) where T : Exception
    {
        e.Data[ContractKey] = true;
        return e;
    }

    public static void Check(bool condition, string message)
    {
        if (!condition) throw Runtime(message);
    }

    /// <summary>maybe_wrap_dim: a dim in [-n, n-1] (or [-1, 0] for a 0-d tensor) made non-negative.</summary>
    public static int WrapDim(int dim, int ndim, bool scalarWraps = true)
    {
        if (ndim <= 0)
        {
            if (!scalarWraps) throw Index($"Dimension specified as {dim} but tensor has no dimensions");
            ndim = 1;
        }
        if (dim < -ndim || dim >= ndim)
            throw Index($"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})");
        return dim < 0 ? dim + ndim : dim;
    }

    /// <summary>ArgumentNullException naming the list and the position of its first null tensor (the list itself checked too).</summary>
    public static Tensor[] NoNullTensors(Tensor?[]? tensors, string paramName)
    {
        ArgumentNullException.ThrowIfNull(tensors, paramName);
        for (int i = 0; i < tensors.Length; i++)
            if (tensors[i] is null) throw new ArgumentNullException(paramName, $"{paramName}[{i}] is null");
        return tensors!;
    }

    public static string Shape(ReadOnlySpan<int> sizes) => "[" + string.Join(", ", sizes.ToArray()) + "]";
}
