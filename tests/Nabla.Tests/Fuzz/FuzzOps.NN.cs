using Nabla.NN;

namespace Nabla.Tests.Fuzz;

/// <summary>torch.nn.functional's layers, losses and normalizations, with mostly well-shaped and sometimes hostile arguments.</summary>
public static partial class FuzzOps
{
    private static IEnumerable<FuzzOp> Layers()
    {
        // input (N, C, *spatial) and weight (Cout, C / groups, *kernel), each sometimes replaced by an arbitrary tensor
        (Tensor Input, Tensor Weight, Tensor? Bias, int Groups) Conv(FuzzGen g, int spatial, bool transposed)
        {
            int n = g.Pick(0, 1, 2), c = g.Pick(1, 2, 4), groups = g.Pick(1, 1, 2, c, 0, -1), cout = g.Pick(1, 2, 4);
            var dt = g.Coin(0.85) ? g.Pick(DType.Float32, DType.Float64) : g.Pick(FuzzGen.AllDTypes);
            var input = g.Coin(0.9) ? g.Tensor(dt, [n, c, .. Enumerable.Range(0, spatial).Select(_ => g.Pick(0, 1, 3, 4))], nullable: false)! : X(g);
            int inPerGroup = groups > 0 && c % groups == 0 ? c / groups : 1;
            int[] wShape = transposed ? [c, Math.Max(cout / Math.Max(groups, 1), 1)] : [cout, inPerGroup];
            var weight = g.Coin(0.9) ? g.Tensor(dt, [.. wShape, .. Enumerable.Range(0, spatial).Select(_ => g.Pick(1, 2, 3))])! : A(g);
            var bias = g.Coin(0.5) ? null : g.Coin(0.9) ? g.Tensor(dt, [transposed ? wShape[1] * Math.Max(groups, 1) : cout]) : A(g);
            return (input, weight, bias, groups);
        }
        int[]? Opt(FuzzGen g, int spatial) => g.Coin(0.5) ? null : g.Coin(0.8) ? g.Sizes(g.Pick(1, spatial)).Select(v => Math.Clamp(v, -1, 3)).ToArray() : g.Sizes();

        yield return new("F.Conv1d/Conv2d/Conv3d", g =>
        {
            int spatial = g.Int(1, 4);
            var (x, w, b, groups) = Conv(g, spatial, transposed: false);
            var (s, p, d) = (Opt(g, spatial), Opt(g, spatial), Opt(g, spatial));
            if (g.Coin(0.2))
            {
                var mode = g.Pick(ConvPadding.Valid, ConvPadding.Same);
                return spatial switch { 1 => F.Conv1d(x, w, b, s, mode, d, groups), 2 => F.Conv2d(x, w, b, s, mode, d, groups), _ => F.Conv3d(x, w, b, s, mode, d, groups) };
            }
            return spatial switch { 1 => F.Conv1d(x, w, b, s, p, d, groups), 2 => F.Conv2d(x, w, b, s, p, d, groups), _ => F.Conv3d(x, w, b, s, p, d, groups) };
        });
        yield return new("F.ConvTranspose1d/ConvTranspose2d/ConvTranspose3d", g =>
        {
            int spatial = g.Int(1, 4);
            var (x, w, b, groups) = Conv(g, spatial, transposed: true);
            var (s, p, op, d) = (Opt(g, spatial), Opt(g, spatial), Opt(g, spatial), Opt(g, spatial));
            return spatial switch
            {
                1 => F.ConvTranspose1d(x, w, b, s, p, op, groups, d),
                2 => F.ConvTranspose2d(x, w, b, s, p, op, groups, d),
                _ => F.ConvTranspose3d(x, w, b, s, p, op, groups, d),
            };
        });
        yield return new("F.Linear", g =>
        {
            var x = Float(g);
            int inF = x.Dim > 0 ? x.Shape[^1] : 1, outF = g.Pick(0, 1, 3);
            var w = g.Coin(0.85) ? g.Tensor(x.DType, [outF, inF])! : A(g);
            return F.Linear(x, w, g.Coin(0.5) ? null : g.Coin(0.85) ? g.Tensor(x.DType, [outF]) : A(g));
        });
        yield return new("F.BatchNorm/LayerNorm/GroupNorm", g =>
        {
            var x = Float(g);
            int c = x.Dim > 1 ? x.Shape[1] : 1;
            Tensor? Param(int size) => g.Coin(0.4) ? null : g.Coin(0.85) ? g.Tensor(x.DType, [size]) : A(g);
            double eps = g.Pick(1e-5, 0.0, -1.0, double.NaN);
            switch (g.Int(0, 3))
            {
                case 0:
                    var (mean, var) = (Param(c), Param(c));
                    return F.BatchNorm(x, mean, var, Param(c), Param(c), g.Bool(), g.Pick(0.1, 0.0, 2.0), eps);
                case 1:
                    var shape = g.Coin(0.8) && x.Dim > 0 ? x.Shape[g.Int(0, x.Dim)..] : g.Sizes(g.Int(0, 3));
                    long n = shape.Aggregate(1L, (a, v) => a * Math.Max(v, 0));
                    Tensor? Affine() => g.Coin(0.4) ? null : g.Coin(0.85) && shape.All(v => v >= 0) && n <= 4096 ? g.Tensor(x.DType, shape) : A(g);
                    return F.LayerNorm(x, shape, Affine(), Affine(), eps);
                default:
                    return F.GroupNorm(x, g.Pick(1, 2, c, 0, -1, 3), Param(c), Param(c), eps);
            }
        });
        yield return new("F.CrossEntropy/NllLoss", g =>
        {
            var x = Float(g);
            int classes = x.Dim >= 2 ? x.Shape[1] : x.Dim == 1 ? x.Shape[0] : 1;
            int[] targetShape = x.Dim >= 2 ? [x.Shape[0], .. x.Shape[2..]] : [];
            var target = g.Coin(0.2) ? g.Tensor(x.DType, x.Shape)! : g.Index(Math.Max(classes, 1), targetShape)!;
            var weight = g.Coin(0.6) ? null : g.Coin(0.85) ? g.Tensor(x.DType, [classes]) : A(g);
            long ignore = g.Pick(-100L, 0L, 1L, long.MinValue);
            var reduction = g.Pick(Reduction.Mean, Reduction.Sum, Reduction.None, (Reduction)7);
            return g.Coin() ? F.CrossEntropy(x, target, weight, ignore, reduction, g.Pick(0.0, 0.1, 1.0, -0.5, 2.0))
                : F.NllLoss(x, target, weight, ignore, reduction);
        });
        yield return new("F.Dropout", g => F.Dropout(X(g), g.Pick(0.0, 0.5, 1.0, -0.1, 1.5, double.NaN), g.Bool(), g.Coin() ? null : new Generator(5)));
        yield return new("F.Unfold/Fold", g =>
        {
            var x = X(g);
            int[] K() => g.Coin(0.8) ? g.Sizes(g.Pick(1, 2)).Select(v => Math.Clamp(v, -1, 3)).ToArray() : g.Sizes();
            int[]? O() => g.Coin(0.5) ? null : K();
            return g.Coin() ? F.Unfold(x, K(), O(), O(), O()) : F.Fold(x, K(), K(), O(), O(), O());
        });
    }
}
