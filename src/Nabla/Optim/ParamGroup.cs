using System.Runtime.CompilerServices;
using Nabla.Core;

namespace Nabla.Optim;

/// <summary>
/// One entry of torch.optim.Optimizer.param_groups: the parameters of the group and its options
/// ("lr", "momentum", "betas", ...) under PyTorch's keys. Schedulers read and write the options here
/// (and add keys such as "initial_lr", as PyTorch's do).
/// </summary>
public sealed class ParamGroup
{
    private readonly Dictionary<string, object?> _options;

    internal ParamGroup(List<Tensor> parameters, Dictionary<string, object?> options)
    {
        Params = parameters;
        _options = options;
    }

    /// <summary>The group's parameters, in the order they were given (group["params"]).</summary>
    public IReadOnlyList<Tensor> Params { get; }

    /// <summary>The option names the group holds (every key but "params").</summary>
    public IEnumerable<string> Keys => _options.Keys;

    /// <summary>group[key]. Throws <see cref="KeyNotFoundException"/> naming the key when the group lacks it.</summary>
    public object? this[string key]
    {
        get => _options.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"param group has no option '{key}'");
        set => _options[key] = value;
    }

    /// <summary>Whether the group holds option <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => _options.ContainsKey(key);

    /// <summary>The learning rate, group["lr"].</summary>
    public double Lr
    {
        get => Double("lr");
        set => _options["lr"] = value;
    }

    /// <summary>Option <paramref name="key"/> as a double (ints and bools as Python would convert them).</summary>
    public double Double(string key) => OptionValues.ToDouble(this[key], key);

    /// <summary>Option <paramref name="key"/> as a bool.</summary>
    public bool Bool(string key) => OptionValues.ToBool(this[key], key);

    /// <summary>A pair option such as "betas", stored as a tuple or a two-element list.</summary>
    public (double, double) Pair(string key) => OptionValues.ToPair(this[key], key);

    internal IReadOnlyDictionary<string, object?> Options => _options;
}

/// <summary>
/// A parameter group to construct an optimizer with, like PyTorch's <c>{"params": ..., "lr": 0.1}</c>:
/// <c>new ParamGroupSpec(layer.Parameters()) { ["lr"] = 0.1 }</c>. Options it does not set come from the optimizer's defaults.
/// </summary>
public sealed class ParamGroupSpec(IEnumerable<Tensor> parameters)
{
    /// <summary>The group's parameters.</summary>
    public IEnumerable<Tensor> Params { get; } = parameters;

    /// <summary>Options overriding the optimizer's defaults for this group.</summary>
    public Dictionary<string, object?> Options { get; } = new();

    /// <summary>Sets option <paramref name="key"/> (for object initializers).</summary>
    public object? this[string key]
    {
        get => Options[key];
        set => Options[key] = value;
    }
}

/// <summary>Conversions of option values (boxed doubles, longs from a loaded pickle, tuples) to typed values.</summary>
internal static class OptionValues
{
    public static double ToDouble(object? v, string key) => v switch
    {
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        bool b => b ? 1 : 0,
        _ => throw Errors.Runtime($"param group option '{key}' must be a number, got {Describe(v)}"),
    };

    public static bool ToBool(object? v, string key) => v switch
    {
        bool b => b,
        long l => l != 0,
        int i => i != 0,
        _ => throw Errors.Runtime($"param group option '{key}' must be a bool, got {Describe(v)}"),
    };

    public static (double, double) ToPair(object? v, string key)
    {
        if (v is ITuple { Length: 2 } t) return (ToDouble(t[0], key), ToDouble(t[1], key));
        if (v is System.Collections.IList { Count: 2 } list) return (ToDouble(list[0], key), ToDouble(list[1], key));
        throw Errors.Runtime($"param group option '{key}' must be a pair of numbers, got {Describe(v)}");
    }

    private static string Describe(object? v) => v is null ? "None" : v.GetType().Name;

    /// <summary>Python's repr of a float (shortest round-trip digits, "1e-08", "0.0001", "inf"), for messages.</summary>
    public static string Repr(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        // Shortest digits that round-trip, as Python's repr uses.
        var shortest = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var sign = value < 0 || (value == 0 && double.IsNegative(value)) ? "-" : "";
        string digits; int exponent;
        {
            var s = shortest.TrimStart('-');
            int e = 0;
            int ePos = s.IndexOfAny(['E', 'e']);
            if (ePos >= 0) { e = int.Parse(s[(ePos + 1)..], System.Globalization.CultureInfo.InvariantCulture); s = s[..ePos]; }
            int dot = s.IndexOf('.');
            string intPart = dot >= 0 ? s[..dot] : s, frac = dot >= 0 ? s[(dot + 1)..] : "";
            var all = (intPart + frac).TrimStart('0');
            int lead = (intPart + frac).Length - all.Length;
            exponent = intPart.Length - 1 - lead + e;
            digits = all.TrimEnd('0');
            if (digits.Length == 0) { digits = "0"; exponent = 0; }
        }
        if (exponent < -4 || exponent >= 16)
        {
            var mant = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
            return $"{sign}{mant}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }
        if (exponent < 0) return $"{sign}0.{new string('0', -exponent - 1)}{digits}";
        if (digits.Length <= exponent + 1) return $"{sign}{digits}{new string('0', exponent + 1 - digits.Length)}.0";
        return $"{sign}{digits[..(exponent + 1)]}.{digits[(exponent + 1)..]}";
    }
}
