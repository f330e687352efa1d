namespace Nabla.PyTorchTests;

/// <summary>Key pieces the indexing ports write as Python does: ':' , '...', None, start:stop:step, and NumPy's 3x3 example.</summary>
internal static class Keys
{
    public static readonly TensorIndex All = TensorIndex.Slice();
    public static readonly TensorIndex E = TensorIndex.Ellipsis;
    public static readonly TensorIndex None = TensorIndex.NewAxis;

    public static TensorIndex S(int? start, int? stop, int step = 1) => TensorIndex.Slice(start, stop, step);

    /// <summary>[[1, 2, 3], [4, 5, 6], [7, 8, 9]] as int64.</summary>
    public static Tensor A33() => Check.L([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, 3);
}
