namespace Nabla.Tests.NN;

/// <summary>Closeness of two tensors for the module tests: the same shape and every element within an absolute tolerance.</summary>
internal static class TensorClose
{
    public static bool Close(Tensor a, Tensor b, double tol = 1e-5) =>
        a.Shape.SequenceEqual(b.Shape) && (a - b).Abs().Max().To(DType.Float64).Item<double>() <= tol;
}
