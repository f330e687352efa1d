using Nabla.Core;

namespace Nabla.Distributed.Mpi;

/// <summary>How Nabla's dtypes and reduce ops map to MPI's predefined datatypes and ops.</summary>
internal static class MpiTypes
{
    /// <summary>The MPI datatype of a dtype's storage. Bool is stored as bytes holding 0 or 1.</summary>
    public static int Datatype(DType dtype) => dtype switch
    {
        DType.Bool or DType.UInt8 => MpiNative.TypeUInt8,
        DType.Int32 => MpiNative.TypeInt32,
        DType.Int64 => MpiNative.TypeInt64,
        DType.Float32 => MpiNative.TypeFloat,
        DType.Float64 => MpiNative.TypeDouble,
        _ => throw new NotSupportedException($"{dtype} has no MPI datatype."),
    };

    /// <summary>
    /// The MPI op for <paramref name="op"/> on <paramref name="dtype"/>; Avg is a sum the caller divides afterwards.
    /// On Bool (0 or 1) Sum and Max are a logical or (MPI_MAX) and Min and Product a logical and (MPI_MIN), as
    /// torch's gloo and NCCL backends reduce bools. Throws for Avg on integers and Bool.
    /// </summary>
    public static int Op(ReduceOp op, DType dtype, string collective)
    {
        if (op == ReduceOp.Avg && !dtype.IsFloatingPoint())
            throw Errors.Runtime($"{collective}: ReduceOp.Avg needs a floating-point tensor, got {dtype.TorchName()}: an integer mean " +
                "would have to round. Reduce with ReduceOp.Sum and divide by the world size in the rounding you want.");
        if (dtype == DType.Bool)
            return op is ReduceOp.Sum or ReduceOp.Max ? MpiNative.OpMax : MpiNative.OpMin;
        return op switch
        {
            ReduceOp.Sum or ReduceOp.Avg => MpiNative.OpSum,
            ReduceOp.Product => MpiNative.OpProd,
            ReduceOp.Min => MpiNative.OpMin,
            ReduceOp.Max => MpiNative.OpMax,
            _ => throw Errors.Runtime($"{collective}: unknown ReduceOp {op}."),
        };
    }

    /// <summary>Divides the <paramref name="count"/> floating-point elements at <paramref name="offset"/> by <paramref name="divisor"/> (ReduceOp.Avg).</summary>
    public static void DivideInPlace(Array data, int offset, int count, int divisor)
    {
        switch (data)
        {
            case float[] f:
                foreach (ref var x in f.AsSpan(offset, count)) x /= divisor;
                break;
            case double[] d:
                foreach (ref var x in d.AsSpan(offset, count)) x /= divisor;
                break;
            default:
                throw new InvalidOperationException("ReduceOp.Avg reached a non-floating-point buffer.");
        }
    }
}
