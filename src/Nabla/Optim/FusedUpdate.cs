using System.Numerics;
using Nabla.Core;
using Nabla.Kernels;

namespace Nabla.Optim;

/// <summary>
/// One optimizer's per-element update, run over dense spans of a parameter, its gradient and up to three
/// state buffers of the same length. Hyper-parameters travel in the struct; the body converts them to
/// the element type once, as ATen converts a Python scalar to the tensor's type.
/// </summary>
internal interface IFusedUpdate
{
    void Run<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>
/// Drives <see cref="IFusedUpdate"/> bodies: checks the buffers, hands out spans over storage (no copies for
/// dense tensors), writes back parameters that are not contiguous, and bumps version counters as in-place ops do.
/// The element helpers round like ATen's vectorized CPU kernels: add with alpha and lerp are fused multiply-adds
/// (vec::fmadd), addcmul/addcdiv are self + value * t1 (*|/) t2 with a rounding after each operation.
/// </summary>
internal static class FusedUpdate
{
    public static void Apply<TU>(Tensor param, Tensor grad, TU update, Tensor? a = null, Tensor? b = null, Tensor? c = null)
        where TU : struct, IFusedUpdate
    {
        foreach (var s in (ReadOnlySpan<Tensor?>)[a, b, c])
            if (s is not null && (s.DType != param.DType || !s.Sizes.SequenceEqual(param.Sizes) || !s.IsContiguous()))
                throw Errors.Runtime($"optimizer: a state buffer ({s.DType.TorchName()}, shape {Errors.Shape(s.Sizes)}) does not match its parameter ({param.DType.TorchName()}, shape {Errors.Shape(param.Sizes)})");
        var dense = param.IsContiguous() ? param : param.Detach().Contiguous();
        var g = grad.IsContiguous() ? grad : grad.Detach().Contiguous();
        switch (param.DType)
        {
            case DType.Float32: update.Run(Span<float>(dense), Span<float>(g), Span<float>(a), Span<float>(b), Span<float>(c)); break;
            case DType.Float64: update.Run(Span<double>(dense), Span<double>(g), Span<double>(a), Span<double>(b), Span<double>(c)); break;
            default: throw Errors.Runtime($"optimizer: parameters must be floating point, got {param.DType.TorchName()}");
        }
        if (!ReferenceEquals(dense, param)) Copy.Into(dense, param.Detach());
        param.VersionCounter.Bump();
        a?.VersionCounter.Bump();
        b?.VersionCounter.Bump();
        c?.VersionCounter.Bump();
    }

    private static Span<T> Span<T>(Tensor? t) => t is null ? default : t.Data<T>().AsSpan(t.Layout.Offset, t.Numel);

    /// <summary>step_t += 1 on the 0-d float32 "step" tensor; returns step_t.item().</summary>
    public static double IncrementStep(Tensor step)
    {
        if (step.DType != DType.Float32 || step.Numel != 1)
            throw Errors.Runtime($"optimizer: state 'step' must be a one-element float32 tensor, got {step.DType.TorchName()} of shape {Errors.Shape(step.Sizes)}");
        ref float s = ref step.Data<float>()[step.Layout.Offset];
        s += 1f;
        step.VersionCounter.Bump();
        return s;
    }

    /// <summary>Reads a one-element float32 state scalar such as NAdam's mu_product.</summary>
    public static ref float ScalarRef(Tensor t, string name)
    {
        if (t.DType != DType.Float32 || t.Numel != 1)
            throw Errors.Runtime($"optimizer: state '{name}' must be a one-element float32 tensor, got {t.DType.TorchName()} of shape {Errors.Shape(t.Sizes)}");
        return ref t.Data<float>()[t.Layout.Offset];
    }

    /// <summary>Zeroes a tensor's elements in place (zero_ without autograd), bumping its version.</summary>
    public static void Zero(Tensor t)
    {
        if (t.IsContiguous()) Array.Clear(t.Storage.Data, t.Layout.Offset, t.Numel);
        else t.FillRaw(0);
        t.VersionCounter.Bump();
    }

    /// <summary>A Python float as ATen converts a scalar argument for a tensor of type <typeparamref name="T"/>.</summary>
    public static T S<T>(double value) where T : IFloatingPointIeee754<T> => T.CreateTruncating(value);

    /// <summary>self.add(other, alpha): vec::fmadd(other, alpha, self).</summary>
    public static T AddScaled<T>(T self, T other, T alpha) where T : IFloatingPointIeee754<T> => T.FusedMultiplyAdd(other, alpha, self);

    /// <summary>self.lerp(end, weight) as ATen's vectorized lerp: weight·(end − self) + self for |weight| &lt; 0.5, else (weight − 1)·(end − self) + end.</summary>
    public static T Lerp<T>(T self, T end, T weight) where T : IFloatingPointIeee754<T> =>
        T.Abs(weight) < T.CreateTruncating(0.5)
            ? T.FusedMultiplyAdd(weight, end - self, self)
            : T.FusedMultiplyAdd(weight - T.One, end - self, end);

    /// <summary>self.addcmul(t1, t2, value): self + value * t1 * t2.</summary>
    public static T Addcmul<T>(T self, T t1, T t2, T value) where T : IFloatingPointIeee754<T> => self + value * t1 * t2;

    /// <summary>self.addcdiv(t1, t2, value): self + value * t1 / t2.</summary>
    public static T Addcdiv<T>(T self, T t1, T t2, T value) where T : IFloatingPointIeee754<T> => self + value * t1 / t2;

    /// <summary>The gradient as PyTorch's loops first form it: negated when maximizing, then plus weight_decay·param (grad.add(param, alpha=wd)).</summary>
    public static T Grad<T>(T g, T p, bool maximize, bool decay, T weightDecay) where T : IFloatingPointIeee754<T>
    {
        if (maximize) g = -g;
        return decay ? AddScaled(g, p, weightDecay) : g;
    }
}
