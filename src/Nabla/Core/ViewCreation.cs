namespace Nabla;

/// <summary>
/// How a view was made (PyTorch's CreationMeta). Autograd cannot rewrite the history of a view made under no_grad,
/// or of one output of an op that returns several views, so in-place writes into them are refused whenever the
/// write would be tracked. A view of such a view inherits its kind.
/// </summary>
internal enum ViewCreation
{
    /// <summary>An ordinary view, made with grad mode on by a single-output view op.</summary>
    Default,

    /// <summary>Made while grad mode was off.</summary>
    NoGradMode,

    /// <summary>One output of unbind, split or chunk, made with grad mode on.</summary>
    MultiOutputNode,
}
