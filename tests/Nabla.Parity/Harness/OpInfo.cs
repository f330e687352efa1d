using TT = TorchSharp.torch.Tensor;

namespace Nabla.Parity.Harness;

/// <summary>
/// One op, declared once: the Nabla call and the TorchSharp call over the same inputs and arguments, the dtypes
/// its samples are drawn from (dtypes torch rejects are included on purpose: the errors are compared too),
/// whether it is differentiable, and its sample generator. <paramref name="RuntimeBoundsErrors"/>: the op's
/// "index N is out of bounds for dimension D with size S" is a RuntimeError (a TORCH_CHECK in the scatter/gather
/// kernels), not the IndexError that advanced indexing raises with the same words.
/// </summary>
public sealed record OpInfo(
    string Name,
    Func<Tensor[], P, Tensor[]> Nabla,
    Func<TT[], P, TT[]> Torch,
    DType[] DTypes,
    Func<Gen, DType, IEnumerable<Sample>> Samples,
    bool Differentiable = true,
    bool RuntimeBoundsErrors = false)
{
    public override string ToString() => Name;
}
