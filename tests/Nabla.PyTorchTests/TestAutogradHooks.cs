using static Nabla.PyTorchTests.Check;

namespace Nabla.PyTorchTests;

/// <summary>Ports of pytorch/test/test_autograd.py, class TestAutograd: tensor hooks and post-accumulate-grad hooks.</summary>
public class TestAutogradHooks
{
    private const string P = "test_autograd.py::TestAutograd::";

    [Fact(DisplayName = P + "test_hooks")]
    public void test_hooks()
    {
        var x = Tensor.Ones([5, 5], requiresGrad: true);
        var y = (Tensor.Ones([5, 5]) * 4).RequiresGrad_();
        int counter = 0;
        Tensor? BwHook(int inc, Tensor grad) { counter += inc; return null; }

        var z = x.Pow(2) + x * 2 + x * y + y;
        x.RegisterHook(g => BwHook(0, g));
        var test = z.RegisterHook(g => BwHook(1, g));
        z.Backward(Tensor.Ones([5, 5]), retainGraph: true);
        Assert.Equal(1, counter);

        var test2 = z.RegisterHook(g => BwHook(2, g));
        z.Backward(Tensor.Ones([5, 5]), retainGraph: true);
        Assert.Equal(4, counter);

        test2.Remove();
        z.Backward(Tensor.Ones([5, 5]), retainGraph: true);
        Assert.Equal(5, counter);

        static Tensor BwHookModify(Tensor grad) => grad.Mul(2);
        test.Remove();
        z.RegisterHook(BwHookModify);
        using (GradMode.NoGrad()) y.Grad!.Zero_();
        z.Backward(Tensor.Ones([5, 5]), retainGraph: true);
        Eq((x + 1) * 2, y.Grad!);

        y.RegisterHook(BwHookModify);
        using (GradMode.NoGrad()) y.Grad!.Zero_();
        z.Backward(Tensor.Ones([5, 5]));
        Eq((x + 1) * 4, y.Grad!);
    }

    [Fact(DisplayName = P + "test_grad_nonleaf_register_hook (the hook-off-the-path part of test_grad_nonleaf)")]
    public void test_hook_not_on_the_path_of_grad()
    {
        var x = Tensor.Ones([2, 2], requiresGrad: true);
        var a = Tensor.Ones([2, 2], requiresGrad: true);
        var b = Tensor.Ones([2, 2], requiresGrad: true);
        bool hookCalled = false;
        (x * 1).RegisterHook(g => { hookCalled = true; return null; });
        x.RegisterHook(g => { hookCalled = true; return null; });
        var go = Tensor.Randn(2, 2);
        var grads = Autograd.Grad([a + 2 * b], [a, b], [go], createGraph: true);
        Eq(go, grads[0]!);
        Eq(go * 2, grads[1]!);
        Assert.False(hookCalled);
        Assert.Null(x.Grad);
    }

