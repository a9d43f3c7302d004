using System.Globalization;
using SynapticPruning.Study.Statistics;

namespace Samples.Study;

/// <summary>What the report is built from.</summary>
/// <param name="Options">The run's options.</param>
/// <param name="Datasets">The prepared datasets.</param>
/// <param name="Plan">The planned trials.</param>
/// <param name="Rows">Finished trials of the plan.</param>
/// <param name="Details">Stored per-trial series by id.</param>
/// <param name="FailedTrials">Trials that threw (they are retried on the next run).</param>
/// <param name="Interrupted">Whether the run was stopped before the plan was complete.</param>
public sealed record StudyReportInput(StudyOptions Options, IReadOnlyList<StudyDataset> Datasets, StudyPlan Plan,
    IReadOnlyList<StudyResultRow> Rows, IReadOnlyDictionary<string, StudyTrialDetail> Details, int FailedTrials, bool Interrupted);

/// <summary>The files a report wrote.</summary>
/// <param name="MarkdownPath">report.md.</param>
/// <param name="HtmlPath">report.html (self-contained).</param>
/// <param name="PlotPaths">The PNG plots.</param>
/// <param name="Analysis">The statistics the report shows.</param>
public sealed record StudyReportFiles(string MarkdownPath, string HtmlPath, IReadOnlyList<string> PlotPaths, StudyAnalysis Analysis);

/// <summary>Writes the study report (Markdown, self-contained HTML and PNG plots) into the results folder.</summary>
public static class StudyReport
{
    /// <summary>Heading line of quick runs.</summary>
    public const string SmokeRunHeading = "Smoke run, not evidence";

    /// <summary>Title of the paper protocol's flaws section.</summary>
    public const string FlawsHeading = "Flaws of the paper protocol (reproduced on purpose)";

    /// <summary>Title of the authors protocol's flaws section.</summary>
    public const string AuthorsFlawsHeading = "Flaws of the authors' pipeline (reproduced on purpose)";

    /// <summary>The flaws of the authors' protocol that the paper protocol reproduces or documents.</summary>
    public static IReadOnlyList<string> PaperFlaws { get; } =
    [
        "Scalers are fitted on the whole series, test rows included, before splitting: test statistics leak into training.",
        "The last 20% of the windows are used both for early stopping and for the reported score: there is no untouched test set, so scores are optimistic.",
        "Early stopping keeps the last weights (patience 3), not the best ones.",
        "One-step-ahead forecasts only (horizon 1).",
        "Tiny data: Bitcoin has 365 daily rows, so at lookback 60 there are 305 windows (244 train, 61 test); differences of a few percent are within seed noise.",
        "The schedule counts epochs from 0 with p = (e − w)/(T − w), so it never reaches s_f = 0.7 within T = 20 epochs (it stops at 0.637), and early stopping usually halts near s_i = 0.3.",
        "MC dropout scores a single stochastic sample, which is a noisier dropout forecast rather than an MC average.",
        "PatchTST's pruning arm also uses dropout 0.3, so the PatchTST comparison confounds pruning with dropout.",
        "The authors' Bitcoin pipeline fed lead features (close shifted into the future, i.e. the target itself); that leak is not reproduced here, so absolute MAEs are not comparable with the paper's.",
        "The authors ranked cells without a multiple-comparison correction and reported \"up to\" maxima over cells, which are selection-biased; this report corrects with Holm and labels maxima.",
        "LayerNorm gains are among the pruned tensors in the authors' PatchTST; here the pruned tensors are those the library marks prunable (see the per-layer table).",
    ];

    /// <summary>The flaws of the authors' Bitcoin pipeline that the authors protocol reproduces on purpose.</summary>
    public static IReadOnlyList<string> AuthorsFlaws { get; } =
    [
        "The inputs include leads of the target (close shifted 1, 3, 7, 14 and 30 rows into the future): at the last row of every window close_lead_1 is the value being forecast, so the networks can read the answer. Absolute MAEs measure how well they copy it, not forecasting skill; the naive baseline does not get the leak.",
        "The target and all features are standardised over the whole series, test rows included, before splitting; MAEs are therefore in units of close's standard deviation over the series (the authors' printed units), not in dollars.",
        "The last 20% of the windows are used both for early stopping and for the reported score: there is no untouched test set.",
        "Early stopping stops when each of the last 3 epochs' validation losses is not lower than the one before (at least 4 epochs), and keeps the last weights.",
        "MC dropout scores a single stochastic sample, and its early-stopping loss is itself one stochastic pass.",
        "The schedule counts epochs from 0 with p = (e − w)/(T − w), so it never reaches s_f = 0.7 within T = 20 epochs (it stops at 0.637).",
        "Tiny data: Bitcoin has 365 daily rows, so at lookback 60 there are 305 windows (244 train, 61 test); differences of a few percent are within seed noise.",
    ];

