namespace Nabla.NN;

/// <summary>GELU's approximation (PyTorch's <c>approximate=</c> string: 'none', 'tanh').</summary>
public enum GeluApproximate
{
    /// <summary>'none': the exact <c>x Φ(x)</c> through erf.</summary>
    None,

    /// <summary>'tanh': <c>0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))</c>.</summary>
    Tanh,
}
