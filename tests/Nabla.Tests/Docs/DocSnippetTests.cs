using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Nabla.Tests.Docs;

/// <summary>
/// Every C# block of the README compiles as shown, as a whole program with its own using lines in a new console
/// project (which has implicit usings); the porting
/// guide's blocks compile after one shared preamble of using lines (they sit beside Python, line for line).
/// </summary>
public partial class DocSnippetTests
{
    // What `dotnet new console` projects import implicitly (ImplicitUsings), where users paste the README's program.
    private const string ImplicitUsings =
        "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
        "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    private const string PortingPreamble = "using Nabla;\nusing Nabla.NN;\n";

    public static TheoryData<string, int> Snippets()
    {
        var data = new TheoryData<string, int>();
        foreach (var doc in new[] { "README.md", "docs/PORTING.md" })
            for (int i = 0; i < Blocks(doc).Count; i++) data.Add(doc, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Compiles(string doc, int index)
    {
        string code = Blocks(doc)[index];
        if (doc != "README.md") code = PortingPreamble + code;
        var compilation = CSharpCompilation.Create($"Snippet{index}",
            [CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest)), CSharpSyntaxTree.ParseText(ImplicitUsings)],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"{doc} block {index + 1} does not compile:\n{string.Join("\n", errors)}\n---\n{code}");
    }

    [Fact]
    public void TheReadmeHasSnippets() => Assert.NotEmpty(Blocks("README.md"));

    private static List<string> Blocks(string doc) =>
        CSharpBlock().Matches(File.ReadAllText(Path.Combine(RepositoryRoot, doc))).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(Tensor).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray());

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Nabla.slnx"))) return dir.FullName;
            throw new DirectoryNotFoundException("Nabla.slnx not found above the test binaries");
        }
    }
}
