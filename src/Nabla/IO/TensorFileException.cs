namespace Nabla.IO;

/// <summary>
/// A tensor file (safetensors, ...) that cannot be read: truncated, inconsistent, or holding something Nabla does not
/// support. The message names the file (or "&lt;bytes&gt;" for in-memory data) and the problem. Every reader in
/// <see cref="Nabla.IO"/> reports bad input with this exception only, never with an out-of-range read or an
/// allocation the file's header asked for. (An <see cref="IOException"/>: .NET's InvalidDataException is sealed.)
/// </summary>
public sealed class TensorFileException : IOException
{
    /// <summary>Creates the exception for <paramref name="source"/> (a path or a description) and <paramref name="problem"/>.</summary>
    public TensorFileException(string source, string problem, Exception? inner = null)
        : base($"{source}: {problem}", inner)
    {
        FileName = source;
        Problem = problem;
    }

    /// <summary>The file path or description of the data that failed to load.</summary>
    public string FileName { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
