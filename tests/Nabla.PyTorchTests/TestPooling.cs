using Nabla.NN;
using static Nabla.PyTorchTests.Check;

namespace Nabla.PyTorchTests;

/// <summary>Ports of pytorch/test/nn/test_pooling.py for the 1-d and 2-d max/avg/adaptive pooling and max_unpool2d Nabla has.</summary>
public class TestPooling
{
    private const string A = "nn/test_pooling.py::TestAvgPool::";
    private const string N = "nn/test_pooling.py::TestPoolingNN::";
    private const string D2 = "nn/test_pooling.py::TestPoolingNNDeviceType::";

    /// <summary>The original's _sum_pool2d (unfold with stride = kernel, summed per window), written as loops.</summary>
    private static Tensor SumPool2d(Tensor x, int kh, int kw)
    {
        int n = x.Size(-2), m = x.Size(-1);
        var v = V(x.Reshape(n, m));
        var sums = new List<double>();
        for (int i = 0; i + kh <= n; i += kh)
            for (int j = 0; j + kw <= m; j += kw)
            {
                double s = 0;
                for (int a = 0; a < kh; a++) for (int b = 0; b < kw; b++) s += v[(i + a) * m + j + b];
                sums.Add(s);
            }
        return Tensor.From(sums.ToArray()).Reshape(1, -1);
    }

    [Fact(DisplayName = A + "test_doubletensor_avg_pool2d")]
    public void test_doubletensor_avg_pool2d()
    {
        int n = 5, m = 8;
        var input = Tensor.Rand([1, 1, n, m], DType.Float64);
        for (int i = 1; i <= n; i++)
            for (int j = 1; j <= m; j++)
            {
                var actual = F.AvgPool2d(input[0], [i, j]);
                Eq(SumPool2d(input, i, j) / (i * j), actual.View(1, actual.Numel), 1e-5, 0);
            }
    }

    [Fact(DisplayName = A + "test_doubletensor_avg_pool2d_with_divisor")]
    public void test_doubletensor_avg_pool2d_with_divisor()
    {
        int n = 3, m = 3;
        var input = Tensor.Rand([1, 1, n, m], DType.Float64);
        for (int i = 1; i <= n; i++)
            for (int j = 1; j <= m; j++)
                foreach (var divisor in new[] { 1, 7, i * j })
                {
                    var actual = F.AvgPool2d(input[0], [i, j], divisorOverride: divisor);
                    Eq(SumPool2d(input, i, j) / divisor, actual.View(1, actual.Numel), 1e-5, 0);
                }
    }

    [Fact(DisplayName = A + "test_avg_pool1d_ceil_mode")]
    public void test_avg_pool1d_ceil_mode()
    {
        var x = Tensor.Randn(1, 16, 4) * 10;
        var y = F.AvgPool1d(x, 1, stride: 2, ceilMode: true, countIncludePad: true);
        Assert.False(y.IsNan().Any().Item<bool>());
    }

    [Fact(DisplayName = A + "test_avg_pool2d_ceil_mode")]
    public void test_avg_pool2d_ceil_mode()
    {
        var x = Tensor.Randn(1, 16, 4, 4) * 10;
        var y = F.AvgPool2d(x, [1, 2], [2, 2], [0, 1], ceilMode: true, countIncludePad: true);
        Assert.False(y.IsNan().Any().Item<bool>());
    }

    [Fact(DisplayName = N + "test_adaptive_pooling_size_none (2d)")]
    public void test_adaptive_pooling_size_none()
    {
        var input = Tensor.Randn(4, 4, 4);
        Assert.Equal(new[] { 4, 2, 4 }, F.AdaptiveMaxPool2d(input, [2, null]).Shape);
        Assert.Equal(new[] { 4, 2, 4 }, F.AdaptiveAvgPool2d(input, [2, null]).Shape);
    }

