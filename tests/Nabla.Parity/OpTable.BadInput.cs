using Nabla.NN;
using Nabla.Parity.Harness;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace Nabla.Parity;

/// <summary>
/// Hostile inputs from issue 7 that libtorch can be asked about directly: overflowing shapes, 0-d tensors where a dim
/// is needed, integer MinValue / -1, dtype-converting softmax, partial-overlap in-place writes, huge indices.
/// Each sample failed (wrong value, wrong message or a raw .NET exception) before its fix.
/// </summary>
public static partial class OpTable
{
    private static IEnumerable<Sample> Fixed(params Sample[] samples) => samples;

    private static IEnumerable<OpInfo> BuildBadInput()
    {
        var floats = new[] { DType.Float32 };
        yield return new("zeros(overflowing sizes)", (x, p) => A(Tensor.Zeros(p.Shape!)), (x, p) => A(torch.zeros(L(p.Shape!))), floats, (g, d) => Fixed(
            new Sample("error:int-max squared", [], new P { Shape = [int.MaxValue, int.MaxValue, 4] }),
            new Sample("error:2^64", [], new P { Shape = [1 << 16, 1 << 16, 1 << 16, 1 << 16] }),
            new Sample("error:2^64 then 0", [], new P { Shape = [1 << 16, 1 << 16, 1 << 16, 1 << 16, 0] })), Differentiable: false);
        yield return new("expand(negative size)", (x, p) => A(x[0].Expand(p.Shape!)), (x, p) => A(x[0].expand(L(p.Shape!))), floats, (g, d) => Fixed(
            new Sample("error:-2 on 1", [g.Input(d, [1, 3])], new P { Shape = [-2, 3] }),
            new Sample("error:-2 leading", [g.Input(d, [3])], new P { Shape = [-2, 3] }),
            new Sample("error:-1 leading", [g.Input(d, [3])], new P { Shape = [-1, 3] }),
            new Sample("error:-3 leading of 2", [g.Input(d, [3])], new P { Shape = [2, -3, 3] })));
        yield return new("slice(step int.MaxValue)", (x, p) => A(x[0][TensorIndex.Slice(null, null, int.MaxValue)], x[0][TensorIndex.Slice(1, null, int.MaxValue - 1)]),
            (x, p) => A(x[0].slice(0, 0, x[0].shape[0], int.MaxValue), x[0].slice(0, 1, x[0].shape[0], int.MaxValue - 1)), floats, (g, d) => Fixed(
            new Sample("5", [g.Input(d, [5])], new P()),
            new Sample("empty", [g.Input(d, [0])], new P())));
        yield return new("size/chunk/split/unbind(0-d)",
            (x, p) => p.Mode switch
            {
                "size" => A(Tensor.From((long)x[0].Size(p.Dim))),
                "chunk" => x[0].Chunk(2, p.Dim),
                "split" => x[0].Split(1, p.Dim),
                "split_with_sizes" => x[0].Split([1], p.Dim),
                _ => x[0].Unbind(p.Dim),
            },
            (x, p) => p.Mode switch
            {
                "size" => A(torch.tensor(x[0].size(p.Dim))),
                "chunk" => x[0].chunk(2, p.Dim),
                "split" => x[0].split(1, p.Dim),
                "split_with_sizes" => x[0].split([1L], p.Dim),
                _ => x[0].unbind(p.Dim),
            }, floats, (g, d) => new[] { "size", "chunk", "split", "split_with_sizes", "unbind" }.SelectMany(mode => new[]
            {
                new Sample($"error:{mode}/dim0", [g.Input(d, [])], new P { Mode = mode }),
                new Sample($"error:{mode}/dim-1", [g.Input(d, [])], new P { Mode = mode, Dim = -1 }),
            }), Differentiable: false);
        yield return new("split(sizes past int.MaxValue)", (x, p) => x[0].Split([int.MaxValue, int.MaxValue]), (x, p) => x[0].split([int.MaxValue, int.MaxValue]), floats,
            (g, d) => Fixed(new Sample("error:sum overflows", [g.Input(d, [4])], new P())));
        yield return new("softmax(dtype)", (x, p) => A(p.Flag ? x[0].LogSoftmax(p.Dim, p.To) : x[0].Softmax(p.Dim, p.To)),
            (x, p) => A(p.Flag ? x[0].log_softmax(p.Dim, Runner.ToTorch(p.To)) : x[0].softmax(p.Dim, Runner.ToTorch(p.To))), [DType.Float32, DType.Int64], (g, d) =>
            from to in new[] { DType.Int64, DType.Int32, DType.UInt8, DType.Float64 }
            from log in new[] { false, true }
            from dim in new[] { 0, -1 }
            select new Sample($"{(to.IsFloatingPoint() ? "" : "error:")}{(log ? "log_softmax" : "softmax")}/{to}/dim{dim}", [g.Input(d, [2, 3])], new P { To = to, Flag = log, Dim = dim }));
        var ints = new[] { DType.Int64, DType.Int32 };
        yield return new("div/remainder(MinValue, -1)", (x, p) => A(x[0].Div(x[1], RoundingMode.Floor), x[0].Remainder(x[1]), x[0].FloorDivide(x[1])),
            (x, p) => A(x[0].div(x[1], torch.RoundingMode.floor), x[0].remainder(x[1]), x[0].floor_divide(x[1])), ints, (g, d) =>
            {
                double min = d == DType.Int64 ? long.MinValue : int.MinValue;
                // libtorch's trunc division traps (SIGFPE) on MinValue / -1, so only floor division and remainder are asked.
                return Fixed(new Sample("min/-1", [new InputSpec(d, [4], [min, min, 7, -7], [], false), new InputSpec(d, [4], [-1, 1, -1, -1], [], false)], new P()));
            }, Differentiable: false);
        yield return new("in-place partial overlap", (x, p) => p.Mode switch
            {
                "mul_T" => A(x[0].Clone().Let(c => c.Mul_(c.T))),
                "add_shift" => A(x[0].Clone().Let(c => c[..^1].Add_(c[1..]))),
                "copy_T" => A(x[0].Clone().Let(c => c.Copy_(c.T))),
                "add_self" => A(x[0].Clone().Let(c => c.Add_(c))),
                _ => A(x[0].Clone().Let(c => c[0].Sub_(c[1]))),
            },
            (x, p) => p.Mode switch
            {
                "mul_T" => A(x[0].clone().Let(c => c.mul_(c.T))),
                "add_shift" => A(x[0].clone().Let(c => c[..^1].add_(c[1..]))),
                "copy_T" => A(x[0].clone().Let(c => c.copy_(c.T))),
                "add_self" => A(x[0].clone().Let(c => c.add_(c))),
                _ => A(x[0].clone().Let(c => c[0].sub_(c[1]))),
            }, floats, (g, d) => new[] { "mul_T", "add_shift", "copy_T", "add_self", "disjoint" }.Select(mode =>
                new Sample((mode is "add_self" or "disjoint" ? "" : "error:") + mode, [g.Input(d, mode == "add_shift" ? [4] : [2, 2])], new P { Mode = mode })));
        yield return new("adaptive_avg_pool2d(huge output)", (x, p) => A(F.AdaptiveAvgPool2d(x[0], [p.N, p.N])),
            (x, p) => A(torch.nn.functional.adaptive_avg_pool2d(x[0], [p.N, p.N])), floats, (g, d) => Fixed(
            new Sample("error:int.MaxValue", [g.Input(d, [1, 1, 2, 2])], new P { N = int.MaxValue })));
        yield return new("take_along_dim(wrapping)", (x, p) => A(x[0].TakeAlongDim(x[1], 0)), (x, p) => A(x[0].take_along_dim(x[1], 0)), floats, (g, d) => Fixed(
            new Sample("5 of 5, -1, -6", [g.Input(d, [5]), Ix([4], [5, -1, -6, 9])], new P()),
            new Sample("2d", [g.Input(d, [2, 3]), Ix([2, 1], [-1, 3])], new P())));
    }
}

internal static class LetExtensions
{
    /// <summary>Runs an in-place call on a fresh value inside an expression and returns that value.</summary>
    public static T Let<T, TResult>(this T value, Func<T, TResult> body) { body(value); return value; }
}
