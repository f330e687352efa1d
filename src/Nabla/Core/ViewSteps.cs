namespace Nabla;

/// <summary>
/// The chain of view ops that leads from a base tensor to one of its views, newest step first. Replaying walks
/// the chain with a loop, so a view of a view of ... of any depth is rebuilt without recursion.
/// </summary>
internal sealed class ViewSteps(Func<Tensor, Tensor> step, ViewSteps? earlier)
{
    /// <summary>Applies every step to <paramref name="root"/>, oldest first.</summary>
    public Tensor Replay(Tensor root)
    {
        var chain = new List<Func<Tensor, Tensor>>();
        for (var s = this; s is not null; s = s._earlier) chain.Add(s._step);
        var t = root;
        for (int i = chain.Count - 1; i >= 0; i--) t = chain[i](t);
        return t;
    }

    private readonly Func<Tensor, Tensor> _step = step;
    private readonly ViewSteps? _earlier = earlier;
}
