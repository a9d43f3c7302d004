using System.Globalization;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>A real parameter in [<see cref="Min"/>, <see cref="Max"/>], sampled uniformly or log-uniformly.</summary>
public sealed class FloatRange : SearchParameter
{
    /// <summary>Creates a real range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Bounds not finite, min &gt; max, or min ≤ 0 on a log scale.</exception>
    public FloatRange(string name, double min, double max, bool logScale = false) : base(name)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
            throw new ArgumentOutOfRangeException(nameof(min), $"Range '{name}' needs finite bounds (got [{min}, {max}]).");
        if (min > max)
            throw new ArgumentOutOfRangeException(nameof(max), max, $"Range '{name}': max must be ≥ min ({min}).");
        if (logScale && min <= 0)
            throw new ArgumentOutOfRangeException(nameof(min), min, $"Range '{name}' is log-scaled, so min must be > 0.");
        Min = min;
        Max = max;
        LogScale = logScale;
    }

    /// <summary>Lower bound (inclusive).</summary>
    public double Min { get; }
    /// <summary>Upper bound (inclusive).</summary>
    public double Max { get; }
    /// <summary>Sample log-uniformly (uniform in log(value)).</summary>
    public bool LogScale { get; }

    /// <inheritdoc/>
    public override string Sample(Random random) => FromUnit(random.NextDouble());

    /// <inheritdoc/>
    public override bool IsValid(string value)
        => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d >= Min && d <= Max;

    /// <inheritdoc/>
    public override double ToUnit(string value)
    {
        double d = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (Max == Min)
            return 0.5;
        double u = LogScale ? (Math.Log(d) - Math.Log(Min)) / (Math.Log(Max) - Math.Log(Min)) : (d - Min) / (Max - Min);
        return Math.Clamp(u, 0, 1);
    }

    /// <inheritdoc/>
    public override string FromUnit(double unit)
    {
        unit = Math.Clamp(unit, 0, 1);
        double v = LogScale ? Math.Exp(Math.Log(Min) + unit * (Math.Log(Max) - Math.Log(Min))) : Min + unit * (Max - Min);
        return Configuration.FormatDouble(Math.Clamp(v, Min, Max));
    }

    private protected override SearchParameter Clone() => new FloatRange(Name, Min, Max, LogScale);

    private protected override string Describe() => $"{Name} ∈ [{Min.ToString(CultureInfo.InvariantCulture)}, {Max.ToString(CultureInfo.InvariantCulture)}]{(LogScale ? " log" : "")}";
}
