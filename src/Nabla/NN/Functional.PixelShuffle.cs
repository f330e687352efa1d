using Nabla.Core;

namespace Nabla.NN;

/// <summary>Sub-pixel rearrangements (torch.nn.functional.pixel_shuffle / pixel_unshuffle), each the other's gradient.</summary>
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.pixel_shuffle: (*, C·r², H, W) to (*, C, H·r, W·r); output[c, h·r + i, w·r + j] = input[c·r² + i·r + j, h, w].
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 3 dims, a non-positive factor or channels not divisible by r², with libtorch's messages.</exception>
    public static Tensor PixelShuffle(Tensor input, int upscaleFactor)
    {
        ArgumentNullException.ThrowIfNull(input);
        Errors.Check(input.Dim >= 3, $"pixel_shuffle expects input to have at least 3 dimensions, but got input with {input.Dim} dimension(s)");
        Errors.Check(upscaleFactor > 0, $"pixel_shuffle expects a positive upscale_factor, but got {upscaleFactor}");
        int r = upscaleFactor, c = input.Size(-3);
        long rr = (long)r * r; // in 64 bits, as libtorch: 65536² must not wrap to 0
        Errors.Check(c % rr == 0,
            $"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)={c} is not divisible by {rr}");
        int lead = input.Dim - 3, h = input.Size(-2), w = input.Size(-1);
        var batch = input.Shape[..lead];
        Tensor y;
        using (GradMode.NoGrad())
            y = input.Detach().Reshape([.. batch, (int)(c / rr), r, r, h, w]).Permute(Rearranged(lead, [0, 3, 1, 4, 2]))
                .Reshape([.. batch, (int)(c / rr), FitsDim((long)h * r), FitsDim((long)w * r)]);
        return Graph.Record(y, "PixelShuffleBackward0", [input], r, static (g, _, _, f) => [PixelUnshuffle(g, f)]);
    }

    /// <summary>torch.nn.functional.pixel_unshuffle: (*, C, H·r, W·r) to (*, C·r², H, W), the inverse of <see cref="PixelShuffle"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than 3 dims, a non-positive factor or sizes not divisible by r, with libtorch's messages.</exception>
    public static Tensor PixelUnshuffle(Tensor input, int downscaleFactor)
    {
        ArgumentNullException.ThrowIfNull(input);
        Errors.Check(input.Dim >= 3, $"pixel_unshuffle expects input to have at least 3 dimensions, but got input with {input.Dim} dimension(s)");
        Errors.Check(downscaleFactor > 0, $"pixel_unshuffle expects a positive downscale_factor, but got {downscaleFactor}");
        int r = downscaleFactor, h = input.Size(-2), w = input.Size(-1);
        Errors.Check(h % r == 0, $"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={h} is not divisible by {r}");
        Errors.Check(w % r == 0, $"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={w} is not divisible by {r}");
        int lead = input.Dim - 3, c = input.Size(-3);
        var batch = input.Shape[..lead];
        Tensor y;
        using (GradMode.NoGrad())
            y = input.Detach().Reshape([.. batch, c, h / r, r, w / r, r]).Permute(Rearranged(lead, [0, 2, 4, 1, 3]))
                .Reshape([.. batch, FitsDim((long)c * r * r), h / r, w / r]);
        return Graph.Record(y, "PixelUnshuffleBackward0", [input], r, static (g, _, _, f) => [PixelShuffle(g, f)]);
    }

    /// <summary>A permutation keeping <paramref name="lead"/> batch dims in place and reordering the 5 dims after them.</summary>
    private static int[] Rearranged(int lead, int[] tail) => [.. Enumerable.Range(0, lead), .. tail.Select(d => d + lead)];

    /// <summary>An output size computed in 64 bits, refused when it passes what one dim holds (instead of wrapping).</summary>
    private static int FitsDim(long size) =>
        size <= int.MaxValue ? (int)size : throw Errors.Runtime($"the output would have a dim of size {size}, more than a Nabla dim holds ({int.MaxValue})");
}
