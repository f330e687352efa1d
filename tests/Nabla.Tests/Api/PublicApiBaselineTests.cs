using System.Reflection;

namespace Nabla.Tests.Api;

/// <summary>
/// Keeps Nabla's public API under a committed baseline (Nabla.PublicApi.txt beside this file, one line per public type
/// and member): a removed or changed line is a breaking change and fails the test, and so does a new line until the
/// baseline says it on purpose. Rewrite the baseline with <c>NABLA_WRITE_API_BASELINE=1 dotnet test tests/Nabla.Tests
/// --filter FullyQualifiedName~PublicApiBaseline</c>, and review its diff like code.
/// </summary>
public class PublicApiBaselineTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void ThePublicApiIsTheBaseline()
    {
        string path = Path.Combine(RepositoryRoot, "tests", "Nabla.Tests", "Api", "Nabla.PublicApi.txt");
        var actual = Describe(typeof(Tensor).Assembly);
        if (Environment.GetEnvironmentVariable("NABLA_WRITE_API_BASELINE") == "1")
        {
            File.WriteAllLines(path, actual);
            return;
        }
        var baseline = File.Exists(path) ? File.ReadAllLines(path) : [];
        var removed = baseline.Except(actual).ToList();
        var added = actual.Except(baseline).ToList();
        Assert.True(removed.Count == 0 && added.Count == 0,
            $"The public API differs from tests/Nabla.Tests/Api/Nabla.PublicApi.txt.\n" +
            $"Removed or changed (breaking):\n  {string.Join("\n  ", removed)}\nAdded:\n  {string.Join("\n  ", added)}\n" +
            "If this is intended, rewrite the baseline with NABLA_WRITE_API_BASELINE=1 and commit it.");
    }

    /// <summary>One sorted line per public (or protected, on unsealed types) type and member.</summary>
    public static string[] Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            string kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : type.IsAbstract ? "abstract class" : "class";
            string bases = string.Join(", ", new[] { type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) ? Name(b) : null }
                .Concat(type.GetInterfaces().Select(Name)).Where(n => n is not null).Order());
            lines.Add($"{kind} {Name(type)}{(bases.Length > 0 ? " : " + bases : "")}");
            foreach (var member in type.GetMembers(Declared).Where(Visible))
                lines.Add($"{Name(type)}::{Member(member)}");
        }
        return [.. lines.Distinct().Order(StringComparer.Ordinal)];
    }

    private static bool Visible(MemberInfo m) => m switch
    {
        MethodBase b => (b.IsPublic || b.IsFamily || b.IsFamilyOrAssembly) && !(b is MethodInfo { IsSpecialName: true } mi && (mi.Name.StartsWith("get_") || mi.Name.StartsWith("set_") || mi.Name.StartsWith("add_") || mi.Name.StartsWith("remove_"))),
        FieldInfo f => (f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly) && !f.IsSpecialName,
        PropertyInfo p => p.GetAccessors(true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
        EventInfo e => e.AddMethod is { } a && (a.IsPublic || a.IsFamily),
        Type t => t.IsNestedPublic || t.IsNestedFamily,
        _ => false,
    };

    private static string Member(MemberInfo m) => m switch
    {
        ConstructorInfo c => $"{(c.IsStatic ? "static " : "")}.ctor({Parameters(c)})",
        MethodInfo mi => $"{(mi.IsStatic ? "static " : mi.IsAbstract ? "abstract " : mi.IsVirtual && mi.GetBaseDefinition() == mi && !mi.IsFinal ? "virtual " : "")}{Name(mi.ReturnType)} {mi.Name}{(mi.IsGenericMethod ? "<" + string.Join(", ", mi.GetGenericArguments().Select(Name)) + ">" : "")}({Parameters(mi)})",
        PropertyInfo p => $"{Name(p.PropertyType)} {p.Name}{(p.GetIndexParameters() is { Length: > 0 } ix ? "[" + string.Join(", ", ix.Select(i => Name(i.ParameterType))) + "]" : "")} {{ {(p.GetMethod is { } g && (g.IsPublic || g.IsFamily) ? "get; " : "")}{(p.SetMethod is { } s && (s.IsPublic || s.IsFamily) ? (s.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? "init; " : "set; ") : "")}}}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType)} {f.Name}{(f.IsLiteral ? " = " + f.GetRawConstantValue() : "")}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        Type t => $"nested {Name(t)}",
        _ => m.ToString()!,
    };

    private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p =>
        $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : "")}{(p.GetCustomAttribute<ParamArrayAttribute>() is not null ? "params " : "")}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")}"));

    private static string Name(Type t)
    {
        if (t.IsByRef) return Name(t.GetElementType()!);
        if (t.IsArray) return Name(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        if (t.IsGenericParameter) return t.Name;
        if (Nullable.GetUnderlyingType(t) is { } u) return Name(u) + "?";
        string name = (t.IsNested ? Name(t.DeclaringType!) + "." : t.Namespace is { } ns ? ns + "." : "") + (t.Name.Contains('`') ? t.Name[..t.Name.IndexOf('`')] : t.Name);
        return t.IsGenericType ? $"{name}<{string.Join(", ", t.GetGenericArguments().Select(Name))}>" : name;
    }

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
