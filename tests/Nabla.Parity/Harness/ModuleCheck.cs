using Nabla.NN;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace Nabla.Parity.Harness;

/// <summary>
/// Helpers for module-level parity: the same weights in a Nabla module and a TorchSharp (libtorch) one, outputs and
/// gradients under one random cotangent, failures collected and reported together.
/// </summary>
public sealed class ModuleCheck
{
    private readonly List<string> _fails = [];

    /// <summary>The torch leaf with the values of <paramref name="x"/>.</summary>
    public static TT T(Tensor x, bool requiresGrad = false) => InputSpec.TorchFromNabla(x.Detach(), requiresGrad);

    /// <summary>Copies every named parameter (and buffer) of <paramref name="source"/> into the one of the same name in <paramref name="target"/>, except the names in <paramref name="skip"/>.</summary>
    public static void CopyState(Module source, torch.nn.Module target, params string[] skip)
    {
        var state = source.StateDict();
        using var noGrad = torch.no_grad();
        foreach (var (name, t) in target.state_dict())
            if (!skip.Contains(name) && state.TryGetValue(name, out var value)) t.copy_(T(value));
    }

    /// <summary>Records a failure unless <paramref name="n"/> equals <paramref name="t"/> within assert_close's tolerances.</summary>
    public void Same(Tensor? n, TT? t, string what)
    {
        if (n is null || t is null)
        {
            if (n is not null || t is not null) _fails.Add($"{what}: Nabla {(n is null ? "null" : "a tensor")}, torch {(t is null ? "null" : "a tensor")}");
            return;
        }
        Runner.CompareTensor(n, t, what, (c, d) => _fails.Add(c + " " + d), "dtype", "shape", "values");
    }

    /// <summary>Records a failure unless the two hold bit-identical values (initial weights after the same seed).</summary>
    public void Bits(Tensor n, TT t, string what)
    {
        try { InitParityTests.AssertBitsEqual(n, t, what); }
        catch (Exception e) when (e is Xunit.Sdk.XunitException) { _fails.Add(e.Message); }
    }

    /// <summary>
    /// Compares the outputs, then backpropagates one random cotangent through both and compares the gradients of each
    /// pair of leaves (the Nabla leaf named by the torch one's position).
    /// </summary>
    public void OutputAndGradients(Tensor y, TT ty, string what, params (Tensor N, TT T, string Name)[] leaves)
    {
        Same(y, ty, what + " output");
        var g = Tensor.Randn(y.Shape, dtype: y.DType);
        y.Backward(g);
        ty.backward([T(g)]);
        foreach (var (n, t, name) in leaves) Same(n.Grad, t.grad, $"{what} grad {name}");
    }

    /// <summary>Records a failure directly.</summary>
    public void Fail(string message) => _fails.Add(message);

    /// <summary>Fails the test listing every recorded failure.</summary>
    public void Assert() => Xunit.Assert.True(_fails.Count == 0, string.Join("\n", _fails));
}
