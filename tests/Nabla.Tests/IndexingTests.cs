namespace Nabla.Tests;

/// <summary>Advanced indexing shapes, writes and gradients (PYTORCH_SEMANTICS.md §3).</summary>
public class IndexingTests
{
    private static readonly Tensor X = Tensor.Zeros(5, 6, 7, 8);
    private static Tensor L(params long[] v) => Tensor.From(v);

    public static TheoryData<string, int[]> ShapeCases => new()
    {
        { "x[[0,1]]", new[] { 2, 6, 7, 8 } },
        { "x[:, [0,1], [2,3]]", new[] { 5, 2, 8 } }, // dims 1 and 2 indexed together (the semantics file lists (5,2,7,8), a slip)
        { "x[[0,1], :, [2,3]]", new[] { 2, 6, 8 } },
        { "x[:, [0,1], :, [2,3]]", new[] { 2, 5, 7 } },
        { "x[[[0,1],[2,3]], [1,2]]", new[] { 2, 2, 7, 8 } },
        { "x[..., [0,1]]", new[] { 5, 6, 7, 2 } },
        { "x[None, [0,1]]", new[] { 1, 2, 6, 7, 8 } },
        { "x[True]", new[] { 1, 5, 6, 7, 8 } },
        { "x[False]", new[] { 0, 5, 6, 7, 8 } },
        { "x[0, :, [0,1]]", new[] { 6, 2, 8 } },
    };

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void ResultShapes(string key, int[] expected)
    {
        Tensor r = key switch
        {
            "x[[0,1]]" => X[L(0, 1)],
            "x[:, [0,1], [2,3]]" => X[.., L(0, 1), L(2, 3)],
            "x[[0,1], :, [2,3]]" => X[L(0, 1), .., L(2, 3)],
            "x[:, [0,1], :, [2,3]]" => X[.., L(0, 1), .., L(2, 3)],
            "x[[[0,1],[2,3]], [1,2]]" => X[Tensor.From(new long[,] { { 0, 1 }, { 2, 3 } }), L(1, 2)],
            "x[..., [0,1]]" => X[TensorIndex.Ellipsis, L(0, 1)],
            "x[None, [0,1]]" => X[TensorIndex.NewAxis, L(0, 1)],
            "x[True]" => X[Tensor.From(true)],
            "x[False]" => X[Tensor.From(false)],
            _ => X[0, .., L(0, 1)],
        };
        Assert.Equal(expected, r.Shape);
    }

    [Fact]
    public void MaskSelectsSetElements()
    {
        var x = Tensor.Arange(0, 6).Reshape(2, 3);
        Assert.Equal(new long[] { 1, 3, 5 }, x[x % 2 == 1].ToArray<long>());
        var e = Assert.Throws<IndexException>(() => x[Tensor.Ones([3], DType.Bool)]);
        Assert.Equal("The shape of the mask [3] at index 0 does not match the shape of the indexed tensor [2, 3] at index 0", e.Message);
    }

    [Fact]
    public void OutOfRangeMessagesNumberIndexedDims()
    {
        var x = Tensor.Zeros(3, 4);
        string Msg(Func<Tensor> f) => Assert.Throws<IndexException>(() => f()).Message;
        Assert.Equal("index 10 is out of bounds for dimension 0 with size 4", Msg(() => x[.., L(10)]));
        Assert.Equal("index -4 is out of bounds for dimension 0 with size 3", Msg(() => x[L(-4)]));
        Assert.Equal("index 7 is out of bounds for dimension 1 with size 4", Msg(() => x[L(0), L(7)]));
        Assert.Equal("shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]", Msg(() => x[L(0, 1), L(0, 1, 2)]));
        Assert.Equal("tensors used as indices must be long, int, byte or bool tensors", Msg(() => x[Tensor.From(new float[] { 0 })]));
        Assert.Equal("index is out of bounds for dimension with size 0", Msg(() => Tensor.Zeros(0, 3)[L(0)]));
    }

