using Nabla.Core;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>
    /// True for a module parameter (isinstance(t, torch.nn.Parameter)). Tensor is sealed, so a parameter is an
    /// ordinary tensor carrying this flag, made by <see cref="NN.Parameter.Create"/>: it takes part in every op
    /// as a tensor, and modules accept only flagged tensors as parameters, as torch.nn does.
    /// </summary>
    public bool IsParameter { get; private init; }

    /// <summary>A new leaf sharing this tensor's data and version counter, flagged as a parameter.</summary>
    internal Tensor MakeParameter(bool requiresGrad) =>
        new Tensor(Storage, Layout, DType, VersionCounter) { IsParameter = true }.RequiresGrad_(requiresGrad);

    /// <summary>
    /// `tensor.data = source`: this tensor takes <paramref name="source"/>'s storage, layout and dtype and keeps its
    /// identity, autograd flags and version counter, so references held elsewhere (an optimizer) see the new data.
    /// Only for leaves that own their storage (module parameters and gradients).
    /// </summary>
    internal void SetData(Tensor source)
    {
        if (GradFn is not null || ViewBase is not null)
            throw Errors.Runtime("set_data is only supported on leaf tensors that are not views");
        Storage = source.Storage;
        Layout = source.Layout;
        DType = source.DType;
    }
}
