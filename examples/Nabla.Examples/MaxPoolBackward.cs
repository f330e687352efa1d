using Nabla.NN;

namespace Nabla.Examples;

/// <summary>
/// MaxPool2d's backward on (N, C, H, W) with N, C &gt; 1, overlapping windows (kernel 3, stride 2) and tied values:
/// each window sends its whole gradient to one position (its first maximum in scan order), and a position that is the
/// chosen maximum of several overlapping windows accumulates all their gradients. F.MaxPool2d, the MaxPool2d module and a
/// plain loop over the windows agree.
/// </summary>
public static class MaxPoolBackward
{
    /// <summary>The input gradient of max pooling (no padding or dilation) by visiting every window: the first maximum of each
    /// window receives that window's upstream gradient, added to what earlier windows gave it.</summary>
    public static Tensor LoopBackward(Tensor x, Tensor upstream, int kernel, int stride)
    {
        int n = x.Size(0), c = x.Size(1), h = x.Size(2), w = x.Size(3), oh = upstream.Size(2), ow = upstream.Size(3);
        var values = x.ToArray<double>();
        var up = upstream.ToArray<double>();
        var grad = new double[values.Length];
        for (int plane = 0; plane < n * c; plane++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    int best = -1;
                    for (int r = i * stride; r < i * stride + kernel; r++)
                        for (int q = j * stride; q < j * stride + kernel; q++)
                        {
                            int at = plane * h * w + r * w + q;
                            if (best < 0 || values[at] > values[best]) best = at; // strictly greater: ties keep the first
                        }
                    grad[best] += up[plane * oh * ow + i * ow + j];
                }
        return Tensor.From(grad).To(x.DType).Reshape(x.Shape);
    }

    /// <summary>Prints the scenario.</summary>
    public static void Run()
    {
        // Values 0..2 on 5×5 planes: almost every 3×3 window has a tie for its maximum. Plane [0, 0] puts one 3 in the
        // middle, inside all four windows; plane [0, 1] is all ones, a four-way tie in every window.
        Tensor.ManualSeed(0);
        var x = Tensor.Randint(0, 3, [2, 3, 5, 5]).To(DType.Float32);
        x[0, 0] = Tensor.From(new float[,] { { 1, 1, 1, 0, 1 }, { 0, 1, 0, 1, 0 }, { 1, 0, 3, 0, 1 }, { 1, 1, 0, 1, 0 }, { 0, 1, 1, 1, 1 } });
        x[0, 1] = Tensor.Ones([5, 5]);
        var upstream = Tensor.Arange(1.0, 25.0).To(DType.Float32).Reshape(2, 3, 2, 2);

        var leaf = x.Clone().RequiresGrad_();
        var y = F.MaxPool2d(leaf, 3, stride: 2);
        y.Backward(upstream);
        var (_, indices) = F.MaxPool2dWithIndices(x, 3, stride: 2);

        Console.WriteLine("x[0, :2] =");
        Console.WriteLine(x[0, ..2]);
        Console.WriteLine("max_pool2d(x, 3, stride=2)[0, :2] and its flat indices (the first maximum of each window):");
        Console.WriteLine(y[0, ..2]);
        Console.WriteLine(indices[0, ..2]);
        Console.WriteLine("upstream[0, :2] =");
        Console.WriteLine(upstream[0, ..2]);
        Console.WriteLine("x.grad[0, :2]: one position per window; the middle 3 is every window's maximum and gathers 1+2+3+4:");
        Console.WriteLine(leaf.Grad![0, ..2]);

        var loop = LoopBackward(x, upstream, 3, 2);
        Console.WriteLine($"equals the window loop: {(leaf.Grad! == loop).All().Item<bool>()}");
        Console.WriteLine($"non-zero positions: {(leaf.Grad! != 0).Sum().Item<long>()} for {upstream.Numel} windows; gradient total {leaf.Grad!.Sum().Item<float>()} = upstream total {upstream.Sum().Item<float>()}");

        var pool = new MaxPool2d(3, stride: 2);
        var moduleLeaf = x.Clone().RequiresGrad_();
        pool.Call(moduleLeaf).Backward(upstream);
        Console.WriteLine(pool);
        Console.WriteLine($"the module's gradient equals F.MaxPool2d's: {(moduleLeaf.Grad! == leaf.Grad!).All().Item<bool>()}");
    }
}
