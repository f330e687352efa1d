using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;
using TMode = TorchSharp.EmbeddingBagMode;
using EmbeddingBagMode = Nabla.NN.EmbeddingBagMode;

namespace Nabla.Parity;

/// <summary>
/// nn.EmbeddingBag against libtorch's module (TorchSharp): the initial table after the same seed, then forward and the
/// weight gradient for every mode with offsets, include_last_offset, per_sample_weights and padding_idx; from_pretrained
/// of Embedding and EmbeddingBag.
/// </summary>
[Collection(DefaultGeneratorsCollection.Name)]
public class EmbeddingBagModuleParityTests
{
    private static TMode Torch(EmbeddingBagMode mode) => mode switch
    {
        EmbeddingBagMode.Sum => TMode.Sum,
        EmbeddingBagMode.Max => TMode.Max,
        _ => TMode.Mean,
    };

    [Theory]
    [InlineData(10, 3, null, 0UL)]
    [InlineData(20, 16, 4, 1UL)]
    [InlineData(7, 5, -2, 2UL)]
    public void InitialTableEqualsLibTorchs(int num, int dim, int? paddingIdx, ulong seed)
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(seed);
        var bag = new EmbeddingBag(num, dim, paddingIdx: paddingIdx);
        torch.manual_seed((long)seed);
        // Python's reset_parameters: normal_(weight), then the padding row zeroed (libtorch's C++ module skips the zeroing),
        // replayed with libtorch's normal_.
        var w = torch.empty(num, dim);
        w.normal_();
        if (paddingIdx is { } p) w[p < 0 ? p + num : p].fill_(0);
        InitParityTests.AssertBitsEqual(bag.Weight, w, "EmbeddingBag.weight");
        // Without padding, libtorch's own module is the reference.
        Tensor.ManualSeed(seed);
        var plain = new EmbeddingBag(num, dim);
        torch.manual_seed((long)seed);
        InitParityTests.AssertBitsEqual(plain.Weight, torch.nn.EmbeddingBag(num, dim).weight!, "libtorch module");
        Assert.Equal(["weight"], bag.StateDict().Keys);
    }

    [Theory]
    [InlineData(EmbeddingBagMode.Sum, false, false, null, false)]
    [InlineData(EmbeddingBagMode.Sum, true, true, 2, false)]
    [InlineData(EmbeddingBagMode.Mean, false, false, 3, false)]
    [InlineData(EmbeddingBagMode.Mean, true, false, null, false)]
    [InlineData(EmbeddingBagMode.Mean, false, false, 1, true)]
    [InlineData(EmbeddingBagMode.Max, false, false, 0, false)]
    [InlineData(EmbeddingBagMode.Max, true, false, 8, false)]
    [InlineData(EmbeddingBagMode.Max, false, false, null, true)]
    [InlineData(EmbeddingBagMode.Sum, false, true, null, true)]
    // A 2-D input with include_last_offset is left to the op table (TorchScript's torch.embedding_bag with Python's offsets):
    // libtorch's C++ module builds that case's bags differently from Python's F.embedding_bag.
    public void ForwardAndWeightGradientEqualLibTorchs(EmbeddingBagMode mode, bool includeLastOffset, bool perSampleWeights, int? paddingIdx, bool twoD)
    {
        using var scope = torch.NewDisposeScope();
        Tensor.ManualSeed(12);
        const int Num = 9, Dim = 4;
        var bag = new EmbeddingBag(Num, Dim, mode: mode, includeLastOffset: includeLastOffset, paddingIdx: paddingIdx, dtype: DType.Float64);
        var reference = torch.nn.EmbeddingBag(Num, Dim, mode: Torch(mode), include_last_offset: includeLastOffset,
            padding_index: paddingIdx ?? -1, dtype: torch.ScalarType.Float64);
        ModuleCheck.CopyState(bag, reference);
        var input = twoD ? Tensor.From(new long[,] { { 1, 2, 0 }, { 3, 3, 8 }, { 0, 0, 5 } }) : Tensor.From(new long[] { 1, 2, 0, 3, 3, 8, 0, 0, 5, 7 });
        // An empty bag (5, 5) among them; with include_last_offset the last entry closes the last bag.
        Tensor? offsets = twoD ? null : Tensor.From(includeLastOffset ? new long[] { 0, 3, 5, 5, 10 } : new long[] { 0, 3, 5, 5 });
        Tensor? weights = perSampleWeights ? Tensor.Randn(input.Shape, DType.Float64) : null;
        var y = bag.Forward(input, offsets, weights);
        TT ty = reference.forward(ModuleCheck.T(input), offsets is null ? null : ModuleCheck.T(offsets), weights is null ? null : ModuleCheck.T(weights));
        var check = new ModuleCheck();
        check.OutputAndGradients(y, ty, $"{mode}", (bag.Weight, reference.weight!, "weight"));
        if (!twoD && !perSampleWeights) check.Same(bag.Call(input, offsets), ty, "Call(input, offsets)");
        Assert.Equal($"EmbeddingBag({Num}, {Dim}, mode='{mode.ToString().ToLowerInvariant()}'{(paddingIdx is { } p ? $", padding_idx={p}" : "")})", bag.ToString());
        check.Assert();
    }

    [Fact]
    public void FromPretrainedSharesTheTableAndFreezesItAsLibTorch()
    {
        using var scope = torch.NewDisposeScope();
        var table = Tensor.Randn([6, 3]);
        var bag = EmbeddingBag.FromPretrained(table, mode: EmbeddingBagMode.Sum);
        var embedding = Embedding.FromPretrained(table, freeze: false, paddingIdx: 1);
        var tTable = ModuleCheck.T(table);
        var tBag = torch.nn.EmbeddingBag_from_pretrained(tTable, mode: TMode.Sum);
        var tEmbedding = torch.nn.Embedding_from_pretrained(tTable, freeze: false, padding_idx: 1);
        // Python sets weight.requires_grad = not freeze; TorchSharp's native from_pretrained leaves a frozen EmbeddingBag's
        // weight requiring grad, so the flags are checked against Python's rule rather than against it.
        Assert.False(bag.Weight.RequiresGrad);
        Assert.Equal(tEmbedding.weight!.requires_grad, embedding.Weight.RequiresGrad);
        Assert.True(embedding.Weight.RequiresGrad);
        var input = Tensor.From(new long[,] { { 0, 1 }, { 5, 1 } });
        var check = new ModuleCheck();
        check.Same(bag.Call(input, null), tBag.call(ModuleCheck.T(input)), "EmbeddingBag.from_pretrained");
        check.Same(embedding.Call(input), tEmbedding.call(ModuleCheck.T(input)), "Embedding.from_pretrained");
        check.Assert();
        using (GradMode.NoGrad()) table.Fill_(2f);
        Assert.Equal(2f, bag.Weight[0, 0].Item<float>());
        Assert.Equal("Embeddings parameter is expected to be 2-dimensional",
            Assert.Throws<ArgumentException>(() => EmbeddingBag.FromPretrained(Tensor.Ones([3]))).Message);
    }
}
