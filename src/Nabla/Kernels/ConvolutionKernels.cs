using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla.Kernels;

/// <summary>
/// Convolution of floating-point images, one image (and group) per task: a task unfolds its image into columns that
/// stay in its core's cache (<see cref="ThreadScratch"/>) and runs a serial product against the weight, so the cores
/// never wait for each other inside an image and no batch-sized column buffer is written. The forward and the input
/// gradient give every element the same multiply-add chain as the batched im2col + matmul composition
/// (<c>Nabla.NN.Convolution.Compose</c>); the weight gradient sums the batch in fixed chunks of images (a fixed order,
/// whatever the thread count). Inputs are contiguous (N, C, *spatial) tensors and a contiguous weight.
/// </summary>
internal static class ConvolutionKernels
{
    /// <summary>Images per partial sum of the weight gradient; the chunks are summed in order at the end.</summary>
    private const int ImagesPerChunk = 8;

    /// <summary>y[n, g] = W[g] · im2col(x[n, g]): (N, C_out, *blocks).</summary>
    public static Tensor Forward(Tensor input, Tensor weight, int groups, ConvGeometry g)
    {
        var s = Sizes.Of(input, weight, groups, g);
        var output = Tensor.AllocateForOutput([s.N, s.COut, .. g.Blocks], input.DType); // every element is written
        if (input.DType == DType.Float32) Forward<float>(input, weight, output, s, g);
        else Forward<double>(input, weight, output, s, g);
        return output;
    }

    /// <summary>
    /// x's gradient, (N, C_in, *input): for stride 1 (padding at most the dilated kernel's reach) the convolution of
    /// grad with the flipped, transposed weight, which runs on the im2col-free <see cref="ShiftedRows"/> path; otherwise
    /// col2im(W[g]ᵀ · grad[n, g]) per image.
    /// </summary>
    public static Tensor InputGrad(Tensor grad, Tensor weight, int groups, ConvGeometry g, int[] inputShape)
    {
        if (AdjointGeometry(g) is { } adjoint) return Forward(grad, FlippedTransposed(weight, groups), groups, adjoint);
        var gradInput = Tensor.Allocate(inputShape, grad.DType); // zero: col2im adds into it
        var s = Sizes.Of(gradInput, weight, groups, g);
        if (grad.DType == DType.Float32) InputGrad<float>(grad, weight, gradInput, s, g);
        else InputGrad<double>(grad, weight, gradInput, s, g);
        return gradInput;
    }

    /// <summary>The weight's gradient Σₙ grad[n, g] · im2col(x[n, g])ᵀ, (C_out, C_in / groups, *kernel).</summary>
    public static Tensor WeightGrad(Tensor grad, Tensor input, int groups, ConvGeometry g, int[] weightShape)
    {
        var gradWeight = Tensor.Allocate(weightShape, grad.DType);
        if (input.Numel == 0 || grad.Numel == 0) return gradWeight; // an empty batch or image: zero gradient
        var s = Sizes.Of(input, gradWeight, groups, g);
        if (grad.DType == DType.Float32) WeightGrad<float>(grad, input, gradWeight, s, g);
        else WeightGrad<double>(grad, input, gradWeight, s, g);
        return gradWeight;
    }

    /// <summary>The product's dimensions: K = C_in/groups × taps rows of columns, L blocks per image.</summary>
    private readonly record struct Sizes(int N, int CIn, int COut, int Groups, int CInG, int COutG, int K, int L, int InPlane)
    {
        public static Sizes Of(Tensor input, Tensor weight, int groups, ConvGeometry g)
        {
            int cin = input.Size(1), cout = weight.Size(0), cinG = cin / groups;
            return new(input.Size(0), cin, cout, groups, cinG, cout / groups, cinG * g.KernelNumel, g.BlockNumel, g.InputNumel);
        }

        /// <summary>Offset of image n's first plane of group gi in an (N, C, plane) tensor.</summary>
        public int Planes(int n, int channels, int gi, int perGroup, int plane) => (n * channels + gi * perGroup) * plane;
    }

