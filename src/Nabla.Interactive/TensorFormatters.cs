using System.Net;
using Microsoft.DotNet.Interactive.Formatting;

namespace Nabla.Interactive;

/// <summary>
/// Shows tensors in .NET Interactive / Polyglot Notebooks as PyTorch prints them: the repr as plain text, and
/// the same text in a <c>&lt;pre&gt;</c> block as HTML, so a notebook cell reads like a Python one.
/// </summary>
public static class TensorFormatters
{
    /// <summary>Registers the formatters (idempotent: later registrations replace earlier ones).</summary>
    public static void Register()
    {
        Formatter.Register<Tensor>((tensor, writer) => writer.Write(tensor.ToString()), PlainTextFormatter.MimeType);
        Formatter.Register<Tensor>((tensor, writer) => writer.Write($"<pre>{WebUtility.HtmlEncode(tensor.ToString())}</pre>"), HtmlFormatter.MimeType);
    }
}
