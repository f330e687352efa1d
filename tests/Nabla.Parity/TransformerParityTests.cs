using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace Nabla.Parity;

/// <summary>
/// nn.TransformerEncoderLayer and nn.TransformerEncoder against libtorch's modules (TorchSharp): the initial weights after
/// the same seed (and the generator state after building, which deep-copied layers must not advance), the state-dict
/// names, and forward and every gradient with masks (dropout 0, post-norm, sequence-first: the options libtorch's C++
/// modules have; norm_first and batch_first are checked in Nabla.Tests against compositions of checked modules).
/// </summary>
[Collection(DefaultGeneratorsCollection.Name)]
public class TransformerParityTests
{
    [Theory]
    [InlineData(TransformerActivation.Relu, 1, 0UL)]
    [InlineData(TransformerActivation.Gelu, 2, 5UL)]
    [InlineData(TransformerActivation.Relu, 3, 9UL)]
    public void EncoderStartsFromLibTorchsWeightsAndComputesAsIt(TransformerActivation activation, int numLayers, ulong seed)
    {
        using var scope = torch.NewDisposeScope();
        const int E = 8, H = 2, FF = 12, S = 5, N = 3;
        Tensor.ManualSeed(seed);
        var encoder = new TransformerEncoder(new TransformerEncoderLayer(E, H, FF, dropout: 0.0, activation: activation), numLayers);
        var after = Tensor.Randn([4]);
        torch.manual_seed((long)seed);
        var reference = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(E, H, FF, 0.0,
            activation == TransformerActivation.Gelu ? torch.nn.Activations.GELU : torch.nn.Activations.ReLU), numLayers);
        // Python's _get_clones deep-copies without drawing; libtorch's C++ clone() re-runs reset() (drawing) before copying the
        // weights. So the generator state PyTorch leaves is the one after building the single layer.
        torch.manual_seed((long)seed);
        torch.nn.TransformerEncoderLayer(E, H, FF, 0.0);
        var tAfter = torch.randn(4);

        var check = new ModuleCheck();
        var state = encoder.StateDict();
        var tParams = reference.named_parameters().ToDictionary(p => p.name, p => (TT)p.parameter);
        Assert.Equal(tParams.Keys.Order(), encoder.NamedParameters().Select(p => p.Name).Order());
        foreach (var (name, t) in tParams) check.Bits(state[name], t, name);
        check.Bits(after, tAfter, "the draw after building");

        var x = Tensor.Randn([S, N, E]).RequiresGrad_();
        var mask = Tensor.Randn([S, S]);
        var padding = Tensor.From(new[] { false, false, false, true, false, false, true, false, false, false, false, false, false, false, true }).Reshape(N, S);
        var tx = ModuleCheck.T(x, true);
        var y = encoder.Forward(x, mask, padding);
        var ty = reference.call(tx, ModuleCheck.T(mask), ModuleCheck.T(padding));
        var leaves = new List<(Tensor, TT, string)> { (x, tx, "src") };
        foreach (var (name, p) in encoder.NamedParameters()) leaves.Add((p, tParams[name], name));
        check.OutputAndGradients(y, ty, "encoder", [.. leaves]);
        check.Assert();
    }

    [Fact]
    public void LayerNamesReprAndUnmaskedForwardEqualLibTorchs()
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(2);
        var layer = new TransformerEncoderLayer(6, 3, 10);
        torch.manual_seed(2);
        var reference = torch.nn.TransformerEncoderLayer(6, 3, 10);
        var check = new ModuleCheck();
        foreach (var (name, p) in reference.named_parameters()) check.Bits(layer.GetParameter(name), p, name);
        Assert.Equal(reference.state_dict().Keys.Order(), layer.StateDict().Keys.Order());
        layer.Eval();
        reference.eval();
        var x = Tensor.Randn([4, 2, 6]);
        check.Same(layer.Call(x), reference.call(ModuleCheck.T(x)), "eval forward");
        check.Assert();
        Assert.StartsWith("TransformerEncoderLayer(\n  (self_attn): MultiheadAttention(\n    (out_proj): NonDynamicallyQuantizableLinear(in_features=6, out_features=6, bias=True)\n  )\n  (linear1): Linear(in_features=6, out_features=10, bias=True)\n  (dropout): Dropout(p=0.1, inplace=False)", layer.ToString());
    }
}
