namespace Nabla.NN;

/// <summary>Which fan torch.nn.init's kaiming initialisers scale by: 'fan_in' (forward variance) or 'fan_out' (backward).</summary>
public enum FanMode
{
    /// <summary>'fan_in': input feature maps times the receptive field size.</summary>
    FanIn,
    /// <summary>'fan_out': output feature maps times the receptive field size.</summary>
    FanOut,
}
