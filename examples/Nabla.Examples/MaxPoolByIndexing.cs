using Nabla.NN;

namespace Nabla.Examples;

/// <summary>
/// Max pooling with 2×2 windows written with indexing: argmax over each flattened window, UnravelIndex,
/// and an assignment with four broadcast index tensors. Its gradient sends each window's gradient to one
/// position (the first maximum), like F.MaxPool2d; the value == max mask marks every tie instead.
/// </summary>
public static class MaxPoolByIndexing
{
    /// <summary>The input gradient of 2×2 max pooling for an upstream gradient of shape (N, C, H/2, W/2).</summary>
    public static Tensor IndexedBackward(Tensor x, Tensor upstream)
    {
        int n = x.Size(0), c = x.Size(1), h = x.Size(2) / 2, w = x.Size(3) / 2;
        var windows = x.Reshape(n, c, h, 2, w, 2).Permute(0, 1, 2, 4, 3, 5).Reshape(n, c, h, w, 4);
        var first = windows.Argmax(-1);                    // first maximum of each window
        var rc = Tensor.UnravelIndex(first, 2, 2);
        var rows = rc[0] + 2 * Tensor.Arange(h).Reshape(-1, 1);
        var cols = rc[1] + 2 * Tensor.Arange(w).Reshape(1, -1);
        var grad = Tensor.ZerosLike(x);
        grad[Tensor.Arange(n).Reshape(-1, 1, 1, 1), Tensor.Arange(c).Reshape(1, -1, 1, 1), rows, cols] = upstream;
        return grad;
    }

    /// <summary>The boolean-mask approach: every element equal to its window's maximum receives the gradient.</summary>
    public static Tensor MaskBackward(Tensor x, Tensor upstream)
    {
        int n = x.Size(0), c = x.Size(1), h = x.Size(2) / 2, w = x.Size(3) / 2;
        Tensor Upsample(Tensor t) => t.Reshape(n, c, h, 1, w, 1).Expand(n, c, h, 2, w, 2).Reshape(n, c, 2 * h, 2 * w);
        var mask = x == Upsample(F.MaxPool2d(x, 2));
        return mask * Upsample(upstream);
    }

    public static void Run()
    {
        // Two samples, three channels; the second channel has a tie in every window.
        Tensor.ManualSeed(0);
        var x = Tensor.Randint(0, 5, [2, 3, 4, 4]).To(DType.Float32);
        x[.., 1] = Tensor.From(new float[,] { { 1, 1, 2, 0 }, { 0, 0, 2, 2 }, { 3, 0, 0, 4 }, { 3, 1, 4, 4 } });
        var upstream = Tensor.Arange(1.0, 25.0).Reshape(2, 3, 2, 2);

        var leaf = x.Clone().RequiresGrad_();
        F.MaxPool2d(leaf, 2).Backward(upstream);
        var byIndexing = IndexedBackward(x, upstream);
        Console.WriteLine(byIndexing[0, 1]);
        Console.WriteLine($"equals F.MaxPool2d's gradient: {(byIndexing == leaf.Grad!).All().Item<bool>()}");
        Console.WriteLine(MaskBackward(x, upstream)[0, 1]);
        Console.WriteLine($"mask approach equals it: {(MaskBackward(x, upstream) == leaf.Grad!).All().Item<bool>()}");
    }
}
