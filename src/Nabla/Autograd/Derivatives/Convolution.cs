using Nabla.NN;

namespace Nabla;

/// <summary>
/// Derivative formulas of convolution (ConvolutionBackward0) and of the linear layer's addmm (AddmmBackward0).
/// Each is built from differentiable ops, so its own backward (double backward) comes from them.
/// </summary>
internal static class ConvolutionDerivatives
{
    internal const string ConvolutionBackward0 = nameof(ConvolutionBackward0);
    internal const string AddmmBackward0 = nameof(AddmmBackward0);
    internal const string Im2ColBackward0 = nameof(Im2ColBackward0);
    internal const string Col2ImBackward0 = nameof(Col2ImBackward0);

    /// <summary>
    /// ConvolutionBackward0 over saved (input, weight): the input gradient is the adjoint map (col2im of Wᵀ·grad, or for a
    /// transposed convolution W·im2col(grad)), the weight gradient correlates grad with the columns of the input, the
    /// bias gradient sums grad over the batch and spatial dims.
    /// </summary>
    public static Tensor?[] Convolution(Tensor grad, Tensor[] saved, bool[] needs, ConvSpec spec)
    {
        var (input, weight) = (saved[0], saved[1]);
        var g = spec.Geometry;
        int n = input.Size(0), groups = spec.Groups, blocks = g.BlockNumel;
        var w = NN.Convolution.GroupedWeight(weight, groups);
        Tensor? gradInput = null, gradWeight = null, gradBias = null;
        if (!spec.Transposed && NN.Convolution.UsePerImageKernels(input))
        {
            var (x, gy) = (NN.Convolution.Dense(input), grad.Contiguous());
            if (needs[0]) gradInput = Kernels.ConvolutionKernels.InputGrad(gy, weight.Contiguous(), groups, g, input.Shape);
            if (needs[1]) gradWeight = Kernels.ConvolutionKernels.WeightGrad(gy, x, groups, g, weight.Shape);
        }
        else if (!spec.Transposed)
        {
            var gy = grad.Reshape(n, groups, weight.Size(0) / groups, blocks);
            if (needs[0])
                gradInput = NN.Convolution.Col2Im(w.MT.Matmul(gy).Reshape(n, input.Size(1) * g.KernelNumel, blocks), g);
            if (needs[1])
                gradWeight = gy.Matmul(NN.Convolution.Im2Col(input, g).Reshape(n, groups, input.Size(1) / groups * g.KernelNumel, blocks).MT)
                    .Sum(0).Reshape(weight.Shape);
        }
        else
        {
            var gc = NN.Convolution.Im2Col(grad, g).Reshape(n, groups, grad.Size(1) / groups * g.KernelNumel, blocks);
            if (needs[0]) gradInput = w.Matmul(gc).Reshape(input.Shape);
            if (needs[1])
                gradWeight = input.Reshape(n, groups, input.Size(1) / groups, blocks).Matmul(gc.MT).Sum(0).Reshape(weight.Shape);
        }
        if (needs[2]) gradBias = grad.Sum([0, .. Enumerable.Range(2, g.Dims)]);
        return [gradInput, gradWeight, gradBias];
    }

    /// <summary>AddmmBackward0 for self + mat1 · mat2 over saved (mat1, mat2): the engine sums self's gradient to its shape.</summary>
    public static Tensor?[] Addmm(Tensor grad, Tensor[] saved, bool[] needs) =>
    [
        needs[0] ? grad : null,
        needs[1] ? grad.Mm(saved[1].T) : null,
        needs[2] ? saved[0].T.Mm(grad) : null,
    ];
}
