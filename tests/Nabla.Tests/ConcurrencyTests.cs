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
        Assert.Equal(1.0, g!.Item<double>());
        // Jacobian and GradCheck go through the same walk.
        Assert.Equal(1.0, Autograd.Functional.Jacobian(t => Chain(t, 50_000), x).Item<double>());
    }

    private static Tensor Chain(Tensor t, int n)
    {
        for (int i = 0; i < n; i++) t = t * 1.0;
        return t;
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
        var expected = Enumerable.Range(0, 4 * perThread).Select(_ => Key(Tensor.Randn([40], DType.Float64, sequential))).ToHashSet();

        var shared = new Generator(5);
        var drawn = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < perThread; i++) drawn.Add(Key(Tensor.Randn([40], DType.Float64, shared)));
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        // Each tensor is one run of consecutive draws: the same tensors as drawn on one thread, in some order.
        Assert.True(expected.SetEquals(drawn));
    }

    private static string Key(Tensor t) => string.Join(",", t.ToArray<double>());

    [Fact]
    public void DefaultGeneratorSurvivesFourThreads()
    {
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            try { for (int i = 0; i < 200; i++) Tensor.Randn(7); }
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
        var a = Tensor.Ones([4, 1 << 16], DType.Int64);
        var zero = Tensor.Zeros([4, 1 << 16], DType.Int64);
        var e = Assert.Throws<ArgumentException>(() => a.Div(zero, "floor"));
        Assert.Equal("ZeroDivisionError", e.Message);
    }
}
