namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>A categorical parameter; each value is equally likely. Numeric choices ("16", "32") read back with <see cref="Configuration.GetInt"/>.</summary>
public sealed class Choice : SearchParameter
{
    /// <summary>Creates a choice among <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">No values, an empty value, or a duplicate value.</exception>
    public Choice(string name, params string[] values) : base(name)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
            throw new ArgumentException($"Choice '{name}' needs at least one value.", nameof(values));
        if (values.Any(string.IsNullOrEmpty))
            throw new ArgumentException($"Choice '{name}' has an empty value.", nameof(values));
        var dup = values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new ArgumentException($"Choice '{name}' lists '{dup.Key}' twice.", nameof(values));
        Values = Array.AsReadOnly(values.ToArray());
    }

    /// <summary>The allowed values, in declaration order.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <inheritdoc/>
    public override string Sample(Random random) => Values[random.Next(Values.Count)];

    /// <inheritdoc/>
    public override bool IsValid(string value) => Values.Contains(value, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override double ToUnit(string value)
    {
        int i = IndexOf(value);
        return Values.Count == 1 ? 0.5 : (double)i / (Values.Count - 1);
    }

    /// <inheritdoc/>
    public override string FromUnit(double unit)
        => Values[Math.Clamp((int)Math.Round(Math.Clamp(unit, 0, 1) * (Values.Count - 1)), 0, Values.Count - 1)];

    /// <summary>Index of <paramref name="value"/> in <see cref="Values"/>.</summary>
    /// <exception cref="ArgumentException">Not one of the values.</exception>
    public int IndexOf(string value)
    {
        for (int i = 0; i < Values.Count; i++)
        {
            if (string.Equals(Values[i], value, StringComparison.Ordinal))
                return i;
        }
        throw new ArgumentException($"'{value}' is not a value of choice '{Name}' ({string.Join(", ", Values)}).", nameof(value));
    }

    private protected override SearchParameter Clone() => new Choice(Name, Values.ToArray());

    private protected override string Describe() => $"{Name} ∈ {{{string.Join(", ", Values)}}}";
}
