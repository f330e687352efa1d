using System.Runtime.CompilerServices;

namespace Nabla.Core;

/// <summary>
/// The caching allocator behind <see cref="Storage"/> (the idea of PyTorch's CUDA caching allocator, for managed
/// arrays): large buffers come from, and go back to, a pool of buckets keyed by element type and exact length,
/// so a loop that repeats its shapes (a training step) reuses the same warm memory instead of mapping fresh
/// pages (on these machines the first touch of a new page costs about 3 ms per MB).
/// <para>
/// Buffers return without Dispose: each carries a <see cref="BufferLease"/> that is finalized only once the
/// buffer is unreachable. Large arrays are only found dead by a full GC, so when the pool runs dry after enough
/// renting it induces one (blocking, then waits for the leases' finalizers) before it maps new memory, once 64 MB
/// have been rented since the last full GC (more, up to 256 MB, while collections keep finding little dead).
/// </para>
/// <para>
/// Buckets hold whole buffers of the requested length (storages expose their array, whose length kernels read as
/// the element count), so rounding would change what kernels see. The pool is bounded: idle buffers above a
/// quarter of the memory the GC may use are dropped, buckets not rented from for several full GCs are emptied,
/// and everything idle is dropped when the machine's memory load gets high.
/// </para>
/// Set NABLA_CACHING_ALLOCATOR=0 to turn it off (every buffer then comes fresh from the GC).
/// </summary>
internal static class CachingAllocator
{
    /// <summary>Below this a GC gen0 allocation (warm, bump-pointer) is cheaper than a lease.</summary>
    public const int MinPooledBytes = 64 * 1024;

    /// <summary>The renting budget between induced collections: the minimum, doubled after each collection that
    /// recovered little (up to the maximum), back to the minimum after one that recovered much.</summary>
    private const long MinCollectBytes = 64L << 20, MaxCollectBytes = 256L << 20;

    /// <summary>A bucket not rented from during this many full GCs gives its idle buffers back.</summary>
    private const int StaleCollections = 8;

    public static readonly bool Enabled = Environment.GetEnvironmentVariable("NABLA_CACHING_ALLOCATOR") != "0";

    private static readonly ConditionalWeakTable<Array, BufferLease> Leases = new();
    private static readonly Dictionary<(Type, int), Bucket> Buckets = [];
    private static readonly Lock Gate = new();
    private static readonly long IdleLimit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4;

    private static long _ownedBytes, _idleBytes, _rentedSinceCollect, _collectBudget = MinCollectBytes;
    private static int _lastGen2;

    /// <summary>Idle buffers of one element type and length, most recently returned on top (warmest).</summary>
    internal sealed class Bucket
    {
        public readonly Stack<BufferLease> Idle = new();
        public int LastRentGen2;
        public bool Removed;
    }

    /// <summary>Counters for tests and diagnostics.</summary>
    internal static (long Owned, long Idle, long Hits, long Misses, long Collections) Stats
    {
        get { lock (Gate) return (_ownedBytes, _idleBytes, _hits, _misses, _collections); }
    }

    private static long _hits, _misses, _collections;

    static CachingAllocator() => _ = new Gen2Watcher();

    /// <summary>A buffer of exactly <paramref name="length"/> elements; zero-filled when <paramref name="zeroed"/>.</summary>
    public static T[] Rent<T>(int length, bool zeroed) where T : unmanaged
    {
        long bytes = (long)length * Unsafe.SizeOf<T>();
        if (!Enabled || bytes < MinPooledBytes) return Fresh<T>(length, zeroed);

        var key = (typeof(T), length);
        var lease = TryTake(key, bytes, out var bucket);
        if (lease is null && ShouldCollect())
        {
            Collect();
            lease = TryTake(key, bytes, out bucket);
        }
        if (lease is not null)
        {
            var reused = (T[])lease.Buffer;
            if (zeroed) Array.Clear(reused);
            return reused;
        }
        var fresh = Fresh<T>(length, zeroed);
        Leases.Add(fresh, new BufferLease(fresh, bytes, bucket));
        lock (Gate) { _ownedBytes += bytes; _misses++; }
        return fresh;
    }