    /// <summary>Builds and writes the report into <paramref name="directory"/>.</summary>
    public static StudyReportFiles Write(string directory, StudyReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var c = CultureInfo.InvariantCulture;
        var o = input.Options;
        string plots = Path.Combine(directory, "plots");
        Directory.CreateDirectory(plots);
        var plotPaths = new List<string>();
        var datasetOrder = input.Datasets.Select(d => d.Name).ToList();
        var analysis = StudyAnalysis.Analyze(input.Rows, datasetOrder);
        var doc = new ReportDocument();

        string protocolName = o.Rung is { } ladderRung ? $"ablation ladder rung {ladderRung.Number}, {ladderRung.Name}: {o.Protocol.CliName()}" : o.Protocol.CliName();
        doc.Heading(1, o.Quick ? $"{SmokeRunHeading}: synaptic pruning study ({protocolName} protocol)" : $"Synaptic pruning study ({protocolName} protocol)");
        if (o.Quick)
            doc.Paragraph($"**{SmokeRunHeading}.** This quick run uses Bitcoin in full, the last {StudyDataLoader.QuickRows:N0} rows of the other datasets, {o.Lookbacks.Count} lookbacks, {o.Seeds.Count} seeds and at most {o.Epochs} epochs. It checks that the pipeline works end to end; its numbers are too few to support any claim.");
        int planned = input.Plan.Count, finished = input.Rows.Count;
        if (finished < planned)
            doc.Paragraph($"**Partial results:** {finished:N0} of {planned:N0} planned trials are finished{(input.Interrupted ? " (the run was interrupted)" : "")}{(input.FailedTrials > 0 ? $"; {input.FailedTrials} failed (see failures.log)" : "")}. Rerun with the same --out to resume; incomplete blocks are left out of the rankings.");
        if (analysis.NonFiniteTrials.Count > 0)
            doc.Paragraph($"**Diverged trials:** {analysis.NonFiniteTrials.Count} trial(s) returned a non-finite error and are left out of every statistic (their blocks become incomplete): {string.Join(", ", analysis.NonFiniteTrials.Take(10))}{(analysis.NonFiniteTrials.Count > 10 ? ", …" : "")}.");
        if (analysis.ShortCells.Count > 0)
            doc.Paragraph(string.Format(c, "**Cells with fewer seeds:** {0} cell(s) average fewer seeds than planned ({1} per arm and DLinear, 1 per deterministic baseline) because a trial diverged or has not finished; tables count them in \"cells\" and mark model-table means that include one with †: {2}{3}.",
                analysis.ShortCells.Count, analysis.ExpectedSeeds,
                string.Join(", ", analysis.ShortCells.Take(10).Select(x => string.Format(c, "{0} {1} {2} L{3} H{4}{5} ({6} of {7})", x.Dataset, x.Model, x.Method, x.Lookback, x.Horizon,
                    x.Folds > 1 ? string.Format(c, " fold {0} of {1}", x.Fold, x.Folds) : "", x.Seeds, StudyAnalysis.ExpectedSeedsOf(x.Method, analysis.ExpectedSeeds)))),
                analysis.ShortCells.Count > 10 ? ", …" : ""));
        doc.Paragraph("Question: does synaptic pruning forecast better than no regularization, dropout and MC dropout? Each claim below comes from a rule applied to the numbers; the verdict at the end is generated, not written by hand.");

        WriteSetup(doc, input, c);
        if (o.Protocol.UsesPaperSplit() && o.Rung is null)
        {
            doc.Heading(2, o.Protocol == StudyProtocol.Authors ? AuthorsFlawsHeading : FlawsHeading);
            doc.Bullets(o.Protocol == StudyProtocol.Authors ? AuthorsFlaws : PaperFlaws);
        }

        var details = input.Details;
        foreach (var scope in analysis.Scopes)
        {
            bool overall = scope.Scope == StudyAnalysis.Overall;
            doc.Heading(2, overall ? "All datasets" : $"Dataset: {scope.Scope}");
            var cells = overall ? analysis.Cells : analysis.Cells.Where(x => x.Dataset == scope.Scope).ToList();
            WriteSummaryTable(doc, scope, overall, cells, analysis, c);
            if (!overall) WriteModelTable(doc, cells, analysis, input.Options.Models, c);
            WriteStatistics(doc, scope, overall, c);
            string slug = Slug(scope.Scope);
            if (scope.Comparison is { } cmp)
            {
                var file = Path.Combine(plots, $"cd-{slug}.png");
                StudyPlots.CriticalDifference(file, CriticalDifferenceLayout.Compute(cmp.AverageRanks, cmp.CriticalDifference),
                    string.Format(c, "Critical difference diagram, {0} (Nemenyi, α = 0.05, N = {1} blocks)", scope.Scope, cmp.N));
                plotPaths.Add(file);
                doc.Image($"plots/cd-{slug}.png", "Methods at their average rank (1 = best); thick bars join methods whose ranks differ by less than the critical difference.");
            }
            if (!overall)
            {
                foreach (var h in cells.Select(x => x.Horizon).Distinct().Order())
                {
                    var file = Path.Combine(plots, $"mae-{slug}-h{h}.png");
                    StudyPlots.MaeByMethod(file, $"{scope.Scope}: test MAE by model and method, horizon {h}", cells.Where(x => x.Horizon == h).ToList(),
                        analysis.Arms, input.Options.Models.Where(m => cells.Any(x => x.Model == m)).ToList());
                    plotPaths.Add(file);
                    doc.Image($"plots/mae-{slug}-h{h}.png", $"Mean test MAE over lookbacks with 95% CI whiskers; the dashed line is the naive forecast's MAE (horizon {h}).");
                }
                if (BestForecast(input.Rows, details, scope.Scope) is { } best)
                {
                    var file = Path.Combine(plots, $"forecast-{slug}.png");
                    StudyPlots.ForecastVsActual(file, $"{scope.Scope}: {best.Label}", best.Detail.Actual!, best.Detail.Forecast!);
                    plotPaths.Add(file);
                    doc.Image($"plots/forecast-{slug}.png", $"Best trained model on {scope.Scope} ({best.Label}): first-step forecasts over the test windows (seed {best.Seed}; at most the last {StudyResultStore.MaxForecastPoints} windows).");
                }
            }
            if (scope.NaiveStatements.Count > 0)
            {
                doc.Paragraph("Relative to the naive forecast (rule: a method beats naive when its mean MAE is below the naive forecast's mean MAE on the same test windows):");
                doc.Bullets(scope.NaiveStatements);
            }
        }

        WriteSparsity(doc, input, plots, plotPaths, c);
        WriteNemenyiTable(doc, analysis, c);

        doc.Heading(2, "Files");
        doc.Bullets([
            $"`{StudyResultStore.ResultsFileName}`: one line per finished trial ({string.Join(", ", StudyResultRow.Columns)}).",
            $"`{StudyResultStore.DetailsFileName}`: per-trial sparsity per epoch and first-seed test forecasts (JSON lines).",
            "`report.md` and `report.html` (self-contained, plots embedded), `plots/*.png`.",
        ]);

        doc.Heading(2, "Verdict");
        doc.Paragraph("Generated by the rules of RegularizerComparison (Friedman omnibus at α = 0.05, Holm-adjusted pairwise Wilcoxon, direction only when the average rank and the median difference agree) and the naive-forecast rule above.");
        if (o.Quick) doc.Paragraph($"**{SmokeRunHeading}:** the lines below show that the machinery works, not how the methods compare.");
        foreach (var scope in analysis.Scopes)
        {
            doc.Heading(3, scope.Scope == StudyAnalysis.Overall ? "All datasets" : scope.Scope);
            var lines = new List<string>();
            if (scope.Comparison is { } cmp) lines.AddRange(cmp.Verdict);
            else lines.Add(scope.ComparisonNote);
            lines.AddRange(scope.NaiveStatements);
            doc.Bullets(lines);
        }
        if (analysis.Scopes.Count == 0) doc.Paragraph("No trial has finished yet; there is nothing to judge.");
        else
        {
            doc.Heading(3, "In plain words");
            doc.Bullets(PlainVerdict(analysis));
        }

        string md = Path.Combine(directory, "report.md"), html = Path.Combine(directory, "report.html");
        WriteAtomically(md, doc.ToMarkdown());
        WriteAtomically(html, doc.ToHtml($"Synaptic pruning study ({protocolName})", directory));
        return new StudyReportFiles(md, html, plotPaths, analysis);
    }

