using Nabla.NN;

namespace Nabla.Tests;

/// <summary>
/// Issue 7's hostile inputs that libtorch's C++ API cannot be asked about through TorchSharp (Python-level indexing,
/// C++ item&lt;T&gt;(), .NET-only sizes): each is refused with PyTorch's exception and wording, never a raw .NET
/// exception or a silently wrong value. The rest live in tests/Nabla.Parity/OpTable.BadInput.cs.
/// </summary>
public class BadInputTests
{
    private static Tensor L(params long[] v) => Tensor.From(v);

    [Fact]
    public void ItemRefusesValuesTheTargetTypeCannotHold()
    {
        // c10's checked_convert: "value cannot be converted to type int without overflow"
        Assert.Equal("value cannot be converted to type int without overflow",
            Assert.Throws<ArgumentException>(() => Tensor.From(1e20f).Item<int>()).Message);
        Assert.Equal("value cannot be converted to type int without overflow",
            Assert.Throws<ArgumentException>(() => Tensor.From(float.NaN).Item<int>()).Message);
        Assert.Equal("value cannot be converted to type int64_t without overflow",
            Assert.Throws<ArgumentException>(() => Tensor.From(double.PositiveInfinity).Item<long>()).Message);
        Assert.Equal("value cannot be converted to type int without overflow",
            Assert.Throws<ArgumentException>(() => Tensor.From(3_000_000_000L).Item<int>()).Message);
        Assert.Equal("value cannot be converted to type float without overflow",
            Assert.Throws<ArgumentException>(() => Tensor.From(1e300).Item<float>()).Message);
        Assert.Equal("value cannot be converted to type uint8_t without overflow",
            Assert.Throws<ArgumentException>(() => Tensor.From(300L).Item<byte>()).Message);
        Assert.Equal(255, Tensor.From(-1L).Item<byte>()); // c10 lets small negative integers wrap into uint8
        Assert.True(Tensor.From(2.5).Item<bool>()); // anything converts to bool
        Assert.Equal(float.PositiveInfinity, Tensor.From(double.PositiveInfinity).Item<float>());
        Assert.Equal(7, Tensor.From(7.9).Item<int>());
    }

    [Fact]
    public void RandintRefusesBoundsTheDTypeCannotHold()
    {
        Assert.Equal("to - 1 is out of bounds for unsigned char",
            Assert.Throws<ArgumentException>(() => Tensor.Randint(0, 300, [3], DType.UInt8)).Message);
        Assert.Equal("to - 1 is out of bounds for bool",
            Assert.Throws<ArgumentException>(() => Tensor.Randint(0, 5, [3], DType.Bool)).Message);
        Assert.Equal("from is out of bounds for unsigned char",
            Assert.Throws<ArgumentException>(() => Tensor.Randint(-1, 3, [3], DType.UInt8)).Message);
        Assert.Equal("to - 1 is out of bounds for int",
            Assert.Throws<ArgumentException>(() => Tensor.Randint(0, (1L << 31) + 1, [3], DType.Int32)).Message);
        var bits = Tensor.Randint(0, 2, [200], DType.Bool).ToArray<bool>();
        Assert.Contains(true, bits);
        Assert.Contains(false, bits);
        Assert.All(Tensor.Randint(0, 256, [500], DType.UInt8).ToArray<long>(), v => Assert.InRange(v, 0, 255));
    }

    [Fact]
    public void IndexFromEndZeroIsOutOfBounds()
    {
        var x = Tensor.Arange(5);
        Assert.Equal("index 5 is out of bounds for dimension 0 with size 5", Assert.Throws<IndexException>(() => x[^0]).Message);
        Assert.Equal(4, x[^1].Item<long>());
        Assert.Equal(0, x[^5].Item<long>());
        Assert.Throws<IndexException>(() => x[^6]);
    }

    [Fact]
    public void LongIndexIsCheckedNotTruncated()
    {
        var x = Tensor.Arange(3);
        Assert.Equal("index 1099511627776 is out of bounds for dimension 0 with size 3",
            Assert.Throws<IndexException>(() => x[1L << 40]).Message);
        Assert.Equal(2, x[2L].Item<long>());
        Assert.Equal(2, x[-1L].Item<long>());
    }

