namespace Nabla;

internal static partial class Derivatives
{
    // ---- reductions: node names --------------------------------------------------------------------------------
    internal const string SumBackward0 = nameof(SumBackward0);
    internal const string SumBackward1 = nameof(SumBackward1);
    internal const string MeanBackward0 = nameof(MeanBackward0);
    internal const string MeanBackward1 = nameof(MeanBackward1);
    internal const string ProdBackward0 = nameof(ProdBackward0);
    internal const string ProdBackward1 = nameof(ProdBackward1);
    internal const string VarBackward0 = nameof(VarBackward0);
    internal const string StdBackward0 = nameof(StdBackward0);
    internal const string LogsumexpBackward0 = nameof(LogsumexpBackward0);
    internal const string SoftmaxBackward0 = nameof(SoftmaxBackward0);
    internal const string LogSoftmaxBackward0 = nameof(LogSoftmaxBackward0);
    internal const string MaxBackward0 = nameof(MaxBackward0);
    internal const string MaxBackward1 = nameof(MaxBackward1);
    internal const string MinBackward0 = nameof(MinBackward0);
    internal const string MinBackward1 = nameof(MinBackward1);
    internal const string AmaxBackward0 = nameof(AmaxBackward0);
    internal const string AminBackward0 = nameof(AminBackward0);

    /// <summary>Where a reduction happened: the input's shape, the reduced dims and keepdim.</summary>
    internal readonly record struct Reduced(int[] InputShape, int[] Dims, bool Keepdim);

    /// <summary>The reduced gradient broadcast back over the input's shape.</summary>
    private static Tensor Expanded(Tensor g, Reduced r) => g.ExpandReduced(r.InputShape, r.Dims, r.Keepdim);

    internal static Tensor?[] Sum(Tensor g, Tensor[] _, bool[] __, Reduced r) => [Expanded(g, r)];

    internal static Tensor?[] Mean(Tensor g, Tensor[] _, bool[] __, (Reduced R, int Count) a) => [Expanded(g, a.R) / a.Count];

    /// <summary>var_backward: 2 (x - mean) / (n - correction) (saved: self).</summary>
    internal static Tensor?[] Var(Tensor g, Tensor[] s, bool[] _, (Reduced R, double Denominator) a) =>
        [Expanded(g, a.R) * (s[0] - s[0].Mean([.. a.R.Dims], keepdim: true)) * (2.0 / a.Denominator)];

    /// <summary>std_backward: var's gradient divided by 2 std, zero where std is zero (saved: self, result).</summary>
    internal static Tensor?[] Std(Tensor g, Tensor[] s, bool[] _, (Reduced R, double Denominator) a) =>
        [Expanded(Tensor.Where(s[1] == 0.0, 0.0, g / s[1]), a.R) * (s[0] - s[0].Mean([.. a.R.Dims], keepdim: true)) / a.Denominator];

    /// <summary>logsumexp_backward: grad * exp(self - result) (saved: self, result).</summary>
    internal static Tensor?[] Logsumexp(Tensor g, Tensor[] s, bool[] _, Reduced r) =>
        [Expanded(g, r) * (s[0] - Expanded(s[1], r)).Exp()];

    /// <summary>_softmax_backward_data: y * (g - sum(g * y)) (saved: result).</summary>
    internal static Tensor?[] Softmax(Tensor g, Tensor[] s, bool[] _, int dim) => [s[0] * (g - (g * s[0]).Sum(dim, keepdim: true))];

    /// <summary>_log_softmax_backward_data: g - exp(y) * sum(g) (saved: result).</summary>
    internal static Tensor?[] LogSoftmax(Tensor g, Tensor[] s, bool[] _, int dim) => [g - s[0].Exp() * g.Sum(dim, keepdim: true)];

    /// <summary>max() / min() of everything: the gradient split evenly among all extrema (saved: self, result).</summary>
    internal static Tensor?[] FullExtreme(Tensor g, Tensor[] s, bool[] _)
    {
        var mask = s[1].IsNan().Item<bool>() ? s[0].IsNan() : s[0].Eq(s[1]);
        return [g * mask / mask.Sum()];
    }

    /// <summary>amax / amin: the gradient split evenly among the extrema of each reduced slice (saved: self, result).</summary>
    internal static Tensor?[] AExtreme(Tensor g, Tensor[] s, bool[] _, Reduced r)
    {
        var mask = s[0].Eq(Expanded(s[1], r));
        return [Expanded(g, r) * mask / mask.Sum([.. r.Dims], keepdim: true)];
    }

    /// <summary>
    /// prod_backward (saved: self, result): g * result / self without zeros; otherwise the product of the other
    /// elements, from exclusive cumulative products from both ends. <paramref name="a"/>.All is prod() of everything.
    /// </summary>
    internal static Tensor?[] Prod(Tensor g, Tensor[] s, bool[] _, (Reduced R, bool All) a)
    {
        var (self, result) = (s[0], s[1]);
        if (self.Dim == 0) return [g];
        var grad = Expanded(g, a.R);
        if (!self.Eq(0.0).Any().Item<bool>())
            return [grad * Expanded(result, a.R) / self];
        if (a.All && !GradMode.IsEnabled && self.Eq(0.0).Sum().Item<long>() > 1) return [Tensor.ZerosLike(self)];
        var x = a.All ? self.Reshape(-1) : self;
        int axis = a.All ? 0 : a.R.Dims[0];
        var others = ExclusiveCumprod(x, axis, reverse: false) * ExclusiveCumprod(x, axis, reverse: true);
        return [grad * others.Reshape(a.R.InputShape)];
    }

    /// <summary>Products of the elements strictly before (or after, <paramref name="reverse"/>) each position along dim.</summary>
    private static Tensor ExclusiveCumprod(Tensor x, int dim, bool reverse)
    {
        var src = reverse ? x.Flip(dim) : x;
        int n = src.Size(dim);
        var shifted = Tensor.Cat([Tensor.OnesLike(src.Narrow(dim, 0, Math.Min(n, 1))), src.Narrow(dim, 0, Math.Max(n - 1, 0))], dim).Cumprod(dim);
        if (n == 0) shifted = src;
        return reverse ? shifted.Flip(dim) : shifted;
    }

    /// <summary>value_selecting_reduction_backward: each gradient goes to the position its index names (saved: indices).</summary>
    internal static Tensor?[] ValueSelecting(Tensor g, Tensor[] s, bool[] _, (int[] InputShape, int Dim, bool Keepdim) a)
    {
        if (a.InputShape.Length == 0) return [g];
        var idx = a.Keepdim ? s[0] : s[0].Unsqueeze(a.Dim);
        var gk = a.Keepdim ? g : g.Unsqueeze(a.Dim);
        var positions = Tensor.Arange(a.InputShape[a.Dim]).Reshape([.. Enumerable.Range(0, a.InputShape.Length).Select(i => i == a.Dim ? -1 : 1)]);
        return [gk * positions.Eq(idx)];
    }
}
