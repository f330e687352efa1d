namespace Nabla;

/// <summary>Whether operations are recorded for autograd on this thread (torch.no_grad / torch.enable_grad).</summary>
public static class GradMode
{
    [ThreadStatic] private static bool _disabled;

    public static bool IsEnabled => !_disabled;

    /// <summary>Turns recording off until the returned scope is disposed: <c>using (GradMode.NoGrad()) { ... }</c>.</summary>
    public static Scope NoGrad() => Set(false);

    /// <summary>Turns recording on until the returned scope is disposed.</summary>
    public static Scope EnableGrad() => Set(true);

    public static Scope Set(bool enabled)
    {
        var scope = new Scope(IsEnabled);
        _disabled = !enabled;
        return scope;
    }

    /// <summary>Restores the previous grad mode when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly bool _previous;
        internal Scope(bool previous) => _previous = previous;
        public void Dispose() => _disabled = !_previous;
    }
}
