namespace Nabla.Core;

/// <summary>
/// Sizes, strides and offset of a tensor inside its storage. Every view op is a pure function from one
/// layout to another; nothing here touches data. Every layout checks its element count once, here: sizes whose
/// product overflows are refused as libtorch refuses them, never wrapped into a wrong (even negative) count.
/// </summary>
internal sealed class Layout
{
    public readonly int[] Sizes;
    public readonly int[] Strides;
    public readonly int Offset;
    public readonly int Numel;

    public Layout(int[] sizes, int[] strides, int offset)
    {
        Sizes = sizes;
        Strides = strides;
        Offset = offset;
        Numel = FitsArray(sizes, out int numel) ? numel : CheckedNumel(sizes, "numel: integer multiplication overflow");
    }

    /// <summary>A dense row-major layout; sizes whose count overflows fail like libtorch's allocation.</summary>
    public static Layout Contiguous(int[] sizes, int offset = 0)
    {
        if (!FitsArray(sizes, out _)) CheckedNumel(sizes, $"Storage size calculation overflowed with sizes={Errors.Shape(sizes)}");
        return new(sizes, ContiguousStrides(sizes), offset);
    }

    /// <summary>
    /// libtorch's computeStorageNbytesContiguous check: a fresh buffer of <paramref name="sizes"/> elements of
    /// <paramref name="dtype"/> whose byte count passes int64 is refused, before anything is allocated.
    /// </summary>
    public static void CheckStorageSize(int[] sizes, DType dtype)
    {
        if (FitsArray(sizes, out _)) return; // at most Array.MaxLength elements of at most 8 bytes: far inside int64
        string message = $"Storage size calculation overflowed with sizes={Errors.Shape(sizes)}";
        int[] withItem = [.. sizes, dtype.ElementSize()];
        CheckedNumel(withItem, message, limitToArray: false);
        CheckedNumel(sizes, message);
    }

    public int Rank => Sizes.Length;

    /// <summary>
    /// The common case of <see cref="CheckedNumel"/> without building its message: true (with the count) when
    /// no size is negative and the count fits one .NET array; false sends the caller to the checked path.
    /// </summary>
    private static bool FitsArray(ReadOnlySpan<int> sizes, out int numel)
    {
        long n = 1;
        foreach (var s in sizes)
        {
            if (s < 0) { numel = 0; return false; }
            n *= s;
            if (n > Array.MaxLength) { numel = 0; return false; } // checked before it can overflow: both factors < 2^31
        }
        numel = (int)n;
        return true;
    }

    /// <summary>The element count of <paramref name="sizes"/>, checked: see <see cref="CheckedNumel"/>.</summary>
    public static int NumelOf(ReadOnlySpan<int> sizes) => CheckedNumel(sizes, "numel: integer multiplication overflow");

    /// <summary>
    /// c10's safe_compute_numel: the product of the sizes taken as unsigned 64-bit numbers (so a negative size
    /// overflows), refused with <paramref name="overflowMessage"/> when it overflows or passes int64's range; then
    /// refused when it passes what one .NET array holds.
    /// </summary>
    public static int CheckedNumel(ReadOnlySpan<int> sizes, string overflowMessage, bool limitToArray = true)
    {
        ulong n = 1;
        bool overflow = false;
        foreach (var s in sizes)
        {
            // A negative size is a huge unsigned one; it overflows even when a zero dim would hide it from the product.
            if (s < 0) overflow = true;
            var product = (UInt128)n * unchecked((ulong)(long)s);
            if (product > ulong.MaxValue) overflow = true;
            n = unchecked((ulong)product);
        }
        if (overflow || n > long.MaxValue) throw Errors.Runtime(overflowMessage);
        if (!limitToArray) return 0;
        if (n > (ulong)Array.MaxLength)
            throw Errors.Runtime($"tensor of shape {Errors.Shape(sizes)} has {n} elements, more than a .NET array holds");
        return (int)n;
    }

    public static int[] ContiguousStrides(ReadOnlySpan<int> sizes)
    {
        var strides = new int[sizes.Length];
        long s = 1;
        for (int i = sizes.Length - 1; i >= 0; i--)
        {
            strides[i] = (int)Math.Min(s, int.MaxValue);
            s *= Math.Max(sizes[i], 1);
            if (s > int.MaxValue) s = int.MaxValue + 1L; // only reachable for empty tensors, whose strides address nothing
        }
        return strides;
    }

