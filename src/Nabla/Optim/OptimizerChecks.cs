using Nabla.Core;

namespace Nabla.Optim;

/// <summary>The option checks PyTorch's optimizer constructors make, with their ValueError texts.</summary>
internal static class OptimizerChecks
{
    /// <summary>Throws "{message}: {value}" when group[key] is negative (e.g. "Invalid learning rate: -0.1").</summary>
    public static void NonNegative(ParamGroup group, string key, string message)
    {
        double v = group.Double(key);
        if (!(v >= 0)) throw Errors.Runtime($"{message}: {OptionValues.Repr(v)}");
    }

    /// <summary>The checks of the Adam family: lr, eps, betas and weight_decay, in PyTorch's order.</summary>
    public static void AdamFamily(ParamGroup group)
    {
        NonNegative(group, "lr", "Invalid learning rate");
        NonNegative(group, "eps", "Invalid epsilon value");
        Betas(group);
        NonNegative(group, "weight_decay", "Invalid weight_decay value");
    }

    /// <summary>Checks "betas": each in [0, 1), with PyTorch's per-index message.</summary>
    public static void Betas(ParamGroup group)
    {
        var (b1, b2) = group.Pair("betas");
        if (!(b1 >= 0 && b1 < 1)) throw Errors.Runtime($"Invalid beta parameter at index 0: {OptionValues.Repr(b1)}");
        if (!(b2 >= 0 && b2 < 1)) throw Errors.Runtime($"Invalid beta parameter at index 1: {OptionValues.Repr(b2)}");
    }
}
