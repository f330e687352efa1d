using Nabla.Core;

namespace Nabla;

/// <summary>A Jacobian mismatch (or other gradient defect) found by <see cref="GradCheck"/> (torch's GradcheckError).</summary>
public sealed class GradcheckException(string message) : InvalidOperationException(message);

/// <summary>
/// torch.autograd.gradcheck / gradgradcheck: compares the analytical Jacobian from backward with central
/// finite differences, element by element, with tolerance relative to the numerical value.
/// </summary>
public static class GradCheck
{
    /// <summary>Checks <paramref name="func"/> at <paramref name="inputs"/>; throws <see cref="GradcheckException"/> or returns false on a mismatch.</summary>
    public static bool Check(Func<Tensor[], Tensor[]> func, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5,
        double rtol = 1e-3, bool raiseException = true, double nondetTol = 0.0)
    {
        try
        {
            Run(func, inputs, eps, atol, rtol, nondetTol);
            return true;
        }
        catch (GradcheckException) when (!raiseException)
        {
            return false;
        }
    }

    /// <summary>torch.autograd.gradcheck for a function of one tensor: compares analytical gradients with finite differences.</summary>
    /// <exception cref="GradcheckException">A gradient disagrees and <paramref name="raiseException"/> is true.</exception>
    public static bool Check(Func<Tensor, Tensor> func, Tensor input, double eps = 1e-6, double atol = 1e-5,
        double rtol = 1e-3, bool raiseException = true) =>
        Check(xs => [func(xs[0])], [input], eps, atol, rtol, raiseException);

    /// <summary>
    /// torch.autograd.gradgradcheck: gradchecks the map (inputs, gradOutputs) → gradients, so second derivatives
    /// are compared with finite differences of the first. Random float64 gradOutputs in [-1, 1) when none are given.
    /// </summary>
    public static bool GradGradCheck(Func<Tensor[], Tensor[]> func, Tensor[] inputs, Tensor[]? gradOutputs = null,
        double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true)
    {
        var outputs = func(inputs).Where(o => o.RequiresGrad).ToArray();
        gradOutputs ??= outputs.Select(o => (Tensor.Rand(o.Shape, DType.Float64) * 2 - 1).To(o.DType).RequiresGrad_()).ToArray();
        int n = inputs.Length;
        Tensor[] Grads(Tensor[] all)
        {
            var xs = all[..n];
            var outs = func(xs).Where(o => o.RequiresGrad).ToArray();
            var diff = xs.Where(x => x.RequiresGrad).ToArray();
            return Autograd.Grad(outs, diff, all[n..], createGraph: true, allowUnused: true).OfType<Tensor>().ToArray();
        }
        return Check(Grads, [.. inputs, .. gradOutputs], eps, atol, rtol, raiseException);
    }

    private static void Run(Func<Tensor[], Tensor[]> func, Tensor[] inputs, double eps, double atol, double rtol, double nondetTol)
    {
        var diffInputs = Enumerable.Range(0, inputs.Length).Where(i => inputs[i].RequiresGrad).ToArray();
        if (diffInputs.Length == 0)
            throw new ArgumentException("gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.");
        foreach (var i in diffInputs)
        {
            var x = inputs[i];
            if (Enumerable.Range(0, x.Dim).Any(d => x.Layout.Strides[d] == 0 && x.Layout.Sizes[d] > 1))
                throw new ArgumentException($"The {i}th input has a dimension with stride 0. gradcheck only supports inputs that are non-overlapping to be able to compute the numerical gradients correctly. You should call .contiguous on the input before passing it to gradcheck.");
        }

        var outputs = func(inputs);
        var diffOutputs = Enumerable.Range(0, outputs.Length).Where(o => outputs[o].RequiresGrad).ToArray();
        foreach (var i in diffInputs)
        {
            var numerical = NumericalJacobian(func, inputs, i, diffOutputs, eps);
            for (int k = 0; k < diffOutputs.Length; k++)
            {
                int o = diffOutputs[k];
                var analytical = AnalyticalJacobian(func, inputs, i, o);
                var again = AnalyticalJacobian(func, inputs, i, o);
                double nondet = MaxAbsDiff(analytical, again);
                if (!Close(analytical, numerical[k], atol, rtol))
                    throw new GradcheckException($"Jacobian mismatch for output {k} with respect to input {Array.IndexOf(diffInputs, i)},\n" +
                        $"numerical:{Matrix(numerical[k])}\nanalytical:{Matrix(analytical)}\n");
                if (nondet > nondetTol)
                    throw new GradcheckException($"Backward is not reentrant, i.e., running backward with same input and grad_output multiple times gives different values, although analytical gradient matches numerical gradient.The tolerance for nondeterminism was {nondetTol}.");
            }
        }
        CheckZeroGradOutput(func, inputs, diffInputs);
    }

