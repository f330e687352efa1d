using Nabla.NN;
using static Nabla.Tests.NN.TensorClose;

namespace Nabla.Tests.NN;

/// <summary>TransformerEncoderLayer's norm_first, batch_first and unbatched forms against compositions of its own
/// (libtorch-checked) children, and TransformerEncoder's deep copies.</summary>
// Seeds the default generator and compares draws: no other test may draw from it in between.
[Collection(nameof(Nabla.Tests.Train.DefaultGeneratorAlone))]
public class TransformerEncoderTests
{
    [Theory]
    [InlineData(false, TransformerActivation.Relu)]
    [InlineData(true, TransformerActivation.Gelu)]
    public void PreAndPostNormEqualTheCompositionOfTheChildren(bool normFirst, TransformerActivation activation)
    {
        var layer = new TransformerEncoderLayer(8, 2, 16, dropout: 0.0, activation: activation, normFirst: normFirst);
        var x = Tensor.Randn([5, 3, 8]);
        var mask = Tensor.Randn([5, 5]);
        Tensor Sa(Tensor h) => layer.SelfAttn.Forward(h, h, h, needWeights: false, attnMask: mask).Output;
        Tensor Ff(Tensor h)
        {
            var hidden = layer.Linear1.Call(h);
            return layer.Linear2.Call(activation == TransformerActivation.Gelu ? F.Gelu(hidden) : F.Relu(hidden));
        }
        Tensor expected;
        if (normFirst)
        {
            var h = x + Sa(layer.Norm1.Call(x));
            expected = h + Ff(layer.Norm2.Call(h));
        }
        else
        {
            var h = layer.Norm1.Call(x + Sa(x));
            expected = layer.Norm2.Call(h + Ff(h));
        }
        Assert.True(Close(layer.Forward(x, mask), expected));
    }

    [Fact]
    public void BatchFirstAndUnbatchedInputsAreTheSameComputation()
    {
        Tensor.ManualSeed(1);
        var seqFirst = new TransformerEncoderLayer(8, 4, 16, dropout: 0.0);
        Tensor.ManualSeed(1);
        var batchFirst = new TransformerEncoderLayer(8, 4, 16, dropout: 0.0, batchFirst: true);
        var x = Tensor.Randn([5, 2, 8]);
        var padding = Tensor.From(new[,] { { false, false, false, false, true }, { false, false, false, false, false } });
        var y = seqFirst.Forward(x, null, padding);
        Assert.True(Close(batchFirst.Forward(x.Transpose(0, 1), null, padding).Transpose(0, 1), y));
        Assert.True(Close(seqFirst.Call(x[.., 1]), seqFirst.Call(x)[.., 1]));
    }

    [Fact]
    public void EncoderLayersAreIndependentCopiesOfTheGivenLayerAndASmallModelTrains()
    {
        var layer = new TransformerEncoderLayer(8, 2, 16, dropout: 0.0);
        var encoder = new TransformerEncoder(layer, 2, new LayerNorm(8));
        Assert.Equal(layer.StateDict()["linear1.weight"].ToArray<float>(), encoder.GetParameter("layers.1.linear1.weight").ToArray<float>());
        Assert.NotSame(encoder.Layers[0].Linear1.Weight, encoder.Layers[1].Linear1.Weight);
        Assert.Contains("layers.0.self_attn.in_proj_weight", encoder.StateDict().Keys);
        Assert.Contains("norm.weight", encoder.StateDict().Keys);
        var causal = Tensor.Arange(6).Unsqueeze(1).Lt(Tensor.Arange(6).Unsqueeze(0));
        var x = Tensor.Randn([6, 4, 8]);
        var target = Tensor.Randn([6, 4, 8]);
        var optimizer = new Nabla.Optim.Adam(encoder.Parameters(), lr: 1e-2);
        double first = 0, last = 0;
        for (int step = 0; step < 30; step++)
        {
            optimizer.ZeroGrad();
            var loss = F.MseLoss(encoder.Forward(x, causal, isCausal: true), target);
            loss.Backward();
            optimizer.Step();
            if (step == 0) first = loss.Item<float>();
            last = loss.Item<float>();
        }
        Assert.True(last < first * 0.9, $"loss {first} -> {last}");
        Assert.StartsWith("Need attn_mask if specifying the is_causal hint.", Assert.Throws<ArgumentException>(() => encoder.Forward(x, null, isCausal: true)).Message);
    }
}
