using System.Runtime.InteropServices;

namespace Nabla.Distributed.Mpi;

/// <summary>
/// Managed arrays pinned while MPI reads or writes them: a nonblocking collective keeps raw pointers until it
/// completes, so the GC must not move the tensors' storage meanwhile.
/// </summary>
internal sealed class MpiPins : IDisposable
{
    private readonly List<GCHandle> _handles = [];

    /// <summary>Pins <paramref name="array"/> and returns the address of its element <paramref name="offset"/>.</summary>
    public unsafe IntPtr Pin(Array array, int offset, int elementSize)
    {
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        _handles.Add(handle);
        return (IntPtr)((byte*)handle.AddrOfPinnedObject() + (long)offset * elementSize);
    }

    /// <summary>Unpins everything.</summary>
    public void Dispose()
    {
        foreach (var handle in _handles) handle.Free();
        _handles.Clear();
    }
}