    private static void Forward<T>(Tensor input, Tensor weight, Tensor output, Sizes s, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (x, w, y) = (input.Data<T>(), weight.Data<T>(), output.Data<T>());
        int xo = input.StorageOffset, wo = weight.StorageOffset, yo = output.StorageOffset;
        if (ShiftedRows.Applies(g))
        {
            var layout = new ShiftedRows(g);
            var rowStarts = layout.RowStarts(s.CInG);
            if (PositionsAsRows<T>(s, layout))
            {
                // implicit im2col: rows of A are the output positions, so no column is computed only to be dropped
                var positions = layout.OutputPositions();
                var wt = TransposedWeight<T>(weight, s); // Wᵀ per group, K × C_out/groups
                ForEachUnit(s.N * s.Groups, (long)s.N * s.COut * s.K * s.L, u =>
                {
                    int n = u / s.Groups, gi = u % s.Groups;
                    var padded = ThreadScratch<T>.Get(ThreadScratch.Columns, s.CInG * layout.PaddedPlane);
                    var result = ThreadScratch<T>.Get(ThreadScratch.Temporary, s.L * s.COutG);
                    layout.Pad(x, xo + s.Planes(n, s.CIn, gi, s.CInG, s.InPlane), s.CInG, s.InPlane, padded);
                    Matmul.SerialGathered(padded, 0, positions, rowStarts, wt, gi * s.K * s.COutG, s.COutG, false, result, 0, s.COutG, s.L, s.K, s.COutG, accumulate: false);
                    Transpose(result, s.L, s.COutG, y, yo + s.Planes(n, s.COut, gi, s.COutG, s.L));
                });
                return;
            }
            ForEachUnit(s.N * s.Groups, (long)s.N * s.COut * s.K * layout.Wide, u =>
            {
                int n = u / s.Groups, gi = u % s.Groups;
                var padded = ThreadScratch<T>.Get(ThreadScratch.Columns, s.CInG * layout.PaddedPlane);
                var wide = ThreadScratch<T>.Get(ThreadScratch.Temporary, s.COutG * layout.Wide);
                layout.Pad(x, xo + s.Planes(n, s.CIn, gi, s.CInG, s.InPlane), s.CInG, s.InPlane, padded);
                Matmul.Serial(w, wo + gi * s.COutG * s.K, s.K, padded, 0, 0, false, wide, 0, layout.Wide, s.COutG, s.K, layout.Wide, accumulate: false, rowStarts);
                layout.Crop(wide, s.COutG, y, yo + s.Planes(n, s.COut, gi, s.COutG, s.L));
            });
            return;
        }
        ForEachUnit(s.N * s.Groups, (long)s.N * s.COut * s.K * s.L, u =>
        {
            int n = u / s.Groups, gi = u % s.Groups;
            var cols = ThreadScratch<T>.Get(ThreadScratch.Columns, s.K * s.L);
            Im2Col.UnfoldPlanes(x, xo + s.Planes(n, s.CIn, gi, s.CInG, s.InPlane), s.CInG, g, cols, 0);
            Matmul.Serial(w, wo + gi * s.COutG * s.K, s.K, cols, 0, s.L, false, y, yo + s.Planes(n, s.COut, gi, s.COutG, s.L), s.L, s.COutG, s.K, s.L, accumulate: false);
        });
    }

    private static void InputGrad<T>(Tensor grad, Tensor weight, Tensor gradInput, Sizes s, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (gy, gx) = (grad.Data<T>(), gradInput.Data<T>());
        int go = grad.StorageOffset, gxo = gradInput.StorageOffset;
        var wt = TransposedWeight<T>(weight, s); // W[g]ᵀ, K × C_out/groups per group
        ForEachUnit(s.N * s.Groups, (long)s.N * s.COut * s.K * s.L, u =>
        {
            int n = u / s.Groups, gi = u % s.Groups;
            var cols = ThreadScratch<T>.Get(ThreadScratch.Columns, s.K * s.L);
            Matmul.Serial(wt, gi * s.K * s.COutG, s.COutG, gy, go + s.Planes(n, s.COut, gi, s.COutG, s.L), s.L, false, cols, 0, s.L, s.K, s.COutG, s.L, accumulate: false);
            Im2Col.FoldPlanes(cols, 0, s.CInG, g, gx, gxo + s.Planes(n, s.CIn, gi, s.CInG, s.InPlane));
        });
    }

