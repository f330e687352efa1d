namespace Nabla.NN;

/// <summary>The string paddings of torch.nn.functional.conv1d/2d/3d: padding="valid" and padding="same".</summary>
public enum ConvPadding
{
    /// <summary>"valid": no padding.</summary>
    Valid,

    /// <summary>"same": pad so the output has the input's spatial size (stride 1 only); odd totals pad one more on the right.</summary>
    Same,
}
