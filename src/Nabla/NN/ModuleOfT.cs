namespace Nabla.NN;

/// <summary>
/// A module with a forward pass from <typeparamref name="TInput"/> to <typeparamref name="TOutput"/>. Subclasses
/// implement <see cref="Forward"/>; callers use <see cref="Call"/> (Python's module(x)), which runs the forward
/// pre-hooks, Forward and the forward hooks. Modules of several inputs use a tuple as <typeparamref name="TInput"/>
/// (see <see cref="Module{T1, T2, TOutput}"/>).
/// </summary>
public abstract class Module<TInput, TOutput> : Module
{
    private readonly HookList<Func<Module<TInput, TOutput>, TInput, TInput>> _preHooks = new();
    private readonly HookList<Func<Module<TInput, TOutput>, TInput, TOutput, TOutput>> _hooks = new();

    /// <summary>torch.nn.Module.forward: the computation; call <see cref="Call"/> to run hooks too.</summary>
    public abstract TOutput Forward(TInput input);

    /// <summary>torch.nn.Module.__call__: the forward pre-hooks (each may replace the input), <see cref="Forward"/>,
    /// then the forward hooks (each may replace the output).</summary>
    public TOutput Call(TInput input)
    {
        foreach (var hook in _preHooks.Snapshot()) input = hook(this, input);
        var output = Forward(input);
        foreach (var hook in _hooks.Snapshot()) output = hook(this, input, output);
        return output;
    }

    /// <summary>torch.nn.Module.register_forward_pre_hook: <paramref name="hook"/>(module, input) runs before each
    /// forward and returns the input to use (return the argument to keep it). <paramref name="prepend"/> runs it first.</summary>
    public RemovableHandle RegisterForwardPreHook(Func<Module<TInput, TOutput>, TInput, TInput> hook, bool prepend = false) =>
        _preHooks.Add(hook, prepend);

    /// <summary>register_forward_pre_hook with a hook that only observes the input.</summary>
    public RemovableHandle RegisterForwardPreHook(Action<Module<TInput, TOutput>, TInput> hook, bool prepend = false)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return _preHooks.Add((m, x) => { hook(m, x); return x; }, prepend);
    }

    /// <summary>torch.nn.Module.register_forward_hook: <paramref name="hook"/>(module, input, output) runs after each
    /// forward and returns the output to use (return the argument to keep it). <paramref name="prepend"/> runs it first.</summary>
    public RemovableHandle RegisterForwardHook(Func<Module<TInput, TOutput>, TInput, TOutput, TOutput> hook, bool prepend = false) =>
        _hooks.Add(hook, prepend);

    /// <summary>register_forward_hook with a hook that only observes input and output.</summary>
    public RemovableHandle RegisterForwardHook(Action<Module<TInput, TOutput>, TInput, TOutput> hook, bool prepend = false)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return _hooks.Add((m, x, y) => { hook(m, x, y); return y; }, prepend);
    }
}

/// <summary>
/// A module whose forward takes two inputs (a loss's input and target, Bilinear's two operands). Hooks see the pair
/// as one tuple.
/// </summary>
public abstract class Module<T1, T2, TOutput> : Module<(T1, T2), TOutput>
{
    /// <summary>The forward pass on the two inputs.</summary>
    public abstract TOutput Forward(T1 input1, T2 input2);

    /// <summary>Forwards the pair to <see cref="Forward(T1, T2)"/>.</summary>
    public sealed override TOutput Forward((T1, T2) inputs) => Forward(inputs.Item1, inputs.Item2);

    /// <summary>module(input1, input2): hooks and forward.</summary>
    public TOutput Call(T1 input1, T2 input2) => Call((input1, input2));
}

/// <summary>
/// A module whose forward takes three inputs (the ranking and triplet losses). Hooks see the triple as one tuple.
/// </summary>
public abstract class Module<T1, T2, T3, TOutput> : Module<(T1, T2, T3), TOutput>
{
    /// <summary>The forward pass on the three inputs.</summary>
    public abstract TOutput Forward(T1 input1, T2 input2, T3 input3);

    /// <summary>Forwards the triple to <see cref="Forward(T1, T2, T3)"/>.</summary>
    public sealed override TOutput Forward((T1, T2, T3) inputs) => Forward(inputs.Item1, inputs.Item2, inputs.Item3);

    /// <summary>module(input1, input2, input3): hooks and forward.</summary>
    public TOutput Call(T1 input1, T2 input2, T3 input3) => Call((input1, input2, input3));
}
