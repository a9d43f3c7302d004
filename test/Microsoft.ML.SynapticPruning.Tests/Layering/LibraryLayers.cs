namespace Microsoft.ML.SynapticPruning.Tests.Layering;

/// <summary>
/// The library's layer rule, one layer per top-level folder of src/Microsoft.ML.SynapticPruning (docs/design.md,
/// "Layers"): each engine folder is its namespace; Vocabulary and MLNet share the root namespace, told apart by
/// <see cref="VocabularyTypes"/>. A layer may use the layers it points to and everything below them, never the other way round; the rule is
/// acyclic by construction (<see cref="LayerRuleSet"/> rejects a cycle).
/// </summary>
public static class LibraryLayers
{
    /// <summary>The namespace every library type lives under.</summary>
    public const string Root = "Microsoft.ML.SynapticPruning";

    private static readonly string[] Torch = ["TorchSharp"];

    /// <summary>The shared vocabulary (src/Microsoft.ML.SynapticPruning/Vocabulary): the enums and records that the engine
    /// layers and the ML.NET options both use, in the root namespace so that <c>using Microsoft.ML.SynapticPruning;</c>
    /// brings them with the options. Listed by name because the rest of the root namespace is the ML.NET surface (MLNet);
    /// <c>LibraryLayeringTests</c> holds this list to the folder's files.</summary>
    public static IReadOnlyList<string> VocabularyTypes { get; } =
    [
        Root + ".EpochReport",
        Root + ".ForecasterKind",
        Root + ".InstanceNormalization",
        Root + ".MissingValuePolicy",
        Root + ".ProgressConvention",
        Root + ".PruningGranularity",
        Root + ".Regularization",
        Root + ".RegularizationExtensions",
        Root + ".RestoreFrom",
        Root + ".StructureImportance",
    ];

    /// <summary>The rule, bottom layers first.</summary>
    public static LayerRuleSet Rule { get; } = new(Root,
    [
        new LayerRule("Vocabulary", [], [], [], types: VocabularyTypes),
        Layer("Data", ["Vocabulary"]),
        Layer("Evaluation", []),
        Layer("Persistence", []),
        Layer("Sweeps", []),
        Layer("Runtime", [], Torch),
        Layer("Pruning", ["Runtime", "Vocabulary"], Torch),
        Layer("Models", ["Pruning"], Torch),
        Layer("Training", ["Models", "Evaluation"], Torch),
        Layer("Compaction", ["Training"], Torch),
        // The ML.NET surface: the MLNet folder's types are in the root namespace (what users import), its extension classes
        // in Microsoft.ML (next to MLContext, like ML.NET's own), and the ML.NET internals in Root.MLNet.Internals.
        new LayerRule("MLNet", [Root + ".MLNet"], ["Compaction", "Data", "Persistence", "Sweeps"], ["TorchSharp", "Microsoft.ML"],
            exactNamespaces: ["Microsoft.ML", Root]),
    ]);

    /// <summary>The types of Pruning that Models may use: the declarations a network makes about its structures, never
    /// the pruner itself.</summary>
    public static IReadOnlyList<string> PruningStructureDeclarations { get; } =
    [
        Root + ".Pruning.INormalizationLayer",
        Root + ".Pruning.IStructuredPrunable",
        Root + ".Pruning.PrunableStructure",
        Root + ".Pruning.StructureKind",
        Root + ".Pruning.StructureSlice",
    ];

    /// <summary>The rule as a mermaid graph (an arrow means "may use"), as docs/design.md shows it.</summary>
    public static string Mermaid()
    {
        var lines = new List<string> { "```mermaid", "graph TD" };
        foreach (var layer in Rule.Layers.Reverse())
        {
            if (layer.MayUse.Count == 0 && !Rule.Layers.Any(l => l.MayUse.Contains(layer.Name))) lines.Add($"    {layer.Name}");
            foreach (var target in layer.MayUse) lines.Add($"    {layer.Name} --> {target}");
        }
        lines.Add("```");
        return string.Join("\n", lines);
    }

    /// <summary>The rule as a markdown table (layer, every layer it may use, the assemblies it may reference besides
    /// .NET), as docs/design.md shows it.</summary>
    public static string Table()
    {
        var lines = new List<string> { "| layer | may use (arrows and below) | may reference (besides .NET) |", "|---|---|---|" };
        foreach (var layer in Rule.Layers.Reverse())
        {
            var below = Rule.LayersBelow(layer);
            string uses = below.Count == 0 ? "—" : string.Join(", ", below.Select(l => $"`{l}`"));
            string external = layer.ExternalAssemblies.Count == 0 ? "—" : string.Join(", ", layer.ExternalAssemblies);
            lines.Add($"| `{layer.Name}` | {uses} | {external} |");
        }
        return string.Join("\n", lines);
    }

    private static LayerRule Layer(string name, string[] mayUse, string[]? external = null) =>
        new(name, [Root + "." + name], mayUse, external ?? []);
}