    /// <summary>
    /// One sentence per scope from fixed rules: for the reference arm (pruning) against every other arm, "significantly
    /// better/worse" when the Holm-adjusted Wilcoxon p &lt; α and the direction is clear, otherwise "no significant
    /// difference"; then the scope's naive-forecast statement.
    /// </summary>
    public static IReadOnlyList<string> PlainVerdict(StudyAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var lines = new List<string>();
        foreach (var scope in analysis.Scopes)
        {
            string where = scope.Scope == StudyAnalysis.Overall ? "Over all datasets" : $"On {scope.Scope}";
            if (scope.Comparison is not { } cmp || cmp.ReferenceTreatment is not { } reference)
            {
                lines.Add($"{where}: {(scope.Comparison is null ? scope.ComparisonNote : "no pruning arm to judge.")}");
                continue;
            }
            var better = new List<string>();
            var worse = new List<string>();
            var unclear = new List<string>();
            foreach (var p in cmp.Pairs.Where(p => p.TreatmentA == reference || p.TreatmentB == reference))
            {
                string other = p.TreatmentA == reference ? p.TreatmentB : p.TreatmentA;
                if (p.Significant && p.Better == reference) better.Add(other);
                else if (p.Significant && p.Better == other) worse.Add(other);
                else unclear.Add(other);
            }
            var parts = new List<string>();
            if (better.Count > 0) parts.Add($"{reference} is significantly better than {string.Join(", ", better)}");
            if (worse.Count > 0) parts.Add($"significantly worse than {string.Join(", ", worse)}");
            if (unclear.Count > 0) parts.Add($"not significantly different from {string.Join(", ", unclear)}");
            string design = StudyDesign.Line(scope.Scope, cmp.N, cmp.K, cmp.Alpha).CanReachSignificance ? "" : " (with so few blocks no pairwise difference can be significant)";
            lines.Add($"{where}, {string.Join("; ", parts)}{design} (Holm-adjusted Wilcoxon, α = {cmp.Alpha.ToString(CultureInfo.InvariantCulture)}, N = {cmp.N} blocks).");
            if (cmp.Pairs.FirstOrDefault(p => (p.TreatmentA, p.TreatmentB) is (StudyMethods.Pruning, StudyMethods.PruningZhuGupta) or (StudyMethods.PruningZhuGupta, StudyMethods.Pruning)) is { } curve)
                lines.Add(curve.Significant && curve.Better is not null
                    ? $"{where}, the pruning curve matters: {(curve.Better == StudyMethods.Pruning ? "the paper's cubic curve" : "the Zhu–Gupta curve")} is significantly better."
                    : $"{where}, no evidence that the pruning curve (paper cubic vs Zhu–Gupta) matters.");
            lines.AddRange(scope.NaiveStatements);
        }
        return lines;
    }

