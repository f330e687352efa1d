using Nabla.NN;

namespace Nabla.Examples;

/// <summary>
/// How adaptive average pooling chooses its windows: output i of n averages input[floor(i·L/n), ceil((i+1)·L/n)), so
/// windows may overlap and differ in size, unlike a fixed AvgPool1d. Then the question's small network (conv, pool,
/// adaptive pool, linear) as a Module: the adaptive pool fixes the linear layer's input size whatever the image size.
/// </summary>
public static class AdaptivePool
{
    /// <summary>The input range [start, end) that adaptive pooling output <paramref name="i"/> of <paramref name="outputSize"/> reads.</summary>
    public static (int Start, int End) Window(int i, int inputSize, int outputSize) =>
        (i * inputSize / outputSize, ((i + 1) * inputSize + outputSize - 1) / outputSize);

    /// <summary>conv → ReLU → max pool → adaptive average pool to 4×4 → flatten → linear, registered as PyTorch names them.</summary>
    public sealed class SmallNet : Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv;
        private readonly MaxPool2d _pool;
        private readonly AdaptiveAvgPool2d _adaptive;
        private readonly Linear _fc;

        /// <summary>The layers, created in the order a PyTorch __init__ would create them (so the seeded weights agree).</summary>
        public SmallNet(int classes = 10)
        {
            _conv = RegisterModule("conv", new Conv2d(3, 8, 3, padding: 1));
            _pool = RegisterModule("pool", new MaxPool2d(2));
            _adaptive = RegisterModule("adaptive", new AdaptiveAvgPool2d(4));
            _fc = RegisterModule("fc", new Linear(8 * 4 * 4, classes));
        }

        /// <inheritdoc/>
        public override Tensor Forward(Tensor input)
        {
            var x = _pool.Call(F.Relu(_conv.Call(input)));
            return _fc.Call(_adaptive.Call(x).Flatten(1));
        }
    }

    /// <summary>Prints the scenario.</summary>
    public static void Run()
    {
        var x = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }).Reshape(1, 1, 6);
        Console.WriteLine("nn.AdaptiveAvgPool1d(8)(tensor([[[1., 2., 3., 4., 5., 6.]]])):");
        Console.WriteLine(new AdaptiveAvgPool1d(8).Call(x));
        for (int i = 0; i < 8; i++)
        {
            var (s, e) = Window(i, 6, 8);
            Console.WriteLine($"  output {i} = mean(input[{s}:{e}])");
        }

        var r = Tensor.Arange(0, 5).To(DType.Float32).Reshape(1, 1, 5);
        Console.WriteLine("on arange(5): AvgPool1d(kernel_size=3, stride=1) and AdaptiveAvgPool1d(3) side by side");
        Console.WriteLine(new AvgPool1d(3, 1).Call(r));
        Console.WriteLine(new AdaptiveAvgPool1d(3).Call(r));
        for (int i = 0; i < 3; i++)
        {
            var (s, e) = Window(i, 5, 3);
            Console.WriteLine($"  output {i}: AvgPool1d reads input[{i}:{i + 3}], AdaptiveAvgPool1d reads input[{s}:{e}]");
        }

        Tensor.ManualSeed(0);
        var net = new SmallNet();
        Console.WriteLine(net);
        var images = Tensor.Randn([2, 3, 32, 32]);
        var other = Tensor.Randn([2, 3, 45, 37]);
        var labels = Tensor.From(new long[] { 3, 7 });
        var logits = net.Call(images);
        Console.WriteLine($"logits for 32×32 images: {string.Join("×", logits.Shape)}; for 45×37 images: {string.Join("×", net.Call(other).Shape)}");
        Console.WriteLine(logits);
        var loss = F.CrossEntropy(logits, labels);
        loss.Backward();
        Console.WriteLine($"loss = {loss}");
        foreach (var (name, p) in net.NamedParameters())
            Console.WriteLine($"  {name,-12} {string.Join("×", p.Shape),-10} grad norm {p.Grad!.Pow(2).Sum().Sqrt().Item<float>():F6}");
    }
}
