namespace Nabla;

/// <summary>Backward formulas of the pointwise math family that do not fit on one line.</summary>
internal static class PointwiseMathDerivatives
{
    /// <summary>logit: <c>g / (x (1 - x))</c>; outside [eps, 1 - eps] zero, or (no eps, eps &lt; 0) NaN outside [0, 1].</summary>
    public static Tensor?[] Logit(Tensor grad, Tensor[] s, bool[] needs, double eps)
    {
        var x = s[0];
        var d = grad / (x * (1 - x));
        return eps < 0
            ? [Tensor.Where((x < 0) | (x > 1), double.NaN, d)]
            : [Tensor.Where((x < eps) | (x > 1 - eps), 0.0, d)];
    }

    /// <summary>atan2(a, b): <c>(g b, -g a) / (a² + b²)</c>. Saved: a, b, result.</summary>
    public static Tensor?[] Atan2(Tensor grad, Tensor[] s, bool[] needs)
    {
        var (a, b) = (s[0], s[1]);
        var scale = grad / (a * a + b * b);
        return [needs[0] ? scale * b : null, needs[1] ? scale * -a : null];
    }

    /// <summary>copysign: <c>g * result / input</c> (0 where input is 0); none for the sign source.</summary>
    public static Tensor?[] Copysign(Tensor grad, Tensor[] s, bool[] needs)
    {
        var (self, result) = (s[0], s[2]);
        var ratio = (result / self).MaskedFill(self.Eq(0.0), 0.0);
        return [needs[0] ? grad * ratio : null, needs[1] ? Tensor.ZerosLike(grad) : null];
    }

    /// <summary>xlogy(x, y): <c>g log(y)</c> (0 where x = 0 and y ≤ 0) and <c>g x / y</c>.</summary>
    public static Tensor?[] Xlogy(Tensor grad, Tensor[] s, bool[] needs)
    {
        var (x, y) = (s[0], s[1]);
        return
        [
            needs[0] ? grad.Xlogy(y).MaskedFill(x.Eq(0.0) & y.Le(0.0), 0.0) : null,
            needs[1] ? grad * x / y : null,
        ];
    }

    /// <summary>fmax / fmin: the chosen operand gets the gradient; a NaN operand never does.</summary>
    public static Tensor?[] FMinMax(Tensor grad, Tensor[] s, bool[] needs, bool max)
    {
        var (a, b) = (s[0], s[1]);
        var selfWins = (max ? a >= b : a <= b) | b.IsNan();
        return [needs[0] ? grad.MaskedFill(selfWins.LogicalNot(), 0.0) : null, needs[1] ? grad.MaskedFill(selfWins, 0.0) : null];
    }

    /// <summary>lerp: <c>g (1 - w)</c>, <c>g w</c>, and for a weight tensor <c>g (end - start)</c>. Saved: start, end, weight.</summary>
    public static Tensor?[] Lerp(Tensor grad, Tensor[] s, bool[] needs)
    {
        var (start, end, weight) = (s[0], s[1], s[2]);
        return
        [
            needs[0] ? grad * (1 - weight) : null,
            needs[1] ? grad * weight : null,
            needs.Length > 2 && needs[2] ? grad * (end - start) : null,
        ];
    }

    /// <summary>addcmul / addcdiv with scale v: input <c>g</c>; tensor1 <c>g v t2</c> or <c>g v / t2</c>; tensor2 <c>g v t1</c> or <c>-g v t1 / t2²</c>.</summary>
    public static Tensor?[] Addc(Tensor grad, Tensor[] s, bool[] needs, (double Value, bool Divide) a)
    {
        var (t1, t2) = (s[0], s[1]);
        if (a.Divide)
            return [grad, needs[1] ? grad * a.Value / t2 : null, needs[2] ? -grad * a.Value * t1 / (t2 * t2) : null];
        return [grad, needs[1] ? grad * t2 * a.Value : null, needs[2] ? grad * t1 * a.Value : null];
    }

    /// <summary>
    /// clamp with tensor bounds: the input where it lies within the bounds; min where the input is below it (and
    /// min &lt; max); max where the input is above it or max &lt; min. Saved: input, min, max (empty when absent).
    /// </summary>
    public static Tensor?[] Clamp(Tensor grad, Tensor[] s, bool[] needs, (bool HasMin, bool HasMax) a)
    {
        var (x, min, max) = (s[0], s[1], s[2]);
        Tensor? gx = null, gmin = null, gmax = null;
        if (needs[0])
        {
            var keep = a.HasMin && a.HasMax ? (x >= min) & (x <= max) : a.HasMin ? x >= min : x <= max;
            gx = Tensor.Where(keep, grad, 0.0);
        }
        if (a.HasMin && needs[1])
            gmin = Tensor.Where(a.HasMax ? (x < min) & (min < max) : x < min, grad, 0.0);
        if (a.HasMax && needs[2])
            gmax = Tensor.Where(a.HasMin ? (x > max) | (max < min) : x > max, grad, 0.0);
        return [gx, gmin, gmax];
    }
}
