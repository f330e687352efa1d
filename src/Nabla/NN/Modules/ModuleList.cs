using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// torch.nn.ModuleList: a list of registered children named "0", "1", ... (use <c>ModuleList&lt;Module&gt;</c> for
/// mixed kinds). It has no forward; its repr folds runs of equal children into "(0-2): 3 x Linear(...)" as PyTorch's does.
/// </summary>
public class ModuleList<T> : Module, IEnumerable<T> where T : Module
{
    /// <summary>nn.ModuleList(modules).</summary>
    public ModuleList(params IEnumerable<T> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        Extend(modules);
    }

    private List<T> Items => ChildSlots.Select(s => (T)s.Value!).ToList();

    /// <summary>len(module_list).</summary>
    public int Count => ChildSlots.Count();

    /// <summary>module_list[index] by position (negative from the end); setting replaces that child. Throws IndexException when out of range.</summary>
    public T this[int index]
    {
        get => Items[PositionalChildren.Wrap(index, Count)];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            RegisterModule(PositionalChildren.Wrap(index, Count).ToString(System.Globalization.CultureInfo.InvariantCulture), value);
        }
    }

    /// <summary>module_list[a:b]: a new ModuleList of those children, renumbered from 0.</summary>
    public ModuleList<T> this[Range range]
    {
        get
        {
            var items = Items;
            var (start, length) = range.GetOffsetAndLength(items.Count);
            return new ModuleList<T>(items.GetRange(start, length));
        }
    }

    /// <summary>ModuleList.append.</summary>
    public ModuleList<T> Append(T module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        return this;
    }

    /// <summary>ModuleList.extend.</summary>
    public ModuleList<T> Extend(IEnumerable<T> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules.ToList()) Append(m);
        return this;
    }

    /// <summary>ModuleList.insert: puts <paramref name="module"/> before position <paramref name="index"/> (in [-len, len]) and renumbers.
    /// Throws IndexException "Index out of range: i" otherwise.</summary>
    public void Insert(int index, T module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var items = Items;
        if (index < -items.Count || index > items.Count) throw Errors.Index($"Index out of range: {index}");
        items.Insert(index < 0 ? index + items.Count : index, module);
        ResetChildren(PositionalChildren.Numbered(items));
    }

    /// <summary>ModuleList.pop / del module_list[index]: removes that child, renumbers the rest, and returns it.</summary>
    public T Pop(int index)
    {
        var items = Items;
        int at = PositionalChildren.Wrap(index, items.Count);
        var removed = items[at];
        items.RemoveAt(at);
        ResetChildren(PositionalChildren.Numbered(items));
        return removed;
    }

    /// <summary>The children in order.</summary>
    public IEnumerator<T> GetEnumerator() => Items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>PyTorch's ModuleList repr: consecutive children with equal reprs print once as "(i-j): n x repr".</summary>
    public override string ToString()
    {
        var reprs = Items.Select(m => m.ToString()).ToList();
        if (reprs.Count == 0) return TypeName + "()";
        var lines = new List<string>();
        for (int start = 0; start < reprs.Count;)
        {
            int end = start;
            while (end + 1 < reprs.Count && reprs[end + 1] == reprs[start]) end++;
            var line = start == end ? $"({start}): {reprs[start]}" : $"({start}-{end}): {end - start + 1} x {reprs[start]}";
            lines.Add(Indent(line, 2));
            start = end + 1;
        }
        return TypeName + "(\n  " + string.Join("\n  ", lines) + "\n)";
    }
}
