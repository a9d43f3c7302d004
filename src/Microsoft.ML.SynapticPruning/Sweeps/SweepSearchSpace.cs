namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// An ordered set of named <see cref="SearchParameter"/>s with conditions and constraints. A conditional
/// parameter must be added after its parent, and its parent must be a <see cref="Choice"/> that offers at least one
/// activating value (activating values the parent does not offer are ignored, so a choice can be narrowed). <see cref="Sample"/> draws every active parameter independently (uniform, or log-uniform
/// for log ranges) from the caller's seeded <see cref="Random"/>; inactive parameters are absent.
/// Constraints (e.g. final sparsity ≥ initial sparsity) are enforced by <b>rejection</b>: the whole
/// configuration is redrawn until every constraint holds (at most <see cref="MaxRejections"/> draws).
/// </summary>
/// <remarks>Named <c>SweepSearchSpace</c> rather than <c>SearchSpace</c>: ML.NET's Microsoft.ML.Core declares the namespace
/// <c>Microsoft.ML.SearchSpace</c>, which would shadow a type of that name in all code under <c>Microsoft.ML.*</c>.</remarks>
public sealed class SweepSearchSpace
{
    private readonly List<SearchParameter> _parameters = new();
    private readonly List<(string Description, Func<Configuration, bool> Predicate)> _constraints = new();

    /// <summary>Maximum draws per <see cref="Sample"/> before giving up on the constraints. Default 1000.</summary>
    public int MaxRejections { get; init; } = 1000;

    /// <summary>The parameters, in sampling order.</summary>
    public IReadOnlyList<SearchParameter> Parameters => _parameters;

    /// <summary>Descriptions of the constraints.</summary>
    public IReadOnlyList<string> Constraints => _constraints.Select(c => c.Description).ToArray();

    /// <summary>Whether a parameter of that name exists.</summary>
    public bool Contains(string name) => _parameters.Any(p => p.Name == name);

    /// <summary>The parameter with that name.</summary>
    /// <exception cref="KeyNotFoundException">No such parameter.</exception>
    public SearchParameter this[string name]
        => _parameters.FirstOrDefault(p => p.Name == name)
           ?? throw new KeyNotFoundException($"The search space has no parameter '{name}'. Parameters: {string.Join(", ", _parameters.Select(p => p.Name))}.");

    /// <summary>Adds a parameter (after its condition's parent). Returns this space for chaining.</summary>
    /// <exception cref="ArgumentException">Duplicate name, unknown or non-choice parent, or no activating value offered by the parent.</exception>
    public SweepSearchSpace Add(SearchParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (Contains(parameter.Name))
            throw new ArgumentException($"The search space already has a parameter '{parameter.Name}'; remove it first to replace it.", nameof(parameter));
        if (parameter.Condition is { } c)
        {
            if (!Contains(c.Parent))
                throw new ArgumentException($"Parameter '{parameter.Name}' depends on '{c.Parent}', which is not in the search space; add '{c.Parent}' first.", nameof(parameter));
            if (this[c.Parent] is not Choice parent)
                throw new ArgumentException($"Parameter '{parameter.Name}' depends on '{c.Parent}', which must be a Choice.", nameof(parameter));
            if (!c.Values.Any(parent.IsValid))
                throw new ArgumentException($"Parameter '{parameter.Name}' is activated by {c.Parent} ∈ {{{string.Join(", ", c.Values)}}}, but '{c.Parent}' only offers {string.Join(", ", parent.Values)}, so it could never be active.", nameof(parameter));
        }
        _parameters.Add(parameter);
        return this;
    }

    /// <summary>Removes a parameter. Returns this space for chaining.</summary>
    /// <exception cref="KeyNotFoundException">No such parameter.</exception>
    /// <exception cref="InvalidOperationException">Other parameters depend on it; remove them first.</exception>
    public SweepSearchSpace Remove(string name)
    {
        var p = this[name];
        var dependents = _parameters.Where(q => q.Condition?.Parent == name).Select(q => q.Name).ToArray();
        if (dependents.Length > 0)
            throw new InvalidOperationException($"Cannot remove '{name}': {string.Join(", ", dependents)} depend(s) on it; remove or replace those first.");
        _parameters.Remove(p);
        return this;
    }

