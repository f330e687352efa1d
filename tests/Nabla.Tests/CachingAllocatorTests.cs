using System.Runtime.CompilerServices;
using Nabla.Core;

namespace Nabla.Tests;

/// <summary>
/// The caching allocator behind Storage: a dead tensor's buffer is reused, zeroed when asked, and never while
/// code still holds the buffer itself. Lengths are odd on purpose so that concurrent tests never share a bucket.
/// </summary>
public class CachingAllocatorTests
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference DeadTensorBuffer(int n)
    {
        var t = Tensor.Full([n], 3.0f);
        return new WeakReference(t.Data<float>(), trackResurrection: true);
    }

    private static void CollectDead()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [Fact]
    public void DeadTensorsBufferIsReusedAndZeroed()
    {
        Assert.True(CachingAllocator.Enabled);
        const int n = 123_457;
        var old = DeadTensorBuffer(n);
        CollectDead();
        var fresh = Tensor.Zeros(n);
        Assert.Same(old.Target, fresh.Data<float>());
        Assert.All(fresh.ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float[] BufferOfDeadTensor(int n) => Tensor.Full([n], 5.0f).Data<float>();

    [Fact]
    public void BufferStillReferencedIsNotReused()
    {
        const int n = 123_461;
        var held = BufferOfDeadTensor(n);
        CollectDead();
        var other = Tensor.Zeros(n);
        Assert.NotSame(held, other.Data<float>());
        Assert.All(held, v => Assert.Equal(5f, v));
    }
}
