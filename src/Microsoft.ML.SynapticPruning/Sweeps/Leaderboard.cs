using System.Globalization;
using System.Text;

namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Finished trials ranked by objective (lowest first; failed trials last; ties broken by trial id). Cancelled
/// trials are never listed. Rows mix rungs: a low-rung trial has trained fewer epochs (and, with pruning, has not
/// reached the final sparsity), so <see cref="Best"/> is chosen among the trials that trained the most epochs.
/// </summary>
public sealed class Leaderboard
{
    /// <summary>Builds a leaderboard from finished trials (duplicates by trial id keep the first).</summary>
    public Leaderboard(IEnumerable<TrialRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var unique = new Dictionary<string, TrialRecord>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (r.Result.Status != TrialStatus.Cancelled)
                unique.TryAdd(r.TrialId, r);
        }
        Rows = unique.Values
            .OrderBy(r => r.Result.Status == TrialStatus.Succeeded ? 0 : 1)
            .ThenBy(r => double.IsNaN(r.Result.Objective) ? double.PositiveInfinity : r.Result.Objective)
            .ThenBy(r => r.TrialId, StringComparer.Ordinal)
            .Select((r, i) => new LeaderboardRow(i + 1, r.TrialId, r.Request.Configuration, r.Result.Objective, r.Result.Metrics,
                r.Result.Seconds, r.Request.Rung, r.Request.EpochBudget, r.Result.Status, r.Result.Error))
            .ToArray();
    }

    /// <summary>Rows, best first.</summary>
    public IReadOnlyList<LeaderboardRow> Rows { get; }

    /// <summary>
    /// The recommended trial: the lowest objective among succeeded trials with the largest epoch budget reached;
    /// null when no trial succeeded.
    /// </summary>
    public LeaderboardRow? Best
    {
        get
        {
            var ok = Rows.Where(r => r.Status == TrialStatus.Succeeded).ToArray();
            if (ok.Length == 0)
                return null;
            int top = ok.Max(r => r.EpochBudget);
            return ok.First(r => r.EpochBudget == top);
        }
    }

    /// <summary>An aligned text table of the first <paramref name="maxRows"/> rows (all when null).</summary>
    public string Format(int? maxRows = null)
    {
        var metricNames = Rows.SelectMany(r => r.Metrics.Keys).Distinct(StringComparer.Ordinal).OrderBy(m => m, StringComparer.Ordinal).ToArray();
        var header = new List<string> { "Rank", "Trial", "Rung", "Epochs", "Objective" };
        header.AddRange(metricNames);
        header.AddRange(new[] { "Seconds", "Status", "Configuration" });
        var table = new List<string[]> { header.ToArray() };
        foreach (var r in Rows.Take(maxRows ?? int.MaxValue))
        {
            var cells = new List<string>
            {
                r.Rank.ToString(CultureInfo.InvariantCulture), r.TrialId, r.Rung.ToString(CultureInfo.InvariantCulture),
                r.EpochBudget.ToString(CultureInfo.InvariantCulture), Number(r.Objective),
            };
            cells.AddRange(metricNames.Select(m => r.Metrics.TryGetValue(m, out var v) ? Number(v) : "-"));
            cells.Add(r.Seconds.ToString("F1", CultureInfo.InvariantCulture));
            cells.Add(r.Status == TrialStatus.Succeeded ? "ok" : "failed");
            cells.Add(r.ConfigurationSummary);
            table.Add(cells.ToArray());
        }
        int columns = header.Count;
        var widths = Enumerable.Range(0, columns).Select(c => table.Max(row => row[c].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var row in table)
        {
            for (int c = 0; c < columns; c++)
            {
                bool last = c == columns - 1;
                bool numeric = c != 1 && c < columns - 2;
                string cell = last ? row[c] : numeric ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]);
                sb.Append(cell);
                if (!last)
                    sb.Append("  ");
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => Format();

    private static string Number(double v) => double.IsFinite(v) ? v.ToString("G6", CultureInfo.InvariantCulture) : v.ToString(CultureInfo.InvariantCulture);
}
