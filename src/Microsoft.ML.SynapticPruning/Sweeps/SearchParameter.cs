namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// A named dimension of a <see cref="SweepSearchSpace"/>: <see cref="FloatRange"/>, <see cref="IntRange"/> or
/// <see cref="Choice"/>, optionally active only under a <see cref="ParameterCondition"/>.
/// </summary>
public abstract class SearchParameter
{
    private protected SearchParameter(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>Parameter name (the key in a <see cref="Configuration"/>).</summary>
    public string Name { get; }

    /// <summary>Condition under which the parameter is active; null = always active.</summary>
    public ParameterCondition? Condition { get; private set; }

    /// <summary>Returns a copy that is active only when <paramref name="parent"/> has one of <paramref name="values"/>.</summary>
    public SearchParameter When(string parent, params string[] values)
    {
        var copy = Clone();
        copy.Condition = new ParameterCondition(parent, values);
        return copy;
    }

    /// <summary>Draws a value (canonical text) uniformly, or log-uniformly for log-scale ranges.</summary>
    public abstract string Sample(Random random);

    /// <summary>Whether <paramref name="value"/> is a legal value of this parameter.</summary>
    public abstract bool IsValid(string value);

    /// <summary>Maps a value to [0, 1] (log-scaled where the range is log); choices map to their index / (n − 1).</summary>
    public abstract double ToUnit(string value);

    /// <summary>Maps a point of [0, 1] back to a legal value (inverse of <see cref="ToUnit"/>, rounding for integers and choices).</summary>
    public abstract string FromUnit(double unit);

    private protected abstract SearchParameter Clone();

    /// <inheritdoc/>
    public override string ToString() => Condition is null ? Describe() : $"{Describe()} when {Condition}";

    private protected abstract string Describe();
}
