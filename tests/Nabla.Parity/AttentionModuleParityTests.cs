using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace Nabla.Parity;

/// <summary>
/// nn.MultiheadAttention against libtorch: TorchSharp's module is libtorch's C++ torch::nn::MultiheadAttention, so
/// its parameters after the same seed are PyTorch's initial weights (checked also against a replay of
/// _reset_parameters with libtorch's init ops), and its forward is the reference for the same weights.
/// </summary>
[Collection(DefaultGeneratorsCollection.Name)]
public class AttentionModuleParityTests
{
    private static Dictionary<string, TT> TorchParameters(torch.nn.Module module) =>
        module.named_parameters().ToDictionary(p => p.name, p => (TT)p.parameter);

    [Theory]
    [InlineData(4, 2, true, 0UL)]
    [InlineData(8, 4, true, 3UL)]
    [InlineData(6, 3, false, 11UL)]
    public void InitialWeightsEqualLibTorchs(int embedDim, int numHeads, bool bias, ulong seed)
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(seed);
        var mha = new MultiheadAttention(embedDim, numHeads, bias: bias);

        torch.manual_seed((long)seed);
        var reference = TorchParameters(torch.nn.MultiheadAttention(embedDim, numHeads, bias: bias));
        var state = mha.StateDict();
        Assert.Equal(reference.Keys.Order(), state.Keys.Order());
        foreach (var (name, t) in reference) InitParityTests.AssertBitsEqual(state[name], t, "MultiheadAttention." + name);

