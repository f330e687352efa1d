using System.Numerics;

namespace Nabla.Kernels;

/// <summary>A kernel body generic over the storage element type; the struct carries its arguments.</summary>
internal interface INumericKernel
{
    void Run<T>() where T : unmanaged, INumber<T>;
}

/// <summary>The one switch from a run-time dtype to a kernel instantiated for its storage type (Bool is stored as byte).</summary>
internal static class DTypeDispatch
{
    public static void Run<TK>(DType dtype, TK kernel) where TK : struct, INumericKernel
    {
        switch (dtype)
        {
            case DType.Bool or DType.UInt8: kernel.Run<byte>(); break;
            case DType.Int32: kernel.Run<int>(); break;
            case DType.Int64: kernel.Run<long>(); break;
            case DType.Float32: kernel.Run<float>(); break;
            default: kernel.Run<double>(); break;
        }
    }
}
