using System.Globalization;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// An integer parameter in [<see cref="Min"/>, <see cref="Max"/>] (both inclusive), each integer equally likely,
/// or log-uniform (uniform in log over [min − 0.5, max + 0.5], then rounded) when <see cref="LogScale"/>.
/// </summary>
public sealed class IntRange : SearchParameter
{
    /// <summary>Creates an integer range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">min &gt; max, or min &lt; 1 on a log scale.</exception>
    public IntRange(string name, int min, int max, bool logScale = false) : base(name)
    {
        if (min > max)
            throw new ArgumentOutOfRangeException(nameof(max), max, $"Range '{name}': max must be ≥ min ({min}).");
        if (logScale && min < 1)
            throw new ArgumentOutOfRangeException(nameof(min), min, $"Range '{name}' is log-scaled, so min must be ≥ 1.");
        Min = min;
        Max = max;
        LogScale = logScale;
    }

    /// <summary>Lower bound (inclusive).</summary>
    public int Min { get; }
    /// <summary>Upper bound (inclusive).</summary>
    public int Max { get; }
    /// <summary>Sample log-uniformly.</summary>
    public bool LogScale { get; }


    /// <inheritdoc/>
    public override string Sample(Random random) => FromUnit(random.NextDouble());

    /// <inheritdoc/>
    public override bool IsValid(string value)
        => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) && i >= Min && i <= Max;

    // Continuous interval that is mapped onto the integers: [min − 0.5, max + 0.5] (log: same, in log space;
    // for min = 1 the lower edge is 0.5, still > 0).
    private (double lo, double hi) Interval
        => LogScale ? (Math.Log(Min - 0.5), Math.Log(Max + 0.5)) : (Min - 0.5, Max + 0.5);

    /// <inheritdoc/>
    public override double ToUnit(string value)
    {
        int i = int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
        var (lo, hi) = Interval;
        double x = LogScale ? Math.Log(i) : i;
        return Math.Clamp((x - lo) / (hi - lo), 0, 1);
    }

    /// <inheritdoc/>
    public override string FromUnit(double unit)
    {
        var (lo, hi) = Interval;
        double x = lo + Math.Clamp(unit, 0, 1) * (hi - lo);
        double v = LogScale ? Math.Exp(x) : x;
        int i = (int)Math.Round(v, MidpointRounding.AwayFromZero);
        return Configuration.FormatInt(Math.Clamp(i, Min, Max));
    }

    private protected override SearchParameter Clone() => new IntRange(Name, Min, Max, LogScale);

    private protected override string Describe() => $"{Name} ∈ {{{Min}..{Max}}}{(LogScale ? " log" : "")}";
}
