using Xunit;
using System.Text;
using Microsoft.ML.SynapticPruning.Pruning;

namespace Microsoft.ML.SynapticPruning.Tests.PublicApi;

/// <summary>
/// Pins the library's public surface (docs/design.md, "Public surface"): the sorted full names of every type a package
/// user can see must equal the committed baseline <c>PublicApi/public-types.txt</c>, like ML.NET's API-compat baselines.
/// A type that turns public, turns internal, is renamed or changes namespace fails this test until the baseline is
/// updated on purpose — the failure prints the diff and the whole new list to paste into the file.
/// </summary>
public sealed class PublicSurfaceTests
{
    /// <summary>The baseline's path inside this test project (the build copies it next to the test assembly).</summary>
    public const string BaselinePath = "PublicApi/public-types.txt";

    [Fact]
    public void PublicTypes_MatchTheCommittedBaseline()
    {
        var actual = PublicTypeNames();
        var baseline = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, BaselinePath))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToArray();

        var added = actual.Except(baseline, StringComparer.Ordinal).ToArray();
        var removed = baseline.Except(actual, StringComparer.Ordinal).ToArray();
        if (added.Length == 0 && removed.Length == 0)
        {
            Assert.Equal(baseline, actual); // same set: the file must also stay sorted and free of duplicates
            return;
        }

        var message = new StringBuilder();
        message.AppendLine($"The public surface of {typeof(SynapticPruner).Assembly.GetName().Name} differs from test/Microsoft.ML.SynapticPruning.Tests/{BaselinePath}.");
        message.AppendLine("Every public type is a promise to users (a later removal is a breaking change). If the change is intended,");
        message.AppendLine("update the baseline consciously — replace its type lines with the list below — add a CHANGELOG.md line");
        message.AppendLine("(Breaking for a removed or renamed type) and, for a new public type, a reason in docs/design.md \"Public surface\".");
        foreach (var name in added) message.AppendLine("+ " + name);
        foreach (var name in removed) message.AppendLine("- " + name);
        message.AppendLine();
        message.AppendLine("New list:");
        foreach (var name in actual) message.AppendLine(name);
        Assert.Fail(message.ToString());
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
}
