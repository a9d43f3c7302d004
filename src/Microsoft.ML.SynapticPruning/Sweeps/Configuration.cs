using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// One point of a <see cref="SweepSearchSpace"/>: an immutable map from parameter name to value, sorted by name
/// (ordinal). Values are stored in canonical invariant-culture text (a double in its shortest round-trip form,
/// an integer in decimal digits, a choice as its literal string), so that equal configurations have equal text,
/// equal JSON and equal trial ids. Inactive conditional parameters are simply absent.
/// </summary>
public sealed class Configuration : IReadOnlyDictionary<string, string>, IEquatable<Configuration>
{
    private readonly ImmutableSortedDictionary<string, string> _values;

    /// <summary>The empty configuration.</summary>
    public static Configuration Empty { get; } = new(ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));

    private Configuration(ImmutableSortedDictionary<string, string> values) => _values = values;

    /// <summary>Creates a configuration from name/value pairs (values already in canonical text).</summary>
    /// <exception cref="ArgumentException">A name is null/empty or appears twice, or a value is null.</exception>
    public Configuration(IEnumerable<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (string.IsNullOrEmpty(name))
                throw new ArgumentException("A configuration parameter name must be a non-empty string.", nameof(values));
            if (value is null)
                throw new ArgumentException($"Parameter '{name}' has a null value; use absence for inactive parameters.", nameof(values));
            if (builder.ContainsKey(name))
                throw new ArgumentException($"Parameter '{name}' appears twice in the configuration.", nameof(values));
            builder.Add(name, value);
        }
        _values = builder.ToImmutable();
    }

    /// <summary>Returns a copy with <paramref name="name"/> set to the canonical text <paramref name="value"/>.</summary>
    public Configuration With(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return new Configuration(_values.SetItem(name, value));
    }

    /// <summary>Returns a copy with <paramref name="name"/> set to a double (shortest round-trip invariant text).</summary>
    public Configuration With(string name, double value) => With(name, FormatDouble(value));

    /// <summary>Returns a copy with <paramref name="name"/> set to an integer (invariant decimal text).</summary>
    public Configuration With(string name, int value) => With(name, FormatInt(value));

    /// <summary>Returns a copy without <paramref name="name"/> (unchanged if absent).</summary>
    public Configuration Without(string name) => new(_values.Remove(name));

    /// <summary>Whether the parameter is present (active) in this configuration.</summary>
    public bool Contains(string name) => _values.ContainsKey(name);

    /// <summary>The value of a parameter as its canonical text.</summary>
    /// <exception cref="KeyNotFoundException">The parameter is absent (inactive or not in the search space).</exception>
    public string GetString(string name) =>
        _values.TryGetValue(name, out var v) ? v
            : throw new KeyNotFoundException($"Configuration has no parameter '{name}' (it is inactive or not in the search space). Present: {string.Join(", ", _values.Keys)}.");

    /// <summary>The value of a parameter parsed as a double (invariant culture).</summary>
    /// <exception cref="FormatException">The value is not a number.</exception>
    public double GetDouble(string name)
    {
        string text = GetString(name);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d
            : throw new FormatException($"Parameter '{name}' = '{text}' is not a number.");
    }

    /// <summary>The value of a parameter parsed as an integer (invariant culture).</summary>
    /// <exception cref="FormatException">The value is not an integer.</exception>
    public int GetInt(string name)
    {
        string text = GetString(name);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i
            : throw new FormatException($"Parameter '{name}' = '{text}' is not an integer.");
    }

    /// <summary>The value as a double, or <paramref name="fallback"/> when the parameter is absent.</summary>
    public double GetDoubleOrDefault(string name, double fallback) => Contains(name) ? GetDouble(name) : fallback;

    /// <summary>The value as an integer, or <paramref name="fallback"/> when the parameter is absent.</summary>
    public int GetIntOrDefault(string name, int fallback) => Contains(name) ? GetInt(name) : fallback;

    /// <summary>The value as text, or <paramref name="fallback"/> when the parameter is absent.</summary>
    public string? GetStringOrDefault(string name, string? fallback) => _values.TryGetValue(name, out var v) ? v : fallback;

    /// <summary>Canonical text of a double: shortest round-trip form, invariant culture ("0.001", "1E-05").</summary>
    public static string FormatDouble(double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "Configuration values must be finite.");
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Canonical text of an integer: invariant decimal digits.</summary>
    public static string FormatInt(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public string this[string key] => GetString(key);
    /// <inheritdoc/>
    public IEnumerable<string> Keys => _values.Keys;
    /// <inheritdoc/>
    public IEnumerable<string> Values => _values.Values;
    /// <inheritdoc/>
    public int Count => _values.Count;
    /// <inheritdoc/>
    public bool ContainsKey(string key) => _values.ContainsKey(key);
    /// <inheritdoc/>
    public bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value!);
    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(Configuration? other)
    {
        if (other is null || other.Count != Count)
            return false;
        foreach (var (k, v) in _values)
        {
            if (!other._values.TryGetValue(k, out var ov) || !string.Equals(v, ov, StringComparison.Ordinal))
                return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Configuration);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (k, v) in _values)
        {
            hash.Add(k, StringComparer.Ordinal);
            hash.Add(v, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }

    /// <summary>"name=value, name=value" in name order — the summary used by the leaderboard.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in _values)
        {
            if (sb.Length > 0)
                sb.Append(", ");
            sb.Append(k).Append('=').Append(v);
        }
        return sb.ToString();
    }
}