    private static void WriteSetup(ReportDocument doc, StudyReportInput input, CultureInfo c)
    {
        var o = input.Options;
        var s = o.Rung?.Settings ?? StudyTrainingSettings.For(o.Protocol);
        doc.Heading(2, "Setup");
        if (o.Rung is { } rung)
            doc.Paragraph($"**Ablation ladder, rung {rung.Number} of {StudyLadder.Rungs.Count} ({rung.Name}):** {rung.Change}. The protocol row names the split family; the rung's own choices are: {string.Join("; ", rung.Choices().SkipLast(1).Select(x => $"{x.Choice} {x.Value}"))} (docs/study.md, \"The ablation ladder\").");
        var arms = o.Methods.Where(m => !StudyMethods.IsBaseline(m)).ToList();
        var baselines = o.Methods.Where(StudyMethods.IsBaseline).ToList();
        doc.Table(["setting", "value"],
        [
            ["protocol", o.Rung is { } rungRow
                ? $"ablation ladder rung {rungRow.Number} ({rungRow.Name}), see above; split {(rungRow.ValidationIsTest ? "80/20 chronological windows, the 20% used for early stopping and for scoring" : "70/10/20 chronological train/validation/test rows")}, scaler on {(rungRow.Scaler == StudyScalerPolicy.WholeSeries ? "the whole series" : "the training rows")}"
                : o.Protocol == StudyProtocol.Authors
                ? "authors: their Bitcoin pipeline (Runtime_Analysis.py): engineered features (date parts, lags and leads of close) without close itself, target and features standardised over the whole series (MAE in units of close's std), 80/20 chronological split of the windows, the 20% used for early stopping and for scoring"
                : o.Protocol == StudyProtocol.Paper
                ? "paper: 80/20 chronological split of the windows, the 20% used for early stopping and for scoring, scaler on the whole series"
                : "rigorous: 70/10/20 chronological train/validation/test rows, scaler on the training rows, early stopping on validation with best-weights restore, test scored once"],
            ["datasets", string.Join(", ", input.Datasets.Select(d => d.ToString()))],
            ["models", string.Join(", ", o.Models)],
            ["regularization arms (ranked)", string.Join(", ", arms)],
            ["baselines (reference rows, not ranked)", string.Join(", ", baselines) + "; seasonal naive uses period 7 (bitcoin), 5 (aapl), 24 (hourly data)"],
            ["lookbacks", string.Join(", ", o.Lookbacks)],
            ["horizons", string.Join(", ", o.Horizons)],
            ["seeds", $"{string.Join(", ", o.Seeds)} ({o.Seeds.Count})"],
            ["backtest", o.BacktestFolds > 1
                ? $"rolling origin, {o.BacktestFolds} folds: the last 20% of rows in {o.BacktestFolds} consecutive test blocks, each validated on the 10% of rows before it and trained on everything earlier; each fold is a block of its own"
                : "none (one split)"],
            ["training", string.Format(c, "Adam lr {0}, batch {1}, at most {2} epochs, patience {3}{5}, {4}", s.LearningRate, s.BatchSize, o.Epochs, s.Patience,
                s.RestoreBestWeights ? "best weights (and masks) restored, only epochs ≥ warm-up eligible" : "last weights kept",
                s.EarlyStopping == Microsoft.ML.SynapticPruning.Training.EarlyStoppingRule.ConsecutiveNonDecreasing
                    ? " (authors' rule: stop when each of the last 3 validation losses is ≥ the one before)" + (s.StochasticMcValidation ? "; MC dropout validates with one stochastic pass" : "")
                    : "")],
            ["dropout arms", string.Format(c, "rate {0}; MC dropout averages {1} sample(s){2}", s.DropoutRate, s.McSamples,
                s.PatchTstPruningWithDropout ? "; PatchTST's pruning arm also uses dropout (as the authors ran it)" : "")],
            ["pruning", string.Format(c, "global magnitude ranking, {0} → {1}, warm-up {2} epochs, mask update every {3} optimizer steps; {4}{5}",
                s.InitialSparsity, s.FinalSparsity, s.WarmupEpochs, s.PruningInterval,
                s.ScheduleCounting == StudyScheduleCounting.AuthorsZeroBased ? "authors' 0-based schedule (stops at 0.637 at T = 20)" : "schedule reaches s_f at the last epoch",
                arms.Contains(StudyMethods.PruningZhuGupta) ? "; pruning = paper cubic curve, pruning-zhugupta = Zhu–Gupta curve" : "") + (arms.Contains(StudyMethods.PruningStructured) ? "; pruning-structured = whole recurrent units / attention heads / feed-forward neurons ranked by RMS, paper curve (target = fraction of structures)" : "")],
            ["normalisation", o.Rung is null && o.Protocol == StudyProtocol.Authors
                ? "LSTM: none per window; target and inputs standardised over the whole series (as the authors)"
                : $"RNN/LSTM/GRU: {s.RecurrentNormalization}; PatchTST: {s.PatchTstNormalization} (RevIN). At lookback 1 PatchTST with RevIN is the naive forecast."],
            ["trials", string.Format(c, "{0:N0} planned, {1:N0} finished", input.Plan.Count, input.Rows.Count)],
        ]);
        doc.Paragraph("Statistics: a block is (dataset, model, lookback, horizon, backtest fold); its cell is the mean over seeds; only the regularization arms are ranked. Every trial is scored on its test windows in " + ((o.Rung is not null ? o.Rung.Scaler == StudyScalerPolicy.WholeSeries : o.Protocol == StudyProtocol.Authors) ? "units of the target's standard deviation over the series (the authors' units; see Data)" : "original units") + "; windows whose targets were imputed are never scored.");
        WriteDesign(doc, input.Plan, c);
        doc.Heading(3, "Data");
        foreach (var d in input.Datasets)
        {
            int lookback = o.Lookbacks.Where(l => d.Supports(l, o.Horizons[0], out _)).DefaultIfEmpty(0).Max();
            var lines = d.PreparationNotes.ToList();
            if (lookback > 0)
            {
                var split = d.GetSplit(lookback, o.Horizons[0]);
                lines.Add(string.Format(c, "Split at lookback {0}, horizon {1}: training targets rows [0, {2}), validation [{3}, {4}), test [{5}, {6}); {7} / {8} / {9} windows{10}; scaler rows [{11}, {12}).",
                    lookback, o.Horizons[0], split.TrainEnd, split.ValidationStart, split.ValidationEnd, split.TestStart, split.TestEnd,
                    split.TrainOrigins.Count, split.ValidationOrigins.Count, split.TestOrigins.Count,
                    split.ValidationIsTest ? " (validation = test)" : "", split.ScalerStart, split.ScalerEnd));
                if (split.ImputedTestWindows > 0) lines.Add($"{split.ImputedTestWindows} test windows are not scored because a target is imputed.");
            }
            doc.Paragraph($"**{d.Name}** ({d.DataVariant}, {d.RowCount:N0} rows):");
            doc.Bullets(lines);
        }
        if (input.Plan.Skipped.Count > 0)
        {
            doc.Paragraph("Combinations left out because the data is too short:");
            doc.Bullets(input.Plan.Skipped);
        }
    }

