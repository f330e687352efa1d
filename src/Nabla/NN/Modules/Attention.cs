using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// torch.nn.modules.linear.NonDynamicallyQuantizableLinear: a <see cref="Linear"/> under the name PyTorch gives
/// MultiheadAttention's out_proj (the name shows in the module's repr); it computes and initialises as Linear.
/// </summary>
public sealed class NonDynamicallyQuantizableLinear : Linear
{
    /// <summary>NonDynamicallyQuantizableLinear(in_features, out_features, bias=True, dtype).</summary>
    /// <exception cref="ArgumentException">A negative feature count.</exception>
    public NonDynamicallyQuantizableLinear(int inFeatures, int outFeatures, bool bias = true, DType dtype = DType.Float32)
        : base(inFeatures, outFeatures, bias, dtype) { }
}

/// <summary>
/// torch.nn.MultiheadAttention: num_heads heads of scaled dot-product attention between projected queries, keys and
/// values, and an output projection. With kdim = vdim = embed_dim the projections are one packed in_proj_weight
/// (3·embed_dim, embed_dim); otherwise q_proj_weight (E, E), k_proj_weight (E, kdim) and v_proj_weight (E, vdim), with
/// in_proj_weight an empty slot, as PyTorch names them. add_bias_kv adds bias_k and bias_v (1, 1, E), appended to the
/// keys and values; add_zero_attn appends a zero key and value. Initialised as PyTorch's: out_proj is built first (its
/// Linear init draws weight then bias), then _reset_parameters draws xavier_uniform_ for the projection weight(s), zeroes
/// in_proj_bias and out_proj.bias, and draws xavier_normal_ for bias_k then bias_v, so after the same seed every
/// parameter equals PyTorch's.
/// </summary>
public class MultiheadAttention : Module<Tensor, Tensor, Tensor, (Tensor Output, Tensor? Weights)>
{
    /// <summary>nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
    /// kdim=None, vdim=None, batch_first=False, dtype).</summary>
    /// <exception cref="ArgumentException">embed_dim or num_heads not positive, or embed_dim not divisible by num_heads.</exception>
    public MultiheadAttention(int embedDim, int numHeads, double dropout = 0.0, bool bias = true, bool batchFirst = false,
        DType dtype = DType.Float32, bool addBiasKv = false, bool addZeroAttn = false, int? kdim = null, int? vdim = null)
    {
        if (embedDim <= 0 || numHeads <= 0)
            throw Errors.Runtime($"embed_dim and num_heads must be greater than 0, got embed_dim={embedDim} and num_heads={numHeads} instead");
        if (embedDim % numHeads != 0) throw Errors.Runtime("embed_dim must be divisible by num_heads");
        EmbedDim = embedDim;
        Kdim = kdim ?? embedDim;
        Vdim = vdim ?? embedDim;
        NumHeads = numHeads;
        DropoutP = dropout;
        BatchFirst = batchFirst;
        AddZeroAttn = addZeroAttn;
        if (QkvSameEmbedDim)
        {
            RegisterParameter("in_proj_weight", Parameter.Create(Tensor.Empty([3 * embedDim, embedDim], dtype)));
            RegisterParameter("q_proj_weight", null);
            RegisterParameter("k_proj_weight", null);
            RegisterParameter("v_proj_weight", null);
        }
        else
        {
            RegisterParameter("q_proj_weight", Parameter.Create(Tensor.Empty([embedDim, embedDim], dtype)));
            RegisterParameter("k_proj_weight", Parameter.Create(Tensor.Empty([embedDim, Kdim], dtype)));
            RegisterParameter("v_proj_weight", Parameter.Create(Tensor.Empty([embedDim, Vdim], dtype)));
            RegisterParameter("in_proj_weight", null);
        }
        RegisterParameter("in_proj_bias", bias ? Parameter.Create(Tensor.Empty([3 * embedDim], dtype)) : null);
        OutProj = RegisterModule("out_proj", new NonDynamicallyQuantizableLinear(embedDim, embedDim, bias, dtype));
        if (addBiasKv)
        {
            RegisterParameter("bias_k", Parameter.Create(Tensor.Empty([1, 1, embedDim], dtype)));
            RegisterParameter("bias_v", Parameter.Create(Tensor.Empty([1, 1, embedDim], dtype)));
        }
        ResetParameters();
    }

    /// <summary>embed_dim, the size of each query vector and of the output.</summary>
    public int EmbedDim { get; }
    /// <summary>kdim, the size of each key vector (embed_dim unless given).</summary>
    public int Kdim { get; }
    /// <summary>vdim, the size of each value vector (embed_dim unless given).</summary>
    public int Vdim { get; }
    /// <summary>_qkv_same_embed_dim: kdim and vdim equal embed_dim, so the projections are packed in in_proj_weight.</summary>
    public bool QkvSameEmbedDim => Kdim == EmbedDim && Vdim == EmbedDim;
    /// <summary>num_heads.</summary>
    public int NumHeads { get; }
    /// <summary>head_dim = embed_dim / num_heads.</summary>
    public int HeadDim => EmbedDim / NumHeads;
    /// <summary>dropout, the probability of zeroing an attention weight in training mode.</summary>
    public double DropoutP { get; }
    /// <summary>batch_first: inputs and output are (N, L, E) instead of (L, N, E).</summary>
    public bool BatchFirst { get; }
    /// <summary>add_zero_attn: a zero key and value appended to every sequence.</summary>
    public bool AddZeroAttn { get; }

