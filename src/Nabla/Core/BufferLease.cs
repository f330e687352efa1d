namespace Nabla.Core;

/// <summary>
/// Ties one pooled buffer to the <see cref="CachingAllocator"/>. A dependent handle (a ConditionalWeakTable
/// entry keyed by the buffer) keeps the lease alive exactly as long as the buffer itself is reachable, from a
/// storage or from a kernel's local variable. When the buffer becomes unreachable the lease is finalized, and
/// the finalizer (which resurrects the buffer) hands it back to the pool. So a buffer never returns while any
/// code can still read or write it, and no Dispose is needed.
/// </summary>
internal sealed class BufferLease(Array buffer, long bytes, CachingAllocator.Bucket bucket)
{
    public readonly Array Buffer = buffer;
    public readonly long Bytes = bytes;
    public readonly CachingAllocator.Bucket Bucket = bucket;

    /// <summary>Set when the pool drops the buffer for good: the next finalization lets it be collected.</summary>
    public volatile bool Retired;

    ~BufferLease()
    {
        if (Retired) return;
        // Re-register before the buffer becomes visible in the pool, so a reuse can never outrun it.
        GC.ReRegisterForFinalize(this);
        if (!CachingAllocator.Return(this)) GC.SuppressFinalize(this);
    }
}
