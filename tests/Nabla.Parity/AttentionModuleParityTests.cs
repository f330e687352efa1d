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
        InitParityTests.AssertBitsEqual(mha.InProjWeight, inW, "replayed in_proj_weight");
        InitParityTests.AssertBitsEqual(mha.OutProj.Weight, outW, "replayed out_proj.weight");
        Assert.Equal("MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=" + embedDim +
            ", out_features=" + embedDim + ", bias=" + (bias ? "True" : "False") + ")\n)", mha.ToString());
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
