using Nabla.Core;

namespace Nabla.NN;

/// <summary>
/// torch.nn.Module: a node of a model tree holding parameters, buffers and child modules, each registered under a
/// name by an explicit call (no reflection). Traversal yields PyTorch's dotted names ("features.0.weight") in
/// registration order, so state dicts, reprs and parameter orders line up with PyTorch's for a model built the same way.
/// Subclass <see cref="Module{TInput, TOutput}"/> for a module with a forward pass.
/// </summary>
public abstract class Module
{
    private readonly OrderedDictionary<string, Tensor?> _parameters = [];
    private readonly OrderedDictionary<string, Tensor?> _buffers = [];
    private readonly HashSet<string> _nonPersistentBuffers = [];
    private readonly OrderedDictionary<string, Module?> _modules = [];

    /// <summary>torch.nn.Module.training: true in training mode (the default), false after <see cref="ModuleExtensions.Eval"/>.
    /// Setting it changes this module only; <see cref="ModuleExtensions.Train"/> sets the whole tree.</summary>
    public bool Training { get; set; } = true;

    /// <summary>The class name printed by the repr (torch's _get_name), without a generic arity suffix.</summary>
    public virtual string TypeName
    {
        get
        {
            var name = GetType().Name;
            int tick = name.IndexOf('`');
            return tick < 0 ? name : name[..tick];
        }
    }

    /// <summary>torch.nn.Module.extra_repr: the module's settings printed inside its repr's parentheses.</summary>
    public virtual string ExtraRepr() => "";

    // ---- registration ----

