namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Makes a parameter active only when a <see cref="Choice"/> parameter (the parent) is active and has one of
/// <see cref="Values"/>. Example: the dropout probability is active only when regularization ∈ {dropout, mc-dropout}.
/// </summary>
public sealed class ParameterCondition
{
    /// <summary>Creates a condition on the parent choice <paramref name="parent"/>.</summary>
    /// <exception cref="ArgumentException">The parent name is empty, or no values are given.</exception>
    public ParameterCondition(string parent, params string[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(parent);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
            throw new ArgumentException($"A condition on '{parent}' needs at least one value that activates the parameter.", nameof(values));
        Parent = parent;
        Values = Array.AsReadOnly(values.ToArray());
    }

    /// <summary>Name of the parent choice parameter.</summary>
    public string Parent { get; }

    /// <summary>Parent values that activate the conditional parameter.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Whether the condition holds in a (partial) configuration: the parent is present with one of the values.</summary>
    public bool IsSatisfiedBy(IReadOnlyDictionary<string, string> configuration)
        => configuration.TryGetValue(Parent, out var v) && Values.Contains(v, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => $"{Parent} ∈ {{{string.Join(", ", Values)}}}";
}
