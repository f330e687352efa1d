using Nabla.Core;

namespace Nabla.Optim;

/// <summary>
/// Base of the optimizers, mirroring torch.optim.Optimizer: parameter groups with their own options,
/// per-parameter state, <see cref="ZeroGrad"/>, <see cref="Step"/>, and state dicts in PyTorch's layout.
/// Updates run under no-grad and write parameters and state buffers in place with fused kernels that
/// follow PyTorch's single-tensor (foreach=False) update code operation by operation.
/// </summary>
public abstract class Optimizer
{
    private readonly List<ParamGroup> _groups = [];
    private readonly Dictionary<Tensor, Dictionary<string, object?>> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the optimizer with one group holding <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds a non-leaf tensor, or holds a tensor twice.</exception>
    protected Optimizer(IEnumerable<Tensor> parameters, IReadOnlyDictionary<string, object?> defaults)
        : this([new ParamGroupSpec(parameters)], defaults) { }

    /// <summary>Creates the optimizer with one group per spec; options a spec lacks come from <paramref name="defaults"/>.</summary>
    /// <exception cref="ArgumentException">No group, an empty group, a non-leaf tensor, or a tensor in two groups.</exception>
    protected Optimizer(IEnumerable<ParamGroupSpec> groups, IReadOnlyDictionary<string, object?> defaults)
    {
        Defaults = new Dictionary<string, object?>(defaults);
        var list = groups.ToList();
        if (list.Count == 0) throw Errors.Runtime("optimizer got an empty parameter list");
        foreach (var g in list) AddParamGroup(g);
    }

    /// <summary>The options every new group starts from (optimizer.defaults).</summary>
    public IReadOnlyDictionary<string, object?> Defaults { get; }

    /// <summary>optimizer.param_groups.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>
    /// optimizer.add_param_group: adds a group; options it lacks are taken from <see cref="Defaults"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The group is empty, holds a non-leaf tensor, or shares a tensor with another group.</exception>
    public void AddParamGroup(ParamGroupSpec group)
    {
        var parameters = group.Params.ToList();
        if (parameters.Count == 0) throw Errors.Runtime("optimizer got an empty parameter list");
        foreach (var p in parameters)
        {
            ArgumentNullException.ThrowIfNull(p);
            if (!p.IsLeaf) throw Errors.Runtime("can't optimize a non-leaf Tensor");
        }
        if (parameters.Distinct(ReferenceEqualityComparer.Instance).Count() != parameters.Count)
            throw Errors.Runtime("optimizer contains a parameter group with duplicate parameters");
        var existing = new HashSet<Tensor>(_groups.SelectMany(g => g.Params), ReferenceEqualityComparer.Instance);
        if (parameters.Any(existing.Contains))
            throw Errors.Runtime("some parameters appear in more than one parameter group");
        var options = new Dictionary<string, object?>(Defaults);
        foreach (var (k, v) in group.Options)
        {
            if (k == "params") throw Errors.Runtime("param group options must not contain 'params'; pass the tensors to ParamGroupSpec");
            options[k] = v;
        }
        var added = new ParamGroup(parameters, options);
        ValidateGroup(added);
        _groups.Add(added);
        OnGroupAdded(added);
    }

    /// <summary>Adds a group of <paramref name="parameters"/> with the default options.</summary>
    /// <exception cref="ArgumentException">As <see cref="AddParamGroup(ParamGroupSpec)"/>.</exception>
    public void AddParamGroup(IEnumerable<Tensor> parameters) => AddParamGroup(new ParamGroupSpec(parameters));

    /// <summary>Checks a group's option values as the optimizer's constructor does (PyTorch's ValueError texts).</summary>
    protected abstract void ValidateGroup(ParamGroup group);

    /// <summary>Called after a group is added; Adagrad initialises its state eagerly here, as PyTorch does.</summary>
    protected virtual void OnGroupAdded(ParamGroup group) { }

