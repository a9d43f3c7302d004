namespace Microsoft.ML.SynapticPruning.Tests.Layering;

/// <summary>
/// The layers of one assembly. Validated on construction: unique names, known targets and no cycle, so a rule set
/// that exists is a layering. A layer may use the layers it lists and, through them, every layer below (the arrows of
/// the picture are the rule; a layer never needs to repeat what a layer it uses may use). Types under <see cref="RootNamespace"/> must belong to a layer; other types (compiler
/// generated ones such as <c>&lt;PrivateImplementationDetails&gt;</c> or <c>NullableAttribute</c>) are not checked.
/// </summary>
public sealed class LayerRuleSet
{
    private readonly Dictionary<string, LayerRule> _byName;
    private readonly Dictionary<string, HashSet<string>> _below;

    /// <summary>Creates and validates a rule set.</summary>
    /// <param name="rootNamespace">Every type in this namespace or below it must belong to a layer.</param>
    /// <param name="layers">The layers.</param>
    /// <exception cref="ArgumentException">A name repeats, a rule names an unknown layer, or the rules form a cycle (the
    /// message lists it).</exception>
    public LayerRuleSet(string rootNamespace, IReadOnlyList<LayerRule> layers)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootNamespace);
        ArgumentNullException.ThrowIfNull(layers);
        RootNamespace = rootNamespace;
        Layers = [.. layers];
        _byName = new Dictionary<string, LayerRule>(StringComparer.Ordinal);
        foreach (var layer in Layers)
            if (!_byName.TryAdd(layer.Name, layer))
                throw new ArgumentException($"Layer '{layer.Name}' is defined twice.", nameof(layers));
        foreach (var layer in Layers)
            foreach (var target in layer.MayUse)
                if (!_byName.ContainsKey(target))
                    throw new ArgumentException($"Layer '{layer.Name}' may use '{target}', which is not a layer.", nameof(layers));
        var cycle = FindCycle();
        if (cycle is not null)
            throw new ArgumentException($"The layer rule has a cycle: {string.Join(" → ", cycle)}.", nameof(layers));
        _below = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var layer in Layers) Below(layer.Name);
    }

    /// <summary>Every type in this namespace or below it must belong to a layer.</summary>
    public string RootNamespace { get; }

    /// <summary>The layers, in the order given.</summary>
    public IReadOnlyList<LayerRule> Layers { get; }

    /// <summary>The layer a type belongs to: the layer that lists <paramref name="typeFullName"/>, else the rule with the
    /// longest matching namespace, or <see langword="null"/>. Without a full name, the layer of the namespace.</summary>
    public LayerRule? LayerOf(string namespaceName, string? typeFullName = null)
    {
        LayerRule? best = null;
        int bestLength = -1;
        foreach (var layer in Layers)
        {
            int length = layer.MatchLength(namespaceName, typeFullName);
            if (length > bestLength) (best, bestLength) = (layer, length);
        }
        return best;
    }

    /// <summary>Whether types in <paramref name="namespaceName"/> must belong to a layer.</summary>
    public bool IsUnderRoot(string namespaceName) =>
        namespaceName == RootNamespace || namespaceName.StartsWith(RootNamespace + ".", StringComparison.Ordinal);

    /// <summary>Whether layer <paramref name="from"/> may use layer <paramref name="to"/>: the same layer, or one below
    /// it along the arrows.</summary>
    public bool MayUse(LayerRule from, LayerRule to) => from == to || _below[from.Name].Contains(to.Name);

    /// <summary>The layers below <paramref name="layer"/> along the arrows (those it may use), in rule order.</summary>
    public IReadOnlyList<string> LayersBelow(LayerRule layer) => Layers.Select(l => l.Name).Where(_below[layer.Name].Contains).ToArray();

    private HashSet<string> Below(string name)
    {
        if (_below.TryGetValue(name, out var known)) return known;
        var below = new HashSet<string>(StringComparer.Ordinal);
        foreach (var next in _byName[name].MayUse)
        {
            below.Add(next);
            below.UnionWith(Below(next));
        }
        return _below[name] = below;
    }

    private List<string>? FindCycle()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();
        List<string>? Visit(string name)
        {
            if (state.TryGetValue(name, out int s))
                return s == 1 ? [.. path.Skip(path.IndexOf(name)), name] : null;
            state[name] = 1;
            path.Add(name);
            foreach (var next in _byName[name].MayUse)
                if (Visit(next) is { } found) return found;
            path.RemoveAt(path.Count - 1);
            state[name] = 2;
            return null;
        }
        foreach (var layer in Layers)
            if (Visit(layer.Name) is { } cycle) return cycle;
        return null;
    }
}