    [Fact(DisplayName = N + "test_adaptive_pooling_avg_nhwc_non_contiguous (non-contiguous input and grad)")]
    public void test_adaptive_pooling_avg_non_contiguous()
    {
        var input = Tensor.Randint(1, 10, [4, 8, 8, 8]).To(DType.Float32)[.., TensorIndex.Slice(null, null, 2)].RequiresGrad_();
        var grad = Tensor.Randint(1, 10, [4, 8, 7, 7]).To(DType.Float32)[.., TensorIndex.Slice(null, null, 2)];
        var refInput = input.Detach().Clone().RequiresGrad_();
        var refGrad = grad.Contiguous();
        var output = F.AdaptiveAvgPool2d(input, 7);
        output.Backward(grad);
        var refOut = F.AdaptiveAvgPool2d(refInput, 7);
        refOut.Backward(refGrad);
        Assert.True(refOut.IsContiguous());
        Eq(refOut, output);
        Eq(refInput.Grad!, input.Grad!);
    }

    [Fact(DisplayName = N + "test_MaxUnpool2d_output_size")]
    public void test_MaxUnpool2d_output_size()
    {
        var bigT = Tensor.Rand(1, 1, 6, 6);
        bigT[0, 0, 4, 4] = Tensor.From(100f);
        var (outputBig, indicesBig) = F.MaxPool2dWithIndices(bigT, 3, stride: 2);
        Assert.ThrowsAny<ArgumentException>(() => F.MaxUnpool2d(outputBig, indicesBig, 3, stride: 2));

        var smallT = Tensor.Rand(1, 1, 5, 5);
        for (int i = 0; i < 4; i += 2)
            for (int j = 0; j < 4; j += 2)
                smallT[.., .., i, j] = Tensor.From(100f);
        var (outputSmall, indicesSmall) = F.MaxPool2dWithIndices(smallT, 3, stride: 2);
        for (int h = 3; h < 10; h++)
            for (int w = 3; w < 10; w++)
            {
                if (h >= 4 && h <= 6 && w >= 4 && w <= 6)
                {
                    int[] size = h == 6 ? [1, 1, h, w] : [h, w];
                    F.MaxUnpool2d(outputSmall, indicesSmall, 3, stride: 2, outputSize: size);
                }
                else Assert.ThrowsAny<ArgumentException>(() => F.MaxUnpool2d(outputSmall, indicesSmall, 3, stride: 2, outputSize: [h, w]));
            }
    }

    [Fact(DisplayName = N + "test_max_unpool2d_nhwc_cpu (non-contiguous instead of channels_last)")]
    public void test_max_unpool2d_noncontiguous()
    {
        var input = Tensor.Randn(2, 9, 9, 10).Permute(0, 3, 1, 2);
        var refInput = input.Contiguous();
        var (output, ind) = F.MaxPool2dWithIndices(input, 3, stride: 2);
        var (refOut, refInd) = F.MaxPool2dWithIndices(refInput, 3, stride: 2);
        output.RequiresGrad_();
        refOut.RequiresGrad_();
        var upout = F.MaxUnpool2d(output, ind, 3, stride: 2);
        var refUpout = F.MaxUnpool2d(refOut, refInd, 3, stride: 2);
        var grad = Tensor.Randn(upout.Shape);
        upout.Backward(grad);
        refUpout.Backward(grad.Contiguous());
        Eq(refUpout, upout);
        Eq(refOut.Grad!, output.Grad!);
    }

    [Fact(DisplayName = N + "test_max_unpool (2d; 1d listed)")]
    public void test_max_unpool()
    {
        var (output, indices) = F.MaxPool2dWithIndices(Tensor.Randn([1, 1, 4, 4], DType.Float64, requiresGrad: true), 2, stride: 2);
        Eq(F.MaxUnpool2d(output, indices, 2, stride: 2), F.MaxUnpool2d(output, indices, 2));
        var o = output.Detach().RequiresGrad_();
        Assert.True(GradCheck.Check(t => F.MaxUnpool2d(t, indices, 2), o));
    }

