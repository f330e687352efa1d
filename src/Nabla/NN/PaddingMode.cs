namespace Nabla.NN;

/// <summary>How the convolution modules pad their input (torch.nn.Conv*'s padding_mode string).</summary>
public enum PaddingMode
{
    /// <summary>'zeros': the convolution's own zero padding.</summary>
    Zeros,
    /// <summary>'reflect': F.pad(mode='reflect') before an unpadded convolution.</summary>
    Reflect,
    /// <summary>'replicate': F.pad(mode='replicate') before an unpadded convolution.</summary>
    Replicate,
    /// <summary>'circular': F.pad(mode='circular') before an unpadded convolution.</summary>
    Circular,
}