    /// <summary>J[inElement, outElement] by central differences, perturbing the input's storage directly.</summary>
    private static double[][,] NumericalJacobian(Func<Tensor[], Tensor[]> func, Tensor[] inputs, int input, int[] outputs, double eps)
    {
        var x = inputs[input];
        var result = new double[outputs.Length][,];
        for (int j = 0; j < x.Numel; j++)
        {
            double original = x.GetFlat(j);
            x.SetFlat(j, original + eps);
            var plus = Evaluate(func, inputs, outputs);
            x.SetFlat(j, original - eps);
            var minus = Evaluate(func, inputs, outputs);
            x.SetFlat(j, original);
            for (int k = 0; k < outputs.Length; k++)
            {
                result[k] ??= new double[x.Numel, plus[k].Length];
                if (plus[k].Length != minus[k].Length || plus[k].Length != result[k].GetLength(1))
                    throw new GradcheckException("Expected `func` to return outputs with the same shape when inputs are perturbed on dimension " + j);
                for (int m = 0; m < plus[k].Length; m++) result[k][j, m] = (plus[k][m] - minus[k][m]) / (2 * eps);
            }
        }
        return result;
    }

    private static double[][] Evaluate(Func<Tensor[], Tensor[]> func, Tensor[] inputs, int[] outputs)
    {
        // Not under no-grad: gradgradcheck's function itself runs a backward pass.
        var outs = func(inputs);
        return outputs.Select(o => outs[o].ToArray<double>()).ToArray();
    }

    /// <summary>J[inElement, outElement] from one backward pass per output element with a one-hot gradient.</summary>
    private static double[,] AnalyticalJacobian(Func<Tensor[], Tensor[]> func, Tensor[] inputs, int input, int output)
    {
        var y = func(inputs)[output];
        var x = inputs[input];
        var jac = new double[x.Numel, y.Numel];
        for (int m = 0; m < y.Numel; m++)
        {
            var oneHot = Tensor.Zeros(y.Shape, y.DType);
            oneHot.SetFlat(m, 1);
            var g = Autograd.Grad([y], [x], [oneHot], retainGraph: true, allowUnused: true)[0];
            if (g is null) continue;
            if (g.Numel != x.Numel) throw new GradcheckException("Analytical gradient has incorrect size");
            var values = g.ToArray<double>();
            for (int j = 0; j < values.Length; j++) jac[j, m] = values[j];
        }
        return jac;
    }

    private static void CheckZeroGradOutput(Func<Tensor[], Tensor[]> func, Tensor[] inputs, int[] diffInputs)
    {
        var outs = func(inputs).Where(o => o.RequiresGrad).ToArray();
        if (outs.Length == 0) return;
        var zeros = outs.Select(o => Tensor.ZerosLike(o)).ToArray();
        var grads = Autograd.Grad(outs, diffInputs.Select(i => inputs[i]).ToArray(), zeros, allowUnused: true);
        foreach (var g in grads)
            if (g is not null && g.ToArray<double>().Any(v => v != 0))
                throw new GradcheckException("backward not multiplied by grad_output");
    }

    private static bool Close(double[,] analytical, double[,] numerical, double atol, double rtol)
    {
        for (int i = 0; i < analytical.GetLength(0); i++)
            for (int j = 0; j < analytical.GetLength(1); j++)
            {
                double a = analytical[i, j], n = numerical[i, j];
                if (!(Math.Abs(a - n) <= atol + rtol * Math.Abs(n)) && !(double.IsNaN(a) && double.IsNaN(n))) return false;
            }
        return true;
    }

    private static double MaxAbsDiff(double[,] a, double[,] b)
    {
        double max = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) max = Math.Max(max, Math.Abs(a[i, j] - b[i, j]));
        return max;
    }

    private static Tensor Matrix(double[,] m) => Tensor.From(m);
}