    /// <summary>Row-major dense with no gaps (size-1 dims may have any stride), like is_contiguous(); an empty tensor always is.</summary>
    public bool IsContiguous
    {
        get
        {
            if (Numel == 0) return true;
            int expected = 1;
            for (int i = Sizes.Length - 1; i >= 0; i--)
            {
                if (Sizes[i] == 1) continue;
                if (Strides[i] != expected) return false;
                expected *= Sizes[i];
            }
            return true;
        }
    }

    public Layout Permute(int[] dims)
    {
        var sizes = new int[dims.Length];
        var strides = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++) { sizes[i] = Sizes[dims[i]]; strides[i] = Strides[dims[i]]; }
        return new Layout(sizes, strides, Offset);
    }

    public Layout Slice(int dim, int start, int length, int step)
    {
        var sizes = (int[])Sizes.Clone();
        var strides = (int[])Strides.Clone();
        sizes[dim] = length;
        strides[dim] = Strides[dim] * step;
        // An empty view keeps the offset: it addresses nothing, and must not point past its storage.
        int offset = NumelOf(sizes) == 0 ? Offset : Offset + start * Strides[dim];
        return new Layout(sizes, strides, offset);
    }

    public Layout Select(int dim, int index) =>
        new(Remove(Sizes, dim), Remove(Strides, dim), Numel == 0 ? Offset : Offset + index * Strides[dim]);

    public Layout Unsqueeze(int dim)
    {
        int stride = dim < Rank ? Sizes[dim] * Strides[dim] : 1;
        return new Layout(Insert(Sizes, dim, 1), Insert(Strides, dim, stride), Offset);
    }

    public Layout Squeeze(int dim) => new(Remove(Sizes, dim), Remove(Strides, dim), Offset);

    /// <summary>Broadcast view to <paramref name="sizes"/>: new leading dims and size-1 dims get stride 0.</summary>
    public Layout Expand(int[] sizes)
    {
        if (sizes.AsSpan().SequenceEqual(Sizes)) return this; // already that shape: nothing to broadcast
        int lead = sizes.Length - Rank;
        var strides = new int[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            int j = i - lead;
            strides[i] = j < 0 || (Sizes[j] == 1 && sizes[i] != 1) ? 0 : Strides[j];
        }
        return new Layout(sizes, strides, Offset);
    }

    /// <summary>The strides a view with <paramref name="newSizes"/> would have, or null when only a copy can do it.</summary>
    public int[]? ViewStrides(int[] newSizes)
    {
        if (Rank == 0) return ContiguousStrides(newSizes);
        if (Numel == 0) return ContiguousStrides(newSizes);
        var newStrides = new int[newSizes.Length];
        int viewD = newSizes.Length - 1;
        int chunkBaseStride = Strides[^1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = Rank - 1; d >= 0; d--)
        {
            tensorNumel *= Sizes[d];
            if (d == 0 || (Sizes[d - 1] != 1 && Strides[d - 1] != tensorNumel * chunkBaseStride))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || newSizes[viewD] == 1))
                {
                    newStrides[viewD] = (int)(viewNumel * chunkBaseStride);
                    viewNumel *= newSizes[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0)
                {
                    chunkBaseStride = Strides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? newStrides : null;
    }

    /// <summary>Position in storage of the element at a multi-index.</summary>
    public int OffsetOf(ReadOnlySpan<int> index)
    {
        int o = Offset;
        for (int i = 0; i < index.Length; i++) o += index[i] * Strides[i];
        return o;
    }

    internal static int[] Remove(int[] a, int at)
    {
        var r = new int[a.Length - 1];
        Array.Copy(a, 0, r, 0, at);
        Array.Copy(a, at + 1, r, at, a.Length - at - 1);
        return r;
    }

    internal static int[] Insert(int[] a, int at, int value)
    {
        var r = new int[a.Length + 1];
        Array.Copy(a, 0, r, 0, at);
        r[at] = value;
        Array.Copy(a, at, r, at + 1, a.Length - at);
        return r;
    }
}
