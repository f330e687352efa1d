using System.Numerics;
using Nabla.Core;
using Nabla.Optim;

namespace Nabla.NN.Utils;

/// <summary>torch.nn.utils' gradient clipping: clip_grad_norm_ and clip_grad_value_, in place on the parameters' gradients.</summary>
public static class ClipGrad
{
    /// <summary>
    /// torch.nn.utils.clip_grad_norm_: the norm of all gradients together (the <paramref name="normType"/>-norm of the per-gradient
    /// norms; <see cref="double.PositiveInfinity"/> for the max norm), and every gradient scaled by
    /// min(1, maxNorm / (total + 1e-6)). Returns the total norm as a 0-d tensor (0 when no parameter has a gradient).
    /// </summary>
    /// <exception cref="ArgumentException">errorIfNonfinite and the total norm is NaN or infinite (PyTorch's text); a non-floating gradient.</exception>
    public static Tensor ClipGradNorm_(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
    {
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return Tensor.Zeros([], DType.Float32);
        var dtype = grads[0].DType;
        double total = 0;
        foreach (var g in grads)
        {
            if (!g.DType.IsFloatingPoint()) throw Errors.Runtime($"clip_grad_norm_: gradients must be floating point, got {g.DType.TorchName()}");
            double n = Round(VectorNorm(g, normType), g.DType);
            total = Accumulate(total, Round(n, dtype), normType);
        }
        total = Round(Finish(total, normType), dtype);
        if (errorIfNonfinite && !double.IsFinite(total))
            throw Errors.Runtime($"The total norm of order {OptionValues.Repr(normType)} for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`");
        double coef = dtype == DType.Float32 ? (float)maxNorm / ((float)total + (float)1e-6) : maxNorm / (total + 1e-6);
        coef = Round(Math.Min(coef, 1.0), dtype);
        foreach (var g in grads) Scale(g, coef);
        return Tensor.Full([], total, dtype);
    }

    /// <summary>torch.nn.utils.clip_grad_value_: clamps every gradient element to [−clipValue, clipValue] in place.</summary>
    public static void ClipGradValue_(IEnumerable<Tensor> parameters, double clipValue)
    {
        using var _ = GradMode.NoGrad();
        foreach (var g in parameters.Select(p => p.Grad).OfType<Tensor>())
            g.Clamp_(-clipValue, clipValue);
    }

    private static double Round(double v, DType dtype) => dtype == DType.Float32 ? (float)v : v;

    private static double Accumulate(double acc, double x, double p) =>
        double.IsPositiveInfinity(p) ? Math.Max(acc, Math.Abs(x))
        : p == 0 ? acc + (x != 0 ? 1 : 0)
        : p == 1 ? acc + Math.Abs(x)
        : p == 2 ? acc + x * x
        : acc + Math.Pow(Math.Abs(x), p);

    private static double Finish(double acc, double p) =>
        double.IsPositiveInfinity(p) || p == 0 || p == 1 ? acc : p == 2 ? Math.Sqrt(acc) : Math.Pow(acc, 1 / p);

    /// <summary>torch.linalg.vector_norm of one gradient, accumulated in double.</summary>
    private static double VectorNorm(Tensor g, double p)
    {
        var values = g.DType == DType.Float32 ? g.ToArray<float>().Select(v => (double)v) : g.ToArray<double>();
        double acc = 0;
        foreach (var v in values) acc = Accumulate(acc, v, p);
        return Finish(acc, p);
    }

    private static void Scale(Tensor g, double coef)
    {
        if (!g.IsContiguous())
        {
            using var _ = GradMode.NoGrad();
            g.Mul_(coef);
            return;
        }
        if (g.DType == DType.Float32) Scale(g.Data<float>().AsSpan(g.StorageOffset, g.Numel), (float)coef);
        else Scale(g.Data<double>().AsSpan(g.StorageOffset, g.Numel), coef);
        g.VersionCounter.Bump();
    }

    private static void Scale<T>(Span<T> span, T coef) where T : INumber<T>
    {
        for (int i = 0; i < span.Length; i++) span[i] *= coef;
    }
}