        // The same draws replayed as torch.nn.MultiheadAttention.__init__ makes them: out_proj's Linear init, then
        // xavier_uniform_(in_proj_weight).
        torch.manual_seed((long)seed);
        var outW = torch.empty(embedDim, embedDim);
        torch.nn.init.kaiming_uniform_(outW, Math.Sqrt(5));
        if (bias) torch.empty(embedDim).uniform_(-1 / Math.Sqrt(embedDim), 1 / Math.Sqrt(embedDim));
        var inW = torch.empty(3 * embedDim, embedDim);
        torch.nn.init.xavier_uniform_(inW);
        InitParityTests.AssertBitsEqual(mha.InProjWeight!, inW, "replayed in_proj_weight");
        InitParityTests.AssertBitsEqual(mha.OutProj.Weight, outW, "replayed out_proj.weight");
        Assert.Equal("MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=" + embedDim +
            ", out_features=" + embedDim + ", bias=" + (bias ? "True" : "False") + ")\n)", mha.ToString());
    }

    [Theory]
    [InlineData(8, 2, true, false, false, 5, 3, 1UL)]
    [InlineData(8, 4, true, true, false, null, null, 2UL)]
    [InlineData(6, 3, false, true, true, 4, 7, 3UL)]
    [InlineData(4, 1, true, false, true, 4, 2, 4UL)]
    [InlineData(16, 4, true, true, true, 16, 16, 5UL)]
    public void EveryConfigurationStartsFromLibTorchsWeights(int embedDim, int numHeads, bool bias, bool addBiasKv, bool addZeroAttn,
        int? kdim, int? vdim, ulong seed)
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(seed);
        var mha = new MultiheadAttention(embedDim, numHeads, bias: bias, addBiasKv: addBiasKv, addZeroAttn: addZeroAttn, kdim: kdim, vdim: vdim);
        torch.manual_seed((long)seed);
        var reference = TorchParameters(torch.nn.MultiheadAttention(embedDim, numHeads, bias: bias, add_bias_kv: addBiasKv,
            add_zero_attn: addZeroAttn, kdim: kdim, vdim: vdim));
        var state = mha.StateDict();
        Assert.Equal(reference.Keys.Order(), state.Keys.Order());
        foreach (var (name, t) in reference) InitParityTests.AssertBitsEqual(state[name], t, "MultiheadAttention." + name);
        // PyTorch's named_parameters order: the projection weights, in_proj_bias, bias_k, bias_v, then out_proj's.
        string[] expected = [.. (mha.QkvSameEmbedDim ? new[] { "in_proj_weight" } : ["q_proj_weight", "k_proj_weight", "v_proj_weight"]),
            .. (bias ? new[] { "in_proj_bias" } : []), .. (addBiasKv ? new[] { "bias_k", "bias_v" } : []),
            "out_proj.weight", .. (bias ? new[] { "out_proj.bias" } : [])];
        Assert.Equal(expected, mha.NamedParameters().Select(p => p.Name));
    }

    [Theory]
    [InlineData(false, false, null, null, false, false, false)]
    [InlineData(false, false, 5, 3, false, false, false)]
    [InlineData(true, false, 5, 5, false, false, false)]
    [InlineData(true, true, null, null, true, false, false)]
    [InlineData(false, false, 4, 6, true, true, false)]
    [InlineData(true, false, null, null, true, true, false)]
    [InlineData(false, true, 5, 5, true, true, true)]
    [InlineData(false, false, null, null, false, true, true)]
    [InlineData(false, true, 3, 3, false, false, true)]
    [InlineData(true, true, null, null, false, false, true)]
    public void ForwardAndGradientsEqualLibTorchsForEveryConfiguration(bool masks, bool batchFirst, int? kdim, int? vdim,
        bool addBiasKv, bool addZeroAttn, bool unbatched)
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(33);
        const int E = 8, H = 2, L = 3, S = 5, N = 2;
        int kd = kdim ?? E, vd = vdim ?? E;
        var mha = new MultiheadAttention(E, H, batchFirst: batchFirst, addBiasKv: addBiasKv, addZeroAttn: addZeroAttn, kdim: kdim, vdim: vdim);
        using (GradMode.NoGrad())
        {
            mha.InProjBias!.Copy_(Tensor.Randn([3 * E]));
            mha.OutProj.Bias!.Copy_(Tensor.Randn([E]));
        }
        int[] Shape(int len, int dim) => unbatched ? [len, dim] : batchFirst ? [N, len, dim] : [len, N, dim];
        var q = Tensor.Randn(Shape(L, E)).RequiresGrad_();
        var k = Tensor.Randn(Shape(S, kd)).RequiresGrad_();
        var v = Tensor.Randn(Shape(S, vd)).RequiresGrad_();
        bool[] pad = [false, false, true, false, true, false, false, false, false, true];
        Tensor? padding = masks ? (unbatched ? Tensor.From(pad[..S]) : Tensor.From(pad).Reshape(N, S)) : null;
        // A 2-D float mask for batched inputs, a 2-D Bool one for unbatched inputs. libtorch's C++ module fails on 3-D masks
        // (checked in Nabla.Tests against 2-D ones repeated per head) and adds a Bool attn_mask as 0/1 instead of masking
        // where true as Python's does, so its reference gets the Bool mask as the float mask Python makes of it (-inf where true).
        Tensor? attnMask = !masks ? null : unbatched ? Tensor.Rand([L, S]).Gt(0.7) : Tensor.Randn([L, S]);
        var (y, w) = mha.Forward(q, k, v, keyPaddingMask: padding, attnMask: attnMask);

        // libtorch's C++ module wants key and value of one size and batched (L, N, E) inputs: unbatched inputs become a
        // batch of one, and a kdim different from vdim is met by zero columns (inputs and weights) up to the larger one,
        // which leave every projection exactly as it was.
        int kv = Math.Max(kd, vd);
        var reference = torch.nn.MultiheadAttention(E, H, add_bias_kv: addBiasKv, add_zero_attn: addZeroAttn, kdim: kv, vdim: kv);
        var named = TorchParameters(reference);
        ModuleCheck.CopyState(mha, reference, "k_proj_weight", "v_proj_weight");
        if (!mha.QkvSameEmbedDim)
            using (torch.no_grad())
            {
                named["k_proj_weight"].zero_(); named["k_proj_weight"][.., ..kd].copy_(ModuleCheck.T(mha.KProjWeight!));
                named["v_proj_weight"].zero_(); named["v_proj_weight"][.., ..vd].copy_(ModuleCheck.T(mha.VProjWeight!));
            }
        TT tq = ModuleCheck.T(q, true), tk = ModuleCheck.T(k, true), tv = ModuleCheck.T(v, true);
        TT Widen(TT x, int d) => d == kv ? x : torch.nn.functional.pad(x, [0, kv - d]);
        TT Seq(TT x) => unbatched ? x.unsqueeze(1) : batchFirst ? x.transpose(0, 1) : x;
        var (ty, tw) = reference.call(Seq(tq), Seq(Widen(tk, kd)), Seq(Widen(tv, vd)),
            padding is null ? null : unbatched ? ModuleCheck.T(padding).unsqueeze(0) : ModuleCheck.T(padding), true,
            attnMask is null ? null : attnMask.DType == DType.Bool
                ? torch.zeros(L, S).masked_fill(ModuleCheck.T(attnMask), double.NegativeInfinity) : ModuleCheck.T(attnMask));
        ty = unbatched ? ty.squeeze(1) : batchFirst ? ty.transpose(0, 1) : ty;
        if (unbatched) tw = tw.squeeze(0);

        var check = new ModuleCheck();
        check.Same(w, tw, "weights");
        var leaves = new List<(Tensor, TT, string)> { (q, tq, "query"), (k, tk, "key"), (v, tv, "value") };
        foreach (var (name, p) in mha.NamedParameters())
            if (name is not ("k_proj_weight" or "v_proj_weight")) leaves.Add((p, named[name], name));
        check.OutputAndGradients(y, ty, "output", [.. leaves]);
        if (!mha.QkvSameEmbedDim)
        {
            check.Same(mha.KProjWeight!.Grad, named["k_proj_weight"].grad![.., ..kd], "grad k_proj_weight");
            check.Same(mha.VProjWeight!.Grad, named["v_proj_weight"].grad![.., ..vd], "grad v_proj_weight");
        }
        check.Assert();
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void ForwardEqualsLibTorchsForTheSameWeights(bool masks, bool batchFirst)
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(21);
        const int E = 8, H = 2, L = 3, S = 5, N = 2;
        var mha = new MultiheadAttention(E, H, batchFirst: batchFirst);
        // Non-zero biases so the bias paths are exercised.
        using (GradMode.NoGrad())
        {
            mha.InProjBias!.Copy_(Tensor.Randn([3 * E]));
            mha.OutProj.Bias!.Copy_(Tensor.Randn([E]));
        }
        var q = Tensor.Randn(batchFirst ? [N, L, E] : [L, N, E]);
        var k = Tensor.Randn(batchFirst ? [N, S, E] : [S, N, E]);
        var v = Tensor.Randn(batchFirst ? [N, S, E] : [S, N, E]);
        Tensor? padding = masks ? Tensor.From(new[] { false, false, true, false, true, false, false, false, false, true }).Reshape(N, S) : null;
        Tensor? attnMask = masks ? Tensor.Randn([L, S]) : null;
        var (y, w) = mha.Call(q, k, v);
        if (masks) (y, w) = mha.Forward(q, k, v, keyPaddingMask: padding, attnMask: attnMask);

        var reference = torch.nn.MultiheadAttention(E, H);
        using (torch.no_grad())
            foreach (var (name, t) in TorchParameters(reference))
                t.copy_(InputSpec.TorchFromNabla(mha.StateDict()[name].Detach(), false));
        TT T(Tensor x) => InputSpec.TorchFromNabla(x, false);
        TT tq = T(q), tk = T(k), tv = T(v);
        if (batchFirst) { tq = tq.transpose(0, 1); tk = tk.transpose(0, 1); tv = tv.transpose(0, 1); }
        var (ty, tw) = reference.call(tq, tk, tv, padding is null ? null : T(padding), true, attnMask is null ? null : T(attnMask));
        if (batchFirst) ty = ty.transpose(0, 1);

        var fails = new List<string>();
        Runner.CompareTensor(y, ty, "output", (c, d) => fails.Add(c + " " + d), "dtype", "shape", "values");
        Runner.CompareTensor(w!, tw, "weights", (c, d) => fails.Add(c + " " + d), "dtype", "shape", "values");
        Assert.True(fails.Count == 0, string.Join("\n", fails));
    }
}
