using System.Runtime.ExceptionServices;

namespace Nabla.Kernels;

/// <summary>
/// The kernels' parallel loop: System.Threading.Tasks.Parallel.For, except that an exception thrown by the body
/// surfaces as itself (the first one, with its stack trace), as at::parallel_for rethrows it, not wrapped in an
/// AggregateException. Named like the framework class on purpose: inside Nabla.Kernels it takes precedence over
/// the framework's, so every kernel's <c>Parallel.For</c> goes through this one place.
/// </summary>
internal static class Parallel
{
    /// <summary>Runs <paramref name="body"/> for every index in [<paramref name="fromInclusive"/>, <paramref name="toExclusive"/>) on the thread pool.</summary>
    public static void For(int fromInclusive, int toExclusive, Action<int> body)
    {
        if (Parallelism.NumThreads == 1)
        {
            for (int i = fromInclusive; i < toExclusive; i++) body(i);
            return;
        }
        try { System.Threading.Tasks.Parallel.For(fromInclusive, toExclusive, Options, body); }
        catch (AggregateException e) { throw Unwrap(e); }
    }

    /// <inheritdoc cref="For(int, int, Action{int})"/>
    public static void For(long fromInclusive, long toExclusive, Action<long> body)
    {
        if (Parallelism.NumThreads == 1)
        {
            for (long i = fromInclusive; i < toExclusive; i++) body(i);
            return;
        }
        try { System.Threading.Tasks.Parallel.For(fromInclusive, toExclusive, Options, body); }
        catch (AggregateException e) { throw Unwrap(e); }
    }

    /// <summary>At most <see cref="Parallelism.NumThreads"/> threads at once.</summary>
    private static ParallelOptions Options => new() { MaxDegreeOfParallelism = Parallelism.NumThreads };

    private static Exception Unwrap(AggregateException e)
    {
        var first = e.Flatten().InnerExceptions[0];
        ExceptionDispatchInfo.Capture(first).Throw();
        return first; // not reached
    }
}
