namespace Nabla.Tests;

/// <summary>
/// The thread-safety contract (docs/THREADING.md): deep graphs, concurrent backward passes into one leaf, a shared
/// generator, grad mode across await and out-of-order scopes, and kernel errors on the parallel path.
/// </summary>
public class ConcurrencyTests
{
    [Fact]
    public void AutogradGradWalksA50000OpChainWithoutRecursion()
    {
        var x = Tensor.Ones([1], DType.Float64).RequiresGrad_();
        var y = x;
        for (int i = 0; i < 50_000; i++) y = y * 1.0;
        var g = Autograd.Grad(y.Sum(), x);
        Assert.Equal(1.0, g!.Item<double>()); // Jacobian and GradCheck run the same walk through Autograd.Grad
    }

    [Fact]
    public void InPlaceWriteThroughA20000ViewChainWithoutRecursion()
    {
        var x = Tensor.Zeros([2], DType.Float64).RequiresGrad_();
        var w = Tensor.Ones([2], DType.Float64).RequiresGrad_();
        var y = x * 1;
        var v = y;
        for (int i = 0; i < 10_000; i++) v = v.Unsqueeze(0).Squeeze(0);
        // A small stack makes any recursion over the 20,000 views fail, not only one deeper than the default stack.
        var worker = new Thread(() =>
        {
            v.Mul_(w); // rebases y's history through all 20,000 views (CopySlices)
            (y * 3).Sum().Backward();
        }, maxStackSize: 256 * 1024);
        worker.Start();
        worker.Join();
        Assert.Equal([3.0, 3.0], x.Grad!.ToArray<double>());
        Assert.Equal([0.0, 0.0], w.Grad!.ToArray<double>());
    }

    [Fact]
    public void ConcurrentBackwardPassesIntoOneLeafLoseNoUpdate()
    {
        var x = Tensor.Ones([4], DType.Float64).RequiresGrad_();
        var threads = Enumerable.Range(0, 16).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 100; i++) (x * 2).Sum().Backward();
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.Equal(Enumerable.Repeat(16 * 100 * 2.0, 4), x.Grad!.ToArray<double>());
    }

    [Fact]
    public void OneGeneratorSharedByFourThreadsGivesWholeSeededTensors()
    {
        const int perThread = 25;
        var sequential = new Generator(5);
        var expected = Enumerable.Range(0, 4 * perThread).Select(_ => Key(Tensor.Randn([4000], DType.Float64, sequential))).ToHashSet();

        var shared = new Generator(5);
        var drawn = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < perThread; i++) drawn.Add(Key(Tensor.Randn([4000], DType.Float64, shared)));
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        // Each tensor is one run of consecutive draws: the same tensors as drawn on one thread, in some order.
        Assert.True(expected.SetEquals(drawn));
    }

    private static string Key(Tensor t) => string.Join(",", t.ToArray<double>());

    [Fact]
    public void OneGeneratorSurvivesFourThreads()
    {
        // Its own generator (the same class as Generator.Default), so seeded tests running alongside keep their draws.
        var g = new Generator(3);
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                for (int i = 0; i < 300; i++) { Tensor.Randn([7], generator: g); Tensor.Randn([1000], generator: g); }
                for (int i = 0; i < 3_000_000; i++) g.Random(); // single draws interleave most
            }
            catch (Exception e) { errors.Add(e); }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task NoGradScopeFlowsAcrossAwaitAndLeavesPoolThreadsAlone()
    {
        var x = Tensor.Ones(2).RequiresGrad_();
        async Task<bool> InsideNoGrad()
        {
            using (GradMode.NoGrad())
            {
                await Task.Yield(); // resumes on a pool thread, still inside the scope
                await Task.Delay(1);
                return GradMode.IsEnabled || (x * 2).RequiresGrad;
            }
        }
        var insides = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(InsideNoGrad)));
        Assert.DoesNotContain(true, insides);
        Assert.True(GradMode.IsEnabled);

        // Work items that later run on the same pool threads record graphs as usual.
        var later = await Task.WhenAll(Enumerable.Range(0, 256).Select(_ => Task.Run(() => (x * 2).RequiresGrad)));
        Assert.All(later, Assert.True);
    }

    [Fact]
    public async Task NoGradScopeBelongsToTheAsyncCallNotToTheThread()
    {
        var resume = new TaskCompletionSource(); // continuations run on the thread that completes it
        async Task<bool> InsideNoGrad()
        {
            using (GradMode.NoGrad())
            {
                await resume.Task;
                return GradMode.IsEnabled;
            }
        }
        var inside = InsideNoGrad();
        bool callerWhileSuspended = GradMode.IsEnabled; // the suspended scope is not the caller's
        var other = new Thread(resume.SetResult);
        other.Start();
        other.Join();
        Assert.False(await inside); // resumed on another thread, still inside its scope
        Assert.True(callerWhileSuspended);
        Assert.True(GradMode.IsEnabled);
    }

    [Fact]
    public void ScopesRestoreAsAStackWhenDisposedOutOfOrder()
    {
        var outer = GradMode.NoGrad();
        var inner = GradMode.EnableGrad();
        Assert.True(GradMode.IsEnabled);
        outer.Dispose(); // the inner scope is still open
        Assert.True(GradMode.IsEnabled);
        inner.Dispose();
        Assert.True(GradMode.IsEnabled);

        var a = GradMode.NoGrad();
        var b = GradMode.NoGrad();
        a.Dispose();
        Assert.False(GradMode.IsEnabled); // b still holds recording off
        var c = GradMode.EnableGrad();
        b.Dispose();
        Assert.True(GradMode.IsEnabled); // c is the innermost open scope
        c.Dispose();
        c.Dispose(); // a second dispose changes nothing
        Assert.True(GradMode.IsEnabled);
    }

    [Fact]
    public void KernelErrorOnTheParallelPathIsTheOpsOwnException()
    {
        // The broadcast keeps the 4 rows apart, so the loop runs in parallel chunks.
        var a = Tensor.Ones([4, 1 << 16], DType.Int64);
        var zero = Tensor.Zeros([1 << 16], DType.Int64);
        var e = Assert.Throws<ArgumentException>(() => a.Div(zero, RoundingMode.Floor));
        Assert.Equal("ZeroDivisionError", e.Message);
    }
}
