using Nabla.NN;

namespace Nabla.Tests.NN;

/// <summary>CosineSimilarity and PairwiseDistance modules and the eps handling of their functionals.</summary>
public class DistanceModuleTests
{
    [Fact]
    public void CosineSimilarityModuleIsTheFunctionalAlongItsDim()
    {
        var a = Tensor.Randn([3, 4, 2]);
        var b = Tensor.Randn([4, 2]);
        Assert.Equal(F.CosineSimilarity(a, b, 1, 1e-8).ToArray<float>(), new CosineSimilarity().Call(a, b).ToArray<float>());
        Assert.Equal(F.CosineSimilarity(a, b, -1, 0.1).ToArray<float>(), new CosineSimilarity(-1, 0.1).Call(a, b).ToArray<float>());
        Assert.Equal([3, 2], new CosineSimilarity().Call(a, b).Shape);
        Assert.Equal("CosineSimilarity()", new CosineSimilarity(0, 0.5).ToString());
        Assert.Empty(new CosineSimilarity().StateDict());
    }

    [Fact]
    public void ZeroVectorsHaveSimilarityZeroAndAGradientThroughTheUnclampedNorm()
    {
        var a = Tensor.From(new[,] { { 0.0, 0.0 }, { 3.0, 4.0 } }).RequiresGrad_();
        var b = Tensor.From(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } });
        var y = F.CosineSimilarity(a, b);
        Assert.Equal([0.0, 1.0], y.ToArray<double>(), new Comparison(1e-12));
        y.Sum().Backward();
        // Row 0: d/da (a / eps) · b̂ = b̂ / eps (the clamp is not differentiated; the norm's gradient there is zero).
        var g = a.Grad!.ToArray<double>();
        Assert.Equal(1 / Math.Sqrt(5) / 1e-8, g[0], 1e-3);
        Assert.Equal(0.0, g[2], 12);
    }

    [Fact]
    public void TheCommonDtypeMustBeFloating()
    {
        var e = Assert.Throws<ArgumentException>(() => F.CosineSimilarity(Tensor.Ones([2, 3], DType.Int64), Tensor.Ones([2, 3], DType.Int32)));
        Assert.Equal("expected common dtype to be floating point, yet common dtype is Long", e.Message);
        Assert.Equal(DType.Float32, F.CosineSimilarity(Tensor.Ones([2, 3], DType.Int64), Tensor.Ones([2, 3])).DType);
    }

    [Fact]
    public void PairwiseDistanceTakesEveryNorm()
    {
        var a = Tensor.From(new[,] { { 1.0, -4.0, 2.0 } });
        var b = Tensor.Zeros([3], DType.Float64);
        Assert.Equal(4.0, F.PairwiseDistance(a, b, double.PositiveInfinity, 0).Item<double>());
        Assert.Equal(1.0, F.PairwiseDistance(a, b, double.NegativeInfinity, 0).Item<double>());
        Assert.Equal(3.0, F.PairwiseDistance(a, b, 0, 0).Item<double>());
        Assert.Equal(7.0, new PairwiseDistance(1, 0).Call(a, b).Item<double>());
        Assert.Equal([1, 1], new PairwiseDistance(keepdim: true).Call(a, b).Shape);
    }

    private sealed class Comparison(double tol) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tol;
        public int GetHashCode(double obj) => 0;
    }
}
