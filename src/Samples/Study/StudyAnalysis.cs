using System.Globalization;
using SynapticPruning.Study.Statistics;

namespace Samples.Study;

/// <summary>One cell of the statistics: a method in a block, averaged over its seeds (docs/study.md, "Statistics").</summary>
/// <param name="Dataset">Dataset.</param>
/// <param name="Model">Model, or <c>baseline</c>.</param>
/// <param name="Method">Arm or baseline.</param>
/// <param name="Lookback">Lookback.</param>
/// <param name="Horizon">Horizon.</param>
/// <param name="Mae">Mean MAE over seeds.</param>
/// <param name="Rmse">Mean RMSE over seeds.</param>
/// <param name="NaiveMae">Mean naive MAE on the same windows.</param>
/// <param name="Seeds">Number of seeds averaged.</param>
/// <param name="Fold">Rolling-origin backtest fold (0 without a backtest).</param>
/// <param name="Folds">Backtest folds of the run (1 without a backtest).</param>
public sealed record StudyCell(string Dataset, string Model, string Method, int Lookback, int Horizon, double Mae, double Rmse, double NaiveMae, int Seeds,
    int Fold = 0, int Folds = 1)
{
    /// <summary>The block id (dataset, model, lookback, horizon, backtest fold).</summary>
    public string BlockId => StudyResultRow.MakeBlockId(Dataset, Model, Lookback, Horizon, Fold, Folds);

    /// <summary>MAE / naive MAE.</summary>
    public double RelativeMae => NaiveMae > 0 ? Mae / NaiveMae : double.NaN;
}

/// <summary>Mean and 95% t-interval of a metric of one method over its cells.</summary>
/// <param name="Method">Method.</param>
/// <param name="IsBaseline">Whether it is a baseline.</param>
/// <param name="Cells">Number of cells.</param>
/// <param name="Mae">MAE over cells.</param>
/// <param name="Rmse">RMSE over cells.</param>
/// <param name="RelativeMae">MAE / naive MAE over cells.</param>
public sealed record StudyMethodSummary(string Method, bool IsBaseline, int Cells, ConfidenceInterval Mae, ConfidenceInterval Rmse, ConfidenceInterval RelativeMae);

/// <summary>The statistics of one scope (a dataset, or all datasets).</summary>
/// <param name="Scope">Dataset name or <c>overall</c>.</param>
/// <param name="Summaries">Per-method summaries: arms in protocol order, then baselines.</param>
/// <param name="Comparison">The ranked comparison of the arms, or null when there are too few blocks or arms.</param>
/// <param name="ComparisonNote">Why <paramref name="Comparison"/> is null, or empty.</param>
/// <param name="NaiveStatements">Rule-generated statements relative to the naive forecast.</param>
public sealed record StudyScopeAnalysis(string Scope, IReadOnlyList<StudyMethodSummary> Summaries, RegularizerComparisonResult? Comparison,
    string ComparisonNote, IReadOnlyList<string> NaiveStatements);

/// <summary>
/// Forms the statistics blocks and runs the comparisons: a block is (dataset, model, lookback, horizon, backtest fold),
/// its cell is the mean over seeds, only the regularization arms are ranked, baselines are summarised beside them (docs/study.md, "Statistics").
/// </summary>
public sealed class StudyAnalysis
{
    /// <summary>Scope name of the all-datasets analysis.</summary>
    public const string Overall = "overall";

    private StudyAnalysis(IReadOnlyList<StudyCell> cells, IReadOnlyList<string> arms, IReadOnlyList<string> baselines,
        IReadOnlyList<string> datasets, IReadOnlyList<StudyScopeAnalysis> scopes, IReadOnlyList<string> nonFiniteTrials, int expectedSeeds)
    {
        NonFiniteTrials = nonFiniteTrials;
        ExpectedSeeds = expectedSeeds;
        ShortCells = cells.Where(c => c.Seeds < ExpectedSeedsOf(c.Method, expectedSeeds)).ToList();
        Cells = cells;
        Arms = arms;
        Baselines = baselines;
        Datasets = datasets;
        Scopes = scopes;
    }

    /// <summary>Ids of trials whose MAE or naive MAE is not finite (diverged); they are left out of every statistic.</summary>
    public IReadOnlyList<string> NonFiniteTrials { get; }

    /// <summary>
    /// Seeds a cell of a seeded method (an arm or DLinear) averages when every trial finished: the number of distinct seeds
    /// among the finished trials of seeded methods. Deterministic baselines (naive, seasonal naive, FastTree) run one seed.
    /// </summary>
    public int ExpectedSeeds { get; }

