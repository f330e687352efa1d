namespace Nabla.NN;

/// <summary>The activation of torch.nn.TransformerEncoderLayer's feed-forward block, given in PyTorch as "relu" or "gelu".</summary>
public enum TransformerActivation
{
    /// <summary>"relu": F.relu.</summary>
    Relu,
    /// <summary>"gelu": F.gelu (exact, not the tanh approximation).</summary>
    Gelu,
}
