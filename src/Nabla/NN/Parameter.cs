namespace Nabla.NN;

/// <summary>
/// torch.nn.Parameter. A parameter is a <see cref="Tensor"/> whose <see cref="Tensor.IsParameter"/> flag is set
/// (Tensor is sealed, so there is no subclass): it works in every op like any tensor, prints under
/// "Parameter containing:", and is what <see cref="Module.RegisterParameter"/> accepts.
/// </summary>
public static class Parameter
{
    /// <summary>
    /// Parameter(data, requires_grad): a new leaf sharing <paramref name="data"/>'s storage (detached from its graph),
    /// requiring grad by default. Throws ArgumentException when <paramref name="requiresGrad"/> is set on a
    /// non-floating tensor, as PyTorch does.
    /// </summary>
    public static Tensor Create(Tensor data, bool requiresGrad = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.MakeParameter(requiresGrad);
    }
}
