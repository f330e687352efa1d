using Microsoft.DotNet.Interactive.Formatting;
using Nabla.Interactive;

namespace Nabla.Tests.Interactive;

public class TensorFormatterRegistrationTests
{
    [Fact]
    public void NotebooksShowPyTorchsRepr()
    {
        TensorFormatters.Register();
        var t = Tensor.Arange(0, 6).Reshape(2, 3).To(DType.Float32) / 3;
        Assert.Equal(t.ToString(), t.ToDisplayString(PlainTextFormatter.MimeType));
        Assert.Equal("<pre>tensor([[0.0000, 0.3333, 0.6667],\n        [1.0000, 1.3333, 1.6667]])</pre>", t.ToDisplayString(HtmlFormatter.MimeType));
    }

    [Fact]
    public async Task TheExtensionRegistersTheFormatters()
    {
        Formatter.ResetToDefault();
        await new NablaKernelExtension().OnLoadAsync(new Microsoft.DotNet.Interactive.CompositeKernel());
        var t = Tensor.From(new[] { true, false });
        Assert.Equal("tensor([ True, False])", t.ToDisplayString(PlainTextFormatter.MimeType));
    }
}