    private static void WriteSummaryTable(ReportDocument doc, StudyScopeAnalysis scope, bool overall, IReadOnlyList<StudyCell> cells, StudyAnalysis analysis, CultureInfo c)
    {
        var ranks = scope.Comparison?.AverageRanks;
        var rows = new List<IReadOnlyList<string>>();
        var baselineFlags = new List<bool>();
        foreach (var s in scope.Summaries)
        {
            string rank = s.IsBaseline ? "not ranked" : ranks is not null && ranks.TryGetValue(s.Method, out var r) ? r.ToString("0.00", c) : "—";
            int shortCells = cells.Count(x => x.Method == s.Method && analysis.ShortCells.Contains(x));
            string cellCount = shortCells == 0 ? s.Cells.ToString(c) : string.Format(c, "{0} ({1} with fewer seeds)", s.Cells, shortCells);
            var row = new List<string> { s.IsBaseline ? $"{s.Method} (baseline)" : s.Method, cellCount };
            if (!overall) { row.Add(Ci(s.Mae, c)); row.Add(Ci(s.Rmse, c)); }
            row.Add(Ci(s.RelativeMae, c, "0.000"));
            row.Add(rank);
            rows.Add(row);
            baselineFlags.Add(s.IsBaseline);
        }
        string[] header = overall
            ? ["method", "cells", "MAE / naive MAE, mean [95% CI]", "average rank"]
            : ["method", "cells", "MAE, mean [95% CI]", "RMSE, mean [95% CI]", "MAE / naive MAE", "average rank"];
        doc.Paragraph(overall
            ? "MAE scales differ between datasets, so across datasets each cell's MAE is divided by the naive forecast's MAE on the same windows (below 1 = better than naive)."
            : "Mean over the cells (model × lookback × horizon, each the mean over seeds) with a 95% t-interval; baselines are reference rows.");
        doc.Table(header, rows, i => baselineFlags[i]);
    }

