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
/// torch.nn.MultiheadAttention with query, key and value of the same embedding size (kdim = vdim = embed_dim, no
/// bias_k/bias_v, no zero attention): a packed in_proj_weight (3·embed_dim, embed_dim) and in_proj_bias, num_heads
/// heads of scaled dot-product attention, and out_proj. Initialised as PyTorch's: out_proj is built first (its
/// Linear init draws weight then bias), then _reset_parameters draws xavier_uniform_(in_proj_weight) and zeroes
/// in_proj_bias and out_proj.bias, so after the same seed the weights equal PyTorch's.
/// </summary>
public class MultiheadAttention : Module<Tensor, Tensor, Tensor, (Tensor Output, Tensor? Weights)>
{
    /// <summary>nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, batch_first=False, dtype).</summary>
    /// <exception cref="ArgumentException">embed_dim or num_heads not positive, or embed_dim not divisible by num_heads.</exception>
    public MultiheadAttention(int embedDim, int numHeads, double dropout = 0.0, bool bias = true, bool batchFirst = false,
        DType dtype = DType.Float32)
    {
        if (embedDim <= 0 || numHeads <= 0)
            throw Errors.Runtime($"embed_dim and num_heads must be greater than 0, got embed_dim={embedDim} and num_heads={numHeads} instead");
        if (embedDim % numHeads != 0) throw Errors.Runtime("embed_dim must be divisible by num_heads");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        DropoutP = dropout;
        BatchFirst = batchFirst;
        RegisterParameter("in_proj_weight", Parameter.Create(Tensor.Empty([3 * embedDim, embedDim], dtype)));
        RegisterParameter("in_proj_bias", bias ? Parameter.Create(Tensor.Empty([3 * embedDim], dtype)) : null);
        OutProj = RegisterModule("out_proj", new NonDynamicallyQuantizableLinear(embedDim, embedDim, bias, dtype));
        ResetParameters();
    }

    /// <summary>embed_dim, the size of each query, key and value vector.</summary>
    public int EmbedDim { get; }
    /// <summary>num_heads.</summary>
    public int NumHeads { get; }
    /// <summary>head_dim = embed_dim / num_heads.</summary>
    public int HeadDim => EmbedDim / NumHeads;
    /// <summary>dropout, the probability of zeroing an attention weight in training mode.</summary>
    public double DropoutP { get; }
    /// <summary>batch_first: inputs and output are (N, L, E) instead of (L, N, E).</summary>
    public bool BatchFirst { get; }

    /// <summary>in_proj_weight, (3·embed_dim, embed_dim): the query, key and value projections stacked.</summary>
    public Tensor InProjWeight { get => ParameterSlot("in_proj_weight")!; set => RegisterParameter("in_proj_weight", value); }

    /// <summary>in_proj_bias, (3·embed_dim), or null when built with bias=false.</summary>
    public Tensor? InProjBias { get => ParameterSlot("in_proj_bias"); set => RegisterParameter("in_proj_bias", value); }

    /// <summary>out_proj, the output projection.</summary>
    public NonDynamicallyQuantizableLinear OutProj { get; }

    /// <summary>torch.nn.MultiheadAttention._reset_parameters: xavier_uniform_(in_proj_weight), then zeros for
    /// in_proj_bias and out_proj.bias.</summary>
    public void ResetParameters()
    {
        Init.XavierUniform_(InProjWeight);
        if (InProjBias is { } b)
        {
            Init.Constant_(b, 0);
            if (OutProj.Bias is { } ob) Init.Constant_(ob, 0);
        }
    }

    /// <summary>module(query, key, value) with no masks: the attention output and the head-averaged weights.</summary>
    public override (Tensor Output, Tensor? Weights) Forward(Tensor input1, Tensor input2, Tensor input3) =>
        Forward(input1, input2, input3, keyPaddingMask: null);

    /// <summary>
    /// torch.nn.MultiheadAttention.forward(query, key, value, key_padding_mask, need_weights, attn_mask,
    /// average_attn_weights): query (L, N, E), key and value (S, N, E) ((N, L, E) / (N, S, E) when batch_first), or
    /// unbatched (L, E) / (S, E). Masks are Bool (true = not attended) or float (added to the scores). Returns the
    /// output and, when <paramref name="needWeights"/>, the attention weights (N, L, S), or (N, num_heads, L, S) when
    /// <paramref name="averageAttnWeights"/> is false. Dropout applies to the weights in training mode.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that do not fit embed_dim, each other or the masks.</exception>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        Errors.Check(query.Dim is 2 or 3 && query.Size(-1) == EmbedDim,
            $"MultiheadAttention: was expecting embedding dimension of {EmbedDim}, but got query of shape {Errors.Shape(query.Sizes)}");
        bool swap = BatchFirst && query.Dim == 3;
        if (swap) { query = query.Transpose(0, 1); key = key.Transpose(0, 1); value = value.Transpose(0, 1); }
        var (output, weights) = F.MultiHeadAttentionForward(query, key, value, NumHeads, InProjWeight, InProjBias,
            OutProj.Weight, OutProj.Bias, keyPaddingMask, needWeights, attnMask, averageAttnWeights, DropoutP, Training);
        return (swap ? output.Transpose(0, 1) : output, weights);
    }
}
