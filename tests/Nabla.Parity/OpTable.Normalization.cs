using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TF = TorchSharp.torch.nn.functional;

namespace Nabla.Parity;

/// <summary>Normalisation: batch_norm (with its running statistics as extra outputs), layer_norm, group_norm.</summary>
public static partial class OpTable
{
    /// <summary>
    /// batch_norm samples: inputs x, running_mean, running_var, then weight and bias when P.Keep (affine).
    /// P.Flag = training, P.S = momentum, P.S2 = eps.
    /// </summary>
    private static IEnumerable<Sample> BatchNormSamples(Gen g, DType dt)
    {
        foreach (var shape in new[] { new[] { 4, 3 }, [2, 3, 4], [2, 2, 3, 3], [3, 2, 1, 2, 2], [1, 3, 5], [2, 3, 1, 1] })
        {
            foreach (bool training in new[] { true, false })
            {
                int c = shape[1];
                bool affine = g.Coin(0.7);
                var layout = g.Layout();
                var inputs = new List<InputSpec>
                {
                    g.Input(dt, shape, layout, FloatKind(g, dt, Values.Normal) == Values.Edge ? Values.Normal : Values.Normal),
                    g.Input(dt, [c], Values.Normal, grad: false),
                    g.Input(dt, [c], Values.Positive, grad: false),
                };
                if (affine) { inputs.Add(g.Input(dt, [c])); inputs.Add(g.Input(dt, [c])); }
                yield return new Sample($"{shape.Length}d/{layout}/{(training ? "train" : "eval")}{(affine ? "/affine" : "")}", [.. inputs],
                    new P { Flag = training, Keep = affine, S = g.Pick(0.1, 0.3), S2 = g.Pick(1e-5, 1e-3) });
            }
        }
        yield return new Sample("empty", [g.Input(dt, [0, 3]), g.Input(dt, [3], grad: false), g.Input(dt, [3], Values.Positive, grad: false), g.Input(dt, [3]), g.Input(dt, [3])],
            new P { Flag = true, Keep = true, S = 0.1, S2 = 1e-5 });
        yield return new Sample("error:one-value", [g.Input(dt, [1, 3]), g.Input(dt, [3], grad: false), g.Input(dt, [3], Values.Positive, grad: false)], new P { Flag = true, S = 0.1, S2 = 1e-5 });
        yield return new Sample("error:running-size", [g.Input(dt, [2, 3]), g.Input(dt, [2], grad: false), g.Input(dt, [3], Values.Positive, grad: false)], new P { Flag = true, S = 0.1, S2 = 1e-5 });
        yield return new Sample("error:weight-size", [g.Input(dt, [2, 3]), g.Input(dt, [3], grad: false), g.Input(dt, [3], Values.Positive, grad: false), g.Input(dt, [4]), g.Input(dt, [3])],
            new P { Flag = false, Keep = true, S = 0.1, S2 = 1e-5 });
    }

    /// <summary>layer_norm samples: P.Shape = normalized_shape, P.Keep = weight and bias given, P.S2 = eps.</summary>
    private static IEnumerable<Sample> LayerNormSamples(Gen g, DType dt)
    {
        foreach (var shape in new[] { new[] { 5 }, [3, 4], [2, 3, 4], [2, 1, 3, 2], [0, 4] })
        {
            int k = g.Int(1, shape.Length + 1);
            var normalized = shape[^k..];
            bool affine = g.Coin(0.7);
            var layout = g.Layout();
            var inputs = new List<InputSpec> { g.Input(dt, shape, layout) };
            if (affine) { inputs.Add(g.Input(dt, normalized)); inputs.Add(g.Input(dt, normalized)); }
            yield return new Sample($"{shape.Length}d/k{k}/{layout}{(affine ? "/affine" : "")}", [.. inputs], new P { Shape = normalized, Keep = affine, S2 = g.Pick(1e-5, 1e-2) });
        }
        yield return new Sample("error:shape", [g.Input(dt, [2, 3])], new P { Shape = [2], S2 = 1e-5 });
        yield return new Sample("error:weight", [g.Input(dt, [2, 3]), g.Input(dt, [2]), g.Input(dt, [3])], new P { Shape = [3], Keep = true, S2 = 1e-5 });
        yield return new Sample("error:empty-shape", [g.Input(dt, [2, 3])], new P { Shape = [], S2 = 1e-5 });
    }

