using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// torch.nn.Embedding: a (num_embeddings, embedding_dim) lookup table. Initialised as torch.nn.Embedding.reset_parameters:
/// normal_(weight) from the default generator, then the padding_idx row set to zero; after the same seed the table
/// equals PyTorch's bit for bit.
/// </summary>
public class Embedding : Module<Tensor, Tensor>
{
    /// <summary>nn.Embedding(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, dtype).</summary>
    /// <exception cref="ArgumentException">padding_idx outside [-num_embeddings, num_embeddings).</exception>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, double? maxNorm = null, double normType = 2.0,
        bool scaleGradByFreq = false, DType dtype = DType.Float32)
        : this(numEmbeddings, embeddingDim, paddingIdx, maxNorm, normType, scaleGradByFreq, Tensor.Empty([numEmbeddings, embeddingDim], dtype), reset: true) { }

    private Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx, double? maxNorm, double normType, bool scaleGradByFreq, Tensor weight, bool reset)
    {
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = NormalizePaddingIdx(paddingIdx, numEmbeddings, "Padding_idx must be within num_embeddings");
        MaxNorm = maxNorm;
        NormType = normType;
        ScaleGradByFreq = scaleGradByFreq;
        RegisterParameter("weight", Parameter.Create(weight));
        if (reset) ResetParameters();
    }

    /// <summary>A padding index in [-n, n) made non-negative, as torch.nn's embedding constructors do.</summary>
    internal static int? NormalizePaddingIdx(int? paddingIdx, int numEmbeddings, string outOfRangeMessage)
    {
        if (paddingIdx is not { } p) return null;
        if (p >= numEmbeddings || p < -numEmbeddings) throw Errors.Runtime(outOfRangeMessage);
        return p < 0 ? p + numEmbeddings : p;
    }

    /// <summary>
    /// nn.Embedding.from_pretrained: a table holding <paramref name="embeddings"/> (2-d), frozen (no gradient) unless
    /// <paramref name="freeze"/> is false. Throws ArgumentException for a tensor that is not 2-d.
    /// </summary>
    public static Embedding FromPretrained(Tensor embeddings, bool freeze = true, int? paddingIdx = null, double? maxNorm = null,
        double normType = 2.0, bool scaleGradByFreq = false)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Dim != 2) throw Errors.Runtime("Embeddings parameter is expected to be 2-dimensional");
        var e = new Embedding(embeddings.Size(0), embeddings.Size(1), paddingIdx, maxNorm, normType, scaleGradByFreq, embeddings, reset: false);
        e.Weight.RequiresGrad = !freeze;
        return e;
    }

    /// <summary>num_embeddings.</summary>
    public int NumEmbeddings { get; }
    /// <summary>embedding_dim.</summary>
    public int EmbeddingDim { get; }
    /// <summary>padding_idx (non-negative), or null.</summary>
    public int? PaddingIdx { get; }
    /// <summary>max_norm, or null.</summary>
    public double? MaxNorm { get; }
    /// <summary>norm_type.</summary>
    public double NormType { get; }
    /// <summary>scale_grad_by_freq.</summary>
    public bool ScaleGradByFreq { get; }

    /// <summary>weight, (num_embeddings, embedding_dim).</summary>
    public Tensor Weight { get => ParameterSlot("weight")!; set => RegisterParameter("weight", value); }

    /// <summary>torch.nn.Embedding.reset_parameters: normal_(weight), then the padding row zeroed.</summary>
    public void ResetParameters()
    {
        Init.Normal_(Weight);
        if (PaddingIdx is { } p)
            using (GradMode.NoGrad()) Weight[p].Fill_(0);
    }

    /// <summary>F.embedding(input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq).</summary>
    public override Tensor Forward(Tensor input) => F.Embedding(input, Weight, PaddingIdx, MaxNorm, NormType, ScaleGradByFreq);

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{NumEmbeddings}, {EmbeddingDim}";
        if (PaddingIdx is { } p) s += $", padding_idx={p}";
        if (MaxNorm is { } m) s += $", max_norm={Repr.Of(m)}";
        if (NormType != 2) s += $", norm_type={Repr.Of(NormType)}";
        if (ScaleGradByFreq) s += ", scale_grad_by_freq=True";
        return s;
    }
}

