namespace Microsoft.ML.SynapticPruning.Tests.Layering;

/// <summary>
/// One layer of an assembly: the namespaces that belong to it, the layers directly below it (its arrows; it may also use
/// what those may use, see <see cref="LayerRuleSet"/>), and the external assemblies (besides the .NET runtime) its types
/// may reference. A layer may also name single types (<c>types</c>): the root namespace's shared vocabulary is a
/// layer of its own below the engine, while the rest of the root namespace is the ML.NET surface at the top.
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
    /// <param name="types">Full names of top-level types of the layer whatever their namespace; a type listed here belongs
    /// to this layer even when another layer's namespace matches it (a full name is longer than any of its namespaces).</param>
    public LayerRule(string name, IReadOnlyList<string> namespaces, IReadOnlyList<string> mayUse, IReadOnlyList<string> externalAssemblies,
        IReadOnlyList<string>? exactNamespaces = null, IReadOnlyList<string>? types = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(namespaces);
        ArgumentNullException.ThrowIfNull(mayUse);
        ArgumentNullException.ThrowIfNull(externalAssemblies);
        if (namespaces.Count == 0 && (exactNamespaces is null || exactNamespaces.Count == 0) && (types is null || types.Count == 0))
            throw new ArgumentException($"Layer '{name}' has no namespace and no type.", nameof(namespaces));
        if (mayUse.Contains(name))
            throw new ArgumentException($"Layer '{name}' lists itself among the layers it may use.", nameof(mayUse));
        Name = name;
        Namespaces = [.. namespaces];
        MayUse = [.. mayUse];
        ExternalAssemblies = [.. externalAssemblies];
        ExactNamespaces = [.. exactNamespaces ?? []];
        Types = [.. types ?? []];
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

    /// <summary>Full names of the types of the layer, whatever their namespace.</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>How well a type in <paramref name="namespaceName"/> (full name <paramref name="typeFullName"/>, when known)
    /// matches the layer: the length of its full name when the layer lists it, else the length of the longest of the
    /// layer's namespaces that equals or contains <paramref name="namespaceName"/>, or −1 when none does.</summary>
    public int MatchLength(string namespaceName, string? typeFullName = null)
    {
        if (typeFullName is not null && Types.Contains(typeFullName)) return typeFullName.Length;
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
