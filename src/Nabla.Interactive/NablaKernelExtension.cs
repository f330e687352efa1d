using Microsoft.DotNet.Interactive;

namespace Nabla.Interactive;

/// <summary>
/// Loaded by .NET Interactive when the package is referenced with <c>#r "nuget: Nabla.Interactive"</c>
/// (the package carries it under interactive-extensions/dotnet): registers <see cref="TensorFormatters"/>.
/// </summary>
public sealed class NablaKernelExtension : IKernelExtension
{
    /// <inheritdoc/>
    public Task OnLoadAsync(Kernel kernel)
    {
        TensorFormatters.Register();
        return Task.CompletedTask;
    }
}
