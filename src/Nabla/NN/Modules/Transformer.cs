using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// torch.nn.TransformerEncoderLayer: self-attention then a feed-forward block (linear1, activation, dropout, linear2), each
/// with dropout, a residual connection and a LayerNorm, after (norm_first=false, the default) or before (norm_first=true)
/// the block. Children in PyTorch's order (self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2), so the
/// initial weights after the same seed and the state-dict names equal PyTorch's.
/// </summary>
public class TransformerEncoderLayer : Module<Tensor, Tensor>
{
    /// <summary>nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu",
    /// layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True, dtype).</summary>
    /// <exception cref="ArgumentException">d_model not divisible by nhead, or sizes not positive.</exception>
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward = 2048, double dropout = 0.1,
        TransformerActivation activation = TransformerActivation.Relu, double layerNormEps = 1e-5, bool batchFirst = false,
        bool normFirst = false, bool bias = true, DType dtype = DType.Float32)
    {
        DModel = dModel;
        Nhead = nhead;
        DimFeedforward = dimFeedforward;
        DropoutP = dropout;
        Activation = activation;
        LayerNormEps = layerNormEps;
        BatchFirst = batchFirst;
        NormFirst = normFirst;
        HasBias = bias;
        DType = dtype;
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, bias, batchFirst, dtype));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward, bias, dtype));
        Dropout = RegisterModule("dropout", new Dropout(dropout));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel, bias, dtype));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps, bias: bias, dtype: dtype));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps, bias: bias, dtype: dtype));
        Dropout1 = RegisterModule("dropout1", new Dropout(dropout));
        Dropout2 = RegisterModule("dropout2", new Dropout(dropout));
    }

    /// <summary>d_model, the feature size of the input and output.</summary>
    public int DModel { get; }
    /// <summary>nhead, the number of attention heads.</summary>
    public int Nhead { get; }
    /// <summary>dim_feedforward, the hidden size of the feed-forward block.</summary>
    public int DimFeedforward { get; }
    /// <summary>dropout, the probability used by every dropout of the layer.</summary>
    public double DropoutP { get; }
    /// <summary>activation of the feed-forward block.</summary>
    public TransformerActivation Activation { get; }
    /// <summary>layer_norm_eps.</summary>
    public double LayerNormEps { get; }
    /// <summary>batch_first: (N, S, E) inputs instead of (S, N, E).</summary>
    public bool BatchFirst { get; }
    /// <summary>norm_first: LayerNorm before each block (pre-norm) instead of after the residual sum.</summary>
    public bool NormFirst { get; }
    /// <summary>bias: whether the linear and LayerNorm layers have biases.</summary>
    public bool HasBias { get; }
    /// <summary>The dtype of the parameters.</summary>
    public DType DType { get; }

    /// <summary>self_attn.</summary>
    public MultiheadAttention SelfAttn { get; }
    /// <summary>linear1, d_model to dim_feedforward.</summary>
    public Linear Linear1 { get; }
    /// <summary>dropout, inside the feed-forward block.</summary>
    public Dropout Dropout { get; }
    /// <summary>linear2, dim_feedforward to d_model.</summary>
    public Linear Linear2 { get; }
    /// <summary>norm1, around the attention block.</summary>
    public LayerNorm Norm1 { get; }
    /// <summary>norm2, around the feed-forward block.</summary>
    public LayerNorm Norm2 { get; }
    /// <summary>dropout1, after the attention block.</summary>
    public Dropout Dropout1 { get; }
    /// <summary>dropout2, after the feed-forward block.</summary>
    public Dropout Dropout2 { get; }

    /// <summary>copy.deepcopy of the layer as torch.nn.TransformerEncoder's _get_clones makes it: the same settings and
    /// weights, and no draw from the default generator (its state is restored after the copy is built).</summary>
    public TransformerEncoderLayer Clone()
    {
        var state = Generator.Default.GetState();
        var copy = new TransformerEncoderLayer(DModel, Nhead, DimFeedforward, DropoutP, Activation, LayerNormEps, BatchFirst, NormFirst, HasBias, DType);
        Generator.Default.SetState(state);
        copy.LoadStateDict(StateDict());
        foreach (var ((_, from), (_, to)) in NamedModules().Zip(copy.NamedModules())) to.Training = from.Training;
        return copy;
    }

    /// <summary>module(src) without masks.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// torch.nn.TransformerEncoderLayer.forward(src, src_mask, src_key_padding_mask, is_causal): src (S, N, E) ((N, S, E)
    /// when batch_first) or unbatched (S, E); masks as <see cref="MultiheadAttention"/>'s (Bool true = not attended, or
    /// float added); <paramref name="isCausal"/> is the hint that srcMask is the causal mask.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes or masks that do not fit, isCausal without srcMask.</exception>
    public Tensor Forward(Tensor src, Tensor? srcMask, Tensor? srcKeyPaddingMask = null, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(src);
        var x = src;
        if (NormFirst)
        {
            x = x + AttentionBlock(Norm1.Call(x), srcMask, srcKeyPaddingMask, isCausal);
            return x + FeedForwardBlock(Norm2.Call(x));
        }
        x = Norm1.Call(x + AttentionBlock(x, srcMask, srcKeyPaddingMask, isCausal));
        return Norm2.Call(x + FeedForwardBlock(x));
    }

    private Tensor AttentionBlock(Tensor x, Tensor? mask, Tensor? keyPaddingMask, bool isCausal) =>
        Dropout1.Call(SelfAttn.Forward(x, x, x, keyPaddingMask, needWeights: false, attnMask: mask, isCausal: isCausal).Output);

    private Tensor FeedForwardBlock(Tensor x)
    {
        var hidden = Linear1.Call(x);
        hidden = Activation == TransformerActivation.Gelu ? F.Gelu(hidden) : F.Relu(hidden);
        return Dropout2.Call(Linear2.Call(Dropout.Call(hidden)));
    }
}