    private static T[] Fresh<T>(int length, bool zeroed) => zeroed ? new T[length] : GC.AllocateUninitializedArray<T>(length);

    private static BufferLease? TryTake((Type, int) key, long bytes, out Bucket bucket)
    {
        lock (Gate)
        {
            if (!Buckets.TryGetValue(key, out bucket!)) Buckets[key] = bucket = new Bucket();
            bucket.LastRentGen2 = GC.CollectionCount(2);
            _rentedSinceCollect += bytes;
            if (!bucket.Idle.TryPop(out var lease)) return null;
            _idleBytes -= lease.Bytes;
            _hits++;
            return lease;
        }
    }

    private static bool ShouldCollect()
    {
        lock (Gate) return _rentedSinceCollect >= _collectBudget;
    }

    /// <summary>A full blocking GC, then the leases' finalizers: every dead buffer is back in its bucket.</summary>
    private static void Collect()
    {
        long idleBefore, rented;
        lock (Gate) { idleBefore = _idleBytes; rented = _rentedSinceCollect; }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        lock (Gate)
        {
            // Little came back: the renting was live data (a model being built), so wait for twice as much next time
            // (logarithmically many collections); a full GC costs what the small objects cost, not the arrays' bytes,
            // so the budget stays small.
            bool productive = (_idleBytes - idleBefore) * 4 >= rented;
            _collectBudget = productive ? MinCollectBytes : Math.Min(_collectBudget * 2, MaxCollectBytes);
            _rentedSinceCollect = 0;
            _collections++;
        }
    }

    /// <summary>Called by a lease's finalizer: false when the buffer is not kept (the pool is full or was trimmed).</summary>
    internal static bool Return(BufferLease lease)
    {
        lock (Gate)
        {
            if (lease.Bucket.Removed || _idleBytes + lease.Bytes > IdleLimit)
            {
                Retire(lease);
                return false;
            }
            lease.Bucket.Idle.Push(lease);
            _idleBytes += lease.Bytes;
            return true;
        }
    }

    private static void Retire(BufferLease lease)
    {
        lease.Retired = true;
        _ownedBytes -= lease.Bytes;
    }

    /// <summary>After each full GC: drop stale buckets, and everything idle when memory is short.</summary>
    private static void OnGen2()
    {
        int gen2 = GC.CollectionCount(2);
        var info = GC.GetGCMemoryInfo();
        bool pressure = info.MemoryLoadBytes >= info.HighMemoryLoadThresholdBytes * 9 / 10;
        lock (Gate)
        {
            if (gen2 == _lastGen2) return;
            _lastGen2 = gen2;
            _rentedSinceCollect = 0;
            List<(Type, int)>? stale = null;
            foreach (var (key, bucket) in Buckets)
            {
                if (!pressure && gen2 - bucket.LastRentGen2 <= StaleCollections) continue;
                while (bucket.Idle.TryPop(out var lease))
                {
                    _idleBytes -= lease.Bytes;
                    Retire(lease);
                }
                if (gen2 - bucket.LastRentGen2 > StaleCollections) (stale ??= []).Add(key);
            }
            foreach (var key in stale ?? [])
            {
                Buckets[key].Removed = true;
                Buckets.Remove(key);
            }
        }
    }

    /// <summary>Finalized once per full GC (it lives in gen2 after its first rounds) to run <see cref="OnGen2"/>.</summary>
    private sealed class Gen2Watcher
    {
        ~Gen2Watcher()
        {
            if (Environment.HasShutdownStarted) return;
            OnGen2();
            GC.ReRegisterForFinalize(this);
        }
    }
}
