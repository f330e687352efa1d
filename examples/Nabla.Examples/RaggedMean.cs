using Nabla.NN;

namespace Nabla.Examples;

/// <summary>Means of ragged row slices [start, end) via cumsum + pad + advanced indexing + diff.</summary>
public static class RaggedMean
{
    public static void Run()
    {
        var sample = Tensor.Arange(0, 40).Reshape(10, -1);
        var slices = Tensor.From(new long[,] { { 3, 5 }, { 1, 8 }, { 4, 8 }, { 6, 9 } });
        var padded = F.Pad(sample.Cumsum(0), [0, 0, 1, 0]);
        var pools = padded[slices].Diff(dim: 1).Squeeze() / slices.Diff(dim: 1);
        Console.WriteLine(pools);

        // Cropped variant: only rows min(start)..max(end) are summed; the indices shift by min(start).
        int mn = (int)slices.Min().Item<long>(), mx = (int)slices.Max().Item<long>();
        var cropped = F.Pad(sample[mn..mx].Cumsum(0), [0, 0, 1, 0]);
        Console.WriteLine(cropped[slices - mn].Diff(dim: 1).Squeeze() / slices.Diff(dim: 1));

        // With gradients: rows outside every slice receive (up to float32 rounding of the cumsum route) nothing.
        var x = sample.To(DType.Float32).RequiresGrad_();
        var means = F.Pad(x.Cumsum(0), [0, 0, 1, 0])[slices].Diff(dim: 1).Squeeze() / slices.Diff(dim: 1);
        Console.WriteLine(means);
        means.Sum().Backward();
        Console.WriteLine(x.Grad);

        // The direct segment reduction: no cumsum, cost proportional to the slice lengths, exact zeros outside.
        var direct = sample.To(DType.Float32).RequiresGrad_();
        var pooled = Tensor.RaggedSliceReduce(direct, slices, SegmentReduceMode.Mean);
        Console.WriteLine(pooled);
        pooled.Sum().Backward();
        Console.WriteLine(direct.Grad);
    }
}