/// <summary>
/// torch.nn.TransformerEncoder: num_layers copies of an encoder layer (deep copies, as PyTorch's _get_clones: every layer
/// starts from the given layer's weights) applied in turn, then an optional final norm.
/// </summary>
public class TransformerEncoder : Module<Tensor, Tensor>
{
    /// <summary>nn.TransformerEncoder(encoder_layer, num_layers, norm=None).</summary>
    /// <exception cref="ArgumentException">num_layers negative.</exception>
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, Module<Tensor, Tensor>? norm = null)
    {
        ArgumentNullException.ThrowIfNull(encoderLayer);
        Errors.Check(numLayers >= 0, $"num_layers must be non-negative, got {numLayers}");
        Layers = RegisterModule("layers", new ModuleList<TransformerEncoderLayer>(Enumerable.Range(0, numLayers).Select(_ => encoderLayer.Clone()).ToList()));
        NumLayers = numLayers;
        Norm = RegisterModule("norm", norm);
    }

    /// <summary>layers, the copies of the encoder layer.</summary>
    public ModuleList<TransformerEncoderLayer> Layers { get; }
    /// <summary>num_layers.</summary>
    public int NumLayers { get; }
    /// <summary>norm, applied after the last layer, or null.</summary>
    public Module<Tensor, Tensor>? Norm { get; }

    /// <summary>module(src) without masks.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>torch.nn.TransformerEncoder.forward(src, mask, src_key_padding_mask, is_causal): each layer in turn with
    /// the same masks, then the norm. Unlike PyTorch in eval mode with a key padding mask (its nested-tensor fast path
    /// gives 0 at padded positions), padded positions keep the values the layers compute.</summary>
    /// <exception cref="ArgumentException">Shapes or masks that do not fit, isCausal without mask.</exception>
    public Tensor Forward(Tensor src, Tensor? mask, Tensor? srcKeyPaddingMask = null, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(src);
        var x = src;
        foreach (var layer in Layers) x = layer.Forward(x, mask, srcKeyPaddingMask, isCausal);
        return Norm is null ? x : Norm.Call(x);
    }
}