    private static void WriteModelTable(ReportDocument doc, IReadOnlyList<StudyCell> cells, StudyAnalysis analysis, IReadOnlyList<string> models, CultureInfo c)
    {
        var arms = analysis.Arms;
        var rows = new List<IReadOnlyList<string>>();
        var flags = new List<bool>();
        var horizons = cells.Select(x => x.Horizon).Distinct().Order().ToList();
        foreach (var (m, h) in models.Where(m => cells.Any(x => x.Model == m)).SelectMany(m => horizons.Select(h => (m, h))))
        {
            var row = new List<string> { horizons.Count > 1 ? $"{m}, H = {h}" : m };
            var means = arms.Select(a => cells.Where(x => x.Model == m && x.Horizon == h && x.Method == a).Select(x => x.Mae).DefaultIfEmpty(double.NaN).Average()).ToArray();
            var marks = arms.Select(a => cells.Any(x => x.Model == m && x.Horizon == h && x.Method == a && analysis.ShortCells.Contains(x)) ? "†" : "").ToArray();
            double best = means.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Min();
            row.AddRange(means.Select((v, i) => double.IsNaN(v) ? "—" : (v == best ? $"**{v.ToString("G5", c)}**" : v.ToString("G5", c)) + marks[i]));
            rows.Add(row);
            flags.Add(false);
        }
        foreach (var (b, h) in analysis.Baselines.SelectMany(b => horizons.Select(h => (b, h))))
        {
            var v = cells.Where(x => x.Method == b && x.Horizon == h).Select(x => x.Mae).DefaultIfEmpty(double.NaN).Average();
            var row = new List<string> { horizons.Count > 1 ? $"{b} (baseline), H = {h}" : $"{b} (baseline)" };
            row.AddRange(arms.Select(_ => double.IsNaN(v) ? "—" : v.ToString("G5", c)));
            rows.Add(row);
            flags.Add(true);
        }
        doc.Paragraph("Mean test MAE by model and arm (over lookbacks; bold = best arm of the model). Baseline rows repeat the baseline's MAE in every column for comparison.");
        doc.Table(["model", .. arms], rows, i => flags[i]);
    }

    /// <summary>
    /// The "Can this grid support claims?" section: per dataset and overall, the blocks the plan forms, the smallest
    /// reachable Wilcoxon and Holm-adjusted p, the blocks needed, and a plain sentence for every scope that cannot reach
    /// significance whatever the results (<see cref="StudyDesign"/>).
    /// </summary>
    private static void WriteDesign(ReportDocument doc, StudyPlan plan, CultureInfo c)
    {
        var lines = StudyDesign.Of(plan);
        doc.Heading(3, "Can this grid support claims?");
        if (lines.Count == 0)
        {
            doc.Paragraph("The plan has no regularization-arm trial: there is nothing to rank.");
            return;
        }
        doc.Paragraph(string.Format(c, "Each pair of arms is tested by a two-sided Wilcoxon signed-rank test over the blocks, and the {0} pairs are Holm-adjusted. The smallest p a pair can reach is 2/2ⁿ (every one of n blocks favouring the same arm; beyond 50 blocks the test's normal approximation gives the floor), so the smallest Holm-adjusted p is m times that: these floors depend on the design only, not on the results. Blocks as planned (a scope's blocks lose those with a missing arm).",
            lines[0].Pairs));
        doc.Table(["scope", "blocks n", "arms k", "pairs m", "smallest Wilcoxon p", "smallest Holm p", $"blocks needed (α = {StudyDesign.Alpha.ToString(c)})", "can reach significance"],
            lines.Select(l => (IReadOnlyList<string>)[
                l.Scope == StudyAnalysis.Overall ? "all datasets" : l.Scope, l.Blocks.ToString(c), l.Arms.ToString(c), l.Pairs.ToString(c),
                l.SmallestWilcoxonP.ToString("G3", c), double.IsNaN(l.SmallestHolmP) ? "—" : l.SmallestHolmP.ToString("G3", c),
                l.Pairs > 0 ? l.BlocksNeeded.ToString(c) : "—", l.CanReachSignificance ? "yes" : "**no**"]));
        var cannot = lines.Where(l => !l.CanReachSignificance).ToList();
        if (cannot.Count > 0) doc.Bullets(cannot.Select(l => l.Describe()));
    }