    /// <summary>in_proj_weight, (3·embed_dim, embed_dim): the query, key and value projections stacked; null when kdim or vdim differ from embed_dim.</summary>
    public Tensor? InProjWeight { get => ParameterSlot("in_proj_weight"); set => RegisterParameter("in_proj_weight", value); }
    /// <summary>q_proj_weight, (embed_dim, embed_dim), or null when the projections are packed.</summary>
    public Tensor? QProjWeight { get => ParameterSlot("q_proj_weight"); set => RegisterParameter("q_proj_weight", value); }
    /// <summary>k_proj_weight, (embed_dim, kdim), or null when the projections are packed.</summary>
    public Tensor? KProjWeight { get => ParameterSlot("k_proj_weight"); set => RegisterParameter("k_proj_weight", value); }
    /// <summary>v_proj_weight, (embed_dim, vdim), or null when the projections are packed.</summary>
    public Tensor? VProjWeight { get => ParameterSlot("v_proj_weight"); set => RegisterParameter("v_proj_weight", value); }
    /// <summary>in_proj_bias, (3·embed_dim), or null when built with bias=false.</summary>
    public Tensor? InProjBias { get => ParameterSlot("in_proj_bias"); set => RegisterParameter("in_proj_bias", value); }
    /// <summary>bias_k, (1, 1, embed_dim), or null without add_bias_kv.</summary>
    public Tensor? BiasK => GetOptional("bias_k");
    /// <summary>bias_v, (1, 1, embed_dim), or null without add_bias_kv.</summary>
    public Tensor? BiasV => GetOptional("bias_v");

    /// <summary>out_proj, the output projection.</summary>
    public NonDynamicallyQuantizableLinear OutProj { get; }

    // bias_k/bias_v are plain None attributes in PyTorch without add_bias_kv, not registered slots.
    private Tensor? GetOptional(string name) => NamedParameters(recurse: false).FirstOrDefault(p => p.Name == name).Parameter;

    /// <summary>torch.nn.MultiheadAttention._reset_parameters: xavier_uniform_ of in_proj_weight (or of q, k and v
    /// projection weights in turn), zeros for in_proj_bias and out_proj.bias, then xavier_normal_ of bias_k and bias_v.</summary>
    public void ResetParameters()
    {
        if (QkvSameEmbedDim) Init.XavierUniform_(InProjWeight!);
        else
        {
            Init.XavierUniform_(QProjWeight!);
            Init.XavierUniform_(KProjWeight!);
            Init.XavierUniform_(VProjWeight!);
        }
        if (InProjBias is { } b)
        {
            Init.Constant_(b, 0);
            if (OutProj.Bias is { } ob) Init.Constant_(ob, 0);
        }
        if (BiasK is { } bk) Init.XavierNormal_(bk);
        if (BiasV is { } bv) Init.XavierNormal_(bv);
    }

    /// <summary>module(query, key, value) with no masks: the attention output and the head-averaged weights.</summary>
    public override (Tensor Output, Tensor? Weights) Forward(Tensor input1, Tensor input2, Tensor input3) =>
        Forward(input1, input2, input3, keyPaddingMask: null);

    /// <summary>
    /// torch.nn.MultiheadAttention.forward(query, key, value, key_padding_mask, need_weights, attn_mask,
    /// average_attn_weights, is_causal): query (L, N, E), key (S, N, kdim) and value (S, N, vdim) ((N, L, E) ... when
    /// batch_first), or unbatched (L, E) / (S, kdim) / (S, vdim). Masks are Bool (true = not attended) or float (added to
    /// the scores); <paramref name="isCausal"/> is a hint that attnMask is the causal mask. Returns the output and, when
    /// <paramref name="needWeights"/>, the attention weights (N, L, S), or (N, num_heads, L, S) when
    /// <paramref name="averageAttnWeights"/> is false. Dropout applies to the weights in training mode.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that do not fit embed_dim, kdim, vdim, each other or the masks; isCausal without attnMask.</exception>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        Errors.Check(query.Dim is not (2 or 3) || query.Size(-1) == EmbedDim, $"was expecting embedding dimension of {EmbedDim}, but got {query.Size(-1)}");
        bool swap = BatchFirst && query.Dim == 3;
        if (swap) { query = query.Transpose(0, 1); key = key.Transpose(0, 1); value = value.Transpose(0, 1); }
        var (output, weights) = F.MultiHeadAttentionForward(query, key, value, NumHeads, InProjWeight, InProjBias,
            OutProj.Weight, OutProj.Bias, keyPaddingMask, needWeights, attnMask, averageAttnWeights, DropoutP, Training,
            BiasK, BiasV, AddZeroAttn, QProjWeight, KProjWeight, VProjWeight, isCausal);
        return (swap ? output.Transpose(0, 1) : output, weights);
    }
}
