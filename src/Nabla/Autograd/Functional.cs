namespace Nabla;

public static partial class Autograd
{
    /// <summary>torch.autograd.functional.</summary>
    public static class Functional
    {
        /// <summary>
        /// torch.autograd.functional.jacobian for one input and one output: a tensor of shape
        /// output.shape + input.shape, by one reverse pass per output element.
        /// </summary>
        public static Tensor Jacobian(Func<Tensor, Tensor> func, Tensor input, bool createGraph = false, bool strict = false)
        {
            ArgumentNullException.ThrowIfNull(func);
            ArgumentNullException.ThrowIfNull(input);
            var x = input.Detach().RequiresGrad_();
            Tensor y;
            using (GradMode.EnableGrad()) y = func(x);
            var rows = new Tensor[y.Numel];
            var flat = y.Reshape(-1);
            for (int m = 0; m < y.Numel; m++)
            {
                Tensor? g = null;
                if (y.RequiresGrad)
                    g = Grad([flat.Select(0, m)], [x], null, retainGraph: true, createGraph: createGraph, allowUnused: true)[0];
                if (g is null && strict)
                    throw Core.Errors.Runtime("The output of the user-provided function is independent of input 0. This is not allowed in strict mode.");
                rows[m] = g ?? Tensor.ZerosLike(x);
            }
            var jac = rows.Length == 0 ? Tensor.Zeros([.. y.Shape, .. x.Shape], x.DType) : Tensor.Stack(rows).Reshape([.. y.Shape, .. x.Shape]);
            return createGraph ? jac : jac.Detach();
        }
    }
}
