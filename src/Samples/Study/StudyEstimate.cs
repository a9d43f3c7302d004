using System.Globalization;
using System.Text;

namespace Samples.Study;

/// <summary>Extrapolated running time of the full grid from a stratified sample of timed trials.</summary>
/// <param name="Lines">Per dataset: trials, sampled trials, estimated seconds.</param>
/// <param name="TotalSeconds">Estimated seconds of the whole grid (sequential).</param>
/// <param name="TotalTrials">Trials of the grid.</param>
public sealed record StudyEstimate(IReadOnlyList<(string Dataset, int Trials, int Sampled, double Seconds)> Lines, double TotalSeconds, int TotalTrials)
{
    /// <summary>
    /// Extrapolates: every trial of the grid is assumed to take as long as the sampled trial of its dataset × model ×
    /// method (taken at the middle lookback, first horizon and seed); trials without a timed sample use the dataset's
    /// mean sampled time.
    /// </summary>
    public static StudyEstimate Compute(StudyPlan plan, IReadOnlyDictionary<string, double> sampleSeconds)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(sampleSeconds);
        var sample = StudyGrid.EstimateSample(plan).Where(t => sampleSeconds.ContainsKey(t.Id)).ToList();
        var lines = new List<(string, int, int, double)>();
        foreach (var g in plan.Trials.GroupBy(t => t.Dataset))
        {
            var timed = sample.Where(t => t.Dataset == g.Key).ToList();
            double fallback = timed.Count == 0 ? double.NaN : timed.Average(t => sampleSeconds[t.Id]);
            double seconds = 0;
            foreach (var t in g)
            {
                var s = timed.FirstOrDefault(x => x.Model == t.Model && x.Method == t.Method);
                seconds += s is null ? fallback : sampleSeconds[s.Id];
            }
            lines.Add((g.Key, g.Count(), timed.Count, seconds));
        }
        return new StudyEstimate(lines, lines.Sum(l => l.Item4), plan.Count);
    }

    /// <summary>The estimate as Markdown, labelled an estimate.</summary>
    public string ToMarkdown(StudyOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine($"# Running-time estimate (an estimate, not a measurement): {options.Protocol.ToString().ToLowerInvariant()} protocol").AppendLine();
        sb.AppendLine($"One trial per dataset × model × method was run at the middle lookback, the first horizon and the first seed, and its wall-clock time was multiplied by the number of trials of that dataset × model × method in the full grid. Lookback changes the cost of recurrent models and early stopping changes the epochs run, so the figure is rough. It is the sequential time (the trials timed one at a time{(options.Parallel > 1 ? string.Create(c, $"; here {options.Parallel} ran at once, which can slow each one") : "")}); a run with --parallel N (default: the number of cores) takes roughly this divided by N when its trials use one thread each.").AppendLine();
        sb.AppendLine("| dataset | trials | sampled | estimated time |").AppendLine("|---|---:|---:|---:|");
        foreach (var (d, n, s, sec) in Lines)
            sb.AppendLine(string.Format(c, "| {0} | {1:N0} | {2} | {3} |", d, n, s, StudyProgress.FormatDuration(sec)));
        sb.AppendLine(string.Format(c, "| **total** | {0:N0} | {1} | **{2}** |", TotalTrials, Lines.Sum(l => l.Sampled), StudyProgress.FormatDuration(TotalSeconds)));
        return sb.ToString();
    }
}
