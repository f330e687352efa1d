namespace Nabla.NN;

/// <summary>Activation functions (torch.nn.functional.relu, softmax, gelu, ...).</summary>
public static partial class F
{
    /// <summary>torch.nn.functional.relu: <c>max(input, 0)</c> (node ReluBackward0). Throws ArgumentException for Bool input.</summary>
    public static Tensor Relu(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Relu();
    }

    /// <summary>torch.nn.functional.softmax along <paramref name="dim"/>, computed in <paramref name="dtype"/> when given.</summary>
    public static Tensor Softmax(Tensor input, int dim, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Softmax(dim, dtype);
    }

    /// <summary>torch.nn.functional.log_softmax along <paramref name="dim"/>, computed in <paramref name="dtype"/> when given.</summary>
    public static Tensor LogSoftmax(Tensor input, int dim, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.LogSoftmax(dim, dtype);
    }
}
