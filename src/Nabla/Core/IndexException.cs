namespace Nabla;

/// <summary>
/// PyTorch's IndexError: an index or dim outside the range a tensor has. It derives from
/// <see cref="ArgumentOutOfRangeException"/>, so handlers of argument errors catch it, while the runtime's own
/// <see cref="IndexOutOfRangeException"/> keeps meaning a bug, never a user's index. The message is PyTorch's, as is.
/// </summary>
public sealed class IndexException : ArgumentOutOfRangeException
{
    private readonly string _message;

    /// <summary>Creates an IndexError with PyTorch's <paramref name="message"/>.</summary>
    public IndexException(string message) : base(null, message) => _message = message;

    /// <inheritdoc/>
    public override string Message => _message;
}
