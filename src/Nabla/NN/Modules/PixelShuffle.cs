namespace Nabla.NN;

/// <summary>torch.nn.PixelShuffle: (*, C·r², H, W) to (*, C, H·r, W·r).</summary>
public class PixelShuffle(int upscaleFactor) : Module<Tensor, Tensor>
{
    /// <summary>upscale_factor.</summary>
    public int UpscaleFactor { get; } = upscaleFactor;

    /// <summary>F.pixel_shuffle(input, upscale_factor).</summary>
    public override Tensor Forward(Tensor input) => F.PixelShuffle(input, UpscaleFactor);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"upscale_factor={UpscaleFactor}";
}

/// <summary>torch.nn.PixelUnshuffle: (*, C, H·r, W·r) to (*, C·r², H, W).</summary>
public class PixelUnshuffle(int downscaleFactor) : Module<Tensor, Tensor>
{
    /// <summary>downscale_factor.</summary>
    public int DownscaleFactor { get; } = downscaleFactor;

    /// <summary>F.pixel_unshuffle(input, downscale_factor).</summary>
    public override Tensor Forward(Tensor input) => F.PixelUnshuffle(input, DownscaleFactor);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"downscale_factor={DownscaleFactor}";
}
