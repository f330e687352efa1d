using TorchApi = TorchSharp.torch;

namespace Nabla.Benchmarks;

/// <summary>
/// <c>--check</c>: runs every benchmark's two sides once and compares the results, so the suite never times
/// two different computations. Tolerances are loose (float32 sums of 10^6 terms in different orders).
/// </summary>
public static class Check
{
    public static int Run()
    {
        PairBench[] cases =
        [
            new Add { N = 1_000 }, new Add { N = 1_000_000 }, new BroadcastAdd(), new Exp { N = 1_000_000 },
            new SumAll(), new SumDim1(), new CumsumDim0(), new Matmul { N = 128 }, new Matmul { N = 512 },
            new Softmax(), new IndexRows(), new TransposeContiguous(), new TinyAdd(), new MlpForwardBackward(),
        ];
        int failures = 0;
        foreach (var c in cases)
        {
            c.Setup();
            using var scope = TorchApi.NewDisposeScope();
            var n = c.Nabla() ?? throw new InvalidOperationException("Nabla side returned null");
            var t = c.TorchOp();
            var shapeN = n.Shape;
            var shapeT = Array.ConvertAll(t.shape, d => (int)d);
            var a = n.ToArray<float>();
            var b = t.contiguous().data<float>().ToArray();
            double worst = 0;
            bool ok = shapeN.SequenceEqual(shapeT) && a.Length == b.Length;
            for (int i = 0; ok && i < a.Length; i++)
            {
                double diff = Math.Abs(a[i] - b[i]);
                worst = Math.Max(worst, diff);
                if (diff > 1e-3 + 1e-4 * Math.Abs(b[i])) ok = false;
            }
            if (!ok) failures++;
            Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {c.GetType().Name,-20} shape [{string.Join(", ", shapeN)}] vs [{string.Join(", ", shapeT)}], max |diff| {worst:G3}");
            c.Cleanup();
        }
        return failures == 0 ? 0 : 1;
    }
}
