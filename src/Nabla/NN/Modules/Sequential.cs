using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// torch.nn.Sequential: runs its children in order, each on the previous one's output. Children are named "0", "1", ...
/// unless given names; indexing is by position (negative from the end), a range gives a Sequential of that slice.
/// </summary>
public class Sequential : Module<Tensor, Tensor>, IEnumerable<Module<Tensor, Tensor>>
{
    /// <summary>nn.Sequential(*modules): children named by position.</summary>
    public Sequential(params Module<Tensor, Tensor>[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Append(m);
    }

    /// <summary>nn.Sequential(OrderedDict(...)): children under the given names.</summary>
    public Sequential(IEnumerable<(string Name, Module<Tensor, Tensor> Module)> namedModules)
    {
        ArgumentNullException.ThrowIfNull(namedModules);
        foreach (var (name, m) in namedModules) RegisterModule(name, m);
    }

    private List<KeyValuePair<string, Module?>> Slots => ChildSlots.Where(s => s.Value is not null).ToList();

    /// <summary>len(sequential).</summary>
    public int Count => Slots.Count;

    /// <summary>sequential[index], by position; setting replaces the child at that position under its name.
    /// Throws IndexException when out of range.</summary>
    public Module<Tensor, Tensor> this[int index]
    {
        get => (Module<Tensor, Tensor>)Slots[PositionalChildren.Wrap(index, Count)].Value!;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            RegisterModule(Slots[PositionalChildren.Wrap(index, Count)].Key, value);
        }
    }

    /// <summary>sequential[a:b]: a new Sequential of those children, keeping their names.</summary>
    public Sequential this[Range range]
    {
        get
        {
            var slots = Slots;
            var (start, length) = range.GetOffsetAndLength(slots.Count);
            return new Sequential(slots.Skip(start).Take(length).Select(s => (s.Key, (Module<Tensor, Tensor>)s.Value!)));
        }
    }

    /// <summary>Sequential.append: adds <paramref name="module"/> at the end, named by its position.</summary>
    public Sequential Append(Module<Tensor, Tensor> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        return this;
    }

    /// <summary>Sequential.extend: appends each module.</summary>
    public Sequential Extend(IEnumerable<Module<Tensor, Tensor>> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules.ToList()) Append(m);
        return this;
    }

    /// <summary>Sequential.insert: puts <paramref name="module"/> at position <paramref name="index"/> (in [-len, len]) and
    /// renumbers the children. Throws IndexException "Index out of range: i" otherwise.</summary>
    public Sequential Insert(int index, Module<Tensor, Tensor> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var list = this.Cast<Module>().ToList();
        if (index < -list.Count || index > list.Count) throw Errors.Index($"Index out of range: {index}");
        list.Insert(index < 0 ? index + list.Count : index, module);
        ResetChildren(PositionalChildren.Numbered(list));
        return this;
    }

    /// <summary>Sequential.pop / del sequential[index]: removes the child at that position, renumbers the rest, and returns it.</summary>
    public Module<Tensor, Tensor> Pop(int index)
    {
        var removed = this[index];
        var list = this.Cast<Module>().ToList();
        list.RemoveAt(PositionalChildren.Wrap(index, list.Count));
        ResetChildren(PositionalChildren.Numbered(list));
        return removed;
    }

    /// <summary>Runs each child on the previous one's output (through <see cref="Module{TInput, TOutput}.Call"/>, so their hooks run).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (var module in this) input = module.Call(input);
        return input;
    }

    /// <summary>The children in order.</summary>
    public IEnumerator<Module<Tensor, Tensor>> GetEnumerator() =>
        Slots.Select(s => (Module<Tensor, Tensor>)s.Value!).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
