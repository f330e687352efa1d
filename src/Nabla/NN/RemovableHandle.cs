namespace Nabla.NN;

/// <summary>
/// torch.utils.hooks.RemovableHandle: returned when a hook is registered; <see cref="Remove"/> (or Dispose, for a
/// `using` scope) unregisters it. Removing twice does nothing.
/// </summary>
public sealed class RemovableHandle : IDisposable
{
    private Action? _remove;

    internal RemovableHandle(int id, Action remove)
    {
        Id = id;
        _remove = remove;
    }

    /// <summary>The hook's registration number, unique within the process.</summary>
    public int Id { get; }

    /// <summary>Unregisters the hook (handle.remove()).</summary>
    public void Remove()
    {
        _remove?.Invoke();
        _remove = null;
    }

    /// <summary>Same as <see cref="Remove"/>.</summary>
    public void Dispose() => Remove();
}

/// <summary>
/// Hooks in registration order (or prepended), removable through their handles. Adding, removing and taking a
/// snapshot are locked, so a tensor hook may be registered or removed while another thread runs a backward pass.
/// </summary>
internal sealed class HookList<THook>
{
    private static int _nextId;
    private readonly List<(int Id, THook Hook)> _hooks = [];
    private readonly Lock _lock = new();

    public RemovableHandle Add(THook hook, bool prepend)
    {
        ArgumentNullException.ThrowIfNull(hook);
        int id = Interlocked.Increment(ref _nextId);
        lock (_lock)
        {
            if (prepend) _hooks.Insert(0, (id, hook));
            else _hooks.Add((id, hook));
        }
        return new RemovableHandle(id, () => { lock (_lock) _hooks.RemoveAll(h => h.Id == id); });
    }

    /// <summary>A snapshot, so a hook may remove itself while the hooks run.</summary>
    public THook[] Snapshot()
    {
        lock (_lock) return _hooks.Count == 0 ? [] : _hooks.Select(h => h.Hook).ToArray();
    }
}