    /// <summary>
    /// Cells that average fewer seeds than planned (<see cref="ExpectedSeeds"/>): a trial diverged (see
    /// <see cref="NonFiniteTrials"/>) or has not finished yet. Reports flag them, since their mean rests on fewer runs.
    /// </summary>
    public IReadOnlyList<StudyCell> ShortCells { get; }

    /// <summary>Seeds a cell of <paramref name="method"/> should average: 1 for deterministic baselines, else <paramref name="expectedSeeds"/>.</summary>
    public static int ExpectedSeedsOf(string method, int expectedSeeds) => StudyMethods.IsDeterministicBaseline(method) ? 1 : expectedSeeds;

    /// <summary>All cells (arms and baselines).</summary>
    public IReadOnlyList<StudyCell> Cells { get; }

    /// <summary>Regularization arms present, in protocol order.</summary>
    public IReadOnlyList<string> Arms { get; }

    /// <summary>Baselines present.</summary>
    public IReadOnlyList<string> Baselines { get; }

    /// <summary>Datasets present, in run order.</summary>
    public IReadOnlyList<string> Datasets { get; }

    /// <summary>One analysis per dataset, then <see cref="Overall"/>.</summary>
    public IReadOnlyList<StudyScopeAnalysis> Scopes { get; }

    /// <summary>The reference arm of % changes: <see cref="StudyMethods.Pruning"/> when present.</summary>
    public string? Reference => Arms.Contains(StudyMethods.Pruning) ? StudyMethods.Pruning : null;

    /// <summary>Averages seeds into cells (one per block and method); backtest folds are blocks, not averaged.</summary>
    public static IReadOnlyList<StudyCell> FormCells(IEnumerable<StudyResultRow> rows) =>
        rows.GroupBy(r => (r.Dataset, r.Model, r.Method, r.Lookback, r.Horizon, r.Fold, r.Folds))
            .Select(g => new StudyCell(g.Key.Dataset, g.Key.Model, g.Key.Method, g.Key.Lookback, g.Key.Horizon,
                g.Average(r => r.Mae), g.Average(r => r.Rmse), g.Average(r => r.NaiveMae), g.Count(), g.Key.Fold, g.Key.Folds))
            .ToList();

    /// <summary>
    /// The comparison table of the arms: one observation per (block, arm) cell; baselines excluded. The value is the
    /// cell's MAE within one dataset and its MAE ÷ naive MAE (<paramref name="relative"/>) across datasets, where MAE
    /// scales differ by orders of magnitude: ranks within a block are the same either way (every arm of a block is divided by
    /// the same naive MAE), but the pairwise Wilcoxon tests and median differences would otherwise be dominated by the
    /// dataset with the largest values.
    /// </summary>
    public static IReadOnlyList<ComparisonObservation> ComparisonTable(IEnumerable<StudyCell> cells, bool relative = false) =>
        cells.Where(c => !StudyMethods.IsBaseline(c.Method) && (!relative || !double.IsNaN(c.RelativeMae)))
            .OrderBy(c => StudyMethods.Order(c.Method))
            .Select(c => new ComparisonObservation(c.BlockId, c.Method, relative ? c.RelativeMae : c.Mae))
            .ToList();

    /// <summary>Runs the analysis of <paramref name="rows"/>.</summary>
    /// <param name="rows">Finished trials of the run.</param>
    /// <param name="datasetOrder">Datasets in report order (others follow).</param>
    public static StudyAnalysis Analyze(IReadOnlyList<StudyResultRow> rows, IReadOnlyList<string>? datasetOrder = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int expectedSeeds = rows.Where(r => !StudyMethods.IsDeterministicBaseline(r.Method)).Select(r => r.Seed).Distinct().Count();
        var nonFinite = rows.Where(r => !double.IsFinite(r.Mae) || !double.IsFinite(r.Rmse) || !double.IsFinite(r.NaiveMae)).Select(r => r.Id).ToList();
        rows = rows.Where(r => double.IsFinite(r.Mae) && double.IsFinite(r.Rmse) && double.IsFinite(r.NaiveMae)).ToList();
        var cells = FormCells(rows);
        var arms = cells.Select(c => c.Method).Where(m => !StudyMethods.IsBaseline(m)).Distinct().OrderBy(StudyMethods.Order).ToList();
        var baselines = cells.Select(c => c.Method).Where(StudyMethods.IsBaseline).Distinct().OrderBy(StudyMethods.Order).ToList();
        var present = rows.Select(r => r.Dataset).Distinct().ToList();
        var datasets = (datasetOrder ?? []).Where(present.Contains).Concat(present.Where(d => !(datasetOrder ?? []).Contains(d))).ToList();
        string? reference = arms.Contains(StudyMethods.Pruning) ? StudyMethods.Pruning : null;
        var scopes = new List<StudyScopeAnalysis>();
        foreach (var d in datasets)
            scopes.Add(AnalyzeScope(d, cells.Where(c => c.Dataset == d).ToList(), arms, baselines, reference, relativeOnly: false));
        if (datasets.Count > 1)
            scopes.Add(AnalyzeScope(Overall, cells, arms, baselines, reference, relativeOnly: true));
        return new StudyAnalysis(cells, arms, baselines, datasets, scopes, nonFinite, Math.Max(1, expectedSeeds));
    }

