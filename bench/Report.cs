namespace SynapticPruning.Bench;

/// <summary>One line of the results table.</summary>
internal sealed record Row(string Figure, string Measure, string Value, string Ci, string Target, string Setting, string Notes);

/// <summary>Collects rows and prints them as a Markdown table.</summary>
internal sealed class Report
{
    private readonly List<Row> _rows = new();

    public IReadOnlyList<Row> Rows => _rows;

    public void Add(Row row)
    {
        _rows.Add(row);
        Console.WriteLine($"  -> {row.Figure} | {row.Measure} | {row.Value} | {row.Ci} | {row.Target} | {row.Setting} | {row.Notes}");
    }

    public static string Ratio(double v) => v.ToString("0.000");

    public static string CiText((double Low, double High) ci, int n) => $"[{ci.Low:0.000}, {ci.High:0.000}] (n={n})";

    public string ToMarkdown()
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("| # | Measure | Value | 95% CI of median | Target | Threads / OMP_WAIT_POLICY | Notes |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in _rows)
            sb.AppendLine($"| {r.Figure} | {r.Measure} | {r.Value} | {r.Ci} | {r.Target} | {r.Setting} | {r.Notes} |");
        return sb.ToString();
    }
}