    /// <summary>group_norm samples: P.N = groups, P.Keep = weight and bias given, P.S2 = eps.</summary>
    private static IEnumerable<Sample> GroupNormSamples(Gen g, DType dt)
    {
        foreach (var (shape, groups) in new[] { (new[] { 2, 4 }, 2), ([2, 6, 3], 3), ([1, 4, 2, 2], 1), ([2, 4, 2, 3], 4), ([3, 2, 5], 2) })
        {
            bool affine = g.Coin(0.7);
            var layout = g.Layout();
            var inputs = new List<InputSpec> { g.Input(dt, shape, layout) };
            if (affine) { inputs.Add(g.Input(dt, [shape[1]])); inputs.Add(g.Input(dt, [shape[1]])); }
            yield return new Sample($"{shape.Length}d/g{groups}/{layout}{(affine ? "/affine" : "")}", [.. inputs], new P { N = groups, Keep = affine, S2 = g.Pick(1e-5, 1e-2) });
        }
        yield return new Sample("error:groups", [g.Input(dt, [2, 4, 3])], new P { N = 3, S2 = 1e-5 });
        yield return new Sample("error:weight", [g.Input(dt, [2, 4, 3]), g.Input(dt, [3]), g.Input(dt, [4])], new P { N = 2, Keep = true, S2 = 1e-5 });
    }

    /// <summary>
    /// Python's F.batch_norm refuses one value per channel in training (_verify_batch_size); TorchSharp calls the
    /// kernel directly, which accepts it. The harness raises Python's message itself.
    /// </summary>
    private static TT BatchSizeGuard(TT x, bool training)
    {
        long perChannel = x.shape[0];
        for (int d = 2; d < x.dim(); d++) perChannel *= x.shape[d];
        return training && perChannel == 1
            ? throw new System.Runtime.InteropServices.ExternalException($"Expected more than 1 value per channel when training, got input size torch.Size([{string.Join(", ", x.shape)}])")
            : x;
    }

    private static IEnumerable<OpInfo> BuildNormalization()
    {
        yield return new("nn.functional.batch_norm",
            (x, p) => A(F.BatchNorm(x[0], x[1], x[2], p.Keep ? x[3] : null, p.Keep ? x[4] : null, p.Flag, p.S, p.S2), x[1], x[2]),
            (x, p) => A(TF.batch_norm(BatchSizeGuard(x[0], p.Flag), x[1], x[2], p.Keep ? x[3] : null, p.Keep ? x[4] : null, p.Flag, p.S, p.S2), x[1], x[2]),
            Floats, BatchNormSamples);
        yield return new("nn.functional.layer_norm",
            (x, p) => A(F.LayerNorm(x[0], p.Shape!, p.Keep ? x[1] : null, p.Keep ? x[2] : null, p.S2)),
            (x, p) => A(TF.layer_norm(x[0], L(p.Shape!), p.Keep ? x[1] : null, p.Keep ? x[2] : null, p.S2)),
            Floats, LayerNormSamples);
        yield return new("nn.functional.group_norm",
            (x, p) => A(F.GroupNorm(x[0], p.N, p.Keep ? x[1] : null, p.Keep ? x[2] : null, p.S2)),
            (x, p) => A(TF.group_norm(x[0], p.N, p.Keep ? x[1] : null, p.Keep ? x[2] : null, p.S2)),
            Floats, GroupNormSamples);
    }
}
