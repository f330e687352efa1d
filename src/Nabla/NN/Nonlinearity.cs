namespace Nabla.NN;

/// <summary>The nonlinearity names torch.nn.init.calculate_gain accepts ('linear', 'conv2d', 'relu', 'leaky_relu', ...).</summary>
public enum Nonlinearity
{
    /// <summary>'linear': gain 1.</summary>
    Linear,
    /// <summary>'conv1d': gain 1.</summary>
    Conv1d,
    /// <summary>'conv2d': gain 1.</summary>
    Conv2d,
    /// <summary>'conv3d': gain 1.</summary>
    Conv3d,
    /// <summary>'conv_transpose1d': gain 1.</summary>
    ConvTranspose1d,
    /// <summary>'conv_transpose2d': gain 1.</summary>
    ConvTranspose2d,
    /// <summary>'conv_transpose3d': gain 1.</summary>
    ConvTranspose3d,
    /// <summary>'sigmoid': gain 1.</summary>
    Sigmoid,
    /// <summary>'tanh': gain 5/3.</summary>
    Tanh,
    /// <summary>'relu': gain sqrt(2).</summary>
    Relu,
    /// <summary>'leaky_relu': gain sqrt(2 / (1 + negative_slope²)).</summary>
    LeakyRelu,
    /// <summary>'selu': gain 3/4.</summary>
    Selu,
}
