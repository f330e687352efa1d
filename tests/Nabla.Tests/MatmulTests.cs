namespace Nabla.Tests;

/// <summary>The tiled matmul kernel against a plain triple loop, on sizes that hit full tiles and every edge.</summary>
public class MatmulTests
{
    [Theory]
    [InlineData(1, 13, 300, 37)]
    [InlineData(3, 12, 129, 48)]
    [InlineData(2, 7, 5, 17)]
    [InlineData(1, 8, 260, 530)] // more than one packed block of B along n and along k
    public void MatchesNaiveProduct(int batch, int m, int k, int n)
    {
        Tensor.ManualSeed(11);
        var a = Tensor.Randn([batch, m, k], DType.Float64);
        var b = Tensor.Randn([batch, k, n], DType.Float64);
        var c = a.Matmul(b).ToArray<double>();
        var (av, bv) = (a.ToArray<double>(), b.ToArray<double>());
        for (int t = 0; t < batch; t++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += av[(t * m + i) * k + p] * bv[(t * k + p) * n + j];
                    Assert.Equal(s, c[(t * m + i) * n + j], 1e-9);
                }
        var f = a.To(DType.Float32).Matmul(b.To(DType.Float32)).ToArray<float>();
        for (int i = 0; i < f.Length; i++) Assert.Equal(c[i], f[i], 1e-3);
    }
}

/// <summary>
/// A right operand read as the transpose of a contiguous matrix is packed by transposing 8 × 8 blocks in registers
/// (float32 with AVX), the rest element by element: the product must equal, bit for bit, the one whose operand was
/// made contiguous first, for depths and widths that are and are not multiples of the block and of the panel.
/// </summary>
public class TransposedOperandPackingTests
{
    [Theory]
    [InlineData(13, 37, 70)]
    [InlineData(6, 64, 32)]
    [InlineData(9, 8, 33)]
    [InlineData(20, 300, 96)]
    [InlineData(3, 5, 40)]
    public void MatchesTheContiguousOperand(int m, int k, int n)
    {
        Tensor.ManualSeed(7);
        var a = Tensor.Rand(m, k) * 2 - 1;
        var bt = Tensor.Rand(n, k) * 2 - 1; // B = btᵀ, a transposed view
        Assert.False(bt.T.IsContiguous());
        Assert.Equal(a.Matmul(bt.T.Contiguous()).ToArray<float>(), a.Matmul(bt.T).ToArray<float>());
    }
}