    /// <summary>Replaces a parameter of the same name, keeping its position. Returns this space for chaining.</summary>
    public SweepSearchSpace Replace(SearchParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        int index = _parameters.FindIndex(p => p.Name == parameter.Name);
        if (index < 0)
            throw new KeyNotFoundException($"The search space has no parameter '{parameter.Name}' to replace; use Add.");
        var old = _parameters[index];
        _parameters.RemoveAt(index);
        try
        {
            var earlier = _parameters.Take(index).Select(p => p.Name).ToHashSet();
            if (parameter.Condition is { } c && !earlier.Contains(c.Parent))
                throw new ArgumentException($"Parameter '{parameter.Name}' depends on '{c.Parent}', which must come before it in the search space.", nameof(parameter));
            _parameters.Insert(index, parameter);
            if (parameter is Choice choice)
            {
                foreach (var dep in _parameters.Where(q => q.Condition?.Parent == parameter.Name))
                {
                    if (!dep.Condition!.Values.Any(choice.IsValid))
                        throw new ArgumentException($"'{dep.Name}' is activated by {dep.Condition}, none of which the new choice offers; remove '{dep.Name}' first.", nameof(parameter));
                }
            }
            else if (_parameters.Any(q => q.Condition?.Parent == parameter.Name))
            {
                throw new ArgumentException($"Other parameters depend on '{parameter.Name}', so it must stay a Choice.", nameof(parameter));
            }
        }
        catch
        {
            _parameters.Remove(parameter);
            _parameters.Insert(index, old);
            throw;
        }
        return this;
    }

    /// <summary>Adds a constraint every sampled configuration must satisfy (enforced by rejection sampling).</summary>
    public SweepSearchSpace AddConstraint(string description, Func<Configuration, bool> predicate)
    {
        ArgumentException.ThrowIfNullOrEmpty(description);
        ArgumentNullException.ThrowIfNull(predicate);
        _constraints.Add((description, predicate));
        return this;
    }

    /// <summary>
    /// Adds the constraint value(<paramref name="larger"/>) ≥ value(<paramref name="smaller"/>) whenever both are active.
    /// </summary>
    public SweepSearchSpace RequireAtLeast(string larger, string smaller)
        => AddConstraint($"{larger} ≥ {smaller}",
            c => !c.Contains(larger) || !c.Contains(smaller) || c.GetDouble(larger) >= c.GetDouble(smaller));

    /// <summary>Whether a parameter is active in a (partial) configuration built in sampling order.</summary>
    public static bool IsActive(SearchParameter parameter, IReadOnlyDictionary<string, string> configuration)
        => parameter.Condition is null || parameter.Condition.IsSatisfiedBy(configuration);

    /// <summary>Draws one configuration satisfying every constraint.</summary>
    /// <exception cref="InvalidOperationException">No draw satisfied the constraints within <see cref="MaxRejections"/> attempts.</exception>
    public Configuration Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int attempt = 0; attempt < Math.Max(1, MaxRejections); attempt++)
        {
            var c = Build(p => p.Sample(random));
            if (Violated(c) is null)
                return c;
        }
        throw new InvalidOperationException($"No configuration satisfying the constraints ({string.Join("; ", Constraints)}) was found in {MaxRejections} draws; widen the ranges or relax the constraints.");
    }

    /// <summary>
    /// Builds a configuration in sampling order, asking <paramref name="valueOf"/> only for active parameters
    /// (used by model-based tuners). Constraints are not checked; see <see cref="Violated"/>.
    /// </summary>
    public Configuration Build(Func<SearchParameter, string> valueOf)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in _parameters)
        {
            if (IsActive(p, values))
                values[p.Name] = valueOf(p);
        }
        return new Configuration(values);
    }

    /// <summary>The description of the first violated constraint, or null when all hold.</summary>
    public string? Violated(Configuration configuration)
    {
        foreach (var (d, pred) in _constraints)
        {
            if (!pred(configuration))
                return d;
        }
        return null;
    }

    /// <summary>
    /// Checks that <paramref name="configuration"/> is a legal point: exactly the active parameters present, each
    /// value legal, every constraint satisfied.
    /// </summary>
    /// <exception cref="ArgumentException">The first problem found, naming the parameter.</exception>
    public void Validate(Configuration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in _parameters)
        {
            bool active = IsActive(p, seen);
            bool present = configuration.TryGetValue(p.Name, out var v);
            if (active && !present)
                throw new ArgumentException($"Configuration lacks the active parameter '{p.Name}'.", nameof(configuration));
            if (!active && present)
                throw new ArgumentException($"Configuration sets '{p.Name}', which is inactive ({p.Condition}).", nameof(configuration));
            if (present)
            {
                if (!p.IsValid(v))
                    throw new ArgumentException($"Configuration value {p.Name} = '{v}' is outside {p}.", nameof(configuration));
                seen[p.Name] = v;
            }
        }
        var unknown = configuration.Keys.FirstOrDefault(k => !Contains(k));
        if (unknown is not null)
            throw new ArgumentException($"Configuration sets '{unknown}', which is not in the search space.", nameof(configuration));
        if (Violated(configuration) is { } violated)
            throw new ArgumentException($"Configuration violates the constraint {violated}.", nameof(configuration));
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(Environment.NewLine, _parameters.Select(p => p.ToString()).Concat(Constraints));
}