    private sealed class NoneGradientFunction : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            Assert.True(ctx.NeedsInputGrad[0]);
            Assert.False(ctx.NeedsInputGrad[1]);
            return [inputs[0]!.Clone(), inputs[1]!.Clone()];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] grads) => [grads[0], null];
    }

    [Fact(DisplayName = P + "test_hook_none")]
    public void test_hook_none()
    {
        bool wasCalled = false;
        Tensor? Hook(Tensor grad) { Assert.NotNull(grad); wasCalled = true; return null; }
        var x = Tensor.Randn([5, 5], requiresGrad: true);
        var y = Tensor.Randn(5, 5);
        var r = new NoneGradientFunction().Apply(x, y);
        r[0].RegisterHook(Hook);
        r[1].RegisterHook(Hook);
        (r[0] + r[1]).Sum().Backward();
        Assert.True(wasCalled);
    }

    [Fact(DisplayName = P + "test_hook_edge_case_when_called_with_grad (tensor hooks only; Nabla has no node pre/post hooks nor backward(inputs=))")]
    public void test_hook_edge_case_when_called_with_grad()
    {
        var a = Tensor.From(1.0f).RequiresGrad_();
        var b = a * 2;
        var c = b * 2;
        int count = 0;
        a.RegisterHook(g => { count++; return null; });
        b.RegisterHook(g => { count++; return null; });
        c.RegisterHook(g => { count++; return null; });

        Autograd.Grad([c], [b], retainGraph: true);
        Assert.Equal(2, count);
        count = 0;
        Autograd.Grad([c], [a, b], retainGraph: true);
        Assert.Equal(3, count);
        count = 0;
        c.Backward(retainGraph: true);
        Assert.Equal(3, count);
    }

    [Fact(DisplayName = P + "test_post_accumulate_grad_hook_on_non_leaf")]
    public void test_post_accumulate_grad_hook_on_non_leaf()
    {
        var leaf = Tensor.Rand([3], requiresGrad: true);
        var nonLeaf = 2.0 * leaf;
        var e = Assert.Throws<ArgumentException>(() => nonLeaf.RegisterPostAccumulateGradHook(t => t.Sub_(1.0)));
        Assert.Contains("post accumulate grad hooks cannot be registered on non-leaf tensors", e.Message);
    }

    [Fact(DisplayName = P + "test_post_accumulate_grad_hook_multiple_hooks")]
    public void test_post_accumulate_grad_hook_multiple_hooks()
    {
        var tensor = Tensor.Rand([3], requiresGrad: true);
        var tensorRef = tensor.Clone().Detach();
        tensor.RegisterPostAccumulateGradHook(t => { using (GradMode.NoGrad()) t.Sub_(t.Grad!); });
        tensor.RegisterPostAccumulateGradHook(t => { using (GradMode.NoGrad()) t.Mul_(4.0); });
        tensor.Sum().Backward();
        Eq((tensorRef - 1.0) * 4.0, tensor.Detach());
    }

    [Fact(DisplayName = P + "test_post_accumulate_grad_hook_multiple_tensors")]
    public void test_post_accumulate_grad_hook_multiple_tensors()
    {
        var tensor1 = Tensor.Rand([3], requiresGrad: true);
        var tensor1Ref = tensor1.Clone().Detach();
        var tensor2 = tensor1.Clone().Detach().RequiresGrad_();
        var tensor2Ref = tensor2.Clone().Detach();
        void Hook(Tensor t) { using (GradMode.NoGrad()) t.Sub_(t.Grad!); }
        tensor1.RegisterPostAccumulateGradHook(Hook);
        tensor2.RegisterPostAccumulateGradHook(Hook);
        (tensor1.Sum() + tensor2.Sum()).Backward();
        Eq(tensor1Ref - 1.0, tensor1.Detach());
        Eq(tensor2Ref - 1.0, tensor2.Detach());
    }

    [Fact(DisplayName = P + "test_post_accumulate_grad_hook_e2e (SGD with momentum 0 stepping in the hook)")]
    public void test_post_accumulate_grad_hook_e2e()
    {
        Generator.Default.ManualSeed(0);
        var w = Tensor.Randn([4, 3], requiresGrad: true);
        var wRef = w.Clone().Detach().RequiresGrad_();
        const double lr = 0.01;
        w.RegisterPostAccumulateGradHook(p =>
        {
            using (GradMode.NoGrad()) p.Sub_(p.Grad! * lr);
            p.Grad = null;
        });
        var inputs = Enumerable.Range(0, 5).Select(_ => Tensor.Randn(2, 4)).ToArray();
        foreach (var inp in inputs)
        {
            inp.Matmul(w).Relu().Sum().Backward();
            inp.Matmul(wRef).Relu().Sum().Backward();
            using (GradMode.NoGrad()) wRef.Sub_(wRef.Grad! * lr);
            wRef.Grad = null;
        }
        Eq(wRef.Detach(), w.Detach());
        Assert.Null(w.Grad);
    }

    [Fact(DisplayName = P + "test_post_accumulate_grad_hook_ordering (tensor hooks only; Nabla has no node hooks)")]
    public void test_post_accumulate_grad_hook_ordering()
    {
        var tensor = Tensor.Rand([3], requiresGrad: true);
        tensor.RegisterHook(g => g.Sub(2.0));
        tensor.RegisterPostAccumulateGradHook(t => t.Grad!.Add_(0.5));
        tensor.Sum().Backward();
        // tensor pre-hook, then accumulation, then the post-accumulate hook: (1 - 2) + 0.5
        Eq(Fl([-0.5, -0.5, -0.5]), tensor.Grad!);
    }
}
