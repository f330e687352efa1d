namespace Nabla.Core;

/// <summary>
/// torch.result_type: operands are ranked as dimensioned tensors, then 0-d tensors, then .NET numbers;
/// the highest category wins, and the highest-priority group holding that category decides the dtype.
/// </summary>
internal static class TypePromotion
{
    public static DType ResultType(params ReadOnlySpan<Tensor> operands)
    {
        DType? dim = null, zero = null, wrapped = null;
        foreach (var t in operands)
        {
            ref DType? slot = ref t.IsWrappedNumber ? ref wrapped : ref t.Dim > 0 ? ref dim : ref zero;
            var d = t.IsWrappedNumber && t.DType == DType.Float64 ? DTypes.Default : t.DType;
            slot = slot is { } s ? DTypes.Promote(s, d) : d;
        }
        int top = Math.Max(Cat(dim), Math.Max(Cat(zero), Cat(wrapped)));
        if (dim is { } a && a.Category() == top) return a;
        if (zero is { } b && b.Category() == top) return b;
        return wrapped!.Value;

        static int Cat(DType? d) => d is { } x ? x.Category() : -1;
    }
}