    private static void WriteStatistics(ReportDocument doc, StudyScopeAnalysis scope, bool overall, CultureInfo c)
    {
        if (scope.Comparison is not { } cmp)
        {
            doc.Paragraph($"Statistics: {scope.ComparisonNote}");
            return;
        }
        var design = StudyDesign.Line(scope.Scope, cmp.N, cmp.K, cmp.Alpha);
        if (overall)
            doc.Paragraph("Across datasets every test below runs on each cell's MAE ÷ naive MAE (ranks within a block are the same as on raw MAE; the Wilcoxon tests and median differences are not, and raw MAE would let the dataset with the largest values decide).");
        var f = cmp.Friedman;
        doc.Bullets([
            string.Format(c, "N = {0} blocks, k = {1} arms. Smallest reachable p: Wilcoxon {2:G4}, Holm-adjusted over the {3} pairs {4:G4}, Friedman {5:G4}.", cmp.N, cmp.K, cmp.SmallestAchievableWilcoxonPValue, design.Pairs, design.SmallestHolmP, cmp.SmallestAchievableFriedmanPValue),
            design.CanReachSignificance
                ? string.Format(c, "These {0} blocks can reach significance (α = {1}; {2} are needed).", cmp.N, cmp.Alpha, design.BlocksNeeded)
                : string.Format(c, "**With {0} blocks this scope cannot reach significance:** no pairwise Holm-adjusted p can fall below {1}, whatever the results; at least {2} blocks are needed.", cmp.N, cmp.Alpha, design.BlocksNeeded),
            string.Format(c, "Friedman χ²({0}) = {1:0.###}, p = {2:G4}; Iman–Davenport F({3}, {4}) = {5:0.###}, p = {6:G4}.", f.DegreesOfFreedom, f.ChiSquare, f.PValue, f.ImanDavenportDf1, f.ImanDavenportDf2, f.ImanDavenportF, f.ImanDavenportPValue),
            double.IsNaN(cmp.CriticalDifference)
                ? "Nemenyi: k is outside the q table; no critical difference."
                : string.Format(c, "Nemenyi critical difference CD = q·√(k(k+1)/(6N)) = {0:0.###} with q_0.05 = {1} for k = {2}.", cmp.CriticalDifference, cmp.NemenyiQ, cmp.K),
        ]);
        doc.Table(["pair", "n", "W+", "W−", "p (Wilcoxon)", "Holm p", "|Δ rank| ≥ CD", "result"],
            cmp.Pairs.Select(p => (IReadOnlyList<string>)[
                $"{p.TreatmentA} vs {p.TreatmentB}", p.Wilcoxon.N.ToString(c), p.Wilcoxon.WPlus.ToString("0.#", c), p.Wilcoxon.WMinus.ToString("0.#", c),
                p.Wilcoxon.PValue.ToString("G4", c), p.HolmAdjustedPValue.ToString("G4", c), p.ExceedsCriticalDifference ? "yes" : "no",
                p.Significant ? $"significant: {p.Better ?? "direction unclear"} better" : p.Better is null ? "not significant" : $"not significant (observed: {p.Better})"]));
        if (cmp.ReferenceTreatment is { } reference && cmp.PercentChanges.Count > 0)
        {
            doc.Paragraph($"% change of {reference} against each arm per block, 100·(other − {reference})/other (positive = {reference} has the lower MAE). \"Up to\" is the maximum over blocks and is selection-biased.");
            doc.Table(["vs", "median", "mean [95% CI]", "up to (max, selection-biased)", "min", "N"],
                cmp.PercentChanges.Select(kv => (IReadOnlyList<string>)[
                    kv.Key, Pct(kv.Value.Median, c),
                    string.Format(c, "{0} [{1}, {2}]", Pct(kv.Value.Mean, c), Pct(kv.Value.MeanInterval.Lower, c), Pct(kv.Value.MeanInterval.Upper, c)),
                    Pct(kv.Value.Max, c), Pct(kv.Value.Min, c), kv.Value.N.ToString(c)]));
        }
    }

