using Nabla.NN;
using static Nabla.Tests.NN.TensorClose;

namespace Nabla.Tests.NN;

/// <summary>MultiheadAttention's options that libtorch's C++ module lacks or gets wrong: 3-D masks, is_causal,
/// need_weights=false (the SDPA path), average_attn_weights, and PyTorch's errors.</summary>
// Seeds the default generator and compares draws: no other test may draw from it in between.
[Collection(nameof(Nabla.Tests.Train.DefaultGeneratorAlone))]
public class MultiheadAttentionOptionTests
{
    private static Tensor CausalMask(int n) => Tensor.Arange(n).Unsqueeze(1).Lt(Tensor.Arange(n).Unsqueeze(0));

    [Fact]
    public void A3dMaskRepeatingA2dOnePerHeadGivesTheSameResult()
    {
        Tensor.ManualSeed(3);
        var mha = new MultiheadAttention(8, 2, addBiasKv: true, addZeroAttn: true, kdim: 5, vdim: 3);
        var (q, k, v) = (Tensor.Randn([4, 3, 8]), Tensor.Randn([6, 3, 5]), Tensor.Randn([6, 3, 3]));
        var mask = Tensor.Randn([4, 6]);
        var (y2, w2) = mha.Forward(q, k, v, attnMask: mask);
        var (y3, w3) = mha.Forward(q, k, v, attnMask: mask.Unsqueeze(0).Expand(6, 4, 6));
        Assert.True(Close(y2, y3) && Close(w2!, w3!));
        var (yu, wu) = mha.Forward(q[.., 0], k[.., 0], v[.., 0], attnMask: mask.Unsqueeze(0).Expand(2, 4, 6));
        Assert.True(Close(yu, y2[.., 0]) && Close(wu!, w2![0]));
    }

    [Fact]
    public void WithoutWeightsTheScaledDotProductPathGivesTheSameOutputAndCausalHintsAgree()
    {
        Tensor.ManualSeed(4);
        var mha = new MultiheadAttention(8, 4, batchFirst: true);
        var x = Tensor.Randn([2, 5, 8]);
        var pad = Tensor.From(new[,] { { false, false, false, false, true }, { false, false, false, false, false } });
        var (y, w) = mha.Forward(x, x, x, keyPaddingMask: pad, attnMask: CausalMask(5));
        var (yNo, wNo) = mha.Forward(x, x, x, keyPaddingMask: pad, needWeights: false, attnMask: CausalMask(5));
        Assert.Null(wNo);
        Assert.True(Close(y, yNo));
        var (yCausal, _) = mha.Forward(x, x, x, needWeights: false, attnMask: CausalMask(5), isCausal: true);
        var (yMasked, _) = mha.Forward(x, x, x, attnMask: CausalMask(5));
        Assert.True(Close(yCausal, yMasked));
        var (_, perHead) = mha.Forward(x, x, x, keyPaddingMask: pad, attnMask: CausalMask(5), averageAttnWeights: false);
        Assert.Equal([2, 4, 5, 5], perHead!.Shape);
        Assert.True(Close(perHead.Mean(1), w!));
    }

    [Fact]
    public void SeparateProjectionsAndBiasKvAreRegisteredUnderPyTorchsNames()
    {
        var mha = new MultiheadAttention(6, 2, addBiasKv: true, kdim: 4, vdim: 2);
        Assert.Equal(["q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias", "bias_k", "bias_v", "out_proj.weight", "out_proj.bias"],
            mha.StateDict().Keys);
        Assert.Null(mha.InProjWeight);
        Assert.Equal([6, 4], mha.KProjWeight!.Shape);
        Assert.Equal([1, 1, 6], mha.BiasV!.Shape);
        Assert.Null(new MultiheadAttention(6, 2).BiasK);
        Assert.Equal("`in_proj_weight` is not an nn.Parameter", Assert.Throws<ArgumentException>(() => mha.GetParameter("in_proj_weight")).Message);
    }

    [Fact]
    public void BadInputsFailWithPyTorchsWords()
    {
        var mha = new MultiheadAttention(4, 2);
        var x = Tensor.Randn([3, 2, 4]);
        string Message(Action a) => Assert.Throws<ArgumentException>(a).Message;
        Assert.StartsWith("Need attn_mask if specifying the is_causal hint.", Message(() => mha.Forward(x, x, x, isCausal: true)));
        Assert.Equal("The shape of the 2D attn_mask is torch.Size([3, 4]), but should be (3, 3).", Message(() => mha.Forward(x, x, x, attnMask: Tensor.Zeros([3, 4]))));
        Assert.Equal("The shape of the 3D attn_mask is torch.Size([2, 3, 3]), but should be (4, 3, 3).", Message(() => mha.Forward(x, x, x, attnMask: Tensor.Zeros([2, 3, 3]))));
        Assert.Equal("For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and 3-D tensors respectively",
            Message(() => mha.Forward(x, x[0], x)));
        Assert.Equal("expecting key_padding_mask shape of (2, 3), but got torch.Size([2, 4])",
            Message(() => mha.Forward(x, x, x, keyPaddingMask: Tensor.Zeros([2, 4], DType.Bool))));
        Assert.Equal("only bool and floating types of attn_mask are supported", Message(() => mha.Forward(x, x, x, attnMask: Tensor.Zeros([3, 3], DType.Int64))));
        Assert.Equal("was expecting embedding dimension of 4, but got 5", Message(() => mha.Call(Tensor.Randn([3, 2, 5]), x, x)));
        var separate = new MultiheadAttention(4, 2, kdim: 3, vdim: 2);
        Assert.Equal("expecting key weights shape of (4, 5), but got torch.Size([4, 3])",
            Message(() => separate.Forward(x, Tensor.Randn([3, 2, 5]), Tensor.Randn([3, 2, 2]))));
    }
}
