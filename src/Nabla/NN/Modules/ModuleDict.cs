namespace Nabla.NN;

/// <summary>
/// torch.nn.ModuleDict: registered children under string keys, in insertion order (use <c>ModuleDict&lt;Module&gt;</c>
/// for mixed kinds). It has no forward.
/// </summary>
public class ModuleDict<T> : Module, IEnumerable<KeyValuePair<string, T>> where T : Module
{
    /// <summary>nn.ModuleDict(modules).</summary>
    public ModuleDict(IEnumerable<KeyValuePair<string, T>>? modules = null)
    {
        if (modules is not null) Update(modules);
    }

    /// <summary>module_dict[key]; setting adds or replaces. Throws KeyNotFoundException for an unknown key and
    /// ArgumentException for a key that is empty or contains ".".</summary>
    public T this[string key]
    {
        get => GetChild(key) is T m ? m : throw new KeyNotFoundException($"'{key}'");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            RegisterModule(key, value);
        }
    }

    /// <summary>len(module_dict).</summary>
    public int Count => ChildSlots.Count();

    /// <summary>module_dict.keys().</summary>
    public IEnumerable<string> Keys => ChildSlots.Select(s => s.Key).ToList();

    /// <summary>module_dict.values().</summary>
    public IEnumerable<T> Values => ChildSlots.Select(s => (T)s.Value!).ToList();

    /// <summary>key in module_dict.</summary>
    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ChildSlots.Any(s => s.Key == key);
    }

    /// <summary>ModuleDict.update: adds or replaces each entry.</summary>
    public void Update(IEnumerable<KeyValuePair<string, T>> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var (key, m) in modules.ToList()) this[key] = m;
    }

    /// <summary>ModuleDict.pop: removes and returns the child under <paramref name="key"/>. Throws KeyNotFoundException for an unknown key.</summary>
    public T Pop(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var m = this[key];
        RemoveChild(key);
        return m;
    }

    /// <summary>ModuleDict.clear.</summary>
    public void Clear() => ResetChildren([]);

    /// <summary>The entries in insertion order.</summary>
    public IEnumerator<KeyValuePair<string, T>> GetEnumerator() =>
        ChildSlots.Select(s => new KeyValuePair<string, T>(s.Key, (T)s.Value!)).ToList().GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
