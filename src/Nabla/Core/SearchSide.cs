namespace Nabla;

/// <summary>Which insertion point torch.searchsorted returns among equal elements (PyTorch's <c>side=</c> string).</summary>
public enum SearchSide
{
    /// <summary>'left': the first suitable index, before any equal elements.</summary>
    Left,
    /// <summary>'right': the last suitable index, after any equal elements.</summary>
    Right,
}