    /// <summary>
    /// Each (chunk of images, group) task sums gradₙ · colsₙᵀ over its images in order; the chunks' partial sums are
    /// then added in chunk order. The product runs whichever way round is cheaper (<see cref="Matmul.TransposedProductCost{T}"/>):
    /// usually transposed, colsₙ · gradₙᵀ (K × C_out/groups), so that the small gradient is the packed operand.
    /// </summary>
    private static void WeightGrad<T>(Tensor grad, Tensor input, Tensor gradWeight, Sizes s, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (gy, x, gw) = (grad.Data<T>(), input.Data<T>(), gradWeight.Data<T>());
        int go = grad.StorageOffset, xo = input.StorageOffset, gwo = gradWeight.StorageOffset;
        int chunks = (s.N + ImagesPerChunk - 1) / ImagesPerChunk, partial = s.K * s.COutG;
        bool transposed = Matmul.TransposedProductCost<T>(s.K, s.L, s.COutG) < Matmul.TransposedProductCost<T>(s.COutG, s.L, s.K);
        var partials = Core.CachingAllocator.Rent<T>(checked(chunks * s.Groups * partial), zeroed: true); // pooled: no new large array per step
        if (ShiftedRows.Applies(g) && transposed)
        {
            // colsₙ read in place from the padded image: rows are (channel, tap) pairs, columns the output positions
            var layout = new ShiftedRows(g);
            var (rowStarts, positions) = (layout.RowStarts(s.CInG), layout.OutputPositions());
            ForEachUnit(chunks * s.Groups, (long)s.N * s.COut * s.K * s.L, u =>
            {
                int chunk = u / s.Groups, gi = u % s.Groups, pOff = u * partial;
                var padded = ThreadScratch<T>.Get(ThreadScratch.Columns, s.CInG * layout.PaddedPlane);
                for (int n = chunk * ImagesPerChunk; n < Math.Min(s.N, (chunk + 1) * ImagesPerChunk); n++)
                {
                    layout.Pad(x, xo + s.Planes(n, s.CIn, gi, s.CInG, s.InPlane), s.CInG, s.InPlane, padded);
                    Matmul.SerialGathered(padded, 0, rowStarts, positions, gy, go + s.Planes(n, s.COut, gi, s.COutG, s.L), s.L, true,
                        partials, pOff, s.COutG, s.K, s.L, s.COutG, accumulate: true);
                }
            });
        }
        else ForEachUnit(chunks * s.Groups, (long)s.N * s.COut * s.K * s.L, u =>
        {
            int chunk = u / s.Groups, gi = u % s.Groups, pOff = u * partial;
            var cols = ThreadScratch<T>.Get(ThreadScratch.Columns, s.K * s.L);
            for (int n = chunk * ImagesPerChunk; n < Math.Min(s.N, (chunk + 1) * ImagesPerChunk); n++)
            {
                Im2Col.UnfoldPlanes(x, xo + s.Planes(n, s.CIn, gi, s.CInG, s.InPlane), s.CInG, g, cols, 0);
                int gyOff = go + s.Planes(n, s.COut, gi, s.COutG, s.L);
                if (transposed) Matmul.Serial(cols, 0, s.L, gy, gyOff, s.L, true, partials, pOff, s.COutG, s.K, s.L, s.COutG, accumulate: true);
                else Matmul.Serial(gy, gyOff, s.L, cols, 0, s.L, true, partials, pOff, s.K, s.COutG, s.L, s.K, accumulate: true);
            }
        });
        // chunk 0 += chunk 1, += chunk 2, ... (each element summed in chunk order), then into the weight's layout
        var total = partials.AsSpan(0, s.Groups * partial);
        for (int chunk = 1; chunk < chunks; chunk++)
            TensorPrimitives.Add(total, partials.AsSpan(chunk * s.Groups * partial, s.Groups * partial), total);
        if (!transposed) { total.CopyTo(gw.AsSpan(gwo)); return; }
        for (int gi = 0; gi < s.Groups; gi++)
            for (int r = 0; r < s.K; r++)
                for (int o = 0; o < s.COutG; o++)
                    gw[gwo + (gi * s.COutG + o) * s.K + r] = total[gi * partial + r * s.COutG + o];
    }