    private static void WriteSparsity(ReportDocument doc, StudyReportInput input, string plots, List<string> plotPaths, CultureInfo c)
    {
        var pruned = input.Rows.Where(r => StudyMethods.IsPruning(r.Method) || r.FinalSparsity > 0).ToList();
        doc.Heading(2, "Sparsity of the pruned models");
        if (pruned.Count == 0)
        {
            doc.Paragraph("No pruned trial has finished.");
            return;
        }
        doc.Paragraph("Final sparsity per prunable tensor (mean over seeds) of every pruned model. A global magnitude threshold prunes layers very unevenly; early stopping decides how far the schedule got.");
        foreach (var model in pruned.Select(r => r.Model).Distinct())
        {
            var rows = pruned.Where(r => r.Model == model).ToList();
            var layers = rows.SelectMany(r => r.LayerSparsity.Keys).Distinct().OrderBy(k => k, StringComparer.Ordinal).ToList();
            doc.Heading(3, model);
            doc.Table(["dataset / method / L / H", "seeds", "global", .. layers],
                rows.GroupBy(r => (r.Dataset, r.Method, r.Lookback, r.Horizon)).OrderBy(g => g.Key.Dataset).ThenBy(g => g.Key.Method).ThenBy(g => g.Key.Lookback).ThenBy(g => g.Key.Horizon)
                    .Select(g => (IReadOnlyList<string>)[
                        $"{g.Key.Dataset} / {g.Key.Method} / {g.Key.Lookback} / {g.Key.Horizon}", g.Count().ToString(c), g.Average(r => r.FinalSparsity).ToString("0.000", c),
                        .. layers.Select(l => g.Where(r => r.LayerSparsity.ContainsKey(l)).Select(r => r.LayerSparsity[l]).DefaultIfEmpty(double.NaN).Average() is var v && !double.IsNaN(v) ? v.ToString("0.000", c) : "—")]));
        }
        var histories = pruned.Where(r => input.Details.TryGetValue(r.Id, out var d) && d.Sparsity.Length > 0)
            .Select(r => (r.Model, r.Method, input.Details[r.Id].Sparsity)).ToList();
        if (histories.Count > 0)
        {
            var file = Path.Combine(plots, "sparsity.png");
            StudyPlots.SparsityOverTraining(file, "Global sparsity over training (pruned trials)", histories);
            plotPaths.Add(file);
            doc.Image("plots/sparsity.png", "Global sparsity at the end of each epoch: mean per model and pruning arm (thick) over the individual trials (faint).");
            double meanEpochs = pruned.Average(r => r.Epochs);
            doc.Paragraph(string.Format(c, "Pruned trials ran {0:0.0} epochs on average (of at most {1}); mean final global sparsity {2:0.000}.", meanEpochs, input.Options.Epochs, pruned.Average(r => r.FinalSparsity)));
        }
    }

    private static void WriteNemenyiTable(ReportDocument doc, StudyAnalysis analysis, CultureInfo c)
    {
        doc.Heading(2, "Nemenyi q table");
        doc.Paragraph("Critical values q_α of the Nemenyi test (Studentized range / √2, Demšar 2006, Table 5), used as CD = q_α·√(k(k+1)/(6N)).");
        var ks = Enumerable.Range(NemenyiTest.MinTreatments, NemenyiTest.MaxTreatments - NemenyiTest.MinTreatments + 1).ToList();
        doc.Table(["α", .. ks.Select(k => $"k = {k}")],
        [
            ["0.05", .. ks.Select(k => NemenyiTest.CriticalValue(k, 0.05).ToString("0.000", c))],
            ["0.10", .. ks.Select(k => NemenyiTest.CriticalValue(k, 0.10).ToString("0.000", c))],
        ]);
    }

    private static (string Label, StudyTrialDetail Detail, int Seed)? BestForecast(IReadOnlyList<StudyResultRow> rows, IReadOnlyDictionary<string, StudyTrialDetail> details, string dataset)
    {
        var best = StudyAnalysis.FormCells(rows.Where(r => r.Dataset == dataset && !r.IsBaseline))
            .OrderBy(x => x.Mae).FirstOrDefault();
        if (best is null) return null;
        var candidates = rows.Where(r => r.Dataset == dataset && r.Model == best.Model && r.Method == best.Method && r.Lookback == best.Lookback && r.Horizon == best.Horizon)
            .OrderBy(r => r.Seed);
        foreach (var r in candidates)
            if (details.TryGetValue(r.Id, out var d) && d.Actual is { Length: > 0 } && d.Forecast is { Length: > 0 })
                return (string.Format(CultureInfo.InvariantCulture, "{0} {1}, lookback {2}, horizon {3} (cell MAE {4:G4})", best.Model, best.Method, best.Lookback, best.Horizon, best.Mae), d, r.Seed);
        return null;
    }

    private static string Ci(ConfidenceInterval ci, CultureInfo c, string format = "G4") =>
        double.IsNaN(ci.Mean) ? "—"
        : double.IsNaN(ci.Lower) ? ci.Mean.ToString(format, c)
        : $"{ci.Mean.ToString(format, c)} [{ci.Lower.ToString(format, c)}, {ci.Upper.ToString(format, c)}]";

    private static string Pct(double v, CultureInfo c) => double.IsNaN(v) ? "—" : v.ToString("+0.0;−0.0;0.0", c) + "%";

    /// <summary>A file-name-safe version of <paramref name="name"/>.</summary>
    public static string Slug(string name) => new(name.Select(ch => char.IsLetterOrDigit(ch) || ch == '-' ? char.ToLowerInvariant(ch) : '-').ToArray());

    /// <summary>Writes <paramref name="text"/> to a temporary file in the same folder, then moves it over <paramref name="path"/>.</summary>
    public static void WriteAtomically(string path, string text)
    {
        string tmp = path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        using (var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false)))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }
}
