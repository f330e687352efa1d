using Nabla.Core;

namespace Nabla.NN;

/// <summary>Linear layers (torch.nn.functional.linear).</summary>
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.linear: input · weightᵀ + bias, weight (out_features, in_features), over any leading dims.
    /// Routed as at::linear: a 2-D input with bias is one addmm (AddmmBackward0); a contiguous input with a 1-D bias is
    /// flattened to 2-D, addmm'd and viewed back; otherwise matmul, then the bias is added.
    /// </summary>
    /// <exception cref="ArgumentException">0-d operands, mismatched features or dtypes, with libtorch's messages.</exception>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        Errors.Check(input.Dim != 0 && weight.Dim != 0,
            $"both arguments to linear need to be at least 1D, but they are {input.Dim}D and {weight.Dim}D");
        Errors.Check(input.DType == weight.DType,
            $"expected m1 and m2 to have the same dtype, but got: {input.DType.TypeMetaName()} != {weight.DType.TypeMetaName()}");
        if (bias is not null && input.Dim == 2) return Addmm(bias, input, weight.T);
        if (bias is not null && input.IsContiguous() && (input.Dim == 3 || bias.Dim == 1))
        {
            int rows = Layout.NumelOf(input.Sizes[..^1]);
            var y = Addmm(bias, input.Reshape(rows, input.Size(-1)), weight.T);
            return y.View([.. input.Sizes[..^1], y.Size(1)]);
        }
        // matmul folds an N-d input against a matrix into one mm, as libtorch does
        var output = input.Dim >= 3 && weight.Dim == 2 && BatchDimsCollapse(input)
            ? input.Reshape(Layout.NumelOf(input.Sizes[..^1]), input.Size(-1)).Mm(weight.T).View([.. input.Sizes[..^1], weight.Size(0)])
            : input.Matmul(weight.T);
        return bias is null ? output : output + bias;
    }

    /// <summary>matmul's should_fold: the leading dims of an N-d operand merge into one without a copy.</summary>
    private static bool BatchDimsCollapse(Tensor t)
    {
        var sizes = t.Sizes;
        var strides = t.Layout.Strides;
        for (int i = 0; i < t.Dim - 2; i++)
            if (strides[i] != strides[i + 1] * sizes[i + 1]) return false;
        return true;
    }

    /// <summary>
    /// torch.addmm(self, mat1, mat2) with beta = alpha = 1: self broadcast to (n, p), then mat1 (n×m) · mat2 (m×p) added in.
    /// </summary>
    internal static Tensor Addmm(Tensor self, Tensor mat1, Tensor mat2)
    {
        Errors.Check(mat1.Dim == 2, $"mat1 must be a matrix, got {mat1.Dim}-D tensor");
        Errors.Check(mat2.Dim == 2, $"mat2 must be a matrix, got {mat2.Dim}-D tensor");
        int n = mat1.Size(0), m = mat1.Size(1), p = mat2.Size(1);
        Errors.Check(m == mat2.Size(0), $"mat1 and mat2 shapes cannot be multiplied ({n}x{m} and {mat2.Size(0)}x{p})");
        Errors.Check(mat1.DType == mat2.DType,
            $"expected m1 and m2 to have the same dtype, but got: {mat1.DType.TypeMetaName()} != {mat2.DType.TypeMetaName()}");
        Errors.Check(self.DType == mat1.DType,
            $"self and mat2 must have the same dtype, but got {self.DType.ScalarTypeName()} and {mat2.DType.ScalarTypeName()}");
        CheckExpandable(self, [n, p]);
        if (mat1.DType == DType.Bool && (long)n * m * p > 0)
            throw Errors.NotImplemented("\"addmm_impl_cpu_\" not implemented for 'Bool'");
        var y = Tensor.AllocateForOutput([n, p], mat1.DType);
        Kernels.Copy.Into(self.Detach(), y);
        if (y.Numel > 0 && m > 0)
            Kernels.Matmul.Run(mat1.Detach().Contiguous(), mat2.Detach().Contiguous(), y, 1, n, m, p);
        return Graph.Record(y, ConvolutionDerivatives.AddmmBackward0, [self, mat1, mat2], ConvolutionDerivatives.Addmm, mat1, mat2);
    }

    /// <summary>expand's check: each size of <paramref name="t"/>, aligned from the right, is 1 or the target's.</summary>
    private static void CheckExpandable(Tensor t, int[] target)
    {
        Errors.Check(t.Dim <= target.Length,
            $"expand: the number of sizes provided ({target.Length}) must be greater or equal to the number of dimensions in the tensor ({t.Dim})");
        for (int i = target.Length - 1, j = t.Dim - 1; j >= 0; i--, j--)
            Errors.Check(t.Size(j) == 1 || t.Size(j) == target[i],
                $"The expanded size of the tensor ({target[i]}) must match the existing size ({t.Size(j)}) at non-singleton dimension {i}.  Target sizes: {Errors.Shape(target)}.  Tensor sizes: {Errors.Shape(t.Sizes)}");
    }
}