    /// <summary>
    /// The windows of the input gradient as a stride-1 convolution over the output: kernel and dilation unchanged,
    /// padding dilation · (kernel - 1) - padding, whose windows land back on the input positions; null where that
    /// does not hold (a stride above 1, or a padding beyond the kernel's reach).
    /// </summary>
    private static ConvGeometry? AdjointGeometry(ConvGeometry g)
    {
        if (!ShiftedRows.Applies(g)) return null;
        var padding = new int[g.Dims];
        for (int d = 0; d < g.Dims; d++)
        {
            padding[d] = g.Dilation[d] * (g.Kernel[d] - 1) - g.Padding[d];
            if (padding[d] < 0) return null;
        }
        var ones = Enumerable.Repeat(1, g.Dims).ToArray();
        return new ConvGeometry(g.Blocks, g.Kernel, ones, padding, g.Dilation, ConvGeometry.BlockCounts(g.Blocks, g.Kernel, ones, padding, g.Dilation));
    }

    /// <summary>W'[g·C_in/g + c, o, t] = W[g·C_out/g + o, c, taps - 1 - t]: the weight of the input gradient's convolution.</summary>
    private static Tensor FlippedTransposed(Tensor weight, int groups)
    {
        int cout = weight.Size(0), cinG = weight.Size(1), coutG = cout / groups;
        var spatial = Enumerable.Range(2, weight.Dim - 2).ToArray();
        return weight.Flip(spatial).Reshape([groups, coutG, cinG, .. weight.Sizes[2..]]).Transpose(1, 2)
            .Reshape([groups * cinG, coutG, .. weight.Sizes[2..]]).Contiguous();
    }

    /// <summary>
    /// Whether the stride-1 forward runs with the output positions as rows (register tiles over positions × output
    /// channels, then a transposing copy) rather than the output channels as rows over the wide positions (tiles
    /// over channels × wide positions, then a crop): whichever runs fewer multiply-adds in whole tiles, plus its copy.
    /// </summary>
    private static bool PositionsAsRows<T>(Sizes s, ShiftedRows layout) where T : unmanaged =>
        Matmul.MultiplyAddCycles<T>(s.L, s.K, s.COutG) + s.L * s.COutG < Matmul.MultiplyAddCycles<T>(s.COutG, s.K, layout.Wide) + s.COutG * s.L / 8.0;

    /// <summary>y[o, l] = result[l, o]: an (L × C) product into C rows of L.</summary>
    private static void Transpose<T>(T[] result, int l, int c, T[] y, int yOffset) where T : unmanaged
    {
        for (int o = 0; o < c; o++)
        {
            var row = y.AsSpan(yOffset + o * l, l);
            for (int i = 0; i < l; i++) row[i] = result[i * c + o];
        }
    }

    /// <summary>The weight (C_out, K) as, per group, its K × C_out/groups transpose.</summary>
    private static T[] TransposedWeight<T>(Tensor weight, Sizes s) where T : unmanaged
    {
        var (w, wo) = (weight.Data<T>(), weight.StorageOffset);
        var wt = Core.CachingAllocator.Rent<T>(s.COut * s.K, zeroed: false); // every element is written below
        for (int gi = 0; gi < s.Groups; gi++)
            for (int o = 0; o < s.COutG; o++)
                for (int r = 0; r < s.K; r++)
                    wt[gi * s.K * s.COutG + r * s.COutG + o] = w[wo + (gi * s.COutG + o) * s.K + r];
        return wt;
    }

    /// <summary>Runs the tasks on the cores when there is enough work to share, else on the calling thread.</summary>
    private static void ForEachUnit(int units, long multiplyAdds, Action<int> body)
    {
        if (units < 2 || multiplyAdds < 1 << 18) for (int u = 0; u < units; u++) body(u);
        else Parallel.For(0, units, body);
    }
}