/// <summary>
/// torch.nn.Bilinear: y = x₁ᵀ·A·x₂ + b with weight (out, in1, in2). Initialised as torch.nn.Bilinear.reset_parameters:
/// weight and bias uniform in ±1/√in1_features.
/// </summary>
public class Bilinear : Module<Tensor, Tensor, Tensor>
{
    /// <summary>nn.Bilinear(in1_features, in2_features, out_features, bias, dtype).</summary>
    public Bilinear(int in1Features, int in2Features, int outFeatures, bool bias = true, DType dtype = DType.Float32)
    {
        In1Features = in1Features;
        In2Features = in2Features;
        OutFeatures = outFeatures;
        RegisterParameter("weight", Parameter.Create(Tensor.Empty([outFeatures, in1Features, in2Features], dtype)));
        RegisterParameter("bias", bias ? Parameter.Create(Tensor.Empty([outFeatures], dtype)) : null);
        ResetParameters();
    }

    /// <summary>in1_features.</summary>
    public int In1Features { get; }
    /// <summary>in2_features.</summary>
    public int In2Features { get; }
    /// <summary>out_features.</summary>
    public int OutFeatures { get; }
    /// <summary>weight, (out_features, in1_features, in2_features).</summary>
    public Tensor Weight { get => ParameterSlot("weight")!; set => RegisterParameter("weight", value); }
    /// <summary>bias, or null.</summary>
    public Tensor? Bias { get => ParameterSlot("bias"); set => RegisterParameter("bias", value); }

    /// <summary>torch.nn.Bilinear.reset_parameters.</summary>
    public void ResetParameters()
    {
        double bound = 1 / Math.Sqrt(Weight.Size(1));
        Init.Uniform_(Weight, -bound, bound);
        if (Bias is { } b) Init.Uniform_(b, -bound, bound);
    }

    /// <summary>F.bilinear(input1, input2, weight, bias).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.Bilinear(input1, input2, Weight, Bias);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"in1_features={In1Features}, in2_features={In2Features}, out_features={OutFeatures}, bias={Repr.Of(Bias is not null)}";
}

/// <summary>
/// torch.nn.EmbeddingBag: a (num_embeddings, embedding_dim) table whose rows are reduced per bag (sum, mean or max) without
/// materialising them, over <see cref="F.EmbeddingBag"/>. Initialised as torch.nn.EmbeddingBag.reset_parameters: normal_(weight),
/// then the padding_idx row zeroed, so after the same seed the table equals PyTorch's bit for bit.
/// </summary>
public class EmbeddingBag : Module<Tensor, Tensor?, Tensor>
{
    /// <summary>nn.EmbeddingBag(num_embeddings, embedding_dim, max_norm, norm_type, scale_grad_by_freq, mode, include_last_offset,
    /// padding_idx, dtype).</summary>
    /// <exception cref="ArgumentException">padding_idx outside [-num_embeddings, num_embeddings).</exception>
    public EmbeddingBag(int numEmbeddings, int embeddingDim, double? maxNorm = null, double normType = 2.0, bool scaleGradByFreq = false,
        EmbeddingBagMode mode = EmbeddingBagMode.Mean, bool includeLastOffset = false, int? paddingIdx = null, DType dtype = DType.Float32)
        : this(numEmbeddings, embeddingDim, maxNorm, normType, scaleGradByFreq, mode, includeLastOffset, paddingIdx,
            Tensor.Empty([numEmbeddings, embeddingDim], dtype), reset: true) { }

    private EmbeddingBag(int numEmbeddings, int embeddingDim, double? maxNorm, double normType, bool scaleGradByFreq, EmbeddingBagMode mode,
        bool includeLastOffset, int? paddingIdx, Tensor weight, bool reset)
    {
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        MaxNorm = maxNorm;
        NormType = normType;
        ScaleGradByFreq = scaleGradByFreq;
        Mode = mode;
        IncludeLastOffset = includeLastOffset;
        // The two modules word the same check differently in PyTorch.
        PaddingIdx = Embedding.NormalizePaddingIdx(paddingIdx, numEmbeddings, "padding_idx must be within num_embeddings");
        RegisterParameter("weight", Parameter.Create(weight));
        if (reset) ResetParameters();
    }

