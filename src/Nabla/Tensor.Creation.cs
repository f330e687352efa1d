using System.Numerics;
using Nabla.Core;
using Nabla.Kernels;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>torch.tensor: copies a .NET array of any rank; the element type picks the dtype (long → Int64, float → Float32, ...).</summary>
    public static Tensor From(Array values, DType? dtype = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        var elementType = values.GetType().GetElementType()!;
        var natural = DTypes.ForClrType(elementType);
        var sizes = new int[values.Rank];
        for (int i = 0; i < sizes.Length; i++) sizes[i] = values.GetLength(i);
        var t = Allocate(sizes, natural);
        if (values.Length > 0) Buffer.BlockCopy(values, 0, t.Storage.Data, 0, Buffer.ByteLength(values));
        var result = dtype is { } d && d != natural ? t.To(d) : t;
        return result.RequiresGrad_(requiresGrad);
    }

    /// <summary>A 0-d tensor holding one value (torch.tensor(x)); the value's .NET type picks the dtype.</summary>
    public static Tensor From<T>(T value, DType? dtype = null, bool requiresGrad = false) where T : unmanaged =>
        From(new[] { value }, dtype, requiresGrad).Reshape();

    /// <summary>torch.empty. Nabla zero-fills fresh memory, so this equals <see cref="Zeros(int[], DType, bool)"/>.</summary>
    public static Tensor Empty(int[] shape, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Zeros(CheckSizes(shape), dtype, requiresGrad);
    }

    /// <summary>torch.zeros(*size): a Float32 tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Zeros(shape, DType.Float32);
    }

    /// <summary>torch.zeros.</summary>
    public static Tensor Zeros(int[] shape, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(s => s < 0)) throw Errors.Runtime("zeros: Dimension size must be non-negative.");
        return Allocate((int[])shape.Clone(), dtype).RequiresGrad_(requiresGrad);
    }

    /// <summary>torch.ones(*size): a Float32 tensor of ones.</summary>
    public static Tensor Ones(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Ones(shape, DType.Float32);
    }

    /// <summary>torch.ones.</summary>
    public static Tensor Ones(int[] shape, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Full(shape, 1, dtype, requiresGrad);
    }

    /// <summary>torch.full. Without a dtype the fill value picks it: bool → Bool, integer → Int64, float → Float32.</summary>
    public static Tensor Full(int[] shape, Scalar fillValue, DType? dtype = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var d = dtype ?? (fillValue.Kind == DType.Float64 ? DTypes.Default : fillValue.Kind);
        return Allocate(CheckSizes(shape), d).FillRaw(fillValue.CheckFits(d)).RequiresGrad_(requiresGrad);
    }

    /// <summary>torch.zeros_like: zeros of <paramref name="t"/>'s shape, in its dtype unless <paramref name="dtype"/> is given.</summary>
    public static Tensor ZerosLike(Tensor t, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        return Zeros(t.Shape, dtype ?? t.DType);
    }
    /// <summary>torch.ones_like: ones of <paramref name="t"/>'s shape, in its dtype unless <paramref name="dtype"/> is given.</summary>
    public static Tensor OnesLike(Tensor t, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        return Ones(t.Shape, dtype ?? t.DType);
    }
    /// <summary>torch.full_like: <paramref name="fillValue"/> in <paramref name="t"/>'s shape, in its dtype unless <paramref name="dtype"/> is given.</summary>
    /// <exception cref="ArgumentException">The value does not fit the dtype (e.g. 1.5 into an integer tensor).</exception>
    public static Tensor FullLike(Tensor t, Scalar fillValue, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        return Full(t.Shape, fillValue, dtype ?? t.DType);
    }
    /// <summary>torch.empty_like; Nabla zero-fills, so this equals <see cref="ZerosLike"/>.</summary>
    public static Tensor EmptyLike(Tensor t, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        return Zeros(t.Shape, dtype ?? t.DType);
    }

    /// <summary>torch.arange(end): integers give Int64.</summary>
    public static Tensor Arange(long end) => Arange(0, end, 1);

    /// <summary>torch.arange(start, end, step) over integers: Int64 unless <paramref name="dtype"/> says otherwise.</summary>
    public static Tensor Arange(long start, long end, long step = 1, DType dtype = DType.Int64)
    {
        if (!dtype.IsFloatingPoint())
        {
            CheckRange(start, end, step);
            // In 128 bits: the span of two int64 bounds (or MinValue / -1) must not wrap or trap.
            var length = (long)Int128.Min(((Int128)end - start + step - Math.Sign(step)) / step, long.MaxValue);
            var t = Allocate([CheckLength(length)], DType.Int64);
            var data = t.Data<long>();
            for (int i = 0; i < data.Length; i++) data[i] = start + i * step;
            return dtype == DType.Int64 ? t : t.To(dtype);
        }
        return Arange((double)start, end, step, dtype);
    }

    /// <summary>torch.arange with floating-point bounds: Float32 (the default dtype) unless told otherwise.</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32)
    {
        if (!dtype.IsFloatingPoint())
            return Arange((long)start, (long)end, step is > -1 and < 1 ? 0 : (long)step, dtype);
        CheckRange(start, end, step);
        double length = Math.Ceiling((end - start) / step);
        var t = Allocate([CheckLength(length)], DType.Float64);
        var data = t.Data<double>();
        for (int i = 0; i < data.Length; i++) data[i] = start + i * step;
        return dtype == DType.Float64 ? t : t.To(dtype);
    }

    private static void CheckRange(double start, double end, double step)
    {
        Errors.Check(step != 0, "step must be nonzero");
        Errors.Check(double.IsFinite(start) && double.IsFinite(end), $"unsupported range: {start} -> {end}");
        Errors.Check((step > 0 && end >= start) || (step < 0 && end <= start), "upper bound and lower bound inconsistent with step sign");
    }

    private static int CheckLength(double length)
    {
        Errors.Check(length >= 0 && length <= Array.MaxLength, "invalid size, possible overflow?");
        return (int)length;
    }

    /// <summary>torch.linspace: <paramref name="steps"/> evenly spaced values from start to end inclusive.</summary>
    public static Tensor Linspace(double start, double end, int steps, DType dtype = DType.Float32)
    {
        Errors.Check(steps >= 0, "number of steps must be non-negative");
        var t = Allocate([steps], DType.Float64);
        var data = t.Data<double>();
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        int half = steps / 2;
        // PyTorch fills the first half from the start and the second half from the end, for symmetry.
        for (int i = 0; i < steps; i++) data[i] = i < half ? start + step * i : end - step * (steps - i - 1);
        return t.To(dtype);
    }

    /// <summary>torch.eye: ones on the main diagonal of an n×m matrix.</summary>
    public static Tensor Eye(int n, int? m = null, DType dtype = DType.Float32)
    {
        Errors.Check(n >= 0, $"n must be greater or equal to 0, got {n}");
        int cols = m ?? n;
        Errors.Check(cols >= 0, $"m must be greater or equal to 0, got {cols}");
        var t = Allocate([n, cols], DType.Float64);
        var data = t.Data<double>();
        for (int i = 0; i < Math.Min(n, cols); i++) data[i * cols + i] = 1;
        return t.To(dtype);
    }

    /// <summary>Reseeds the default generator (torch.manual_seed).</summary>
    public static void ManualSeed(ulong seed) => Generator.Default.ManualSeed(seed);

    /// <summary>torch.rand: uniform in [0, 1).</summary>
    public static Tensor Rand(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Rand(shape, DType.Float32);
    }

    /// <summary>torch.rand: uniform values in [0, 1), drawn from <paramref name="generator"/> or the default generator.</summary>
    /// <exception cref="NotSupportedException"><paramref name="dtype"/> is not a floating-point type.</exception>
    public static Tensor Rand(int[] shape, DType dtype = DType.Float32, Generator? generator = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!dtype.IsFloatingPoint()) throw Errors.NotImplemented($"\"check_uniform_bounds\" not implemented for '{dtype.ScalarTypeName()}'");
        var g = generator ?? Generator.Default;
        var sizes = CheckSizes(shape);
        var values = RandomFills.Uniform(Layout.Contiguous(sizes).Numel, dtype == DType.Float64, 0, 1, g);
        return From(values).Reshape(sizes).To(dtype).RequiresGrad_(requiresGrad);
    }

    /// <summary>torch.randn: standard normal values, by Box–Muller over uniform draws as PyTorch's CPU kernel does.</summary>
    public static Tensor Randn(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Randn(shape, DType.Float32);
    }

    /// <summary>torch.randn: standard normal values, drawn from <paramref name="generator"/> or the default generator.</summary>
    /// <exception cref="NotSupportedException"><paramref name="dtype"/> is not a floating-point type.</exception>
    public static Tensor Randn(int[] shape, DType dtype = DType.Float32, Generator? generator = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!dtype.IsFloatingPoint()) throw Errors.NotImplemented($"\"normal_kernel_cpu\" not implemented for '{dtype.ScalarTypeName()}'");
        var g = generator ?? Generator.Default;
        var sizes = CheckSizes(shape);
        var values = RandomFills.Normal(Layout.Contiguous(sizes).Numel, dtype == DType.Float64, true, 0, 1, g);
        return From(values).Reshape(sizes).To(dtype).RequiresGrad_(requiresGrad);
    }

    /// <summary>torch.randint: integers uniform in [low, high).</summary>
    public static Tensor Randint(long low, long high, int[] shape, DType dtype = DType.Int64, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Errors.Check(low < high, $"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}");
        if (!dtype.IsFloatingPoint())
        {
            // Draws are made as Int64 and converted: a bound the dtype cannot hold would wrap (uint8) or be all true (bool).
            var (min, max) = dtype switch
            {
                DType.Bool => (0L, 1L),
                DType.UInt8 => (byte.MinValue, byte.MaxValue),
                DType.Int32 => (int.MinValue, int.MaxValue),
                _ => (long.MinValue, long.MaxValue),
            };
            Errors.Check(low >= min && low <= max, $"from is out of bounds for {dtype.TypeMetaName()}");
            Errors.Check(high - 1 >= min && high - 1 <= max, $"to - 1 is out of bounds for {dtype.TypeMetaName()}");
        }
        var g = generator ?? Generator.Default;
        var t = Allocate(CheckSizes(shape), DType.Int64);
        var data = t.Data<long>();
        ulong range = (ulong)(high - low);
        lock (g.Mutex) // one tensor, consecutive draws
            for (int i = 0; i < data.Length; i++)
                data[i] = low + (long)(range >= 1UL << 32 ? g.Random64() % range : g.Random() % range);
        return t.To(dtype);
    }

    /// <summary>torch.randint(high, size): integers uniform in [0, high).</summary>
    /// <exception cref="ArgumentException"><paramref name="high"/> is not positive, or does not fit the dtype.</exception>
    public static Tensor Randint(long high, int[] shape, DType dtype = DType.Int64, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Randint(0, high, shape, dtype, generator);
    }

    /// <summary>torch.randperm: a random permutation of 0..n-1.</summary>
    public static Tensor Randperm(int n, DType dtype = DType.Int64, Generator? generator = null)
    {
        Errors.Check(n >= 0, $"n must be non-negative, got{n}");
        var g = generator ?? Generator.Default;
        var t = Arange(n);
        var data = t.Data<long>();
        lock (g.Mutex) // one tensor, consecutive draws
        for (int i = 0; i < n - 1; i++)
        {
            int z = (int)(g.Random() % (uint)(n - i));
            (data[i], data[z + i]) = (data[z + i], data[i]);
        }
        return t.To(dtype);
    }

    internal static int[] CheckSizes(int[] shape)
    {
        foreach (var s in shape)
            if (s < 0) throw Errors.Runtime($"Trying to create tensor with negative dimension {s}: {Errors.Shape(shape)}");
        return (int[])shape.Clone();
    }

    /// <summary>Writes a value into every element without autograd or version bookkeeping (for fresh tensors).</summary>
    internal Tensor FillRaw(Scalar value)
    {
        switch (DType)
        {
            case DType.Bool: Fill<byte>(value.ToBoolean() ? (byte)1 : (byte)0); break;
            case DType.UInt8: Fill((byte)value.ToInt64()); break;
            case DType.Int32: Fill((int)value.ToInt64()); break;
            case DType.Int64: Fill(value.ToInt64()); break;
            case DType.Float32: Fill((float)value.ToDouble()); break;
            default: Fill(value.ToDouble()); break;
        }
        return this;

        void Fill<T>(T v) where T : unmanaged, INumber<T>
        {
            var one = new Tensor(Storage.Allocate(DType == DType.Bool ? DType.UInt8 : DType, 1), Layout.Contiguous([]), DType == DType.Bool ? DType.UInt8 : DType);
            one.Data<T>()[0] = v;
            Copy.Into(one, DType == DType.Bool ? new Tensor(Storage, Layout, DType.UInt8, VersionCounter) : this);
        }
    }
}
