using Microsoft.ML.SynapticPruning.Pruning;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Layering;

/// <summary>
/// The library's layers hold in the compiled assembly: every type reference (signatures, base types, attributes and IL
/// in method bodies) goes down the rule of <see cref="LibraryLayers"/>, and docs/design.md shows that rule.
/// </summary>
public sealed class LibraryLayeringTests
{
    private static string LibraryPath => typeof(SynapticPruner).Assembly.Location;

    [Fact]
    public void LibraryFollowsTheLayerRule()
    {
        var violations = LayerChecker.Check(LibraryPath, LibraryLayers.Rule);
        Assert.True(violations.Count == 0,
            $"{violations.Count} layer violation(s) (rule: docs/design.md, \"Layers\"):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void EveryLayerOfTheRuleHasTypes()
    {
        var types = TypeReferenceReader.Read(LibraryPath);
        foreach (var layer in LibraryLayers.Rule.Layers)
            Assert.True(types.Any(t => LibraryLayers.Rule.LayerOf(t.Namespace, t.FullName) == layer), $"layer {layer.Name} has no type: a stale rule");
    }

    [Fact]
    public void TheVocabularyLayerIsTheVocabularyFolder()
    {
        // The rule names the vocabulary's types (they share the root namespace with the ML.NET surface): the list is
        // exactly the top-level types declared in src/Microsoft.ML.SynapticPruning/Vocabulary, and the assembly has them.
        string folder = Path.Combine(RepositoryFiles.Root, "src", "Microsoft.ML.SynapticPruning", "Vocabulary");
        var declared = Directory.GetFiles(folder, "*.cs")
            .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f),
                @"^(?:public|internal)\s+(?:(?:sealed|static|abstract|readonly|partial)\s+)*(?:enum|class|struct|interface|record(?:\s+struct|\s+class)?)\s+(\w+)",
                System.Text.RegularExpressions.RegexOptions.Multiline))
            .Select(m => LibraryLayers.Root + "." + m.Groups[1].Value)
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(LibraryLayers.VocabularyTypes.Order(StringComparer.Ordinal), declared);
        var inAssembly = TypeReferenceReader.Read(LibraryPath).Select(t => t.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.All(LibraryLayers.VocabularyTypes, t => Assert.Contains(t, inAssembly));
    }

    [Fact]
    public void ModelsUseOnlyThePruningStructureDeclarations()
    {
        var pruning = LibraryLayers.Rule.Layers.Single(l => l.Name == "Pruning");
        var models = LibraryLayers.Rule.Layers.Single(l => l.Name == "Models");
        var used = TypeReferenceReader.Read(LibraryPath)
            .Where(t => LibraryLayers.Rule.LayerOf(t.Namespace, t.FullName) == models)
            .SelectMany(t => t.References.Where(r => r.Assembly is null && LibraryLayers.Rule.LayerOf(r.Namespace, r.FullName) == pruning)
                .Select(r => $"{t.FullName} uses {r.FullName}"))
            .Where(use => !LibraryLayers.PruningStructureDeclarations.Any(d => use.EndsWith(" uses " + d, StringComparison.Ordinal)))
            .ToArray();
        Assert.True(used.Length == 0, "Models may use only Pruning's structure declarations:\n" + string.Join("\n", used));
    }

    [Fact]
    public void DesignDocShowsTheRuleTheTestChecks()
    {
        string design = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "docs", "design.md")).ReplaceLineEndings("\n");
        Assert.True(design.Contains(LibraryLayers.Mermaid(), StringComparison.Ordinal),
            "docs/design.md must show the layer picture the test checks; paste:\n" + LibraryLayers.Mermaid());
        Assert.True(design.Contains(LibraryLayers.Table(), StringComparison.Ordinal),
            "docs/design.md must show the layer table the test checks; paste:\n" + LibraryLayers.Table());
    }
}