    /// <summary>
    /// torch.nn.Module.register_parameter: adds (or replaces) the parameter <paramref name="name"/>; null registers an
    /// empty slot (an absent bias). Throws ArgumentException for an empty or dotted name, a name taken by a buffer or
    /// module, a tensor that is not a <see cref="Parameter"/>, or a non-leaf tensor.
    /// </summary>
    public void RegisterParameter(string name, Tensor? parameter)
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckName(name, "parameter", _parameters);
        if (parameter is not null)
        {
            if (!parameter.IsParameter)
                throw Errors.Runtime($"cannot assign 'torch.{parameter.DType.ScalarTypeName()}Tensor' object to parameter '{name}' (torch.nn.Parameter or None required)");
            if (!parameter.IsLeaf)
                throw Errors.Runtime($"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created explicitly. To express '{name}' as a function of another Tensor, compute the value in the forward() method.");
        }
        _parameters[name] = parameter;
    }

    /// <summary>
    /// torch.nn.Module.register_buffer: adds (or replaces) a tensor that is state but not a parameter (running
    /// statistics). A non-persistent buffer is left out of <see cref="StateDict"/>. Throws ArgumentException for an
    /// empty or dotted name or a name taken by a parameter or module.
    /// </summary>
    public void RegisterBuffer(string name, Tensor? tensor, bool persistent = true)
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckName(name, "buffer", _buffers);
        _buffers[name] = tensor;
        if (persistent) _nonPersistentBuffers.Remove(name);
        else _nonPersistentBuffers.Add(name);
    }

    /// <summary>
    /// torch.nn.Module.register_module (add_module): adds (or replaces) the child <paramref name="name"/> and returns it,
    /// so a constructor can keep it in a field. Throws ArgumentException for an empty or dotted name or a name taken
    /// by a parameter or buffer.
    /// </summary>
    public T RegisterModule<T>(string name, T module) where T : Module?
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckName(name, "module", _modules);
        _modules[name] = module;
        return module;
    }

    private void CheckName<T>(string name, string kind, OrderedDictionary<string, T> own)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Contains('.'))
            throw Errors.Runtime(kind == "module" ? $"module name can't contain \".\", got: {name}" : $"{kind} name can't contain \".\"");
        if (name.Length == 0) throw Errors.Runtime($"{kind} name can't be empty string \"\"");
        bool taken = (_parameters.ContainsKey(name) || _buffers.ContainsKey(name) || _modules.ContainsKey(name)) && !own.ContainsKey(name);
        if (taken) throw Errors.Runtime($"attribute '{name}' already exists");
    }

    /// <summary>The registered parameter <paramref name="name"/> of this module itself (null for an empty slot), for
    /// the typed properties of subclasses. Throws ArgumentException when no parameter has that name.</summary>
    protected Tensor? ParameterSlot(string name) =>
        _parameters.TryGetValue(name, out var p) ? p : throw Errors.Runtime($"'{TypeName}' object has no parameter '{name}'");

    /// <summary>The registered buffer <paramref name="name"/> of this module itself (null for an empty slot), for the
    /// typed properties of subclasses. Throws ArgumentException when no buffer has that name.</summary>
    protected Tensor? BufferSlot(string name) =>
        _buffers.TryGetValue(name, out var b) ? b : throw Errors.Runtime($"'{TypeName}' object has no buffer '{name}'");

    /// <summary>
    /// torch.nn.Module.get_submodule: the module at the dotted path <paramref name="target"/> ("features.0"; "" is this
    /// module). Throws ArgumentException (PyTorch's AttributeError) with PyTorch's words: "&lt;Type&gt; has no attribute
    /// `x`" when a step names nothing registered, "`x` is not an nn.Module" when it names a parameter, a buffer or an
    /// empty slot.
    /// </summary>
    public Module GetSubmodule(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Length == 0) return this;
        var module = this;
        foreach (var item in target.Split('.'))
        {
            if (!module.HasAttribute(item)) throw Errors.Runtime($"{module.TypeName} has no attribute `{item}`");
            if (!module._modules.TryGetValue(item, out var child) || child is null) throw Errors.Runtime($"`{item}` is not an nn.Module");
            module = child;
        }
        return module;
    }

    /// <summary>
    /// torch.nn.Module.get_parameter: the parameter at the dotted path <paramref name="target"/> ("encoder.0.weight").
    /// Throws ArgumentException (PyTorch's AttributeError) with PyTorch's words when the module path fails (see
    /// <see cref="GetSubmodule"/>), when the last name is not registered ("&lt;Type&gt; has no attribute `x`"), or when
    /// it names a buffer, a child or an empty slot ("`x` is not an nn.Parameter").
    /// </summary>
    public Tensor GetParameter(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var (module, name) = OwnerOf(target);
        return module._parameters.TryGetValue(name, out var p) && p is not null ? p : throw Errors.Runtime($"`{name}` is not an nn.Parameter");
    }

    /// <summary>
    /// torch.nn.Module.get_buffer: the buffer at the dotted path <paramref name="target"/> ("bn.running_mean"); null for
    /// a buffer slot registered as None, as PyTorch returns None. Throws ArgumentException (PyTorch's AttributeError)
    /// with PyTorch's words when the module path fails (see <see cref="GetSubmodule"/>), when the last name is not
    /// registered ("&lt;Type&gt; has no attribute `x`"), or when it names a parameter or a child ("`x` is not a buffer").
    /// </summary>
    public Tensor? GetBuffer(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var (module, name) = OwnerOf(target);
        return module._buffers.TryGetValue(name, out var b) ? b : throw Errors.Runtime($"`{name}` is not a buffer");
    }

    /// <summary>torch's target.rpartition("."): the module holding the last name of <paramref name="target"/>, and that name,
    /// which must be registered there.</summary>
    private (Module Module, string Name) OwnerOf(string target)
    {
        int dot = target.LastIndexOf('.');
        var module = GetSubmodule(dot < 0 ? "" : target[..dot]);
        var name = target[(dot + 1)..];
        if (!module.HasAttribute(name)) throw Errors.Runtime($"{module.TypeName} has no attribute `{name}`");
        return (module, name);
    }

    /// <summary>Python's hasattr for the names a module registers: a parameter, buffer or child slot, empty or not.</summary>
    private bool HasAttribute(string name) => _parameters.ContainsKey(name) || _buffers.ContainsKey(name) || _modules.ContainsKey(name);

    /// <summary>The child module registered as <paramref name="name"/>, or null when there is none (or an empty slot).</summary>
    protected Module? GetChild(string name) => _modules.TryGetValue(name, out var m) ? m : null;

    /// <summary>Removes the child registered as <paramref name="name"/> (del module[name]); true when there was one.</summary>
    protected bool RemoveChild(string name) => _modules.Remove(name);

    /// <summary>Replaces all children at once (the containers renumber after an insert or removal).</summary>
    private protected void ResetChildren(IEnumerable<KeyValuePair<string, Module?>> children)
    {
        var copy = children.ToList();
        _modules.Clear();
        foreach (var (name, child) in copy) _modules[name] = child;
    }

    /// <summary>The names and entries of this module's own children, empty slots included, in registration order.</summary>
    private protected IEnumerable<KeyValuePair<string, Module?>> ChildSlots => _modules;

    // ---- traversal ----

    /// <summary>torch.nn.Module.named_parameters: every parameter with its dotted name, this module's first, then
    /// each child's depth first; a parameter shared by two modules is listed once unless <paramref name="removeDuplicate"/> is false.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(string prefix = "", bool recurse = true, bool removeDuplicate = true) =>
        NamedMembers(m => m._parameters, prefix, recurse, removeDuplicate);

    /// <summary>torch.nn.Module.parameters: the tensors of <see cref="NamedParameters"/>, in the same order (the order optimizers see).</summary>
    public IEnumerable<Tensor> Parameters(bool recurse = true) => NamedParameters(recurse: recurse).Select(p => p.Parameter);

    /// <summary>torch.nn.Module.named_buffers: every buffer (persistent or not) with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "", bool recurse = true, bool removeDuplicate = true) =>
        NamedMembers(m => m._buffers, prefix, recurse, removeDuplicate);

    /// <summary>torch.nn.Module.buffers: the tensors of <see cref="NamedBuffers"/>.</summary>
    public IEnumerable<Tensor> Buffers(bool recurse = true) => NamedBuffers(recurse: recurse).Select(b => b.Buffer);

    /// <summary>torch.nn.Module.named_children: the direct children with their names, each module once.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        foreach (var (name, child) in _modules)
            if (child is not null && seen.Add(child)) yield return (name, child);
    }

    /// <summary>torch.nn.Module.children: the direct children.</summary>
    public IEnumerable<Module> Children() => NamedChildren().Select(c => c.Module);

    /// <summary>torch.nn.Module.named_modules: this module (named <paramref name="prefix"/>) and all descendants, depth first,
    /// each module once unless <paramref name="removeDuplicate"/> is false.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "", bool removeDuplicate = true) =>
        NamedModules(new HashSet<Module>(ReferenceEqualityComparer.Instance), prefix, removeDuplicate);

    private IEnumerable<(string Name, Module Module)> NamedModules(HashSet<Module> memo, string prefix, bool removeDuplicate)
    {
        if (memo.Contains(this)) yield break;
        if (removeDuplicate) memo.Add(this);
        yield return (prefix, this);
        foreach (var (name, child) in _modules)
        {
            if (child is null) continue;
            foreach (var item in child.NamedModules(memo, Join(prefix, name), removeDuplicate)) yield return item;
        }
    }

    /// <summary>torch.nn.Module.modules: this module and all descendants.</summary>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    private IEnumerable<(string, Tensor)> NamedMembers(Func<Module, OrderedDictionary<string, Tensor?>> members, string prefix, bool recurse, bool removeDuplicate)
    {
        var modules = recurse ? NamedModules(prefix, removeDuplicate) : [(prefix, this)];
        var memo = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (modulePrefix, module) in modules)
            foreach (var (name, value) in members(module))
            {
                if (value is null || memo.Contains(value)) continue;
                if (removeDuplicate) memo.Add(value);
                yield return (Join(modulePrefix, name), value);
            }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    // ---- state ----

    /// <summary>
    /// torch.nn.Module.zero_grad: clears every parameter's gradient; with <paramref name="setToNone"/> (the default,
    /// as in torch 2) sets it to null, otherwise detaches it and fills it with zeros.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
        {
            if (p.Grad is not { } grad) continue;
            if (setToNone) { p.Grad = null; continue; }
            if (grad.GradFn is not null) grad.Detach_();
            else grad.RequiresGrad_(false);
            grad.Zero_();
        }
    }

    /// <summary>
    /// torch.nn.Module.state_dict: every parameter and persistent buffer of the tree under its dotted name (empty slots
    /// left out), this module's parameters then buffers, then each child's. Values are detached from the graph unless
    /// <paramref name="keepVars"/>; they share storage with the module.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict(string prefix = "", bool keepVars = false)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var result = new OrderedDictionary<string, Tensor>();
        SaveTo(result, prefix, keepVars);
        return result;
    }

    private void SaveTo(OrderedDictionary<string, Tensor> destination, string prefix, bool keepVars)
    {
        foreach (var (name, p) in _parameters)
            if (p is not null) destination[prefix + name] = keepVars ? p : p.Detach();
        foreach (var (name, b) in _buffers)
            if (b is not null && !_nonPersistentBuffers.Contains(name)) destination[prefix + name] = keepVars ? b : b.Detach();
        foreach (var (name, child) in _modules)
            child?.SaveTo(destination, prefix + name + ".", keepVars);
    }

    /// <summary>
    /// torch.nn.Module.load_state_dict: copies each entry of <paramref name="stateDict"/> into the parameter or buffer of
    /// the same dotted name (converting dtype, without recording autograd). Returns the missing and unexpected keys.
    /// Throws ArgumentException with PyTorch's "Error(s) in loading state_dict for ..." report when a shape differs, a
    /// copy fails, or (with <paramref name="strict"/>) a key is missing or unexpected.
    /// </summary>
    public IncompatibleKeys LoadStateDict(IEnumerable<KeyValuePair<string, Tensor>> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var entries = new OrderedDictionary<string, Tensor>();
        foreach (var (key, value) in stateDict) entries[key] = value;
        var missing = new List<string>();
        var unexpected = new List<string>();
        var errors = new List<string>();
        LoadTree(entries, "", missing, unexpected, errors);
        if (strict)
        {
            if (unexpected.Count > 0) errors.Insert(0, $"Unexpected key(s) in state_dict: {Quoted(unexpected)}. ");
            if (missing.Count > 0) errors.Insert(0, $"Missing key(s) in state_dict: {Quoted(missing)}. ");
        }
        if (errors.Count > 0)
            throw Errors.Runtime($"Error(s) in loading state_dict for {TypeName}:\n\t{string.Join("\n\t", errors)}");
        return new IncompatibleKeys(missing, unexpected);
    }

    private static string Quoted(List<string> keys) => string.Join(", ", keys.Select(k => $"\"{k}\""));

    private void LoadTree(OrderedDictionary<string, Tensor> stateDict, string prefix, List<string> missing, List<string> unexpected, List<string> errors)
    {
        LoadFromStateDict(stateDict, prefix, missing, unexpected, errors);
        foreach (var (name, child) in _modules)
        {
            if (child is null) continue;
            var childPrefix = prefix + name + ".";
            var childEntries = new OrderedDictionary<string, Tensor>();
            foreach (var (key, value) in stateDict)
                if (key.StartsWith(childPrefix, StringComparison.Ordinal)) childEntries[key] = value;
            child.LoadTree(childEntries, childPrefix, missing, unexpected, errors);
        }
    }

    /// <summary>
    /// torch.nn.Module._load_from_state_dict: loads this module's own parameters and persistent buffers from the
    /// entries under <paramref name="prefix"/>, and reports missing keys, keys that name nothing here, and shape errors.
    /// Override to accept older layouts of the same state (call the base afterwards).
    /// </summary>
    protected virtual void LoadFromStateDict(OrderedDictionary<string, Tensor> stateDict, string prefix,
        List<string> missingKeys, List<string> unexpectedKeys, List<string> errorMessages)
    {
        var local = new OrderedDictionary<string, Tensor>();
        foreach (var (name, p) in _parameters) if (p is not null) local[name] = p;
        foreach (var (name, b) in _buffers) if (b is not null && !_nonPersistentBuffers.Contains(name)) local[name] = b;
        foreach (var (name, target) in local)
        {
            var key = prefix + name;
            if (!stateDict.TryGetValue(key, out var source))
            {
                missingKeys.Add(key);
                continue;
            }
            if (!source.Sizes.SequenceEqual(target.Sizes))
            {
                errorMessages.Add($"size mismatch for {key}: copying a param with shape {TorchSize(source)} from checkpoint, the shape in current model is {TorchSize(target)}.");
                continue;
            }
            try
            {
                using (GradMode.NoGrad()) target.Copy_(source);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException)
            {
                errorMessages.Add($"While copying the parameter named \"{key}\", whose dimensions in the model are {TorchSize(target)} and whose dimensions in the checkpoint are {TorchSize(source)}, an exception occurred : ('{e.Message}',).");
            }
        }
        foreach (var key in stateDict.Keys)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = key[prefix.Length..];
            int dot = rest.IndexOf('.');
            bool known = dot >= 0 ? _modules.ContainsKey(rest[..dot]) : local.ContainsKey(rest);
            if (!known) unexpectedKeys.Add(key);
        }
    }

    private static string TorchSize(Tensor t) => $"torch.Size({Errors.Shape(t.Shape)})";

    /// <summary>
    /// torch.nn.Module._apply: applies <paramref name="fn"/> to every parameter, gradient and buffer of the tree,
    /// children first, without recording autograd. Parameters and their gradients keep their identity (their data is
    /// replaced, as `param.data = fn(param)`); buffers are replaced by the results.
    /// </summary>
    internal void ApplyToTensors(Func<Tensor, Tensor> fn)
    {
        foreach (var child in Children()) child.ApplyToTensors(fn);
        using var noGrad = GradMode.NoGrad();
        foreach (var p in _parameters.Values)
        {
            if (p is null) continue;
            var converted = fn(p);
            if (!ReferenceEquals(converted, p)) p.SetData(converted);
            if (p.Grad is { } grad && fn(grad) is var g && !ReferenceEquals(g, grad)) grad.SetData(g);
        }
        foreach (var name in _buffers.Keys.ToArray())
            if (_buffers[name] is { } b) _buffers[name] = fn(b);
    }

    // ---- repr ----

    /// <summary>PyTorch's repr of the module: its name, its <see cref="ExtraRepr"/> and each child's repr indented by two spaces.</summary>
    public override string ToString()
    {
        var extra = ExtraRepr();
        var extraLines = extra.Length == 0 ? [] : extra.Split('\n');
        var childLines = _modules.Select(c => "(" + c.Key + "): " + Indent(c.Value?.ToString() ?? "None", 2)).ToList();
        var lines = extraLines.Concat(childLines).ToList();
        var text = TypeName + "(";
        if (lines.Count > 0)
            text += extraLines.Length == 1 && childLines.Count == 0 ? extraLines[0] : "\n  " + string.Join("\n  ", lines) + "\n";
        return text + ")";
    }

    /// <summary>torch's _addindent: indents every line but the first by <paramref name="spaces"/> spaces.</summary>
    private protected static string Indent(string text, int spaces)
    {
        var lines = text.Split('\n');
        if (lines.Length == 1) return text;
        var pad = new string(' ', spaces);
        return lines[0] + "\n" + string.Join("\n", lines.Skip(1).Select(l => pad + l));
    }
}

/// <summary>The missing and unexpected keys found by <see cref="Module.LoadStateDict"/> (torch's _IncompatibleKeys).</summary>
public sealed record IncompatibleKeys(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
