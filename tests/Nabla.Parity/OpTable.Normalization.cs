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

    /// <summary>instance_norm samples: x, running_mean, running_var (P.N = 1 when given), weight and bias (P.Keep); P.Flag = use_input_stats.</summary>
    private static IEnumerable<Sample> InstanceNormSamples(Gen g, DType dt)
    {
        foreach (var shape in new[] { new[] { 2, 3, 4 }, [1, 2, 3, 3], [3, 2, 5], [2, 2, 2, 1, 2] })
        {
            int c = shape[1];
            bool affine = g.Coin(), running = g.Coin(), useStats = !running || g.Coin();
            var layout = g.Layout();
            var inputs = new List<InputSpec> { g.Input(dt, shape, layout) };
            if (running) { inputs.Add(g.Input(dt, [c], grad: false)); inputs.Add(g.Input(dt, [c], Values.Positive, grad: false)); }
            if (affine) { inputs.Add(g.Input(dt, [c])); inputs.Add(g.Input(dt, [c])); }
            yield return new Sample($"{shape.Length}d/{layout}{(running ? "/running" : "")}{(affine ? "/affine" : "")}{(useStats ? "" : "/eval")}", [.. inputs],
                new P { N = running ? 1 : 0, Keep = affine, Flag = useStats, S = 0.1, S2 = 1e-5 });
        }
        yield return new Sample("error:spatial", [g.Input(dt, [2, 3, 1])], new P { Flag = true, S = 0.1, S2 = 1e-5 });
        yield return new Sample("error:eval-without-running", [g.Input(dt, [2, 3, 4])], new P { Flag = false, S = 0.1, S2 = 1e-5 });
    }

    /// <summary>scaled_dot_product_attention samples: q, k, v (and a mask when P.Mode is "bool" or "float"); P.Flag = is_causal.</summary>
    private static IEnumerable<Sample> AttentionSamples(Gen g, DType dt)
    {
        foreach (var (batch, l, s, e, ev) in new[] { (new int[0], 3, 3, 4, 4), ([2], 3, 5, 4, 2), ([2, 2], 4, 4, 3, 3), ([1, 3], 2, 3, 8, 5) })
        {
            var mode = g.Pick("none", "causal", "bool", "float");
            var inputs = new List<InputSpec> { g.AnyLayout(dt, [.. batch, l, e]), g.AnyLayout(dt, [.. batch, s, e]), g.AnyLayout(dt, [.. batch, s, ev]) };
            if (mode == "bool")
            {
                // every query keeps its first key, so no row is fully masked
                var vals = Enumerable.Range(0, l * s).Select(i => i % s == 0 || g.Coin() ? 1.0 : 0.0).ToArray();
                inputs.Add(new InputSpec(DType.Bool, [l, s], vals, [], false));
            }
            if (mode == "float") inputs.Add(g.Input(dt, [l, s], grad: false));
            yield return new Sample($"{batch.Length + 2}d/{mode}", [.. inputs], new P { Mode = mode, Flag = mode == "causal" });
        }
        yield return new Sample("error:embed", [g.Input(dt, [2, 3, 4]), g.Input(dt, [2, 5, 3]), g.Input(dt, [2, 5, 2])], new P { Mode = "none" });
        yield return new Sample("error:dtype", [g.Input(dt, [2, 3, 4]), g.Input(dt == DType.Float32 ? DType.Float64 : DType.Float32, [2, 5, 4]), g.Input(dt, [2, 5, 2])], new P { Mode = "none" });
    }

    /// <summary>
    /// multi_head_attention_forward samples: q, k, v (L/S, N, E), in_proj weight and bias, out_proj weight and bias (no grad:
    /// they become the TorchSharp module's parameters), then a float attn_mask (P.Mode has "mask") and a Bool key_padding_mask ("pad").
    /// P.N = heads, P.Flag = need_weights, P.Keep = self-attention (q, k, v the same tensor).
    /// </summary>
    private static IEnumerable<Sample> MultiheadSamples(Gen g, DType dt)
    {
        foreach (var (l, s, n, e, h) in new[] { (3, 3, 2, 4, 2), (2, 4, 1, 6, 3), (4, 2, 3, 4, 1), (3, 5, 2, 8, 4) })
        {
            bool self = l == s && g.Coin();
            var mode = g.Pick("none", "mask", "pad", "mask+pad");
            var inputs = new List<InputSpec> { g.Input(dt, [l, n, e]), g.Input(dt, [s, n, e]), g.Input(dt, [s, n, e]),
                g.Input(dt, [3 * e, e], grad: false), g.Input(dt, [3 * e], grad: false), g.Input(dt, [e, e], grad: false), g.Input(dt, [e], grad: false) };
            // An additive float attn_mask: TorchSharp's module runs the C++ frontend's multi_head_attention_forward, which adds a
            // Bool mask as 0/1 instead of masking (Python's semantics, which Nabla follows); a float mask means the same in both.
            if (mode.Contains("mask")) inputs.Add(g.Input(dt, [l, s], grad: false));
            if (mode.Contains("pad")) inputs.Add(new InputSpec(DType.Bool, [n, s], Enumerable.Range(0, n * s).Select(i => i % s == s - 1 && s > 1 ? 1.0 : 0.0).ToArray(), [], false));
            yield return new Sample($"L{l}S{s}N{n}E{e}H{h}/{mode}{(self ? "/self" : "")}", [.. inputs], new P { N = h, Flag = g.Coin(0.7), Keep = self, Mode = mode });
        }
    }

    private static Tensor[] NablaMultihead(Tensor[] x, P p)
    {
        int at = 7;
        var mask = p.Mode!.Contains("mask") ? x[at++] : null;
        var pad = p.Mode.Contains("pad") ? x[at] : null;
        var (q, k, v) = p.Keep ? (x[0], x[0], x[0]) : (x[0], x[1], x[2]);
        var (o, w) = F.MultiHeadAttentionForward(q, k, v, p.N, x[3], x[4], x[5], x[6], pad, p.Flag, mask);
        return w is null ? A(o) : A(o, w);
    }

    private static TT[] TorchMultihead(TT[] x, P p)
    {
        int at = 7;
        var mask = p.Mode!.Contains("mask") ? x[at++] : null;
        var pad = p.Mode.Contains("pad") ? x[at] : null;
        var mha = torch.nn.MultiheadAttention(x[0].shape[2], p.N).to(x[0].dtype);
        using (torch.no_grad())
            foreach (var (name, param) in mha.named_parameters())
                param.copy_(name switch { "in_proj_weight" => x[3], "in_proj_bias" => x[4], "out_proj.weight" => x[5], _ => x[6] });
        var (q, k, v) = p.Keep ? (x[0], x[0], x[0]) : (x[0], x[1], x[2]);
        var (o, w) = mha.forward(q, k, v, pad, p.Flag, mask);
        return p.Flag ? A(o, w) : A(o);
    }

    // TorchSharp 0.107 has no rms_norm: TorchScript, one function per normalized rank, weight and eps presence.
    private static readonly string RmsNormScript = string.Concat(
        from rank in new[] { 1, 2 }
        from w in new[] { false, true }
        from e in new[] { false, true }
        let dims = string.Join(", ", Enumerable.Range(0, rank).Select(i => $"d{i}"))
        select $"def f{rank}{(w ? "w" : "")}{(e ? "e" : "")}(x: Tensor, {string.Join(", ", Enumerable.Range(0, rank).Select(i => $"d{i}: int"))}{(w ? ", w: Tensor" : "")}{(e ? ", eps: float" : "")}):\n"
            + $"    return torch.rms_norm(x, [{dims}], {(w ? "w" : "None")}, {(e ? "eps" : "None")})\n");

    /// <summary>rms_norm over the last one or two dims (P.Shape), with a weight (P.Flag) and an explicit eps (P.Keep, P.S).</summary>
    private static IEnumerable<Sample> RmsNormSamples(Gen g, DType dt)
    {
        foreach (var (shape, k) in new (int[], int)[] { ([3, 4], 1), ([2, 3, 4], 2), ([2, 3, 4], 1), ([5], 1), ([0, 3], 1), ([2, 1, 3], 2), ([4, 2], 2) })
        {
            var normalized = shape[^k..];
            bool weighted = g.Coin(), explicitEps = g.Coin();
            var layout = g.Layout();
            yield return new Sample($"{shape.Length}d/norm{k}/{layout}{(weighted ? "/weight" : "")}{(explicitEps ? "/eps" : "")}",
                [g.Input(dt, shape, layout, FloatKind(g, dt, Values.Normal)), .. weighted ? new[] { g.AnyLayout(dt, normalized) } : []],
                new P { Shape = normalized, Flag = weighted, Keep = explicitEps, S = g.Pick(1e-5, 0.1) });
        }
        yield return new Sample("error:shape", [g.Input(dt, [2, 3])], new P { Shape = [2] });
        yield return new Sample("error:weight", [g.Input(dt, [2, 3]), g.Input(dt, [2])], new P { Shape = [3], Flag = true });
    }

    private static IEnumerable<OpInfo> BuildNormalization()
    {
        // Float64 only: the float32 results agree to about 2e-6 relative after two projections and two batched matmuls of
        // values around 30, just above the float32 tolerance.
        yield return new("nn.functional.multi_head_attention_forward", NablaMultihead, TorchMultihead, [DType.Float64], MultiheadSamples);
        yield return new("nn.functional.scaled_dot_product_attention",
            (x, p) => A(F.ScaledDotProductAttention(x[0], x[1], x[2], x.Length > 3 ? x[3] : null, 0, p.Flag)),
            (x, p) => A(TF.scaled_dot_product_attention(x[0], x[1], x[2], x.Length > 3 ? x[3] : null, 0, p.Flag)), Floats, AttentionSamples);
        yield return new("nn.functional.instance_norm",
            (x, p) => { int a = p.N == 1 ? 3 : 1; var y = F.InstanceNorm(x[0], p.N == 1 ? x[1] : null, p.N == 1 ? x[2] : null, p.Keep ? x[a] : null, p.Keep ? x[a + 1] : null, p.Flag, p.S, p.S2);
                return p.N == 1 ? A(y, x[1], x[2]) : A(y); },
            (x, p) => { if (p.Flag && x[0].shape.Skip(2).Aggregate(1L, (u, v) => u * v) == 1) // torch.nn.functional checks this in Python
                    throw new System.Runtime.InteropServices.ExternalException($"Expected more than 1 spatial element when training, got input size torch.Size([{string.Join(", ", x[0].shape)}])");
                int a = p.N == 1 ? 3 : 1; var y = TF.instance_norm(x[0], p.N == 1 ? x[1] : null, p.N == 1 ? x[2] : null, p.Keep ? x[a] : null, p.Keep ? x[a + 1] : null, p.Flag, p.S, p.S2);
                return p.N == 1 ? A(y, x[1], x[2]) : A(y); },
            Floats, InstanceNormSamples);
        yield return new("nn.functional.rms_norm", (x, p) => A(F.RmsNorm(x[0], p.Shape!, p.Flag ? x[1] : null, p.Keep ? p.S : null)),
            (x, p) => A(Script(RmsNormScript, $"f{p.Shape!.Length}{(p.Flag ? "w" : "")}{(p.Keep ? "e" : "")}",
                [x[0], .. p.Shape!.Select(v => (object)(long)v), .. p.Flag ? new object[] { x[1] } : [], .. p.Keep ? new object[] { p.S } : []])),
            Floats, RmsNormSamples);
        yield return new("nn.functional.local_response_norm", (x, p) => A(F.LocalResponseNorm(x[0], p.N, p.S, 0.75, 1.0)),
            // TorchSharp words the rank check its own way; torch.nn.functional's (Python) message is the reference.
            (x, p) => A(x[0].dim() < 3 ? throw new System.Runtime.InteropServices.ExternalException($"Expected 3D or higher dimensionality input (got {x[0].dim()} dimensions)")
                : TF.local_response_norm(x[0], p.N, p.S, 0.75, 1.0)), Floats,
            (g, d) => new[] { new[] { 2, 5, 3 }, [1, 4, 2, 3], [2, 3, 2, 2, 2] }.Select(shape => new Sample($"{shape.Length}d", [g.AnyLayout(d, shape)], new P { N = g.Pick(1, 2, 3, 5), S = g.Pick(1e-4, 0.5) }))
                .Append(new Sample("error:rank", [g.Input(d, [2, 3])], new P { N = 2, S = 1e-4 })));
        yield return new("nn.functional.normalize", (x, p) => A(F.Normalize(x[0], p.S, p.Dim)), (x, p) => A(TF.normalize(x[0], p.S, p.Dim)), Floats,
            (g, d) => OneDim(g, d).Where(s => s.Inputs[0].Shape.Length > 0).Select(s => s with { Args = s.Args with { S = g.Pick(2.0, 1.0, 3.0) } }));
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
