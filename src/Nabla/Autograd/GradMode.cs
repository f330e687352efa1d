namespace Nabla;

/// <summary>
/// Whether operations are recorded for autograd (torch.no_grad / torch.enable_grad). The mode belongs to the
/// logical call, not the thread: it flows across <c>await</c> into continuations and into tasks started inside a
/// scope, and never leaks into unrelated work on the same pool thread. Scopes form a stack: disposing one removes
/// exactly its own setting, so scopes disposed out of order still leave the mode that the remaining ones set.
/// </summary>
public static class GradMode
{
    /// <summary>The innermost scope of this logical call; null means the default (enabled).</summary>
    private static readonly AsyncLocal<Frame?> _current = new();

    /// <summary>One scope's setting, linked to the scope that was current when it began.</summary>
    internal sealed class Frame(bool enabled, Frame? parent)
    {
        public readonly bool Enabled = enabled;
        public readonly Frame? Parent = parent;
        public volatile bool Disposed;
    }

    /// <summary>torch.is_grad_enabled: whether new operations are recorded in this logical call.</summary>
    public static bool IsEnabled => Live(_current.Value)?.Enabled ?? true;

    /// <summary>Turns recording off until the returned scope is disposed: <c>using (GradMode.NoGrad()) { ... }</c>.</summary>
    public static Scope NoGrad() => Set(false);

    /// <summary>Turns recording on until the returned scope is disposed.</summary>
    public static Scope EnableGrad() => Set(true);

    /// <summary>torch.set_grad_enabled as a scope: recording on or off until the returned scope is disposed.</summary>
    public static Scope Set(bool enabled)
    {
        var frame = new Frame(enabled, Live(_current.Value));
        _current.Value = frame;
        return new Scope(frame);
    }

    /// <summary>The innermost scope not yet disposed.</summary>
    private static Frame? Live(Frame? frame)
    {
        while (frame is { Disposed: true }) frame = frame.Parent;
        return frame;
    }

    /// <summary>Ends its setting when disposed; the mode falls back to the innermost scope still open.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Frame? _frame;
        internal Scope(Frame frame) => _frame = frame;

        /// <summary>Removes this scope's setting (a second dispose does nothing).</summary>
        public void Dispose()
        {
            if (_frame is null || _frame.Disposed) return;
            _frame.Disposed = true;
            _current.Value = Live(_current.Value);
        }
    }
}
