namespace Samples.Commands;

/// <summary>Tiny "--name value" / "--flag" parser with errors that name the option.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public CommandLine(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{a}': options look like --name value.");
            string key = a[2..];
            string? value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            _values[key] = value;
        }
    }

    public bool Flag(string name) { _used.Add(name); return _values.ContainsKey(name); }

    public string? String(string name) { _used.Add(name); return _values.TryGetValue(name, out var v) ? v : null; }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public int Int(string name, int fallback)
    {
        var s = String(name);
        if (s is null) return fallback;
        return int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : throw new ArgumentException($"--{name} expects an integer, got '{s}'.");
    }

    public double Double(string name, double fallback)
    {
        var s = String(name);
        if (s is null) return fallback;
        return double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : throw new ArgumentException($"--{name} expects a number, got '{s}'.");
    }

    public int[] Ints(string name, int[] fallback)
    {
        var s = String(name);
        if (s is null) return fallback;
        return s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => int.TryParse(x, out var v) ? v : throw new ArgumentException($"--{name} expects comma-separated integers, got '{s}'.")).ToArray();
    }

    public string[] Strings(string name, string[] fallback)
    {
        var s = String(name);
        return s is null ? fallback : s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Throws if an option was given that the command never asked for (typos).</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}.");
    }
}