    [Fact]
    public void TwoEllipsesAreRefused()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Equal("an index can only have a single ellipsis ('...')",
            Assert.Throws<IndexException>(() => x[TensorIndex.Ellipsis, TensorIndex.Ellipsis]).Message);
        Assert.Throws<IndexException>(() => x[TensorIndex.Ellipsis, TensorIndex.Ellipsis] = Tensor.Zeros(3));
    }

    [Fact]
    public void ZeroDimUInt8IndexIsAMask()
    {
        var x = Tensor.Arange(6).Reshape(2, 3);
        Assert.Equal([1, 2, 3], x[Tensor.From((byte)1)].Shape);
        Assert.Equal([0, 2, 3], x[Tensor.From((byte)0)].Shape);
        Assert.Equal([2, 1, 3], x[.., Tensor.From((byte)7)].Shape);
    }

    [Fact]
    public void IndicesAfterAMultiDimMaskCountTheDimsItCovers()
    {
        var x = Tensor.Arange(24).Reshape(2, 3, 4);
        var mask = Tensor.From(new[,] { { true, false, true }, { false, true, false } });
        // x[mask, 0-d int]: the mask covers dims 0 and 1, the int index dim 2 (numbers from PyTorch's rules: x[mask][:, 1])
        var r = x[mask, Tensor.From(1L)];
        Assert.Equal([3], r.Shape);
        Assert.Equal(new long[] { 1, 9, 17 }, r.ToArray<long>());
        // x[mask, True]: a size-1 dim after the masked dims, indexed by [0] next to the mask's indices: (3, 4) = x[mask]
        var t = x[mask, Tensor.From(true)];
        Assert.Equal([3, 4], t.Shape);
        Assert.Equal(x[mask].ToArray<long>(), t.ToArray<long>());
        // x[mask, False]: the mask's 3 positions and False's 0 cannot broadcast
        Assert.StartsWith("shape mismatch: indexing tensors could not be broadcast together with shapes [3], [3], [0]",
            Assert.Throws<IndexException>(() => x[mask, Tensor.From(false)]).Message);
        // assignment goes through the same key
        var y = Tensor.Zeros([2, 3, 4], DType.Int64);
        y[mask, Tensor.From(1L)] = Tensor.From(5L);
        Assert.Equal(15, y.Sum().Item<long>());
    }

    [Fact]
    public void EmptyTensorIsAlwaysContiguous()
    {
        var e = Tensor.Zeros(3, 0).T; // sizes (0, 3), strides (1, 1)
        Assert.True(e.IsContiguous());
        Assert.True(Tensor.Zeros(4, 0, 5).Permute(2, 0, 1).IsContiguous());
        Assert.False(Tensor.Zeros(2, 3).T.IsContiguous());
    }

    [Fact]
    public void IndexWithNoIndicesIsAnIndexError()
    {
        var x = Tensor.Zeros(3);
        Assert.Equal("at least one index must be provided", Assert.Throws<IndexException>(() => x.Index()).Message);
        Assert.Equal("at least one index must be provided", Assert.Throws<IndexException>(() => x.Index([null])).Message);
    }

    [Fact]
    public void EllipsisAloneGivesANewView()
    {
        var a = Tensor.Zeros(2, 3).RequiresGrad_();
        var v = a[TensorIndex.Ellipsis];
        Assert.False(ReferenceEquals(a, v));
        Assert.Equal("AliasBackward0", v.GradFn!.Name);
        var b = Tensor.Zeros(2, 3);
        var w = b[TensorIndex.Ellipsis];
        w.Add_(1);
        Assert.Equal(6, b.Sum().Item<float>()); // same storage
        Assert.Equal(b.Version, w.Version);
        b[TensorIndex.Ellipsis] = Tensor.Ones(3); // assignment still writes in place
        Assert.Equal(6, b.Sum().Item<float>());
    }

    [Fact]
    public void IntegerDivisionOfMinValueByMinusOneWraps()
    {
        // libtorch wraps floor division and gives remainder 0; its trunc division traps the process (SIGFPE), Nabla wraps.
        var a = Tensor.From(new[] { long.MinValue, 7L });
        var m1 = Tensor.From(new[] { -1L, -1L });
        Assert.Equal(new[] { long.MinValue, -7L }, a.Div(m1, RoundingMode.Trunc).ToArray<long>());
        Assert.Equal(new[] { long.MinValue, -7L }, a.Div(m1, RoundingMode.Floor).ToArray<long>());
        Assert.Equal(new[] { 0L, 0L }, a.Remainder(m1).ToArray<long>());
        var i = Tensor.From(new[] { int.MinValue });
        Assert.Equal(int.MinValue, i.Div(Tensor.From(new[] { -1 }), RoundingMode.Trunc).Item<int>());
        Assert.Equal(int.MinValue, i.Div(-1, RoundingMode.Floor).Item<int>());
    }

    [Fact]
    public void CatPastIntMaxValueIsRefused()
    {
        var big = Tensor.Zeros(1).Expand(1 << 30);
        var e = Assert.Throws<ArgumentException>(() => Tensor.Cat([big, big]));
        Assert.Equal($"cat(): the result would have size {1L << 31} at dimension 0, more than a Nabla dim holds ({int.MaxValue})", e.Message);
    }

    [Fact]
    public void ShapeOverflowIsRefusedNotWrapped()
    {
        Assert.Equal("Storage size calculation overflowed with sizes=[2147483647, 2147483647, 4]",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(int.MaxValue, int.MaxValue, 4)).Message);
        Assert.Equal("Storage size calculation overflowed with sizes=[65536, 65536, 65536, 65536]",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(1 << 16, 1 << 16, 1 << 16, 1 << 16)).Message);
        Assert.Equal("numel: integer multiplication overflow",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(1, 3).Expand(-2, 3)).Message);
        // a negative size stays refused when a zero dim makes the product 0 (found by the fuzzer)
        Assert.Equal("numel: integer multiplication overflow",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(1).Expand(int.MinValue, 0, 4)).Message);
        Assert.StartsWith("tensor of shape [100000, 100000] has 10000000000 elements",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(100000, 100000)).Message);
        // a slice step near int.MaxValue keeps one element (PyTorch), it does not wrap to 0 or -1
        Assert.Equal([1], Tensor.Arange(5)[TensorIndex.Slice(null, null, int.MaxValue)].Shape);
        Assert.Equal([1], Tensor.Arange(5).Slice(0, 1, null, int.MaxValue).Shape);
    }

    [Fact]
    public void FuzzerFindingsAreRefusedWithPyTorchsErrors()
    {
        // segment lengths whose int64 sum wraps to the data size are still refused
        var data = Tensor.Zeros(2);
        var lengths = Tensor.From(new[] { long.MaxValue, long.MaxValue, 4L });
        Assert.StartsWith("segment_reduce(): Expected all rows of lengths along axis to sum",
            Assert.Throws<ArgumentException>(() => Tensor.SegmentReduce(data, SegmentReduceMode.Max, lengths)).Message);
        // pixel_shuffle's r² in 64 bits: 65536² is not 0 (the fuzzer's DivideByZeroException)
        Assert.Equal("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=2 is not divisible by 4294967296",
            Assert.Throws<ArgumentException>(() => F.PixelShuffle(Tensor.Zeros(1, 2, 3, 4), 1 << 16)).Message);
        // a lone mask with more dims than the tensor is an IndexError, not a negative count deep in the routing
        var x = Tensor.Zeros([3, 2], DType.Int32);
        Assert.StartsWith("The shape of the mask [3, 2, 1] at index 2 does not match",
            Assert.Throws<IndexException>(() => x.IndexPut_([Tensor.Ones([3, 2, 1], DType.Bool)], Tensor.From(1))).Message);
    }

    [Fact]
    public void GradShapeMismatchUsesPythonsTorchSize()
    {
        var x = Tensor.Ones([3], requiresGrad: true);
        var e = Assert.Throws<ArgumentException>(() => Autograd.Grad([x * 2], [x], [Tensor.Ones(2)]));
        Assert.Equal("Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of torch.Size([3]).", e.Message);
    }

    [Fact]
    public void MaxUnpoolBackwardWithAnIndexOutsideTheOutputIsAGatherError()
    {
        // An empty output (size 0 is within a stride of the default) checks no index forward; backward gathers them.
        var input = Tensor.Ones([1, 1, 1, 1], requiresGrad: true);
        var indices = Tensor.Zeros([1, 1, 1, 1], DType.Int64);
        var y = F.MaxUnpool2d(input, indices, [1], [2], null, [0, 1]);
        Assert.Equal([1, 1, 0, 1], y.Shape);
        var e = Assert.Throws<ArgumentException>(() => y.Sum().Backward());
        Assert.Equal("index 0 is out of bounds for dimension 2 with size 0", e.Message);
    }
}

