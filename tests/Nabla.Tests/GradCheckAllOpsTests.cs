namespace Nabla.Tests;

/// <summary>
/// Every differentiable op's backward against finite differences (GradCheck) on float64 inputs, once
/// contiguous and once through a transposed, non-contiguous view of the same values.
/// </summary>
public class GradCheckAllOpsTests
{
    internal record Op(string Name, int[][] Shapes, Func<Tensor[], Tensor> Apply, bool Positive = false, bool Second = true);

    internal static readonly Op[] Ops =
    [
        new("add", [[3, 4], [4]], x => x[0] + x[1]),
        new("sub", [[3, 4], [3, 1]], x => x[0] - x[1]),
        new("rsub", [[3, 4]], x => 2 - x[0]),
        new("mul", [[3, 4], [3, 4]], x => x[0] * x[1]),
        new("div", [[3, 4], [4]], x => x[0] / x[1], Positive: true),
        new("pow", [[3, 4], [3, 4]], x => x[0].Pow(x[1]), Positive: true),
        new("pow_scalar", [[3, 4]], x => x[0].Pow(3)),
        new("maximum", [[3, 4], [3, 4]], x => x[0].Maximum(x[1])),
        new("minimum", [[3, 4], [3, 4]], x => x[0].Minimum(x[1])),
        new("neg", [[3, 4]], x => -x[0] + x[0].Neg() * 2),
        new("abs", [[3, 4]], x => x[0].Abs()),
        new("exp", [[3, 4]], x => x[0].Exp()),
        new("log", [[3, 4]], x => x[0].Log(), Positive: true),
        new("sqrt", [[3, 4]], x => x[0].Sqrt(), Positive: true),
        new("rsqrt", [[3, 4]], x => x[0].Rsqrt(), Positive: true),
        new("sin", [[3, 4]], x => x[0].Sin()),
        new("cos", [[3, 4]], x => x[0].Cos()),
        new("tanh", [[3, 4]], x => x[0].Tanh()),
        new("sigmoid", [[3, 4]], x => x[0].Sigmoid()),
        new("relu", [[3, 4]], x => x[0].Relu()),
        new("clamp", [[3, 4]], x => x[0].Clamp(-0.3, 0.4)),
        new("where", [[3, 4], [3, 4]], x => Tensor.Where(x[0] > 0, x[0], x[1])),
        new("sum_dims", [[3, 4]], x => x[0].Sum([0], keepdim: true)),
        new("mean", [[3, 4]], x => x[0].Mean(1)),
        new("prod", [[3, 4]], x => x[0].Prod(1)),
        new("prod_all", [[2, 3]], x => x[0].Prod()),
        new("amax", [[3, 4]], x => x[0].Amax(1)),
        new("max_dim", [[3, 4]], x => x[0].Max(0).Values),
        new("max_all", [[3, 4]], x => x[0].Max()),
        new("sort", [[3, 4]], x => x[0].Sort(1, descending: true).Values),
        new("topk", [[3, 4]], x => x[0].Topk(2, 0, largest: false).Values),
        new("kthvalue", [[3, 4]], x => x[0].Kthvalue(3, 1).Values),
        new("var", [[3, 4]], x => x[0].Var(1)),
        new("std", [[3, 4]], x => x[0].Std(0)),
        new("logsumexp", [[3, 4]], x => x[0].Logsumexp(1)),
        new("softmax", [[3, 4]], x => x[0].Softmax(1)),
        new("log_softmax", [[3, 4]], x => x[0].LogSoftmax(0)),
        new("cumsum", [[3, 4]], x => x[0].Cumsum(1)),
        new("cumprod", [[3, 4]], x => x[0].Cumprod(0)),
        new("diff", [[3, 4]], x => x[0].Diff(2, 1)),
        new("reshape", [[3, 4]], x => x[0].Reshape(2, 6)),
        new("permute", [[3, 4]], x => x[0].Permute(1, 0)),
        new("expand", [[3, 1]], x => x[0].Expand(3, 5)),
        new("repeat", [[3, 4]], x => x[0].Repeat(2, 1, 2)),
        new("unbind", [[3, 4]], x => x[0].Unbind(1)[2] * 2 + x[0].Unbind(1)[0]),
        new("split_chunk", [[3, 4]], x => x[0].Split([1, 3], 1)[1].Sum(1) + x[0].Chunk(2, 0)[0].Sum(0)[..3]),
        new("narrow_select", [[3, 4]], x => x[0].Narrow(1, 1, 2).Select(0, 2)),
        new("slice_step", [[3, 4]], x => x[0][.., TensorIndex.Slice(null, null, 2)]),
        new("cat", [[3, 4], [3, 2]], x => Tensor.Cat([x[0], x[1]], 1)),
        new("stack", [[3, 4], [3, 4]], x => Tensor.Stack([x[0], x[1]], 1)),
        new("flip", [[3, 4]], x => x[0].Flip(0, 1)),
        new("index", [[3, 4]], x => x[0][Tensor.From(new long[] { 2, 0, 2 })]),
        new("index_put", [[3, 4], [2, 4]], x => x[0].IndexPut([Tensor.From(new long[] { 2, 0 })], x[1])),
        new("index_select", [[3, 4]], x => x[0].IndexSelect(1, Tensor.From(new long[] { 3, 3, 0 }))),
        new("matmul", [[3, 4], [4, 2]], x => x[0].Matmul(x[1])),
        new("matmul_batched", [[2, 3, 4], [4]], x => x[0].Matmul(x[1])),
        new("setitem", [[3, 4], [4]], x => { var y = x[0] * 1; y[1] = x[1]; return y; }),
    ];

    public static TheoryData<string> Names => new(Ops.Select(o => o.Name));

    private static Tensor[] Inputs(Op op, bool transposed) => GradCheckInputs.Make(op.Shapes, op.Positive, transposed, 7);

    [Theory]
    [MemberData(nameof(Names))]
    public void BackwardMatchesFiniteDifferences(string name)
    {
        var op = Ops.Single(o => o.Name == name);
        foreach (var transposed in new[] { false, true })
        {
            var inputs = Inputs(op, transposed);
            Assert.Equal(transposed && op.Shapes[0].Length >= 2 && op.Shapes[0][^1] > 1, !inputs[0].IsContiguous());
            Assert.True(GradCheck.Check(xs => [op.Apply(xs)], inputs));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DoubleBackwardMatchesFiniteDifferences(string name)
    {
        var op = Ops.Single(o => o.Name == name);
        Assert.True(GradCheck.GradGradCheck(xs => [op.Apply(xs)], Inputs(op, transposed: false)));
    }
}
