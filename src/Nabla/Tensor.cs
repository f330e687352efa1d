using Nabla.Core;

namespace Nabla;

/// <summary>
/// An n-dimensional array with a run-time dtype and reverse-mode autograd, mirroring torch.Tensor.
/// A tensor is a view: a <see cref="Layout"/> (sizes, strides, offset) over a shared <see cref="Storage"/>.
/// Tensors are ordinary garbage-collected objects; there is nothing to dispose.
/// </summary>
public sealed partial class Tensor
{
    // Not readonly: a module parameter keeps its identity when Module.To(dtype) swaps its data (SetData).
    internal Storage Storage;
    internal Layout Layout;
    internal readonly VersionCounter VersionCounter;

    /// <summary>The tensor this one is a view of (null for a tensor that owns its storage).</summary>
    internal Tensor? ViewBase { get; private init; }

    /// <summary>Recreates this view from <see cref="ViewBase"/>; used to rebase history after an in-place write.</summary>
    internal Func<Tensor, Tensor>? ViewReplay => _viewSteps is { } steps ? steps.Replay : null;

    /// <summary>The view ops from <see cref="ViewBase"/> to this view, newest first.</summary>
    private ViewSteps? _viewSteps;

    /// <summary>How this view was made; decides whether in-place writes into it may be tracked.</summary>
    internal ViewCreation Creation { get; private set; }

    /// <summary>A .NET number turned into a 0-d tensor; it only raises the category in type promotion.</summary>
    internal bool IsWrappedNumber { get; private init; }

    /// <summary>The element type (torch.Tensor.dtype).</summary>
    public DType DType { get; private set; }

    internal Tensor(Storage storage, Layout layout, DType dtype, VersionCounter? version = null)
    {
        Storage = storage;
        Layout = layout;
        DType = dtype;
        VersionCounter = version ?? new VersionCounter();
    }

    /// <summary>A fresh, contiguous, zero-filled tensor.</summary>
    internal static Tensor Allocate(int[] sizes, DType dtype)
    {
        Layout.CheckStorageSize(sizes, dtype);
        var layout = Layout.Contiguous(sizes);
        return new Tensor(Storage.Allocate(dtype, layout.Numel), layout, dtype);
    }

    /// <summary>A fresh, contiguous tensor with arbitrary contents, for kernels that write every element.</summary>
    internal static Tensor AllocateForOutput(int[] sizes, DType dtype)
    {
        Layout.CheckStorageSize(sizes, dtype);
        var layout = Layout.Contiguous(sizes);
        return new Tensor(Storage.Allocate(dtype, layout.Numel, zeroed: false), layout, dtype);
    }

    internal static Tensor WrapNumber(Scalar s) =>
        new Tensor(Storage.Allocate(s.Kind, 1), Layout.Contiguous([]), s.Kind) { IsWrappedNumber = true }.FillRaw(s);

    /// <summary>A view sharing storage and version counter; <paramref name="replay"/> rebuilds it from this tensor.</summary>
    internal Tensor MakeView(Layout layout, Func<Tensor, Tensor> replay)
    {
        var root = ViewBase ?? this;
        var parentSteps = _viewSteps;
        return new Tensor(Storage, layout, DType, VersionCounter)
        {
            ViewBase = root,
            _viewSteps = new ViewSteps(replay, parentSteps),
            // A view of a no_grad or multi-output view keeps that kind (propagate_creation_meta).
            Creation = GradMode.IsEnabled ? (ViewBase is null ? ViewCreation.Default : Creation) : ViewCreation.NoGradMode,
        };
    }

    /// <summary>torch.Tensor.shape: a copy of the sizes.</summary>
    public int[] Shape => (int[])Layout.Sizes.Clone();

    internal ReadOnlySpan<int> Sizes => Layout.Sizes;

    /// <summary>The number of dims (torch.Tensor.dim()); 0 for a scalar tensor.</summary>
    public int Dim => Layout.Rank;

    /// <summary>The number of elements (torch.Tensor.numel()).</summary>
    public int Numel => Layout.Numel;

    /// <summary>torch.Tensor.size(dim), with negative dims.</summary>
    /// <exception cref="IndexException">the dim is out of range (a 0-d tensor has no dims to ask for)</exception>
    public int Size(int dim) => Layout.Sizes[Errors.WrapDim(dim, Dim, scalarWraps: false)];

    /// <summary>torch.Tensor.stride(): element strides, as PyTorch reports them.</summary>
    public int[] Stride() => (int[])Layout.Strides.Clone();

    /// <summary>The first element's offset into the storage, in elements (torch.Tensor.storage_offset()).</summary>
    public int StorageOffset => Layout.Offset;

    /// <summary>Whether the elements lie in row-major order without gaps (torch.Tensor.is_contiguous()).</summary>
    public bool IsContiguous() => Layout.IsContiguous;