    [Theory(DisplayName = D2 + "test_adaptive_pooling_zero_batch")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_adaptive_pooling_zero_batch(DType dtype)
    {
        // _test_module_empty_input: the forward and the backward of an empty batch give empty results
        var inp = Tensor.Ones([0, 10], dtype, requiresGrad: true);
        var y = F.AdaptiveAvgPool1d(inp, 5);
        y.Sum().Backward();
        Assert.Equal(0, y.Numel);
        Eq(Tensor.ZerosLike(inp), inp.Grad!);
        inp = Tensor.Ones([0, 10, 10], dtype, requiresGrad: true);
        y = F.AdaptiveAvgPool2d(inp, [5, 5]);
        y.Sum().Backward();
        Assert.Equal(0, y.Numel);
        Eq(Tensor.ZerosLike(inp), inp.Grad!);
    }

    [Theory(DisplayName = D2 + "test_adaptive_pooling_empty_output_size")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_adaptive_pooling_empty_output_size(DType dtype)
    {
        const string msg = "Expected grad_output to have non-zero size for non-batch dimensions";
        var input = Tensor.Randn([1, 64, 10, 9], dtype, requiresGrad: true);
        Assert.Contains(msg, Assert.ThrowsAny<ArgumentException>(() => F.AdaptiveAvgPool2d(input, 0).Sum().Backward()).Message);
        Assert.Contains(msg, Assert.ThrowsAny<ArgumentException>(() => F.AdaptiveMaxPool2d(input, 0).Sum().Backward()).Message);
        var input2 = Tensor.Randn([1, 64], dtype, requiresGrad: true);
        Assert.Contains(msg, Assert.ThrowsAny<ArgumentException>(() => F.AdaptiveAvgPool1d(input2, 0).Sum().Backward()).Message);
        Assert.Contains(msg, Assert.ThrowsAny<ArgumentException>(() => F.AdaptiveMaxPool1d(input2, 0).Sum().Backward()).Message);
    }

    [Fact(DisplayName = D2 + "test_MaxPool_zero_batch_dim (1d, 2d)")]
    public void test_MaxPool_zero_batch_dim()
    {
        var inp = Tensor.Randn([0, 16, 50], requiresGrad: true);
        var y = F.MaxPool1d(inp, 3, stride: 2);
        y.Sum().Backward();
        Eq(Tensor.ZerosLike(inp), inp.Grad!);
        inp = Tensor.Randn([0, 16, 50, 32], requiresGrad: true);
        y = F.MaxPool2d(inp, 3, stride: 2);
        y.Sum().Backward();
        Eq(Tensor.ZerosLike(inp), inp.Grad!);
        Assert.Contains("Expected", Assert.ThrowsAny<ArgumentException>(() => F.MaxPool2d(Tensor.Randn(1, 0, 50, 32), 3, stride: 2)).Message);
    }

    [Fact(DisplayName = D2 + "test_MaxUnpool_zero_batch_dim (2d)")]
    public void test_MaxUnpool_zero_batch_dim()
    {
        var inp = Tensor.Randn([0, 10, 10, 10], requiresGrad: true);
        var (output, indices) = F.MaxPool2dWithIndices(inp, 2, stride: 2);
        var unpoolOut = F.MaxUnpool2d(output, indices, 2, stride: 2);
        unpoolOut.Sum().Backward();
        Eq(Tensor.ZerosLike(inp), inp.Grad!);
        Eq(Tensor.ZerosLike(unpoolOut), unpoolOut);
    }

    [Theory(DisplayName = D2 + "test_MaxUnpool_index_errors (MaxUnpool2d cases)")]
    [InlineData(2, 2, new[] { 1, 3, 4, 5 }, -1, true)]
    [InlineData(2, 2, new[] { 1, 3, 4, 5 }, 2 * 2 * 4 * 5, true)]
    [InlineData(2, 2, new[] { 1, 3, 4, 5 }, 2 * 2 * 4 * 5 - 1, false)]
    [InlineData(2, 3, new[] { 2, 1, 4, 2 }, 2 * 3 * 4 * 2, true)]
    [InlineData(2, 3, new[] { 2, 1, 4, 2 }, 2 * 3 * 4 * 2 - 1, false)]
    public void test_MaxUnpool_index_errors(int kh, int kw, int[] outputSize, int testIndex, bool shouldError)
    {
        var output = Tensor.Rand(outputSize);
        var indices = Tensor.Zeros(outputSize, DType.Int64);
        indices.View(-1)[0] = Tensor.From((long)testIndex);
        if (shouldError)
            Assert.Contains("Found an invalid max index:", Assert.ThrowsAny<ArgumentException>(() => F.MaxUnpool2d(output, indices, [kh, kw])).Message);
        else F.MaxUnpool2d(output, indices, [kh, kw]);
    }

    [Fact(DisplayName = D2 + "test_AdaptiveMaxPool_zero_batch_dim (1d, 2d)")]
    public void test_AdaptiveMaxPool_zero_batch_dim()
    {
        var inp = Tensor.Randn([0, 16, 50], requiresGrad: true);
        F.AdaptiveMaxPool1d(inp, 3).Sum().Backward();
        Eq(Tensor.ZerosLike(inp), inp.Grad!);
        Assert.Contains("Expected", Assert.ThrowsAny<ArgumentException>(() => F.AdaptiveMaxPool1d(Tensor.Randn(1, 0, 50), 3)).Message);
        inp = Tensor.Randn([0, 16, 50, 32], requiresGrad: true);
        F.AdaptiveMaxPool2d(inp, 3).Sum().Backward();
        Eq(Tensor.ZerosLike(inp), inp.Grad!);
        Assert.Contains("Expected", Assert.ThrowsAny<ArgumentException>(() => F.AdaptiveMaxPool2d(Tensor.Randn(1, 0, 50, 32), 3)).Message);
    }

    [Fact(DisplayName = D2 + "test_AvgPool2d_empty")]
    public void test_AvgPool2d_empty()
    {
        var inp = Tensor.Randn([0, 16, 20, 32], requiresGrad: true);
        F.AvgPool2d(inp, 3, stride: 2).Sum().Backward();
        Eq(Tensor.ZerosLike(inp), inp.Grad!);
        Assert.Contains("3D or 4D", Assert.ThrowsAny<ArgumentException>(() => F.AvgPool2d(Tensor.Randn(16, 0, 20, 32), 3, stride: 2)).Message);
    }

    [Fact(DisplayName = D2 + "test_pooling_shape (1d, 2d)")]
    public void test_pooling_shape()
    {
        void Check(int[] expected, int[] sizes, int kernel, int stride, int padding, bool ceil)
        {
            Assert.Equal(expected[..3], F.MaxPool1d(Tensor.Randn(sizes[..3]), kernel, stride, padding, ceilMode: ceil).Shape);
            Assert.Equal(expected[..3], F.AvgPool1d(Tensor.Randn(sizes[..3]), kernel, stride, padding, ceil).Shape);
            Assert.Equal(expected[..4], F.MaxPool2d(Tensor.Randn(sizes[..4]), kernel, stride, padding, ceilMode: ceil).Shape);
            Assert.Equal(expected[..4], F.AvgPool2d(Tensor.Randn(sizes[..4]), kernel, stride, padding, ceil).Shape);
        }
        Check([1, 1, 3, 3, 4], [1, 1, 5, 6, 7], 1, 2, 0, true);
        Check([1, 1, 2, 3, 3], [1, 1, 3, 4, 5], 2, 2, 1, false);
        Check([1, 1, 2, 3, 3], [1, 1, 3, 4, 5], 2, 2, 1, true);
        Assert.Equal(new[] { 1, 1, 3, 4 }, F.MaxPool2d(Tensor.Randn(1, 1, 6, 7), 1, stride: 2, ceilMode: true).Shape);
    }

    [Fact(DisplayName = D2 + "test_adaptive_avg_pool2d_output_size_one")]
    public void test_adaptive_avg_pool2d_output_size_one()
    {
        foreach (var nonContiguous in new[] { false, true })
        {
            var x = Tensor.Randint(1, 10, [2, 3, 6, 6]).To(DType.Float32).RequiresGrad_();
            var xin = nonContiguous ? x[TensorIndex.Slice(null, null, 2), TensorIndex.Slice(null, null, 2), TensorIndex.Slice(null, null, 2), TensorIndex.Slice(null, null, 2)] : x;
            var output = F.AdaptiveAvgPool2d(xin, [1, 1]);
            var refOut = xin.Contiguous().Mean([-1, -2]).View(xin.Size(0), xin.Size(1), 1, 1);
            output.Sum().Backward();
            Eq(refOut, output);
            Assert.True(output.IsContiguous());
            int c = output.Size(1);
            Assert.Equal(new[] { c, 1, 1, 1 }, output.Stride());
        }
    }

    [Theory(DisplayName = D2 + "test_adaptive_pooling_no_suppot_input")]
    [InlineData(DType.UInt8)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    public void test_adaptive_pooling_no_suppot_input(DType dtype)
    {
        var input = Tensor.Randn(4, 4, 4).To(dtype);
        Assert.Contains("not implemented", Assert.ThrowsAny<Exception>(() => F.AdaptiveMaxPool2d(input, 2)).Message);
        Assert.Contains("not implemented", Assert.ThrowsAny<Exception>(() => F.AdaptiveAvgPool2d(input, 2)).Message);
    }

    [Theory(DisplayName = D2 + "test_avg_pool2d_nhwc (non-contiguous input)")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_avg_pool2d_nhwc(DType dtype)
    {
        void Helper(int n, int c, int h, int w, int k, int? stride = null, bool countIncludePad = true, int? divisorOverride = null, int padding = 0)
        {
            int s = stride ?? k;
            var input = Tensor.Randn([n, h, w, c], dtype).Permute(0, 3, 1, 2).RequiresGrad_();
            var grad = Tensor.Randn([n, c, (h - k) / s + 1, (w - k) / s + 1], dtype);
            var refInput = input.Detach().Clone().Contiguous().RequiresGrad_();
            var output = F.AvgPool2d(input, k, s, 0, false, countIncludePad, divisorOverride);
            output.Backward(grad);
            var refOut = F.AvgPool2d(refInput, k, s, 0, false, countIncludePad, divisorOverride);
            refOut.Backward(grad.Contiguous());
            Eq(refOut, output);
            Eq(refInput.Grad!, input.Grad!);
        }
        Helper(4, 8, 8, 8, 3);
        Helper(4, 8, 8, 8, 3, countIncludePad: false, padding: 1);
        Helper(4, 8, 8, 8, 3, countIncludePad: false, padding: 2, stride: 2);
        Helper(4, 8, 8, 8, 3, divisorOverride: 42);
        Helper(4, 8, 8, 8, 7);
        Helper(20, 32, 28, 28, 2); // the original's (200, 512, 28, 28) scaled down
        Helper(4, 8, 7, 7, 3, stride: 1);
        Helper(4, 8, 7, 7, 3, padding: 2, stride: 1);
        Helper(2, 32, 31, 31, 3, stride: 2); // (10, 512, 31, 31) scaled down
        Helper(1, 129, 8, 8, 3, stride: 2);
    }

    [Theory(DisplayName = D2 + "test_max_pool1d_corner_cases")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_max_pool1d_corner_cases(DType dtype)
    {
        void Check(double[,] x, int k, int? s, int p, int d, bool ceil, double[,] expected) =>
            Eq(Tensor.From(expected).To(dtype), F.MaxPool1d(Tensor.From(x).To(dtype), k, s, p, d, ceil));
        double ninf = double.NegativeInfinity;
        Check(new double[,] { { 1 } }, 1, null, 0, 1, false, new double[,] { { 1 } });
        Check(new double[,] { { 1 } }, 2, null, 1, 2, false, new double[,] { { ninf } });
        Check(new double[,] { { 1 }, { 1 } }, 2, null, 1, 2, false, new double[,] { { ninf }, { ninf } });
        Check(new double[,] { { 1, 2 } }, 2, 1, 1, 2, false, new double[,] { { 2, 1 } });
        Check(new double[,] { { 1, 2 } }, 2, 2, 1, 2, true, new double[,] { { 2, 2 } });
    }

    [Theory(DisplayName = D2 + "test_max_pool1d")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_max_pool1d(DType dtype)
    {
        var rng = new Random(17);
        void Check(Tensor x, int k, int s, int p, int d, bool ceil) =>
            Eq(F.MaxPool1dWithIndices(x, k, s, p, d, ceil).Output, F.MaxPool1d(x, k, s, p, d, ceil));
        for (int it = 0; it < 40; it++)
        {
            int[] size = [rng.Next(8, 20), rng.Next(8, 20), rng.Next(16, 40)]; // the original samples 8..127; 16 keeps every window inside
            int k = rng.Next(1, 5), s = rng.Next(1, 5), d = rng.Next(1, 5);
            int p = rng.Next(0, k / 2 + 1);
            foreach (var ceil in new[] { true, false }) Check(Tensor.Randn(size, dtype), k, s, p, d, ceil);
        }
        var tensor = Tensor.Randn([5, 151, 33], dtype)[TensorIndex.Slice(null, null, 2), TensorIndex.Slice(null, null, 3), TensorIndex.Slice(null, null, 2)];
        Check(tensor, 3, 2, 1, 2, true);
        Check(tensor.Transpose(1, 2), 3, 2, 1, 2, true);
    }

    [Theory(DisplayName = D2 + "test_max_pool2d_corner_cases")]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    public void test_max_pool2d_corner_cases(DType dtype)
    {
        var x = L([-1, -2, -3, -4], 1, 1, 2, 2).To(dtype);
        Eq(L([-4, -4, -4, -4], 1, 1, 2, 2).To(dtype), F.MaxPool2d(x, 2, 2, 1, 2, ceilMode: true), exactDType: true);
    }

    [Theory(DisplayName = D2 + "test_adaptive_pooling_max_nhwc (2d, non-contiguous)")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_adaptive_pooling_max_nhwc(DType dtype)
    {
        void Helper(int[] inputSize, int oh, int ow, bool contig)
        {
            var input = Tensor.Randint(1, 10, [inputSize[0], inputSize[2], inputSize[3], inputSize[1]]).To(dtype).Permute(0, 3, 1, 2);
            var grad = Tensor.Randint(1, 10, [inputSize[0], inputSize[1], oh, ow]).To(dtype);
            if (!contig)
            {
                input = input[.., TensorIndex.Slice(null, null, 2)];
                grad = grad[.., TensorIndex.Slice(null, null, 2)];
            }
            input.RequiresGrad_();
            var refInput = input.Detach().Clone().Contiguous().RequiresGrad_();
            var (output, ind) = F.AdaptiveMaxPool2dWithIndices(input, [oh, ow]);
            output.Backward(grad);
            var (refOut, refInd) = F.AdaptiveMaxPool2dWithIndices(refInput, [oh, ow]);
            refOut.Backward(grad.Contiguous());
            Eq(refOut, output);
            Eq(refInd, ind, 0, 0);
            Eq(refInput.Grad!, input.Grad!);
        }
        foreach (var contig in new[] { true, false })
        {
            Helper([4, 8, 10, 10], 7, 7, contig);
            Helper([4, 8, 9, 14], 5, 8, contig);
            Helper([4, 8, 11, 11], 1, 1, contig);
            Helper([2, 1, 3, 3], 1, 1, contig);
        }
    }

    [Theory(DisplayName = D2 + "test_pooling_max_nhwc (non-contiguous)")]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void test_pooling_max_nhwc(DType dtype)
    {
        void Helper(int n, int c, int h, int w, int k, int s, int p, int d, bool contig)
        {
            int oh = (h + 2 * p - d * (k - 1) - 1) / s + 1, ow = (w + 2 * p - d * (k - 1) - 1) / s + 1;
            var input = Tensor.Randint(1, 10, [n, h, w, c]).To(dtype).Permute(0, 3, 1, 2);
            var grad = Tensor.Randint(1, 10, [n, c, oh, ow]).To(dtype);
            if (!contig)
            {
                input = input[.., TensorIndex.Slice(null, null, 2)];
                grad = grad[.., TensorIndex.Slice(null, null, 2)];
            }
            input.RequiresGrad_();
            var refInput = input.Detach().Clone().Contiguous().RequiresGrad_();
            var (output, ind) = F.MaxPool2dWithIndices(input, k, s, p, d);
            output.Backward(grad);
            var (refOut, refInd) = F.MaxPool2dWithIndices(refInput, k, s, p, d);
            refOut.Backward(grad.Contiguous());
            Eq(refOut, output);
            Eq(refInd, ind, 0, 0);
            Eq(refInput.Grad!, input.Grad!);
        }
        foreach (var contig in new[] { true, false })
        {
            Helper(4, 8, 10, 10, 2, 1, 1, 2, contig);
            Helper(4, 8, 9, 14, 2, 1, 1, 2, contig);
            Helper(4, 8, 11, 11, 4, 2, 2, 2, contig);
        }
    }

    private static void MaxpoolIndices(int numDim, bool adaptive)
    {
        int numel = (int)Math.Pow(4, numDim + 1);
        int[] shape = numDim == 1 ? [2, 2, 4] : [2, 2, 4, 4];
        var inputVar = Tensor.Arange(1, numel + 1).To(DType.Float32).View(shape).RequiresGrad_();
        var (output, indices) = (numDim, adaptive) switch
        {
            (1, false) => F.MaxPool1dWithIndices(inputVar, 2),
            (1, true) => F.AdaptiveMaxPool1dWithIndices(inputVar, 2),
            (_, false) => F.MaxPool2dWithIndices(inputVar, 2),
            _ => F.AdaptiveMaxPool2dWithIndices(inputVar, 2),
        };
        var expectedIndices = numDim == 1 ? L([1, 3]).Repeat(2, 2, 1) : L([5, 7, 13, 15], 2, 2).Repeat(2, 2, 1, 1);
        var expectedOutput = numDim == 1
            ? Tensor.Arange(2, 17, 2).To(DType.Float32).View(2, 2, 2)
            : Tensor.Stack([Tensor.Arange(6, 63, 8), Tensor.Arange(6, 63, 8) + 2], 1).To(DType.Float32).View(2, 2, 2, 2);
        Assert.Equal(inputVar.Dim, indices.Dim);
        Eq(expectedIndices, indices.Squeeze(), 0, 0);
        Eq(expectedOutput, output.Squeeze(), 0, 0);
        Assert.True(output.RequiresGrad);
        Assert.False(indices.RequiresGrad);

        output.Backward(Tensor.OnesLike(output), retainGraph: true);
        var g1 = Fl([0, 1, 0, 1]).Repeat(2, 2, 1);
        var expectedGrad = numDim == 1 ? g1 : Tensor.Stack([Tensor.ZerosLike(g1), g1, Tensor.ZerosLike(g1), g1], 2);
        Eq(expectedGrad.ViewAs(inputVar), inputVar.Grad!);

        var t = Tensor.Full([1, 1, 1], double.NegativeInfinity);
        var (o1, i1) = F.MaxPool1dWithIndices(t, 1);
        Assert.Equal(double.NegativeInfinity, o1[0, 0, 0].Item<double>());
        Assert.Equal(0L, i1[0, 0, 0].Item<long>());
        var (o2, i2) = F.MaxPool2dWithIndices(t, 1);
        Assert.Equal(double.NegativeInfinity, o2[0, 0, 0].Item<double>());
        Assert.Equal(0L, i2[0, 0, 0].Item<long>());
    }

    [Fact(DisplayName = D2 + "test_MaxPool1d_indices")]
    public void test_MaxPool1d_indices() => MaxpoolIndices(1, false);

    [Fact(DisplayName = D2 + "test_MaxPool2d_indices")]
    public void test_MaxPool2d_indices() => MaxpoolIndices(2, false);

    [Fact(DisplayName = D2 + "test_AdaptiveMaxPool1d_indices")]
    public void test_AdaptiveMaxPool1d_indices() => MaxpoolIndices(1, true);

    [Fact(DisplayName = D2 + "test_AdaptiveMaxPool2d_indices")]
    public void test_AdaptiveMaxPool2d_indices() => MaxpoolIndices(2, true);

    [Fact(DisplayName = D2 + "test_maxpool_indices_no_batch_dim (1d, 2d)")]
    public void test_maxpool_indices_no_batch_dim()
    {
        var x1 = Tensor.Randn(3, 5);
        Eq(F.MaxPool1dWithIndices(x1.Unsqueeze(0), 3).Indices.Squeeze(0), F.MaxPool1dWithIndices(x1, 3).Indices, 0, 0);
        Eq(F.AdaptiveMaxPool1dWithIndices(x1.Unsqueeze(0), 3).Indices.Squeeze(0), F.AdaptiveMaxPool1dWithIndices(x1, 3).Indices, 0, 0);
        var x2 = Tensor.Randn(3, 5, 6);
        Eq(F.MaxPool2dWithIndices(x2.Unsqueeze(0), 3).Indices.Squeeze(0), F.MaxPool2dWithIndices(x2, 3).Indices, 0, 0);
        Eq(F.AdaptiveMaxPool2dWithIndices(x2.Unsqueeze(0), 3).Indices.Squeeze(0), F.AdaptiveMaxPool2dWithIndices(x2, 3).Indices, 0, 0);
    }

    [Fact(DisplayName = D2 + "test_max_pool_nan_inf (1d, 2d, adaptive)")]
    public void test_max_pool_nan_inf()
    {
        var fns = new (int Dim, Func<Tensor, Tensor> Fn)[]
        {
            (1, x => F.MaxPool1d(x, 3)), (2, x => F.MaxPool2d(x, 3)),
            (1, x => F.AdaptiveMaxPool1d(x, 1)), (2, x => F.AdaptiveMaxPool2d(x, 1)),
        };
        foreach (var (dim, fn) in fns)
        {
            int[] shape = [1, 1, .. Enumerable.Repeat(3, dim)];
            var x = Tensor.Full(shape, double.NaN, requiresGrad: true);
            var res = fn(x);
            res.Backward(Tensor.Randn(res.Shape));
            Assert.True(double.IsNaN(res.Item<double>()));
            x.RequiresGrad_(false);
            Assert.True(double.IsNaN(fn(x).Item<double>()));
            var x2 = Tensor.Full(shape, double.NegativeInfinity, requiresGrad: true);
            var res2 = fn(x2);
            res2.Backward(Tensor.Randn(res2.Shape));
            Assert.True(double.IsInfinity(res2.Item<double>()));
            x2.RequiresGrad_(false);
            Assert.True(double.IsInfinity(fn(x2).Item<double>()));
        }
    }

    [Fact(DisplayName = D2 + "test_pooling_zero_stride (1d, 2d)")]
    public void test_pooling_zero_stride()
    {
        const string pattern = "stride should not be zero|stride must be greater than zero";
        static void AssertMsg(Action a) => Assert.Matches(pattern, Assert.ThrowsAny<ArgumentException>(a).Message);
        var x1 = Tensor.Ones(1, 2, 4);
        var x2 = Tensor.Ones(1, 2, 4, 4);
        AssertMsg(() => F.MaxPool1d(x1, 2, 0));
        AssertMsg(() => F.AvgPool1d(x1, 2, 0));
        AssertMsg(() => F.MaxPool2d(x2, 2, 0));
        AssertMsg(() => F.AvgPool2d(x2, 2, 0));
    }

    [Fact(DisplayName = D2 + "test_pool_large_size (1d, 2d)", Skip = "slow, not wrong: 1-d pooling over 16,777,217 windows takes ~35 s here (a kernel-1 pool should be a copy); see NOT_PORTED.md")]
    public void test_pool_large_size()
    {
        // 16777217 is the smallest integer float32 cannot hold; the output size must still be exact.
        var x1 = Tensor.Ones(1, 1, 16777217);
        Assert.Equal(16777217, F.MaxPool1d(x1, 1, 1, 0).Size(2));
        Assert.Equal(16777217, F.AvgPool1d(x1, 1, 1, 0).Size(2));
    }

    [Fact(DisplayName = D2 + "test_pool_invalid_size (1d, 2d)")]
    public void test_pool_invalid_size()
    {
        const string pattern = "too small|smaller than";
        Assert.Matches(pattern, Assert.ThrowsAny<ArgumentException>(() => F.MaxPool1dWithIndices(Tensor.Ones(1, 1, 4), 3, 2, 0, 2)).Message);
        Assert.Matches(pattern, Assert.ThrowsAny<ArgumentException>(() => F.MaxPool2dWithIndices(Tensor.Ones(1, 1, 4, 4), 3, 2, 0, 2)).Message);
        Assert.Matches(pattern, Assert.ThrowsAny<ArgumentException>(() => F.AvgPool1d(Tensor.Ones(1, 1, 4), 6, 2, 0)).Message);
        Assert.Matches(pattern, Assert.ThrowsAny<ArgumentException>(() => F.AvgPool2d(Tensor.Ones(1, 1, 4, 4), 6, 2, 0)).Message);
    }
}
