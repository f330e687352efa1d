namespace Nabla.Tests;

/// <summary>Seeded float64 leaves for GradCheck tables, optionally through a transposed (non-contiguous) view.</summary>
internal static class GradCheckInputs
{
    /// <summary>Uniform values in [-1, 1) (or [0.5, 1.5) when <paramref name="positive"/>), one leaf per shape.</summary>
    public static Tensor[] Make(int[][] shapes, bool positive, bool transposed, ulong seed)
    {
        Tensor.ManualSeed(seed);
        return shapes.Select(shape =>
        {
            var t = Tensor.Rand(shape, DType.Float64);
            t = positive ? t + 0.5 : t * 2 - 1;
            if (transposed && shape.Length >= 2)
                t = t.Transpose(-1, -2).Contiguous().Transpose(-1, -2); // same values, non-contiguous strides
            return t.Detach().RequiresGrad_();
        }).ToArray();
    }
}
