using Nabla.Core;

namespace Nabla.NN;

/// <summary>Index checks and renumbering shared by the positional containers (Sequential, ModuleList).</summary>
internal static class PositionalChildren
{
    /// <summary>A position in [-count, count) made non-negative; IndexError "index i is out of range" otherwise.</summary>
    public static int Wrap(int index, int count)
    {
        if (index < -count || index >= count) throw Errors.Index($"index {index} is out of range");
        return index < 0 ? index + count : index;
    }

    /// <summary>Children named "0", "1", ... in order.</summary>
    public static IEnumerable<KeyValuePair<string, Module?>> Numbered(IEnumerable<Module> modules) =>
        modules.Select((m, i) => new KeyValuePair<string, Module?>(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m));
}
