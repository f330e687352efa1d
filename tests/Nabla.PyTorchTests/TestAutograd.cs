using static Nabla.PyTorchTests.Check;

namespace Nabla.PyTorchTests;

/// <summary>Ports of pytorch/test/test_autograd.py, class TestAutograd: the engine, custom Functions, grad, retain_grad and no_grad.</summary>
public class TestAutograd
{
    private const string P = "test_autograd.py::TestAutograd::";

    private sealed class ReturnsInput : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]!];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] grads) => [grads[0]! * 2];
    }

    [Fact(DisplayName = P + "test_function_returns_input")]
    public void test_function_returns_input()
    {
        foreach (var shape in new[] { new[] { 1 }, Array.Empty<int>() })
        {
            var v = Tensor.Ones(shape, requiresGrad: true);
            new ReturnsInput().Apply(v)[0].Backward();
            Eq(Tensor.Full(shape, 2.0), v.Grad!);
            using (GradMode.NoGrad()) v.Grad!.Zero_();
            new ReturnsInput().Apply(v.Clone())[0].Backward();
            Eq(Tensor.Full(shape, 2.0), v.Grad!);
        }
    }

    private sealed class ReturnsNoGradient : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]! * 2];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] grads) => [null];
    }

    [Fact(DisplayName = P + "test_function_returns_undefined_tensor")]
    public void test_function_returns_undefined_tensor()
    {
        var x = Tensor.Ones([1], requiresGrad: true);
        new ReturnsNoGradient().Apply(x)[0].Backward();
        Assert.Null(x.Grad);
        new ReturnsNoGradient().Apply(x.Pow(2))[0].Backward();
        Assert.Null(x.Grad);
        new ReturnsNoGradient().Apply(x)[0].Sum().Backward();
        Assert.Null(x.Grad);
        Assert.Null(Autograd.Grad(new ReturnsNoGradient().Apply(x)[0], x, allowUnused: true));
    }

    private sealed class SimulateBackwardError : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]!.Clone()];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] grads) => throw new InvalidOperationException("Simulate error on backward pass");
    }

    [Fact(DisplayName = P + "test_custom_function_exception")]
    public void test_custom_function_exception()
    {
        var t1 = Tensor.Rand([3, 3], requiresGrad: true);
        var t2 = Tensor.Rand([3, 3], requiresGrad: true);
        var tmp = (t1 + t2) * (t1 + t2);
        var t3 = new SimulateBackwardError().Apply(tmp)[0];
        Assert.Contains("Simulate error on backward pass", Assert.ThrowsAny<Exception>(() => t3.Sum().Backward()).Message);
    }

    private sealed class InvalidGradient : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]! * 2];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] grads) => [Tensor.Randn(10)];
    }

    [Fact(DisplayName = P + "test_invalid_gradients")]
    public void test_invalid_gradients()
    {
        var input = Tensor.Randn([5, 5], requiresGrad: true);
        Assert.Contains("expected shape", Assert.ThrowsAny<Exception>(() => new InvalidGradient().Apply(input)[0].Sum().Backward()).Message);
    }

    [Fact(DisplayName = P + "test_accumulate_grad")]
    public void test_accumulate_grad()
    {
        var gradOutput = Tensor.Ones(5, 5);
        (Tensor, Tensor) ComputeGrad(bool createGraph)
        {
            var x = Tensor.Randn([5, 5], requiresGrad: true);
            var y = x + 2;
            y.Backward(gradOutput, retainGraph: true);
            var xGrad = x.Grad!;
            var xGradClone = x.Grad!.Clone();
            y.Backward(gradOutput, createGraph: createGraph);
            return (xGrad, xGradClone);
        }
        // accumulates in place when create_graph is False
        var (g, c) = ComputeGrad(false);
        Eq(c * 2, g);
        // out of place when create_graph is True: the first grad object keeps its value
        (g, c) = ComputeGrad(true);
        Eq(c, g);
    }

    [Fact(DisplayName = P + "test_accumulate_grad_tensor_reference (dense)")]
    public void test_accumulate_grad_tensor_reference()
    {
        foreach (var createGraph in new[] { false, true })
        {
            var param = Fl([1.5, 1.5]).RequiresGrad_();
            param.Grad = Fl([1.5, 1.5]);
            var saved = param.Grad;
            param.Backward(Fl([1.5, 1.5]), createGraph: createGraph);
            Assert.Equal(!createGraph, ReferenceEquals(saved, param.Grad));
            Eq(Fl([3, 3]), param.Grad!);
        }
    }

    [Fact(DisplayName = P + "test_sum_to_with_empty_dim_grad")]
    public void test_sum_to_with_empty_dim_grad()
    {
        var a = Tensor.Rand([4, 0], requiresGrad: true);
        var b = Tensor.Rand([4, 1], requiresGrad: true);
        var c = a + b;
        Assert.Equal(new[] { 4, 0 }, c.Shape);
        c.Sum().Backward();
        Eq(Tensor.Zeros(4, 1), b.Grad!);
        Eq(Tensor.Zeros(4, 0), a.Grad!);
    }

    [Fact(DisplayName = P + "test_hessian_vector")]
    public void test_hessian_vector()
    {
        var x = Tensor.Randn([2, 2], requiresGrad: true);
        var y = Tensor.Randn([2, 2], requiresGrad: true);
        var z = x.Pow(2) + y * x + y.Pow(2);
        z.Backward(Tensor.Ones(2, 2), createGraph: true);
        Tensor xGrad, yGrad;
        using (GradMode.NoGrad())
        {
            xGrad = 2 * x + y;
            yGrad = x + 2 * y;
        }
        Eq(xGrad, x.Grad!);
        Eq(yGrad, y.Grad!);
        var gradSum = 2 * x.Grad! + y.Grad!;
        gradSum.Backward(Tensor.Ones(2, 2));
        Eq(xGrad + Tensor.Ones(2, 2) * 5, x.Grad!);
        Eq(yGrad + Tensor.Ones(2, 2) * 4, y.Grad!);
    }

    [Fact(DisplayName = P + "test_grad")]
    public void test_grad()
    {
        var x = Tensor.Randn([2, 2], requiresGrad: true);
        var y = Tensor.Randn([2, 2], requiresGrad: true);
        var z = x.Pow(2) + y * x + y.Pow(2);
        z.Backward(Tensor.Ones(2, 2), createGraph: true);
        var xGrad = 2 * x + y;
        var yGrad = x + 2 * y;
        Eq(xGrad, x.Grad!);
        Eq(yGrad, y.Grad!);
        var gradSum = 2 * x.Grad! + y.Grad!;
        var xHv = Autograd.Grad([gradSum], [x], [Tensor.Ones(2, 2)], createGraph: true);
        Eq(Tensor.Ones(2, 2) * 5, xHv[0]!);
        Eq(xGrad, x.Grad!);
        Eq(yGrad, y.Grad!);
        var e = Assert.ThrowsAny<ArgumentException>(() => Autograd.Grad([gradSum], [x], [Tensor.Ones(2)], createGraph: true));
        Assert.Equal("Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of torch.Size([2, 2]).", e.Message);
    }

    [Fact(DisplayName = P + "test_grad_nonleaf")]
    public void test_grad_nonleaf()
    {
        var xInit = Tensor.Randn([2, 2], requiresGrad: true);
        var x = xInit;
        var y = Tensor.Randn([2, 2], requiresGrad: true);
        var gradOutput = Tensor.Ones(2, 2);
        Tensor Fn(Tensor t) => t.Pow(2) + y * t + y.Pow(2);
        for (int i = 0; i < 5; i++)
        {
            var gradX = Autograd.Grad(Fn(x), x, gradOutput, createGraph: true)!;
            Assert.Null(y.Grad);
            Assert.Null(x.Grad);
            Eq(2 * x + y, gradX);
            x = x + 0.05 * gradX;
        }
        Assert.True(Fn(x).Sum().Item<double>() > Fn(xInit).Sum().Item<double>());
        x.Backward(gradOutput);
        Assert.NotNull(y.Grad);
        Assert.NotNull(xInit.Grad);
    }

    [Fact(DisplayName = P + "test_grad_nonleaf_many_outputs (without the hook)")]
    public void test_grad_nonleaf_many_outputs()
    {
        var x = Tensor.Randn([4, 2], requiresGrad: true);
        var parts = x.Chunk(2);
        var (a, b) = (parts[0], parts[1]);
        var go = Tensor.Randn(2, 2);
        var grads = Autograd.Grad([a + 2 * b], [a, b], [go], createGraph: true);
        Eq(go, grads[0]!);
        Eq(go * 2, grads[1]!);
        Assert.Null(x.Grad);
    }

    [Fact(DisplayName = P + "test_sharded_grad")]
    public void test_sharded_grad()
    {
        var leaves = Enumerable.Range(0, 10).Select(_ => Tensor.Zeros([5, 5], requiresGrad: true)).ToArray();
        var intermediates = leaves.Select((l, i) => l * i + l * l).ToArray();
        var loss = intermediates.Select((v, i) => v * i).Aggregate((s, t) => s + t).Sum();
        var dIntermediates = new List<Tensor>();
        for (int i = 0; i < intermediates.Length; i += 2)
            dIntermediates.AddRange(Autograd.Grad([loss], intermediates[i..(i + 2)], retainGraph: true).Select(g => g!));
        Autograd.Backward(intermediates, [.. dIntermediates]);
        for (int i = 0; i < leaves.Length; i++) Eq(i * i * (1 + leaves[i]), leaves[i].Grad!);
    }

    [Fact(DisplayName = P + "test_backward_badcalls")]
    public void test_backward_badcalls()
    {
        var x = Tensor.Ones(1);
        Assert.Contains("does not require grad", Assert.ThrowsAny<Exception>(() => x.Backward()).Message);
    }

    [Fact(DisplayName = P + "test_grad_badcalls")]
    public void test_grad_badcalls()
    {
        var x = Tensor.Ones(1);
        var y = x.Pow(2);
        Assert.Contains("does not require grad", Assert.ThrowsAny<Exception>(() => Autograd.Grad(x, y)).Message);
        Assert.Contains("does not require grad", Assert.ThrowsAny<Exception>(() => Autograd.Grad(y, x)).Message);
        x = Tensor.Ones([1], requiresGrad: true);
        y = x.Pow(2);
        Autograd.Grad(y, x);
    }

    [Fact(DisplayName = P + "test_grad_unreachable")]
    public void test_grad_unreachable()
    {
        var x = Tensor.Ones([1], requiresGrad: true);
        var y = Tensor.Ones([1], requiresGrad: true);
        _ = x * 2;
        _ = y * 2;
        var g = Autograd.Grad([x * 2], [x, y], allowUnused: true);
        Eq(x * 2, g[0]!);
        Assert.Null(g[1]);
        var z = Tensor.Ones([1], requiresGrad: true);
        g = Autograd.Grad([x * 2], [x, z], allowUnused: true);
        Eq(x * 2, g[0]!);
        Assert.Null(g[1]);
        Assert.Contains("Set allow_unused=True", Assert.ThrowsAny<ArgumentException>(() => Autograd.Grad([x * 2], [x, y], allowUnused: false)).Message);
    }

    [Fact(DisplayName = P + "test_retain_grad")]
    public void test_retain_grad()
    {
        var input = Tensor.Rand([1, 3], requiresGrad: true);
        var h1 = input * 3;
        var output = (h1 * h1).Sum();
        h1.RetainGrad();
        h1.RetainGrad();
        output.Backward(retainGraph: true);
        Eq(h1 * 2, h1.Grad!);
        output.Backward(retainGraph: true);
        Eq(h1 * 4, h1.Grad!);
        using (GradMode.NoGrad()) input.Grad!.Zero_();
        input.RetainGrad();
        input.RetainGrad();
        output.Backward();
        Eq(input * 18, input.Grad!);
    }

    [Fact(DisplayName = P + "test_backward")]
    public void test_backward()
    {
        var v = Tensor.Randn([5, 5], requiresGrad: true);
        var x = Tensor.Randn([5, 5], requiresGrad: true);
        var y = (Tensor.Rand(5, 5) + 0.1).RequiresGrad_();
        var z = Tensor.Randn([5, 5], requiresGrad: true);
        var gradOutput = Tensor.Randn(5, 5);
        v.Backward(gradOutput);
        Eq(gradOutput, v.Grad!);
        var a = x + (y * z) + 4 * z.Pow(2) * x / y;
        a.Backward(gradOutput);
        Eq((4 * z.Pow(2) / y + 1) * gradOutput, x.Grad!);
        Eq((z - 4 * x * z.Pow(2) / y.Pow(2)) * gradOutput, y.Grad!, 1e-4, 1e-5);
        Eq((8 * x * z / y + y) * gradOutput, z.Grad!, 1e-4, 1e-5);
    }

    [Fact(DisplayName = P + "test_multi_backward")]
    public void test_multi_backward()
    {
        var x = Tensor.Randn([5, 5], requiresGrad: true);
        var y = Tensor.Randn([5, 5], requiresGrad: true);
        var q = Tensor.Randn([5, 5], requiresGrad: true);
        var a = Tensor.Randn([5, 5], requiresGrad: true);
        var b = Tensor.Randn([5, 5], requiresGrad: true);
        var q2 = q * 2;
        var z = x + y + q2;
        var c = a * b + q2;
        var gradZ = Tensor.Randn(5, 5);
        var gradC = Tensor.Randn(5, 5);
        Autograd.Backward([z, c], [gradZ, gradC]);
        Eq(gradZ, x.Grad!);
        Eq(gradZ, y.Grad!);
        Eq(gradC * b, a.Grad!);
        Eq(gradC * a, b.Grad!);
        Eq((gradC + gradZ) * 2, q.Grad!);
    }

    [Fact(DisplayName = P + "test_multi_backward_no_grad")]
    public void test_multi_backward_no_grad()
    {
        var x = Tensor.Randn([5, 5], requiresGrad: true);
        var y = Tensor.Randn(5, 5);
        var z = x + y;
        var q = y * 2;
        Assert.ThrowsAny<Exception>(() => Autograd.Backward([z, q], [Tensor.Ones(5, 5), Tensor.Ones(5, 5)]));
    }

    [Fact(DisplayName = P + "test_dependent_backward")]
    public void test_dependent_backward()
    {
        var x = Tensor.Randn([10], requiresGrad: true);
        var y = x.Pow(2);
        var z = y.Pow(3);
        var goY = Tensor.Randn(10);
        var goZ = Tensor.Randn(10);
        Autograd.Backward([y, z], [goY, goZ]);
        Eq(2 * x * goY + 6 * x.Pow(5) * goZ, x.Grad!, 1e-4, 1e-5);
    }

    private sealed class MyOp : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]! + inputs[1]!];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] grads) => [grads[0], grads[0]];
    }

    [Fact(DisplayName = P + "test_free_deep_graph")]
    public void test_free_deep_graph()
    {
        static void Scope()
        {
            var x = Tensor.Randn([1], requiresGrad: true);
            var y = x.Clone();
            for (int i = 0; i < 50000; i++) y = y + y * 0.000001; // the original's 150000 scaled down for suite time
        }
        Scope();
        GC.Collect();
    }

    [Fact(DisplayName = P + "test_free_deep_graph_pyfunction")]
    public void test_free_deep_graph_pyfunction()
    {
        static void Scope()
        {
            var x = Tensor.Randn([1], requiresGrad: true);
            var y = x.Clone();
            for (int i = 0; i < 50000; i++) y = new MyOp().Apply(y, y)[0]; // 150000 in the original
        }
        Scope();
        GC.Collect();
    }

    [Fact(DisplayName = P + "test_no_unnecessary_save")]
    public void test_no_unnecessary_save()
    {
        var mu = Tensor.Ones([1], requiresGrad: true);
        var x = Tensor.Zeros(1);
        Tensor? loss = null;
        for (int i = 0; i < 3; i++)
        {
            x.Detach_();
            x.Copy_(mu + i);
            var ft = Fl([i]);
            var s = (x * ft).Sum();
            loss = loss is null ? s : loss + s;
        }
        loss!.Backward();
    }

    [Fact(DisplayName = P + "test_no_grad")]
    public void test_no_grad()
    {
        var x = Tensor.Ones([5, 5], requiresGrad: true);
        var y = Tensor.Ones(5, 5) * 4;
        Tensor w;
        using (GradMode.NoGrad()) w = x + y;
        Assert.False(w.RequiresGrad);
        Assert.ThrowsAny<Exception>(() => w.Backward(Tensor.Ones(5, 5)));
        Assert.Null(w.GradFn);
        using (GradMode.NoGrad())
        {
            Assert.False(GradMode.IsEnabled);
            w = x + y;
            Assert.False(GradMode.IsEnabled);
        }
        Assert.True(GradMode.IsEnabled);
    }

    private sealed class AddOne : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]! + 1];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] grads) => [grads[0]];
    }

    [Fact(DisplayName = P + "test_no_grad_python_function")]
    public void test_no_grad_python_function()
    {
        var x = Tensor.Ones([5, 5], requiresGrad: true);
        Tensor y;
        using (GradMode.NoGrad()) y = new AddOne().Apply(x)[0];
        Assert.False(y.RequiresGrad);
    }

    [Fact(DisplayName = P + "test_set_grad_enabled")]
    public void test_set_grad_enabled()
    {
        var x = Tensor.Ones([5, 5], requiresGrad: true);
        using (GradMode.Set(false)) Assert.False((x * 2).RequiresGrad);
        using (GradMode.NoGrad())
        using (GradMode.Set(true))
            Assert.True((x * 2).RequiresGrad);
        Assert.True((x * 2).RequiresGrad);
    }

    [Fact(DisplayName = P + "test_indexing")]
    public void test_indexing()
    {
        var x = Tensor.Arange(1.0, 17.0).View(4, 4);
        var y = x.Clone().RequiresGrad_();
        void CheckIndex(params TensorIndex[] idx)
        {
            if (y.Grad is not null) using (GradMode.NoGrad()) y.Grad.Zero_();
            var indexedTensor = x[idx];
            var indexedVar = y[idx];
            Eq(indexedTensor, indexedVar.Detach());
            indexedVar.Sum().Backward();
            var expected = Tensor.Zeros(4, 4);
            expected[idx] = Tensor.From(1f);
            Eq(expected, y.Grad!);
        }
        CheckIndex(1);
        CheckIndex(1, 1);
        CheckIndex(TensorIndex.Slice(1, null));
        CheckIndex(TensorIndex.Slice(null, 2));
        CheckIndex(TensorIndex.Slice(null, 2), 2);
        CheckIndex(TensorIndex.Slice(1, 2), 2);
        CheckIndex(3, TensorIndex.Slice(1, 2));
        CheckIndex(TensorIndex.Ellipsis, 2);
        CheckIndex(Check.Idx(0, 2));
        CheckIndex(Check.Idx(0, 2), Check.Idx(1, 3));
        CheckIndex(TensorIndex.Slice(), Check.Idx(0, 3));
        CheckIndex(Check.Idx(1, 2), TensorIndex.Slice(1, null));
    }
}
