using Xunit;
using System.Text;
using Microsoft.ML.SynapticPruning.Pruning;

namespace Microsoft.ML.SynapticPruning.Tests.PublicApi;

/// <summary>
/// Pins the library's public surface (docs/design.md, "Public surface"): the full names of every type a package user can
/// see must equal the lists in docs/api.md (between its <c>public-types</c> markers), like ML.NET's API-compat
/// baselines. A type that turns public, turns internal, is renamed or changes namespace fails this test until the page is
/// updated on purpose — the failure prints the diff and the whole new list.
/// </summary>
public sealed class PublicSurfaceTests
{
    private const string Begin = "<!-- public-types:begin -->", End = "<!-- public-types:end -->";

    [Fact]
    public void PublicTypes_MatchDocsApi()
    {
        var actual = PublicTypeNames();
        var documented = DocumentedTypeNames();
        Assert.True(documented.Length == documented.Distinct(StringComparer.Ordinal).Count(), "docs/api.md lists a type twice");

        var added = actual.Except(documented, StringComparer.Ordinal).ToArray();
        var removed = documented.Except(actual, StringComparer.Ordinal).ToArray();
        if (added.Length == 0 && removed.Length == 0) return;

        var message = new StringBuilder();
        message.AppendLine($"The public surface of {typeof(SynapticPruner).Assembly.GetName().Name} differs from docs/api.md.");
        message.AppendLine("Every public type is a promise to users (a later removal is a breaking change). If the change is intended,");
        message.AppendLine("update docs/api.md consciously (the type under its namespace), add a CHANGELOG.md line (Breaking for a");
        message.AppendLine("removed or renamed type) and, for a new public type, a reason in docs/design.md \"Public surface\".");
        foreach (var name in added) message.AppendLine("+ " + name);
        foreach (var name in removed) message.AppendLine("- " + name);
        message.AppendLine();
        message.AppendLine("New list:");
        foreach (var name in actual) message.AppendLine(name);
        Assert.Fail(message.ToString());
    }

    [Fact]
    public void DocsApiCountsItsTypes()
    {
        string page = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "docs", "api.md"));
        Assert.Contains($"{DocumentedTypeNames().Length} public types.", page);
    }

    [Fact]
    public void PruningEngine_StaysPublic()
    {
        // The pruning engine is the product for users of their own TorchSharp modules (docs/design.md).
        Assert.Contains(typeof(SynapticPruner).FullName!, PublicTypeNames());
        Assert.Contains(typeof(PruningOptions).FullName!, PublicTypeNames());
    }

    /// <summary>Full names (nested types with '+', generics with their arity) of the library's exported types, sorted ordinally.</summary>
    public static string[] PublicTypeNames() =>
        typeof(SynapticPruner).Assembly.GetExportedTypes()
            .Select(t => t.FullName!)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();

    /// <summary>The type names listed in docs/api.md's code blocks between the markers.</summary>
    private static string[] DocumentedTypeNames()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryFiles.Root, "docs", "api.md"));
        int begin = Array.IndexOf(lines, Begin), end = Array.IndexOf(lines, End);
        Assert.True(begin >= 0 && end > begin, $"docs/api.md must hold the markers {Begin} and {End}");
        var names = new List<string>();
        bool inBlock = false;
        foreach (var line in lines[(begin + 1)..end])
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) { inBlock = !inBlock; continue; }
            if (inBlock && line.Trim().Length > 0) names.Add(line.Trim());
        }
        return names.ToArray();
    }
}
