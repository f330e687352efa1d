namespace Nabla.PyTorchTests;

/// <summary>
/// The few assertions PyTorch's TestCase gives its tests (assertEqual on tensors, with exact dtype and shape),
/// and short constructors for the literal tensors the ported cases write out.
/// </summary>
internal static class Check
{
    /// <summary>torch.tensor of doubles reshaped to <paramref name="shape"/> (all of it when no shape is given).</summary>
    public static Tensor D(double[] values, params int[] shape) =>
        Tensor.From(values).Reshape(shape.Length == 0 ? [values.Length] : shape);

    /// <summary>A float32 tensor of the given values and shape.</summary>
    public static Tensor Fl(double[] values, params int[] shape) => D(values, shape).To(DType.Float32);

    /// <summary>An int64 tensor of the given values and shape.</summary>
    public static Tensor L(long[] values, params int[] shape) =>
        Tensor.From(values).Reshape(shape.Length == 0 ? [values.Length] : shape);

    /// <summary>A 1-d int64 index tensor.</summary>
    public static Tensor Idx(params long[] values) => Tensor.From(values);

    /// <summary>A bool tensor of the given values and shape.</summary>
    public static Tensor B(bool[] values, params int[] shape) =>
        Tensor.From(values).Reshape(shape.Length == 0 ? [values.Length] : shape);

    /// <summary>1, 2, 3, ... as float32 of the given shape, starting at <paramref name="start"/> (the tests' consec helper).</summary>
    public static Tensor Consec(int[] shape, int start = 1, DType dtype = DType.Float32)
    {
        int n = 1;
        foreach (var s in shape) n *= s;
        return Tensor.Arange(start, start + n, 1, DType.Int64).To(dtype).Reshape(shape);
    }

    /// <summary>assertEqual(actual, expected) for tensors: same shape, and values within the dtype's default tolerance.</summary>
    public static void Eq(Tensor expected, Tensor actual, double atol = -1, double rtol = -1, bool exactDType = false)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        if (exactDType) Assert.Equal(expected.DType, actual.DType);
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        bool floating = expected.IsFloatingPoint || actual.IsFloatingPoint;
        if (atol < 0) atol = floating ? (expected.DType == DType.Float64 && actual.DType == DType.Float64 ? 1e-7 : 1e-5) : 0;
        if (rtol < 0) rtol = floating ? (expected.DType == DType.Float64 && actual.DType == DType.Float64 ? 1e-7 : 1.3e-6) : 0;
        for (int i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i]) && double.IsNaN(a[i])) continue;
            if (e[i] == a[i]) continue;
            Assert.True(Math.Abs(e[i] - a[i]) <= atol + rtol * Math.Abs(e[i]),
                $"element {i}: expected {e[i]}, got {a[i]}\nexpected: {expected}\nactual: {actual}");
        }
    }

    /// <summary>assertEqual(tensor, number): every element equals the number.</summary>
    public static void Eq(double expected, Tensor actual)
    {
        foreach (var v in actual.ToArray<double>()) Assert.Equal(expected, v);
    }

    /// <summary>Values as doubles, for assertions on small results.</summary>
    public static double[] V(Tensor t) => t.ToArray<double>();

    /// <summary>Values as longs (indices).</summary>
    public static long[] Ls(Tensor t) => t.ToArray<long>();
}
