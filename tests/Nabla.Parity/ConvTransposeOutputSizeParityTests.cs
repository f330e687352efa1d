using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace Nabla.Parity;

/// <summary>
/// ConvTranspose1d/2d/3d forward(input, output_size) against libtorch: every reachable output size (spatial sizes or
/// the full shape, batched and unbatched) through TorchSharp's module with the same weights, values and gradients.
/// </summary>
[Collection(DefaultGeneratorsCollection.Name)]
public class ConvTransposeOutputSizeParityTests
{
    [Theory]
    [InlineData(1, false, false)]
    [InlineData(1, true, true)]
    [InlineData(2, false, true)]
    [InlineData(2, true, false)]
    [InlineData(3, false, false)]
    public void EveryReachableOutputSizeEqualsLibTorchs(int dims, bool unbatched, bool fullShape)
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed((ulong)dims);
        int[] stride = [.. new[] { 3, 2, 2 }[..dims]], padding = [.. new[] { 1, 0, 1 }[..dims]], dilation = [.. new[] { 1, 2, 1 }[..dims]];
        const int K = 3, Cin = 2, Cout = 4;
        ConvTransposeForward module = dims switch
        {
            1 => new ConvTranspose1d(Cin, Cout, K, stride[0], padding[0], dilation: dilation[0]),
            2 => new ConvTranspose2d(Cin, Cout, [K, K], stride, padding, dilation: dilation),
            _ => new ConvTranspose3d(Cin, Cout, [K, K, K], stride, padding, dilation: dilation),
        };
        long[] L(int[] a) => [.. a.Select(v => (long)v)];
        dynamic reference = dims switch
        {
            1 => torch.nn.ConvTranspose1d(Cin, Cout, K, stride[0], padding[0], dilation: dilation[0]),
            2 => torch.nn.ConvTranspose2d(Cin, Cout, (K, K), (stride[0], stride[1]), (padding[0], padding[1]), dilation: (dilation[0], dilation[1])),
            _ => torch.nn.ConvTranspose3d(Cin, Cout, (K, K, K), (stride[0], stride[1], stride[2]), (padding[0], padding[1], padding[2]), dilation: (dilation[0], dilation[1], dilation[2])),
        };
        ModuleCheck.CopyState(module, (torch.nn.Module)reference);
        int[] spatial = [.. new[] { 4, 3, 2 }[..dims]];
        int[] inputShape = [.. (unbatched ? Array.Empty<int>() : [2]), Cin, .. spatial];
        var check = new ModuleCheck();
        int[] minSizes = [.. Enumerable.Range(0, dims).Select(d => (spatial[d] - 1) * stride[d] - 2 * padding[d] + dilation[d] * (K - 1) + 1)];
        // Each dim in turn takes every size in its range; the others take their largest.
        for (int d = 0; d < dims; d++)
            for (int extra = 0; extra < stride[d]; extra++)
            {
                int[] size = [.. Enumerable.Range(0, dims).Select(i => i == d ? minSizes[i] + extra : minSizes[i] + stride[i] - 1)];
                int[] request = fullShape ? [.. inputShape[..^dims].Select((v, i) => i == inputShape.Length - dims - 1 ? Cout : v), .. size] : size;
                var x = Tensor.Randn(inputShape).RequiresGrad_();
                var tx = ModuleCheck.T(x, true);
                var y = module.Forward(x, request);
                TT ty = reference.forward(tx, L(request));
                check.OutputAndGradients(y, ty, $"output_size [{string.Join(",", request)}]", (x, tx, "input"));
            }
        check.Assert();
    }
}
