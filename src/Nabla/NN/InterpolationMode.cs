namespace Nabla.NN;

/// <summary>The <c>mode</c> argument of torch.nn.functional.interpolate and torch.nn.Upsample.</summary>
public enum InterpolationMode
{
    /// <summary>'nearest': input cell floor(dst · scale) (PyTorch's legacy, asymmetric rule).</summary>
    Nearest,
    /// <summary>'nearest-exact': input cell floor((dst + 0.5) · scale), matching image libraries.</summary>
    NearestExact,
    /// <summary>'linear': 1-d linear interpolation, (N, C, L) input.</summary>
    Linear,
    /// <summary>'bilinear': 2-d linear interpolation, (N, C, H, W) input.</summary>
    Bilinear,
    /// <summary>'bicubic': 2-d cubic convolution with A = -0.75, (N, C, H, W) input.</summary>
    Bicubic,
    /// <summary>'trilinear': 3-d linear interpolation, (N, C, D, H, W) input.</summary>
    Trilinear,
    /// <summary>'area': adaptive average pooling to the output size.</summary>
    Area,
}

/// <summary>PyTorch's spelling of each <see cref="InterpolationMode"/>.</summary>
public static class InterpolationModeNames
{
    /// <summary>The string PyTorch uses for <paramref name="mode"/> ('nearest', 'nearest-exact', 'bilinear', ...).</summary>
    public static string TorchName(this InterpolationMode mode) => mode switch
    {
        InterpolationMode.Nearest => "nearest",
        InterpolationMode.NearestExact => "nearest-exact",
        InterpolationMode.Linear => "linear",
        InterpolationMode.Bilinear => "bilinear",
        InterpolationMode.Bicubic => "bicubic",
        InterpolationMode.Trilinear => "trilinear",
        InterpolationMode.Area => "area",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown interpolation mode"),
    };
}