/// <summary>Issue 7's memory items: printing and reductions read their input, they do not copy or widen all of it.</summary>
public class LargeTensorMemoryTests
{
    [Fact]
    public void ToStringOfAHugeExpandedViewReadsOnlyTheEdges()
    {
        var x = Tensor.From(1.5f).Expand(20000, 20000); // 4e8 elements over one stored float
        long before = GC.GetAllocatedBytesForCurrentThread();
        var text = x.ToString();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith("tensor([[1.5000, 1.5000, 1.5000,  ..., 1.5000, 1.5000, 1.5000],", text);
        Assert.True(allocated < 1 << 20, $"ToString allocated {allocated} bytes");
    }

    [Fact]
    public void UInt8SumAndFloat32MeanDoNotWidenTheirWholeInput()
    {
        var bytes = Tensor.Full([1 << 23], 3, DType.UInt8); // 8 MB
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sum = bytes.Sum();
        long sumAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(3L << 23, sum.Item<long>());
        Assert.Equal(DType.Int64, sum.DType);
        Assert.True(sumAllocated < 1 << 20, $"UInt8 Sum allocated {sumAllocated} bytes for an 8 MB input");

        var floats = Tensor.Full([1 << 22], 0.25f); // 16 MB
        before = GC.GetAllocatedBytesForCurrentThread();
        var mean = floats.Mean();
        long meanAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0.25f, mean.Item<float>());
        Assert.True(meanAllocated < 1 << 20, $"float32 Mean allocated {meanAllocated} bytes for a 16 MB input");

        // over a dim, and with integer and Bool inputs, the values are unchanged
        var m = Tensor.From(new byte[,] { { 250, 250, 250 }, { 1, 2, 3 } });
        Assert.Equal(new long[] { 251, 252, 253 }, m.Sum(0).ToArray<long>());
        Assert.Equal(new long[] { 750, 6 }, m.Sum(1).ToArray<long>());
        Assert.Equal(2L, Tensor.From(new[] { true, false, true }).Sum().Item<long>());
        Assert.Equal(new[] { 1.5f, 4f }, Tensor.From(new float[,] { { 1, 3 }, { 2, 5 } }).T.Mean(1).ToArray<float>());
    }
}