    [Fact]
    public void IndexPutAccumulatesDuplicates()
    {
        var x = Tensor.Zeros(3).IndexPut_([L(0, 0, 2)], Tensor.From(new float[] { 1, 2, 3 }), accumulate: true);
        Assert.Equal(new float[] { 3, 0, 3 }, x.ToArray<float>());
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).IndexPut_([L(0)], L(1)));
        Assert.Equal("Index put requires the source and destination dtypes match, got Float for the destination and Long for the source.", e.Message);
        var shape = Assert.Throws<ArgumentException>(() => { var t = Tensor.Zeros(3); t[L(0, 1, 2)] = Tensor.Ones(2); });
        Assert.Equal("shape mismatch: value tensor of shape [2] cannot be broadcast to indexing result of shape [3]", shape.Message);
        var viaMask = Tensor.Zeros(3);
        viaMask[viaMask.Eq(0.0)] = Tensor.From(2.5); // float64 value into float32 through a mask: masked_fill casts
        Assert.Equal(new float[] { 2.5f, 2.5f, 2.5f }, viaMask.ToArray<float>());
    }

    [Fact]
    public void GradientsOfIndexAndIndexPut()
    {
        var x = Tensor.Arange(0.0, 3.0).RequiresGrad_();
        x[L(0, 0, 2)].Sum().Backward();
        Assert.Equal(new float[] { 2, 0, 1 }, x.Grad!.ToArray<float>());

        var w = Tensor.Arange(1.0, 6.0);
        foreach (var accumulate in new[] { false, true })
        {
            var self = Tensor.Arange(0.0, 5.0).RequiresGrad_();
            var values = Tensor.From(new float[] { 10, 20, 30 }).RequiresGrad_();
            (self.IndexPut([L(0, 2, 2)], values, accumulate) * w).Sum().Backward();
            Assert.Equal(accumulate ? new float[] { 1, 2, 3, 4, 5 } : new float[] { 0, 2, 0, 4, 5 }, self.Grad!.ToArray<float>());
            Assert.Equal(new float[] { 1, 3, 3 }, values.Grad!.ToArray<float>());
        }
        var one = Tensor.From(new float[] { 7 }).RequiresGrad_();
        (Tensor.Arange(0.0, 5.0).IndexPut([L(0, 2)], one) * w).Sum().Backward();
        Assert.Equal(4f, one.Grad!.Item<float>());
    }

    [Fact]
    public void AssignmentWithFourBroadcastIndexTensors()
    {
        var grad = Tensor.Zeros(2, 3, 4, 4);
        var n = Tensor.Arange(2).Reshape(-1, 1, 1, 1);
        var c = Tensor.Arange(3).Reshape(1, -1, 1, 1);
        var rows = Tensor.Zeros([2, 3, 2, 2], DType.Int64) + Tensor.From(new long[,] { { 0, 2 }, { 0, 2 } });
        var cols = Tensor.Zeros([2, 3, 2, 2], DType.Int64) + Tensor.From(new long[,] { { 1, 1 }, { 3, 3 } });
        grad[n, c, rows, cols] = Tensor.Ones(2, 3, 2, 2);
        Assert.Equal(2 * 3 * 4, grad.Sum().Item<float>());
        Assert.Equal(1f, grad[1, 2, 2, 3].Item<float>());
        Assert.Equal(0f, grad[1, 2, 1, 3].Item<float>());
    }

    [Fact]
    public void IndexSelectRejectsNegativeIndices()
    {
        var x = Tensor.Zeros(3, 4);
        Assert.Equal("index out of range in self", Assert.Throws<IndexException>(() => x.IndexSelect(0, L(-1))).Message);
        Assert.Equal("INDICES element is out of DATA bounds, id=10 axis_dim=4", Assert.Throws<ArgumentException>(() => x.IndexSelect(1, L(10))).Message);
        var y = Tensor.Arange(0.0, 6.0).Reshape(2, 3).RequiresGrad_();
        y.T.IndexSelect(0, L(2, 2)).Sum().Backward();
        Assert.Equal(new float[] { 0, 0, 2, 0, 0, 2 }, y.Grad!.ToArray<float>());
    }
}

public class WhereAsIndicesTests
{
    [Fact]
    public void SingleArgumentWhereGivesCoordinates()
    {
        var x = Tensor.From(new long[,] { { 0, 3 }, { 5, 0 } });
        var rc = Tensor.Where(x > 0);
        Assert.Equal(new long[] { 0, 1 }, rc[0].ToArray<long>());
        Assert.Equal(new long[] { 1, 0 }, rc[1].ToArray<long>());
        Assert.Equal(new long[] { 3, 5 }, x[rc[0], rc[1]].ToArray<long>());
    }
}