    private static StudyScopeAnalysis AnalyzeScope(string scope, IReadOnlyList<StudyCell> cells, IReadOnlyList<string> arms,
        IReadOnlyList<string> baselines, string? reference, bool relativeOnly)
    {
        var summaries = new List<StudyMethodSummary>();
        foreach (var m in arms.Concat(baselines))
        {
            var mc = cells.Where(c => c.Method == m).ToArray();
            if (mc.Length == 0) continue;
            summaries.Add(new StudyMethodSummary(m, StudyMethods.IsBaseline(m), mc.Length,
                DescriptiveStatistics.MeanConfidenceInterval(mc.Select(c => c.Mae).ToArray()),
                DescriptiveStatistics.MeanConfidenceInterval(mc.Select(c => c.Rmse).ToArray()),
                Relative(mc)));
        }

        RegularizerComparisonResult? comparison = null;
        string note = "";
        var table = ComparisonTable(cells, relativeOnly);
        var blocks = table.GroupBy(o => o.BlockId).Where(g => g.Count() == arms.Count).Count();
        if (arms.Count < 2) note = $"Only {arms.Count} regularization arm: nothing to rank.";
        else if (blocks < 2) note = $"Only {blocks} complete block(s) (dataset × model × lookback × horizon × fold with every arm): at least 2 are needed to rank.";
        else
        {
            try
            {
                comparison = RegularizerComparison.Compare(table, new RegularizerComparisonOptions { ReferenceTreatment = reference, DropIncompleteBlocks = true });
            }
            catch (ArgumentException e)
            {
                note = $"The comparison could not be computed: {e.Message}";
            }
        }

        return new StudyScopeAnalysis(scope, summaries, comparison, note, NaiveStatements(scope, cells, relativeOnly));
    }

    private static ConfidenceInterval Relative(StudyCell[] cells)
    {
        var values = cells.Select(c => c.RelativeMae).Where(v => !double.IsNaN(v)).ToArray();
        return values.Length == 0 ? new ConfidenceInterval(double.NaN, double.NaN, double.NaN, 0) : DescriptiveStatistics.MeanConfidenceInterval(values);
    }

    /// <summary>
    /// Statements generated by a fixed rule: a method "beats the naive forecast" in a scope when its mean MAE over its
    /// cells is below the mean naive MAE of the same test windows (for the overall scope: when its mean MAE/naive MAE
    /// ratio is below 1).
    /// </summary>
    public static IReadOnlyList<string> NaiveStatements(string scope, IReadOnlyList<StudyCell> cells, bool relativeOnly = false)
    {
        var c = CultureInfo.InvariantCulture;
        var ratios = new List<(string Label, double Ratio)>();
        foreach (var g in cells.Where(x => x.Method != StudyMethods.Naive && !double.IsNaN(x.RelativeMae))
                     .GroupBy(x => (x.Model, x.Method)))
        {
            double ratio = relativeOnly ? g.Average(x => x.RelativeMae) : g.Average(x => x.Mae) / g.Average(x => x.NaiveMae);
            string label = g.Key.Model == StudyMethods.BaselineModel ? g.Key.Method : $"{g.Key.Model} {g.Key.Method}";
            ratios.Add((label, ratio));
        }
        if (ratios.Count == 0) return [];
        var lines = new List<string>();
        string where = scope == Overall ? "over all datasets" : $"on {scope}";
        var beating = ratios.Where(r => r.Ratio < 1).OrderBy(r => r.Ratio).ToList();
        var best = ratios.OrderBy(r => r.Ratio).First();
        if (beating.Count == 0)
            lines.Add(string.Format(c, "{0} no model beats the naive forecast (best: {1}, MAE {2:0.###}× naive).", Capitalise(where), best.Label, best.Ratio));
        else
            lines.Add(string.Format(c, "{0}, {1} of {2} model × method combinations beat the naive forecast; best {3} (MAE {4:0.###}× naive){5}.",
                Capitalise(where), beating.Count, ratios.Count, best.Label, best.Ratio,
                beating.Count < ratios.Count ? string.Format(c, "; worst {0} ({1:0.###}× naive)", ratios.OrderBy(r => r.Ratio).Last().Label, ratios.Max(r => r.Ratio)) : ""));
        return lines;
    }

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
