using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// The Module methods that return the module itself (torch's `return self`), as extensions so the result keeps the
/// module's own type: <c>var net = new Net().Eval();</c>.
/// </summary>
public static class ModuleExtensions
{
    /// <summary>torch.nn.Module.train: sets <see cref="Module.Training"/> on the module and all its descendants.</summary>
    public static T Train<T>(this T module, bool mode = true) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        foreach (var m in module.Modules()) m.Training = mode;
        return module;
    }

    /// <summary>torch.nn.Module.eval: Train(false).</summary>
    public static T Eval<T>(this T module) where T : Module => module.Train(false);

    /// <summary>torch.nn.Module.requires_grad_: sets requires_grad on every parameter.</summary>
    public static T RequiresGrad_<T>(this T module, bool requiresGrad = true) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        foreach (var p in module.Parameters()) p.RequiresGrad_(requiresGrad);
        return module;
    }

    /// <summary>torch.nn.Module.apply: calls <paramref name="fn"/> on every descendant (children first, depth first), then on the module.</summary>
    public static T Apply<T>(this T module, Action<Module> fn) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(fn);
        ApplyRecursive(module, fn);
        return module;
    }

    private static void ApplyRecursive(Module module, Action<Module> fn)
    {
        foreach (var child in module.Children()) ApplyRecursive(child, fn);
        fn(module);
    }

    /// <summary>
    /// torch.nn.Module.to(dtype): converts every floating-point parameter, gradient and buffer to <paramref name="dtype"/>
    /// (integer ones, such as num_batches_tracked, stay). Parameters keep their identity, so an optimizer built
    /// before still holds them. Throws ArgumentException for a non-floating dtype, as PyTorch does.
    /// </summary>
    public static T To<T>(this T module, DType dtype) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!dtype.IsFloatingPoint())
            throw Errors.Runtime($"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={dtype.TorchName()}");
        module.ApplyToTensors(t => t.IsFloatingPoint && t.DType != dtype ? t.To(dtype) : t);
        return module;
    }

    /// <summary>torch.nn.Module.float: To(Float32).</summary>
    public static T Float<T>(this T module) where T : Module => module.To(DType.Float32);

    /// <summary>torch.nn.Module.double: To(Float64).</summary>
    public static T Double<T>(this T module) where T : Module => module.To(DType.Float64);
}