    /// <summary>
    /// nn.EmbeddingBag.from_pretrained: a bag table holding <paramref name="embeddings"/> (2-d, storage shared), frozen (no
    /// gradient) unless <paramref name="freeze"/> is false. Throws ArgumentException for a tensor that is not 2-d or a bad padding_idx.
    /// </summary>
    public static EmbeddingBag FromPretrained(Tensor embeddings, bool freeze = true, double? maxNorm = null, double normType = 2.0,
        bool scaleGradByFreq = false, EmbeddingBagMode mode = EmbeddingBagMode.Mean, bool includeLastOffset = false, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Dim != 2) throw Errors.Runtime("Embeddings parameter is expected to be 2-dimensional");
        var bag = new EmbeddingBag(embeddings.Size(0), embeddings.Size(1), maxNorm, normType, scaleGradByFreq, mode, includeLastOffset,
            paddingIdx, embeddings, reset: false);
        bag.Weight.RequiresGrad = !freeze;
        return bag;
    }

    /// <summary>num_embeddings.</summary>
    public int NumEmbeddings { get; }
    /// <summary>embedding_dim.</summary>
    public int EmbeddingDim { get; }
    /// <summary>max_norm, or null.</summary>
    public double? MaxNorm { get; }
    /// <summary>norm_type.</summary>
    public double NormType { get; }
    /// <summary>scale_grad_by_freq.</summary>
    public bool ScaleGradByFreq { get; }
    /// <summary>mode: how each bag is reduced.</summary>
    public EmbeddingBagMode Mode { get; }
    /// <summary>include_last_offset: offsets has one more entry, the end of the last bag.</summary>
    public bool IncludeLastOffset { get; }
    /// <summary>padding_idx (non-negative), or null.</summary>
    public int? PaddingIdx { get; }

    /// <summary>weight, (num_embeddings, embedding_dim).</summary>
    public Tensor Weight { get => ParameterSlot("weight")!; set => RegisterParameter("weight", value); }

    /// <summary>torch.nn.EmbeddingBag.reset_parameters: normal_(weight), then the padding row zeroed.</summary>
    public void ResetParameters()
    {
        Init.Normal_(Weight);
        if (PaddingIdx is { } p)
            using (GradMode.NoGrad()) Weight[p].Fill_(0);
    }

    /// <summary>module(input, offsets): F.embedding_bag over this table with the module's settings.</summary>
    /// <exception cref="ArgumentException">Bad ranks or offsets, with PyTorch's messages.</exception>
    public override Tensor Forward(Tensor input1, Tensor? input2) => Forward(input1, input2, null);

    /// <summary>
    /// torch.nn.EmbeddingBag.forward(input, offsets, per_sample_weights): the bags of a 2-D input's rows, or of a 1-D input split
    /// at <paramref name="offsets"/>, reduced by <see cref="Mode"/>, each row scaled by its per-sample weight in sum mode.
    /// </summary>
    /// <exception cref="ArgumentException">Bad ranks, offsets or shapes, with PyTorch's messages.</exception>
    /// <exception cref="NotSupportedException">per_sample_weights with a mode other than sum, as PyTorch.</exception>
    public Tensor Forward(Tensor input, Tensor? offsets, Tensor? perSampleWeights) =>
        F.EmbeddingBag(input, Weight, offsets, MaxNorm, NormType, ScaleGradByFreq, Mode, perSampleWeights, IncludeLastOffset, PaddingIdx);

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{NumEmbeddings}, {EmbeddingDim}";
        if (MaxNorm is { } m) s += $", max_norm={Repr.Of(m)}";
        if (NormType != 2) s += $", norm_type={Repr.Of(NormType)}";
        if (ScaleGradByFreq) s += ", scale_grad_by_freq=True";
        s += $", mode='{Mode.ToString().ToLowerInvariant()}'";
        if (PaddingIdx is { } p) s += $", padding_idx={p}";
        return s;
    }
}