    /// <summary>
    /// optimizer.zero_grad(set_to_none): drops every parameter's gradient, or (setToNone false) zeroes it in place.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var g in _groups)
            foreach (var p in g.Params)
            {
                if (p.Grad is not { } grad) continue;
                if (setToNone) p.Grad = null;
                else
                {
                    if (grad.GradFn is not null) p.Grad = grad = grad.Detach();
                    else grad.RequiresGrad_(false);
                    FusedUpdate.Zero(grad);
                }
            }
    }

    /// <summary>
    /// optimizer.step(closure): one update of every parameter that has a gradient. The closure, if given,
    /// runs with grad enabled first (to recompute the loss) and its result is returned.
    /// </summary>
    /// <exception cref="ArgumentException">A gradient's dtype or shape differs from its parameter's, or a parameter is not floating point.</exception>
    public Tensor? Step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null)
            using (GradMode.EnableGrad()) loss = closure();
        using (GradMode.NoGrad())
            foreach (var g in _groups) UpdateGroup(g);
        return loss;
    }

    /// <summary>Updates every parameter of <paramref name="group"/> that has a gradient.</summary>
    protected abstract void UpdateGroup(ParamGroup group);

    /// <summary>optimizer.state[p]: the parameter's state, created empty on first use.</summary>
    protected Dictionary<string, object?> StateOf(Tensor parameter)
    {
        if (!_state.TryGetValue(parameter, out var s)) _state[parameter] = s = new Dictionary<string, object?>();
        return s;
    }

    /// <summary>The state of <paramref name="parameter"/> (read-only view), or null before its first update.</summary>
    public IReadOnlyDictionary<string, object?>? State(Tensor parameter) => _state.GetValueOrDefault(parameter);

    /// <summary>A parameter's gradient checked against it, or null when it has none.</summary>
    protected static Tensor? GradOf(Tensor p)
    {
        if (p.Grad is not { } g) return null;
        if (!p.DType.IsFloatingPoint())
            throw Errors.Runtime($"optimizer: parameters must be floating point, got {p.DType.TorchName()}");
        if (g.DType != p.DType)
            throw Errors.Runtime($"optimizer: gradient dtype {g.DType.TorchName()} does not match parameter dtype {p.DType.TorchName()}");
        if (!g.Sizes.SequenceEqual(p.Sizes))
            throw Errors.Runtime($"optimizer: gradient shape {Errors.Shape(g.Sizes)} does not match parameter shape {Errors.Shape(p.Sizes)}");
        return g;
    }

    /// <summary>The "step" count every adaptive optimizer keeps: a 0-d float32 tensor, as in PyTorch.</summary>
    protected static Tensor NewStep() => Tensor.Zeros([], DType.Float32);

    /// <summary>First use of a parameter's state: "step" at 0 and a zero buffer (like the parameter) under each name.</summary>
    protected static void InitState(Dictionary<string, object?> state, Tensor p, params ReadOnlySpan<string> buffers)
    {
        state["step"] = NewStep();
        foreach (var name in buffers) state[name] = ZerosLike(p);
    }

    /// <summary>A zero state buffer shaped and typed like <paramref name="p"/> (contiguous).</summary>
    protected static Tensor ZerosLike(Tensor p) => Tensor.Zeros(p.Shape, p.DType);

    /// <summary>
    /// optimizer.state_dict() in PyTorch's layout: <c>{"state": {index: {name: value}}, "param_groups": [{..., "params": [indices]}]}</c>,
    /// parameters numbered in group order. State tensors are shared, not copied, as in PyTorch.
    /// </summary>
    public Dictionary<string, object?> StateDict()
    {
        var state = new Dictionary<object, object?>();
        var groups = new List<object?>();
        long index = 0;
        foreach (var g in _groups)
        {
            var packed = new Dictionary<object, object?>();
            foreach (var (k, v) in g.Options) packed[k] = v;
            var ids = new List<object?>();
            foreach (var p in g.Params)
            {
                if (_state.TryGetValue(p, out var s))
                {
                    var copy = new Dictionary<object, object?>();
                    foreach (var (k, v) in s) copy[k] = v;
                    state[index] = copy;
                }
                ids.Add(index++);
            }
            packed["params"] = ids;
            groups.Add(packed);
        }
        return new Dictionary<string, object?> { ["state"] = state, ["param_groups"] = groups };
    }

    /// <summary>
    /// optimizer.load_state_dict: restores group options and per-parameter state from a dict in PyTorch's layout
    /// (as <see cref="StateDict"/> returns or a checkpoint loader reads). State tensors are copied; floating ones
    /// other than "step" are cast to their parameter's dtype.
    /// </summary>
    /// <exception cref="ArgumentException">The layout is wrong, or group counts or sizes differ from this optimizer's.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, object?> stateDict)
    {
        if (!stateDict.TryGetValue("param_groups", out var groupsObj) || groupsObj is not System.Collections.IList savedGroups)
            throw Errors.Runtime("optimizer state dict has no 'param_groups' list");
        if (!stateDict.TryGetValue("state", out var stateObj) || stateObj is not System.Collections.IDictionary savedState)
            throw Errors.Runtime("optimizer state dict has no 'state' dict");
        if (savedGroups.Count != _groups.Count)
            throw Errors.Runtime("loaded state dict has a different number of parameter groups");
        var parsed = new List<(Dictionary<string, object?> Options, List<long> Ids)>();
        for (int i = 0; i < _groups.Count; i++)
        {
            if (savedGroups[i] is not System.Collections.IDictionary sg || sg["params"] is not System.Collections.IList ids)
                throw Errors.Runtime($"optimizer state dict: param_groups[{i}] is not a dict with a 'params' list");
            if (ids.Count != _groups[i].Params.Count)
                throw Errors.Runtime("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
            var options = new Dictionary<string, object?>();
            foreach (System.Collections.DictionaryEntry e in sg)
                if (e.Key is string k && k != "params") options[k] = e.Value;
            parsed.Add((options, ids.Cast<object?>().Select(x => x is long l ? l : x is int n ? n : throw Errors.Runtime("optimizer state dict: parameter ids must be integers")).ToList()));
        }
        var newState = new Dictionary<Tensor, Dictionary<string, object?>>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _groups.Count; i++)
            for (int j = 0; j < parsed[i].Ids.Count; j++)
            {
                var p = _groups[i].Params[j];
                long id = parsed[i].Ids[j];
                object key = savedState.Contains(id) ? id : (int)id;
                if (!savedState.Contains(key)) continue;
                if (savedState[key] is not System.Collections.IDictionary ps)
                    throw Errors.Runtime($"optimizer state dict: state[{id}] is not a dict");
                var s = new Dictionary<string, object?>();
                foreach (System.Collections.DictionaryEntry e in ps)
                {
                    if (e.Key is not string name) throw Errors.Runtime($"optimizer state dict: state[{id}] has a non-string key");
                    s[name] = CastState(e.Value, p, name);
                }
                newState[p] = s;
            }
        for (int i = 0; i < _groups.Count; i++)
        {
            var g = _groups[i];
            foreach (var (k, v) in parsed[i].Options) g[k] = v;
        }
        _state.Clear();
        foreach (var (p, s) in newState) _state[p] = s;
    }

    /// <summary>A private, contiguous copy of a loaded state value: "step" as a 0-d float32 tensor, other floating tensors in the parameter's dtype.</summary>
    private static object? CastState(object? value, Tensor p, string name)
    {
        using var _ = GradMode.NoGrad();
        if (name == "step" && value is double or long or int)
            return Tensor.Full([], OptionValues.ToDouble(value, name), DType.Float32);
        if (value is not Tensor t) return value;
        var dtype = name == "step" ? DType.Float32 : t.DType.IsFloatingPoint() ? p.DType : t.DType;
        return (t.DType != dtype ? t.To(dtype) : t.Clone()).Contiguous().Detach();
    }
}
