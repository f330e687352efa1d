namespace Nabla;

/// <summary>Element type of a tensor, chosen at run time as in PyTorch (torch.dtype).</summary>
public enum DType
{
    /// <summary>torch.bool: true or false, one byte.</summary>
    Bool,
    /// <summary>torch.uint8: unsigned 8-bit integer.</summary>
    UInt8,
    /// <summary>torch.int32: signed 32-bit integer.</summary>
    Int32,
    /// <summary>torch.int64 (torch.long): signed 64-bit integer, the default for integer data.</summary>
    Int64,
    /// <summary>torch.float32 (torch.float): the default floating-point dtype.</summary>
    Float32,
    /// <summary>torch.float64 (torch.double).</summary>
    Float64,
}

/// <summary>Facts about each <see cref="DType"/>: category, storage type and the names PyTorch prints.</summary>
public static class DTypes
{
    /// <summary>The dtype floating-point Python scalars and integer division produce (torch.get_default_dtype()).</summary>
    public static DType Default => DType.Float32;

    /// <summary>True for Float32 and Float64 (torch.dtype.is_floating_point).</summary>
    public static bool IsFloatingPoint(this DType d) => d is DType.Float32 or DType.Float64;

    /// <summary>True for integer dtypes and Bool, like torch's is_integral(includeBool=True).</summary>
    public static bool IsIntegral(this DType d) => !d.IsFloatingPoint();

    /// <summary>Bytes per element (torch.dtype.itemsize).</summary>
    public static int ElementSize(this DType d) => d switch
    {
        DType.Bool or DType.UInt8 => 1,
        DType.Int32 or DType.Float32 => 4,
        _ => 8,
    };

    /// <summary>torch.float32 and friends, as printed in a tensor's repr.</summary>
    public static string TorchName(this DType d) => d switch
    {
        DType.Bool => "torch.bool",
        DType.UInt8 => "torch.uint8",
        DType.Int32 => "torch.int32",
        DType.Int64 => "torch.int64",
        DType.Float32 => "torch.float32",
        _ => "torch.float64",
    };

    /// <summary>ATen's scalar type name used in error messages ("Float", "Long", ...).</summary>
    public static string ScalarTypeName(this DType d) => d switch
    {
        DType.Bool => "Bool",
        DType.UInt8 => "Byte",
        DType.Int32 => "Int",
        DType.Int64 => "Long",
        DType.Float32 => "Float",
        _ => "Double",
    };

    /// <summary>c10's TypeMeta name of the element type ("float", "long int", ...), which some messages print.</summary>
    internal static string TypeMetaName(this DType d) => d switch
    {
        DType.Bool => "bool",
        DType.UInt8 => "unsigned char",
        DType.Int32 => "int",
        DType.Int64 => "long int",
        DType.Float32 => "float",
        _ => "double",
    };

    /// <summary>libtorch's tensor type name, e.g. CPUFloatType, used by the saved-tensor version error.</summary>
    public static string CpuTypeName(this DType d) => $"CPU{d.ScalarTypeName()}Type";

    internal static int Category(this DType d) => d switch
    {
        DType.Bool => 0,
        DType.Float32 or DType.Float64 => 2,
        _ => 1,
    };

    /// <summary>torch.promote_types for the dtypes Nabla has.</summary>
    public static DType Promote(DType a, DType b)
    {
        if (a == b) return a;
        if (a.IsFloatingPoint() || b.IsFloatingPoint())
            return a == DType.Float64 || b == DType.Float64 ? DType.Float64 : DType.Float32;
        return (DType)Math.Max((int)a, (int)b); // Bool < UInt8 < Int32 < Int64
    }

    internal static DType ForClrType(Type t) =>
        t == typeof(float) ? DType.Float32 :
        t == typeof(double) ? DType.Float64 :
        t == typeof(long) ? DType.Int64 :
        t == typeof(int) ? DType.Int32 :
        t == typeof(byte) ? DType.UInt8 :
        t == typeof(bool) ? DType.Bool :
        t.IsArray ? throw Core.Errors.Runtime($"tensor: jagged arrays ({t.Name}[]) are not supported; use a rectangular array such as {t.GetElementType()!.Name}[,]")
        : throw Core.Errors.Runtime($"tensor: unsupported element type {t.Name}; use bool, byte, int, long, float or double");
}
