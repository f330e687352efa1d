using Nabla.Kernels;
using Nabla.NN;

namespace Nabla.Tests;

/// <summary>
/// The per-image convolution kernels (<see cref="ConvolutionKernels"/>: im2col-free stride-1 forward, input gradient
/// as the flipped convolution, chunked weight gradient) against the im2col + matmul composition they replace outside
/// recorded graphs, over 1-3 spatial dims, strides, paddings (also beyond the kernel's reach), dilations and groups.
/// The forward must match bit for bit; the gradients, which sum in another order, to rounding. And none of them may
/// depend on the thread count.
/// </summary>
[Collection(nameof(Nabla.Tests.Train.DefaultGeneratorAlone))] // changes the process-wide thread count
public class ConvolutionKernelsTests
{
    public static TheoryData<int[], int[], int[], int[], int, int> Cases => new()
    {
        // spatial input, kernel, stride, padding, dilation along every dim, groups
        { [28, 28], [3, 3], [1, 1], [1, 1], 1, 1 },
        { [14, 9], [3, 2], [1, 1], [2, 0], 1, 2 },
        { [7, 7], [1, 1], [1, 1], [1, 1], 1, 1 },        // padding beyond the kernel's reach: col2im input gradient
        { [11, 10], [3, 3], [2, 1], [1, 1], 1, 3 },       // stride 2: im2col forward
        { [12, 13], [3, 3], [1, 1], [2, 3], 2, 1 },       // dilation 2
        { [20], [5], [1], [2], 1, 1 },
        { [5, 6, 7], [3, 2, 3], [1, 1, 1], [1, 0, 1], 1, 2 },
        { [6, 5, 4], [2, 2, 2], [2, 1, 2], [0, 1, 1], 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchTheIm2ColComposition(int[] spatial, int[] kernel, int[] stride, int[] padding, int dilation, int groups)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var (x, w, g, spec) = Problem(spatial, kernel, stride, padding, dilation, groups, dtype);
            var (y, gx, gw) = Fast(x, w, g, spec);

            Tensor yRef, gxRef, gwRef;
            using (GradMode.EnableGrad())
            {
                yRef = Convolution.Compose(x, w, null, spec); // grad mode on: the differentiable composition
                var grads = Autograd.Grad([yRef], [x, w], [g], createGraph: true); // backward recorded: composed formulas
                (gxRef, gwRef) = (grads[0]!, grads[1]!);
            }
            Assert.Equal(yRef.ToArray<double>(), y.ToArray<double>());
            double tol = dtype == DType.Float64 ? 1e-12 : 2e-4;
            Assert.True(TensorClose(gxRef, gx, tol), $"input gradient, {dtype}");
            Assert.True(TensorClose(gwRef, gw, tol), $"weight gradient, {dtype}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DoNotDependOnTheThreadCount(int[] spatial, int[] kernel, int[] stride, int[] padding, int dilation, int groups)
    {
        var (x, w, g, spec) = Problem(spatial, kernel, stride, padding, dilation, groups, DType.Float32, batch: 17);
        int saved = Parallelism.NumThreads;
        try
        {
            Parallelism.NumThreads = 1;
            var one = Fast(x, w, g, spec);
            Parallelism.NumThreads = 3;
            var three = Fast(x, w, g, spec);
            Assert.Equal(one.Y.ToArray<float>(), three.Y.ToArray<float>());
            Assert.Equal(one.GradInput.ToArray<float>(), three.GradInput.ToArray<float>());
            Assert.Equal(one.GradWeight.ToArray<float>(), three.GradWeight.ToArray<float>());
        }
        finally { Parallelism.NumThreads = saved; }
    }

    [Fact]
    public void NonFiniteInputsStayInTheirWindows()
    {
        // the im2col-free forward computes over wide rows that read across a row's end; those are dropped, so an inf
        // at a row's end must reach exactly the outputs whose windows hold it
        var x = Tensor.Zeros(1, 1, 4, 4);
        x[0, 0, 1, 3] = Tensor.From(float.PositiveInfinity);
        var y = F.Conv2d(x, Tensor.Ones(1, 1, 3, 3), padding: [1, 1]);
        var expected = new float[16];
        foreach (var (r, c) in new[] { (0, 2), (0, 3), (1, 2), (1, 3), (2, 2), (2, 3) }) expected[r * 4 + c] = float.PositiveInfinity;
        Assert.Equal(expected, y.ToArray<float>());
    }

    private static (Tensor X, Tensor W, Tensor G, ConvSpec Spec) Problem(int[] spatial, int[] kernel, int[] stride, int[] padding,
        int dilation, int groups, DType dtype, int batch = 3)
    {
        Tensor.ManualSeed(5);
        int cin = 2 * groups, cout = 3 * groups;
        var dilations = Enumerable.Repeat(dilation, spatial.Length).ToArray();
        var geometry = new ConvGeometry(spatial, kernel, stride, padding, dilations, ConvGeometry.BlockCounts(spatial, kernel, stride, padding, dilations));
        var x = (Tensor.Rand([batch, cin, .. spatial], dtype) * 2 - 1).RequiresGrad_();
        var w = (Tensor.Rand([cout, 2, .. kernel], dtype) * 2 - 1).RequiresGrad_();
        var g = Tensor.Rand([batch, cout, .. geometry.Blocks], dtype) * 2 - 1;
        return (x, w, g, new ConvSpec(geometry, groups, Transposed: false));
    }

    /// <summary>Forward and backward outside a recorded graph: the per-image kernels.</summary>
    private static (Tensor Y, Tensor GradInput, Tensor GradWeight) Fast(Tensor x, Tensor w, Tensor g, ConvSpec spec)
    {
        var y = Convolution.Forward(x, w, null, spec);
        var grads = Autograd.Grad([y], [x, w], [g]);
        return (y.Detach(), grads[0]!, grads[1]!);
    }

    private static bool TensorClose(Tensor a, Tensor b, double tol) =>
        a.Shape.SequenceEqual(b.Shape) && (a - b).Abs().Max().To(DType.Float64).Item<double>() <= tol * (1 + a.Abs().Max().To(DType.Float64).Item<double>());
}
