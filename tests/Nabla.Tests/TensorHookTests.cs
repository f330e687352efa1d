namespace Nabla.Tests;

/// <summary>
/// Tensor.RegisterHook and Tensor.RegisterPostAccumulateGradHook: order, replacement, removal, leaves and non-leaves,
/// Backward against Autograd.Grad, retained gradients, errors, and registration while other threads run backward.
/// </summary>
public class TensorHookTests
{
    private static Tensor Leaf(params double[] values) => Tensor.From(values).RequiresGrad_();

    [Fact]
    public void HooksRunInRegistrationOrderEachSeeingThePreviousResult()
    {
        var x = Leaf(1, 2);
        var seen = new List<string>();
        x.RegisterHook(g => { seen.Add($"a{g[0].Item<double>()}"); return g * 10; });
        x.RegisterHook(g => { seen.Add($"b{g[0].Item<double>()}"); return null; });
        x.RegisterHook(g => { seen.Add($"c{g[0].Item<double>()}"); return g + 1; });
        (x * 3).Sum().Backward();
        Assert.Equal(["a3", "b30", "c30"], seen);
        Assert.Equal([31.0, 31.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void LeafHookRunsBeforeAccumulationOncePerPassWithTheSummedGradient()
    {
        var x = Leaf(1, 2);
        var calls = new List<double[]>();
        x.RegisterHook(g => { calls.Add(g.ToArray<double>()); return g * 2; });
        (x * x + x).Sum().Backward(); // two paths meet at the leaf: one call with 2x + 1
        Assert.Single(calls);
        Assert.Equal([3.0, 5.0], calls[0]);
        Assert.Equal([6.0, 10.0], x.Grad!.ToArray<double>());
        (x * 1).Sum().Backward(); // accumulates the hooked 2 onto the existing grad
        Assert.Equal([8.0, 12.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void NonLeafHookChangesWhatFlowsBackAndWhatRetainGradKeeps()
    {
        var x = Leaf(1, 2);
        var y = x * 2;
        y.RetainGrad();
        y.RegisterHook(g => g * 5);
        y.Sum().Backward();
        Assert.Equal([5.0, 5.0], y.Grad!.ToArray<double>()); // retains_grad sees the hooked value, as in PyTorch 2
        Assert.Equal([10.0, 10.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void RemovedHookNoLongerRunsAndRemovingTwiceDoesNothing()
    {
        var x = Leaf(1);
        int calls = 0;
        var handle = x.RegisterHook(g => { calls++; return null; });
        x.Sum().Backward();
        handle.Remove();
        handle.Remove();
        x.Sum().Backward();
        Assert.Equal(1, calls);
        using (x.RegisterHook(g => { calls++; return null; })) x.Sum().Backward();
        x.Sum().Backward();
        Assert.Equal(2, calls);
    }

    [Fact]
    public void HookMayRemoveItselfWhileRunning()
    {
        var x = Leaf(1);
        int calls = 0;
        Nabla.NN.RemovableHandle? handle = null;
        handle = x.RegisterHook(g => { calls++; handle!.Remove(); return null; });
        x.Sum().Backward();
        x.Sum().Backward();
        Assert.Equal(1, calls);
    }

    [Fact]
    public void AutogradGradReturnsTheHookedGradientAndLeavesGradAlone()
    {
        var x = Leaf(1, 2);
        var y = x * 3;
        y.RegisterHook(g => g + 1);
        x.RegisterHook(g => g * 2);
        var post = 0;
        x.RegisterPostAccumulateGradHook(_ => post++);
        var g = Autograd.Grad(y.Sum(), x, retainGraph: true)!;
        Assert.Equal([12.0, 12.0], g.ToArray<double>()); // (1 + 1) * 3 * 2
        Assert.Null(x.Grad);
        Assert.Equal(0, post);
        var gy = Autograd.Grad(y.Sum(), y)!;
        Assert.Equal([2.0, 2.0], gy.ToArray<double>()); // a captured non-leaf's own hook runs too
    }

    [Fact]
    public void HookOnATensorOffTheDifferentiatedPathIsNotCalled()
    {
        var a = Leaf(1);
        var b = Leaf(2);
        var x = a * 1;
        bool called = false;
        x.RegisterHook(g => { called = true; return null; });
        var grads = Autograd.Grad([(a + b * 2).Sum()], [a, b]);
        Assert.False(called);
        Assert.Equal(2.0, grads[1]!.Item<double>());
    }

    [Fact]
    public void PostAccumulateGradHookSeesTheAccumulatedGradAndMayStepTheParameter()
    {
        var w = Leaf(1, 1);
        var order = new List<string>();
        w.RegisterHook(g => { order.Add("pre"); return g - 2; });
        w.RegisterPostAccumulateGradHook(p => { order.Add($"post{p.Grad![0].Item<double>()}"); using (GradMode.NoGrad()) p.Sub_(p.Grad!); });
        w.RegisterPostAccumulateGradHook(p => { order.Add("post2"); p.Grad!.Add_(Tensor.Full([2], 0.5, DType.Float64)); });
        (w * 3).Sum().Backward();
        Assert.Equal(["pre", "post1", "post2"], order);
        Assert.Equal([0.0, 0.0], w.ToArray<double>());
        Assert.Equal([1.5, 1.5], w.Grad!.ToArray<double>());
    }

    [Fact]
    public void HooksReportPyTorchsErrors()
    {
        var plain = Tensor.Ones(2);
        Assert.Equal("cannot register a hook on a tensor that doesn't require gradient",
            Assert.Throws<ArgumentException>(() => plain.RegisterHook(g => g)).Message);
        Assert.Equal("cannot register a hook on a tensor that doesn't require gradient",
            Assert.Throws<ArgumentException>(() => plain.RegisterPostAccumulateGradHook(_ => { })).Message);
        var y = Tensor.Ones(2).RequiresGrad_() * 2;
        Assert.Equal("post accumulate grad hooks cannot be registered on non-leaf tensors",
            Assert.Throws<ArgumentException>(() => y.RegisterPostAccumulateGradHook(_ => { })).Message);

        var x = Leaf(1, 2);
        using (x.RegisterHook(g => g.Sum()))
            Assert.StartsWith("hook 'hook' has changed the size of value",
                Assert.Throws<ArgumentException>(() => (x * 2).Sum().Backward()).Message);
        using (x.RegisterHook(g => g.To(DType.Float32)))
            Assert.StartsWith("hook 'hook' has changed the type of value",
                Assert.Throws<ArgumentException>(() => (x * 2).Sum().Backward()).Message);
    }

    [Fact]
    public void HooksOnEveryOutputOfAMultiOutputViewNode()
    {
        var x = Leaf(1, 2, 3, 4);
        var parts = x.Split(2);
        parts[0].RegisterHook(g => g * 10);
        parts[1].RegisterHook(g => g * 100);
        (parts[0].Sum() + parts[1].Sum()).Backward();
        Assert.Equal([10.0, 10.0, 100.0, 100.0], x.Grad!.ToArray<double>());
    }

    [Fact]
    public async Task RegisteringAndRemovingHooksWhileOtherThreadsRunBackwardLosesNoAccumulation()
    {
        var x = Leaf(0);
        int postCalls = 0;
        x.RegisterPostAccumulateGradHook(_ => postCalls++); // runs under the leaf's lock
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 50; i++) (x * 1).Sum().Backward();
        })).ToArray();
        for (int i = 0; i < 50; i++) x.RegisterHook(g => null).Remove();
        await Task.WhenAll(workers);
        Assert.Equal(200.0, x.Grad!.Item<double>());
        Assert.Equal(200, postCalls);
    }
}
