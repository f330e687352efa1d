using Nabla.NN;

namespace Nabla;

/// <summary>Backward formulas of the fused activations; each saves the input (s[0]) and reads plain arguments.</summary>
internal static class ActivationDerivatives
{
    /// <summary>
    /// ReluBackward0 over the saved result: the gradient where the result is positive (or NaN), else 0. One fused pass
    /// when the backward is not being recorded and the operands are float tensors of one shape; otherwise the same rule
    /// as a where, which is differentiable.
    /// </summary>
    public static Tensor?[] Relu(Tensor g, Tensor[] s, bool[] _)
    {
        var y = s[0];
        if (GradMode.IsEnabled || g.DType != y.DType || y.DType is not (DType.Float32 or DType.Float64) || !g.Sizes.SequenceEqual(y.Sizes))
            return [Tensor.Where(y <= 0, 0.0, g)];
        var gi = Tensor.AllocateForOutput(y.Shape, y.DType);
        Kernels.ReluBackward.Run(g.Contiguous(), y.Contiguous(), gi);
        return [gi];
    }

    public static Tensor?[] LeakyRelu(Tensor g, Tensor[] s, bool[] needs, double slope) => [Tensor.Where(s[0] > 0, g, g * slope)];

    /// <summary>prelu: the input gets g or weight * g; the (broadcast) weight gets x * g where x ≤ 0.</summary>
    public static Tensor?[] Prelu(Tensor g, Tensor[] s, bool[] needs)
    {
        var (x, w) = (s[0], s[1]);
        var positive = x > 0;
        return [needs[0] ? Tensor.Where(positive, g, w * g) : null, needs[1] ? Tensor.Where(positive, 0.0, x * g) : null];
    }

    /// <summary>elu / celu: <c>g scale</c> for x &gt; 0, else <c>g scale alpha inputScale exp(x inputScale)</c>.</summary>
    public static Tensor?[] Elu(Tensor g, Tensor[] s, bool[] needs, (double Alpha, double Scale, double InputScale) a)
    {
        var x = s[0];
        return [Tensor.Where(x <= 0, g * (a.Scale * a.Alpha * a.InputScale) * (x * a.InputScale).Exp(), g * a.Scale)];
    }

    public static Tensor?[] Gelu(Tensor g, Tensor[] s, bool[] needs, GeluApproximate approximate)
    {
        var x = s[0];
        if (approximate == GeluApproximate.None)
        {
            var cdf = 0.5 * (1 + (x * Math.Sqrt(0.5)).Erf());
            var pdf = (-0.5 * x * x).Exp() * (1 / Math.Sqrt(2 * Math.PI));
            return [g * (cdf + x * pdf)];
        }
        const double kappa = 0.044715;
        double beta = Math.Sqrt(2 / Math.PI);
        var inner = beta * (x + kappa * x * x * x);
        var t = inner.Tanh();
        var left = 0.5 * x * (1 - t * t) * beta * (1 + 3 * kappa * x * x);
        return [g * (0.5 * (1 + t) + left)];
    }

    public static Tensor?[] Silu(Tensor g, Tensor[] s, bool[] needs, int _)
    {
        var sig = s[0].Sigmoid();
        return [g * sig * (1 + s[0] * (1 - sig))];
    }

    public static Tensor?[] Mish(Tensor g, Tensor[] s, bool[] needs, int _)
    {
        var x = s[0];
        var t = x.Exp().Log1p().Tanh();
        return [g * (t + x * x.Sigmoid() * (1 - t * t))];
    }

    public static Tensor?[] Softplus(Tensor g, Tensor[] s, bool[] needs, (double Beta, double Threshold) a)
    {
        var x = s[0];
        var z = (x * a.Beta).Exp();
        return [Tensor.Where(x * a.Beta > a.Threshold, g, g * z / (z + 1))];
    }

    /// <summary>hardtanh: the gradient passes strictly between the bounds (not at NaN, as libtorch's vectorised kernel).</summary>
    // ATen zeroes the gradient where x <= min or x >= max, so a NaN input passes its gradient through.
    public static Tensor?[] Hardtanh(Tensor g, Tensor[] s, bool[] needs, (double Min, double Max) a) =>
        [Tensor.Where((s[0] <= a.Min) | (s[0] >= a.Max), 0.0, g)];

    public static Tensor?[] Hardsigmoid(Tensor g, Tensor[] s, bool[] needs, int _) =>
        [Tensor.Where((s[0] > -3.0) & (s[0] < 3.0), g / 6, 0.0)];

    public static Tensor?[] Hardswish(Tensor g, Tensor[] s, bool[] needs, int _)
    {
        var x = s[0];
        return [Tensor.Where(x < -3.0, 0.0, Tensor.Where(x <= 3.0, g * (x / 3 + 0.5), g))];
    }

    public static Tensor?[] Threshold(Tensor g, Tensor[] s, bool[] needs, double threshold) => [Tensor.Where(s[0] <= threshold, 0.0, g)];

    public static Tensor?[] Logsigmoid(Tensor g, Tensor[] s, bool[] needs, int _) => [g * (-s[0]).Sigmoid()];

    /// <summary>hardshrink / softshrink: the gradient passes outside [-lambd, lambd] (NaN inputs get none, as in libtorch's vectorised kernel).</summary>
    public static Tensor?[] Shrink(Tensor g, Tensor[] s, bool[] needs, double lambd) =>
        [Tensor.Where((s[0] < -lambd) | (s[0] > lambd), g, 0.0)];

    /// <summary>glu: for a sigmoid(b), the first half gets <c>g σ(b)</c>, the second <c>g a σ(b)(1 - σ(b))</c>.</summary>
    public static Tensor?[] Glu(Tensor g, Tensor[] s, bool[] needs, int dim)
    {
        var x = s[0];
        int half = x.Size(dim) / 2;
        var a = x.Narrow(dim, 0, half);
        var sig = x.Narrow(dim, half, half).Sigmoid();
        return [Tensor.Cat([g * sig, g * a * sig * (1 - sig)], dim)];
    }
}
