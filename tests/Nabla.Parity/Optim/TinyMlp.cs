using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace Nabla.Parity.Optim;

/// <summary>
/// A fixed two-layer MLP regression (tanh hidden layer, mean squared error) in libtorch, the model the optimizer
/// trajectories train: deterministic data and initial weights, gradients from libtorch's autograd.
/// </summary>
internal sealed class TinyMlp
{
    public static readonly int[][] Shapes = [[8, 4], [8], [3, 8], [3]];

    private readonly TT _x = torch.tensor(Values(16 * 4, 1), [16, 4]);
    private readonly TT _y = torch.tensor(Values(16 * 3, 2), [16, 3]);

    /// <summary>Deterministic values in about [-1, 1]: sin of a scrambled index.</summary>
    public static float[] Values(int n, int seed) =>
        Enumerable.Range(0, n).Select(i => (float)Math.Sin(i * 12.9898 + seed * 78.233) * 0.9f).ToArray();

    /// <summary>The initial parameters W1, b1, W2, b2 as float arrays.</summary>
    public static float[][] InitialValues() =>
        Shapes.Select((s, k) => Values(s.Aggregate(1, (a, b) => a * b), 10 + k).Select(v => v * 0.5f).ToArray()).ToArray();

    /// <summary>The loss's gradients with respect to <paramref name="parameters"/> (W1, b1, W2, b2).</summary>
    public TT[] Gradients(TT[] parameters)
    {
        using var enable = torch.enable_grad();
        var leaves = parameters.Select(p => p.detach().requires_grad_()).ToArray();
        var hidden = torch.tanh(_x.matmul(leaves[0].t()) + leaves[1]);
        var output = hidden.matmul(leaves[2].t()) + leaves[3];
        var loss = (output - _y).pow(2).mean();
        return torch.autograd.grad([loss], leaves).Select(g => g.detach()).ToArray();
    }
}
