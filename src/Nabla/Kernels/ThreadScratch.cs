namespace Nabla.Kernels;

/// <summary>
/// Per-thread scratch arrays that kernels running one piece of work per core (a convolution's image) reuse call
/// after call, so their working buffers stay warm in cache and map no new memory. A slot grows to the largest
/// request it has seen on its thread; requests above <see cref="MaxCachedElements"/> are not kept (they come from
/// the caching allocator each time). The arrays may be longer than asked for, and hold stale data.
/// </summary>
internal static class ThreadScratch
{
    /// <summary>Slot of the matmul kernel's packed panels of B.</summary>
    public const int PackedPanels = 0;

    /// <summary>Slot of a convolution's im2col columns of one image.</summary>
    public const int Columns = 1;

    /// <summary>Slot of a convolution's per-image temporary (the transposed weight, the columns' gradient).</summary>
    public const int Temporary = 2;

    public const int Slots = 3;

    /// <summary>Larger buffers are not cached per thread: each thread pool thread would keep one for good.</summary>
    public const int MaxCachedElements = 2 << 20;
}

/// <inheritdoc cref="ThreadScratch"/>
internal static class ThreadScratch<T> where T : unmanaged
{
    [ThreadStatic] private static T[]?[]? _slots;

    /// <summary>An array of at least <paramref name="length"/> elements for <paramref name="slot"/> on this thread (contents undefined).</summary>
    public static T[] Get(int slot, int length)
    {
        if (length > ThreadScratch.MaxCachedElements) return Core.CachingAllocator.Rent<T>(length, zeroed: false);
        var slots = _slots ??= new T[ThreadScratch.Slots][];
        var array = slots[slot];
        if (array is null || array.Length < length) slots[slot] = array = new T[length];
        return array;
    }
}
