namespace Microsoft.ML.SynapticPruning.Tests.Layering;

/// <summary>
/// One layer of an assembly: the namespaces that belong to it, the layers directly below it (its arrows; it may also use
/// what those may use, see <see cref="LayerRuleSet"/>), and the external assemblies (besides the .NET runtime) its types
/// may reference.
/// </summary>
public sealed class LayerRule
{
    /// <summary>Creates a rule.</summary>
    /// <param name="name">The layer's name, e.g. <c>Pruning</c>.</param>
    /// <param name="namespaces">Namespaces of the layer; each includes its sub-namespaces.</param>
    /// <param name="mayUse">Names of the layers directly below this one.</param>
    /// <param name="externalAssemblies">Assembly-name prefixes the layer may reference, e.g. <c>TorchSharp</c>.</param>
    /// <param name="exactNamespaces">Namespaces of the layer without their sub-namespaces, e.g. <c>Microsoft.ML</c> for
    /// the catalog extensions that ML.NET users find next to <c>MLContext</c>.</param>
    public LayerRule(string name, IReadOnlyList<string> namespaces, IReadOnlyList<string> mayUse, IReadOnlyList<string> externalAssemblies,
        IReadOnlyList<string>? exactNamespaces = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(namespaces);
        ArgumentNullException.ThrowIfNull(mayUse);
        ArgumentNullException.ThrowIfNull(externalAssemblies);
        if (namespaces.Count == 0)
            throw new ArgumentException($"Layer '{name}' has no namespace.", nameof(namespaces));
        if (mayUse.Contains(name))
            throw new ArgumentException($"Layer '{name}' lists itself among the layers it may use.", nameof(mayUse));
        Name = name;
        Namespaces = [.. namespaces];
        MayUse = [.. mayUse];
        ExternalAssemblies = [.. externalAssemblies];
        ExactNamespaces = [.. exactNamespaces ?? []];
    }

    /// <summary>The layer's name.</summary>
    public string Name { get; }

    /// <summary>Namespaces of the layer (with their sub-namespaces).</summary>
    public IReadOnlyList<string> Namespaces { get; }

    /// <summary>The layers directly below this one (its arrows).</summary>
    public IReadOnlyList<string> MayUse { get; }

    /// <summary>Assembly-name prefixes the layer may reference besides the .NET runtime.</summary>
    public IReadOnlyList<string> ExternalAssemblies { get; }

    /// <summary>Namespaces of the layer without their sub-namespaces.</summary>
    public IReadOnlyList<string> ExactNamespaces { get; }

    /// <summary>How well <paramref name="namespaceName"/> matches the layer: the length of the longest of its namespaces
    /// that equals it or contains it, or −1 when none does.</summary>
    public int MatchLength(string namespaceName)
    {
        int best = -1;
        foreach (var ns in Namespaces)
        {
            bool match = namespaceName == ns || namespaceName.StartsWith(ns + ".", StringComparison.Ordinal);
            if (match && ns.Length > best) best = ns.Length;
        }
        foreach (var ns in ExactNamespaces)
            if (namespaceName == ns && ns.Length > best) best = ns.Length;
        return best;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} → {(MayUse.Count == 0 ? "—" : string.Join(", ", MayUse))}";
}