    /// <summary>Whether the dtype is Float32 or Float64 (torch.is_floating_point).</summary>
    public bool IsFloatingPoint => DType.IsFloatingPoint();

    /// <summary>The version counter's value: how many in-place writes this tensor's storage region has seen.</summary>
    public int Version => VersionCounter.Version;

    internal T[] Data<T>() => Storage.As<T>();

    /// <summary>
    /// The value of a one-element tensor, converted to <typeparamref name="T"/> (torch.Tensor.item&lt;T&gt;() in C++).
    /// Like c10's checked_convert, a value <typeparamref name="T"/> cannot hold (1e20 or NaN as an int) is refused,
    /// never saturated or wrapped; any value converts to bool.
    /// </summary>
    /// <exception cref="ArgumentException">the tensor has more or fewer than one element, or the value overflows <typeparamref name="T"/></exception>
    public T Item<T>() where T : unmanaged
    {
        if (Numel != 1)
            throw Errors.Runtime($"a Tensor with {Numel} elements cannot be converted to Scalar");
        var target = DTypes.ForClrType(typeof(T));
        if (target is not (DType.Bool or DType.Float64) && target != DType) // only a narrowing can overflow
        {
            Scalar value = IsFloatingPoint ? (Scalar)ToArray<double>()[0] : (Scalar)ToArray<long>()[0];
            value.CheckFits(target);
        }
        return ToArray<T>()[0];
    }

    /// <summary>The elements in row-major order, converted to <typeparamref name="T"/>.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var target = DTypes.ForClrType(typeof(T));
        if (Numel == 0) return [];
        var dense = To(target == DType.Bool ? DType.Bool : target).Contiguous();
        if (typeof(T) == typeof(bool))
        {
            var bytes = dense.Data<byte>();
            var result = new bool[dense.Numel];
            for (int i = 0; i < result.Length; i++) result[i] = bytes[dense.Layout.Offset + i] != 0;
            return (T[])(object)result;
        }
        var data = dense.Data<T>();
        if (dense.Layout.Offset == 0 && data.Length == dense.Numel) return (T[])data.Clone();
        return data.AsSpan(dense.Layout.Offset, dense.Numel).ToArray();
    }

    /// <summary>Element <paramref name="flatIndex"/> (row-major) read straight from storage as a double, without copying anything.</summary>
    internal double ReadFlatDouble(int flatIndex)
    {
        int o = StorageIndexOf(flatIndex);
        return DType switch
        {
            DType.Bool or DType.UInt8 => Data<byte>()[o],
            DType.Int32 => Data<int>()[o],
            DType.Int64 => Data<long>()[o],
            DType.Float32 => Data<float>()[o],
            _ => Data<double>()[o],
        };
    }

    /// <summary>Element <paramref name="flatIndex"/> of an integer or Bool tensor read straight from storage, exactly.</summary>
    internal long ReadFlatInt64(int flatIndex)
    {
        int o = StorageIndexOf(flatIndex);
        return DType switch
        {
            DType.Bool or DType.UInt8 => Data<byte>()[o],
            DType.Int32 => Data<int>()[o],
            DType.Int64 => Data<long>()[o],
            DType.Float32 => (long)Data<float>()[o],
            _ => (long)Data<double>()[o],
        };
    }

    /// <summary>The storage position of row-major element <paramref name="flatIndex"/>.</summary>
    private int StorageIndexOf(int flatIndex)
    {
        long o = Layout.Offset;
        for (int d = Dim - 1; d >= 0; d--)
        {
            int size = Layout.Sizes[d];
            o += (long)(flatIndex % size) * Layout.Strides[d];
            flatIndex /= size;
        }
        return (int)o;
    }

    /// <summary>Reads element <paramref name="flatIndex"/> (row-major) straight from storage, as a double.</summary>
    internal double GetFlat(int flatIndex) => Narrowed(flatIndex).Item<double>();

    /// <summary>Writes element <paramref name="flatIndex"/> straight into storage, bypassing autograd and the version counter.</summary>
    internal void SetFlat(int flatIndex, double value) => Narrowed(flatIndex).FillRaw(value);

    private Tensor Narrowed(int flatIndex)
    {
        Span<int> index = stackalloc int[Dim];
        for (int d = Dim - 1; d >= 0; d--) { index[d] = flatIndex % Layout.Sizes[d]; flatIndex /= Layout.Sizes[d]; }
        return new Tensor(Storage, Layout.Contiguous([], Layout.OffsetOf(index)), DType);
    }

    /// <summary>What PyTorch's repr prints: the tensor, under "Parameter containing:" for a module parameter.</summary>
    public override string ToString() => IsParameter ? "Parameter containing:\n" + TensorFormatter.Format(this) : TensorFormatter.Format(this);
}
