using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Sweeps;

namespace Samples.Commands;

/// <summary>
/// <c>sweep</c>: a hyper-parameter sweep through the ML.NET API (<c>ml.Forecasting.CreateSweep</c>) on the first 80 % of a
/// series, scored by rolling-origin CV, over networks, FastTree/LightGbm on lag windows and the naive models; the
/// recommendation is never worse than the naive/seasonal-naive baselines on CV. Then the held-out check: the sweep's pick,
/// the paper's default configuration (LSTM, pruning 0.3→0.7, warm-up 2, interval 5, lookback 30, hidden 64, Adam 1e-3,
/// batch 64) and the best baseline on CV, all fitted on the first 80 %, are scored on the last 20 %, which the sweep never saw.
/// </summary>
internal static class SweepCommand
{
    /// <summary>The help line of the command.</summary>
    public const string Help = "Hyper-parameter sweep over networks, FastTree/LightGbm on lags and naive baselines (rolling-origin CV on the first 80%), then sweep pick vs paper default LSTM vs best baseline on the last 20%. "
        + "Options: --data bitcoin|FILE.csv [--target COL] [--horizon 7] [--trials 20] [--budget-minutes 5] [--tuner asha|random|tpe] [--folds 3] "
        + "[--parallel N (default: cores) | --cluster C] [--results FILE.jsonl] [--models lstm,gru,...] [--epochs 20] [--metric mae] [--seed 0] [--missing interpolate|forward-fill|error] [--quick]. "
        + "Grid: --grid [--datasets household-power,air-quality,aapl,bitcoin,etth1] [--tuners asha,tpe,random] [--seeds 5] --grid-results FILE.jsonl [--report FILE.md] plus the options above.";

    private const double TestFraction = 0.2;

    /// <summary>Runs one sweep with its held-out check, or the grid (<c>--grid</c>, <see cref="SweepGridCommand"/>).</summary>
    public static int Run(string[] args)
    {
        if (args.Contains("--grid")) return SweepGridCommand.Run(args);
        return Execute(args, out _);
    }

    /// <summary>One sweep and its held-out check (printed); <paramref name="check"/> holds the check's numbers (null when cancelled).</summary>
    internal static int Execute(string[] args, out HeldOutCheck? check)
    {
        check = null;
        var cl = new CommandLine(args);
        string data = cl.String("data", "bitcoin");
        string? target = cl.String("target");
        bool quick = cl.Flag("quick");
        int trials = cl.Int("trials", quick ? 8 : 20);
        double budgetMinutes = cl.Double("budget-minutes", quick ? 1 : 5);
        string tunerName = cl.String("tuner", "asha");
        int? parallelOption = cl.String("parallel") is null ? null : cl.Int("parallel", 1);
        string? cluster = cl.String("cluster");
        string? results = cl.String("results");
        string[] models = cl.Strings("models", ForecastingSearchSpace.SearchedModels.ToArray());
        int seed = cl.Int("seed", 0);
        int epochs = cl.Int("epochs", quick ? 4 : 20);
        var missing = MissingPolicy(cl);
        var series = SweepData.Load(data, target, missing, MaxGap);
        var (values, column, datasetSeason, name) = (series.Values, series.Target, series.SeasonalPeriod, series.Name);
        var options = ProtocolOptions(cl, datasetSeason);
        cl.RejectUnknown();
        if (parallelOption < 1) throw new ArgumentException($"--parallel must be at least 1 (got {parallelOption}).");
        // Default: one trial per core (a trial on k threads takes k cores), never more workers than trials.
        int parallel = Math.Max(1, Math.Min(parallelOption ?? Environment.ProcessorCount, trials));
        if (!(budgetMinutes > 0)) throw new ArgumentException($"--budget-minutes must be positive (got {budgetMinutes}).");

        int rows = values.Length, testStart = (int)Math.Round(rows * (1 - TestFraction));
        var ml = new MLContext(seed: seed);
        var sweepView = SweepData.ToDataView(ml, values, column, testStart);
        var fullView = SweepData.ToDataView(ml, values, column, rows);
        options.LabelColumnName = column;
        options.MaxTrials = trials;
        options.TimeBudget = TimeSpan.FromMinutes(budgetMinutes);
        options.MaxEpochs = epochs;
        options.Seed = seed;
        options.ResultsFile = results;
        options.SearchSpace = Space(models);
        options.Tuner = tunerName switch
        {
            "asha" => SweepTuner.SuccessiveHalving,
            "random" => SweepTuner.Random,
            "tpe" => SweepTuner.Tpe,
            _ => throw new ArgumentException($"--tuner '{tunerName}' is unknown; use asha, random or tpe."),
        };
        if (cluster is not null)
        {
            // Trials run on cluster workers started with the same data and protocol (docs/distributed.md):
            //   worker --cluster C --instance I --data <data> --target <column> --rows <testStart> [--horizon ..]
            // A worker started for other data refuses the trial (the data reference's SHA-256 differs).
            var workerArgs = WorkerArguments(File.Exists(data) ? Path.GetFullPath(data) : data, column, testStart, options);
            Console.WriteLine($"  cluster {cluster}: start workers with: worker --cluster {cluster} --instance I {string.Join(' ', workerArgs)}");
            options.Scheduler = Microsoft.ML.SynapticPruning.Orleans.OrleansTrialScheduler.Connect(cluster);
        }
        else if (parallel > 1)
            options.Scheduler = WorkerScheduler(parallel, File.Exists(data) ? Path.GetFullPath(data) : data, column, testStart, options);
        using var workers = options.Scheduler as ProcessTrialScheduler; // stops the worker processes at the end

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"Sweep on {name} ({column}): {rows} rows; the sweep sees rows [0, {testStart}), the test is rows [{testStart}, {rows}).");
        Console.WriteLine($"  horizon {options.Horizon}, {options.Folds} rolling-origin folds, metric {options.Metric}, tuner {tunerName}, ≤ {trials} trials, " +
                          $"budget {budgetMinutes.ToString(inv)} min, T = {epochs} epochs, " +
                          $"{(cluster is not null ? "cluster workers" : parallel > 1 ? $"parallel {parallel} (worker processes; a trial on k threads takes k of {parallel} cores)" : "parallel 1 (in this process)")}, seed {seed}" +
                          (results is null ? "" : $", results {results}"));
        Console.WriteLine($"  models: {string.Join(", ", models)}");
        if (series.Note is { } note) Console.WriteLine($"  missing values: {note}");

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        var progress = new SyncProgress<SweepProgress>(p =>
        {
            if (p.LastFinished is not { } r) return;
            string outcome = r.Result.Status == TrialStatus.Succeeded
                ? $"{options.Metric} {r.Result.Objective.ToString("G5", inv)}"
                : $"failed: {r.Result.Error}";
            Console.WriteLine($"[{p.Completed,3}/{p.MaxTrials}] {p.Elapsed.TotalSeconds,6:F1} s  {r.TrialId} rung {r.Request.Rung} ({r.Request.EpochBudget} ep)  " +
                              $"{outcome}  best {p.BestObjective.ToString("G5", inv)}  | {r.Request.Configuration}");
        });

        var experiment = ml.Forecasting.CreateSweep(options);
        ForecastingSweepResult result;
        try
        {
            result = experiment.Run(sweepView, progress, cts.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine(results is null ? "Cancelled." : $"Cancelled; finished trials are in {results} (run again to resume).");
            return 130;
        }
        var o = result.Outcome;
        Console.WriteLine();
        Console.WriteLine($"Stopped: {o.StopReason} after {o.Elapsed.TotalSeconds:F0} s; {o.TrialsExecuted} trials run, {o.TrialsReused} reused, {o.Records.Count} finished.");
        foreach (var w in o.Warnings) Console.WriteLine($"  warning: {w}");
        Console.WriteLine();
        Console.WriteLine("Leaderboard (objective = mean over folds; low rungs trained fewer epochs and, with pruning, had not reached s_f; baselines always scored):");
        Console.Write(result.Leaderboard.Format());
        Console.WriteLine();
        foreach (var b in result.Baselines)
            Console.WriteLine($"Baseline {b.ConfigurationSummary}: CV {options.Metric} {b.Objective.ToString("G5", inv)}{(b.Error is null ? "" : $" (failed: {b.Error})")}");
        Console.WriteLine(result.SweepBestTrial is { } sweepBest
            ? $"Tuner's best: {sweepBest.TrialId} CV {options.Metric} {sweepBest.Objective.ToString("G5", inv)} {sweepBest.ConfigurationSummary}"
            : $"Tuner's best: none — no trial finished within the {budgetMinutes.ToString(inv)}-minute budget (give it more with --budget-minutes).");
        Console.WriteLine(!result.BaselineRecommended
            ? $"Recommended: {result.BestTrial.TrialId} ({Describe(result)}) {result.BestConfiguration}"
            : result.SweepBestTrial is null
                ? $"Recommended: the baseline {result.BestConfiguration} — no trial finished."
                : $"Recommended: the baseline {result.BestConfiguration} — it beats the tuner's best on CV.");

        // Held-out test: the last 20 %, never seen by the sweep.
        using var best = result.BestModel;
        var bestMetrics = ml.Forecasting.Evaluate(best.Transform(fullView), column, "Forecast", firstScoredRow: testStart);
        var paperOptions = new PrunedLstmOptions
        {
            LabelColumnName = column, Horizon = options.Horizon, MaxEpochs = epochs, Seed = seed, SeasonalPeriod = options.SeasonalPeriod,
            Normalization = options.Normalization, WarmupEpochs = Math.Min(2, epochs - 1),
            MissingValues = options.MissingValues, MaxInterpolatedGap = options.MaxInterpolatedGap,
        };
        using var paper = ml.Forecasting.PrunedLstm(paperOptions).Fit(sweepView);
        var paperMetrics = ml.Forecasting.Evaluate(paper.Transform(fullView), column, "Forecast", firstScoredRow: testStart);
        // The best baseline on CV (never the held-out tail), refitted on the sweep's rows like the other two.
        var baselineRow = result.Baselines.Where(b => b.Status == TrialStatus.Succeeded).OrderBy(b => b.Objective).FirstOrDefault()
            ?? throw new InvalidOperationException("No baseline could be scored on the sweep's folds: " + string.Join("; ", result.Baselines.Select(b => b.Error)));
        var baselineOptions = ForecastingTrialRunner.CreateLagWindowOptions(baselineRow.Configuration, options, seed);
        using var baseline = ml.Forecasting.LagWindow(baselineOptions).Fit(sweepView);
        var baselineMetrics = ml.Forecasting.Evaluate(baseline.Transform(fullView), column, "Forecast", firstScoredRow: testStart);
        // The naive forecast scored like the three models (same windows, missing values handled the same way).
        var naiveOptions = new LagWindowForecasterOptions
        {
            Kind = ForecasterKind.Naive, LabelColumnName = column, Horizon = options.Horizon, SeasonalPeriod = options.SeasonalPeriod,
            MissingValues = options.MissingValues, MaxInterpolatedGap = options.MaxInterpolatedGap,
        };
        using var naiveModel = ml.Forecasting.LagWindow(naiveOptions).Fit(sweepView);
        double naive = ml.Forecasting.Evaluate(naiveModel.Transform(fullView), column, "Forecast", firstScoredRow: testStart).Mae;
        // The tuner's own best, refitted on the sweep's rows also when a baseline was recommended, so that tuners can be
        // compared where the baseline guard gives them all the same recommendation.
        double? tunerPickMae = bestMetrics.Mae;
        string? tunerPick = Describe(result);
        if (result.SweepBestTrial is null)
        {
            tunerPickMae = null;
            tunerPick = null;
        }
        else if (result.BaselineRecommended)
        {
            var tunerBest = result.SweepBestTrial;
            int trialSeed = o.Records.First(r => r.TrialId == tunerBest.TrialId).Request.Seed;
            using var tunerModel = experiment.Refit(tunerBest.Configuration, options, trialSeed, sweepView, CancellationToken.None, out _, out _);
            tunerPickMae = ml.Forecasting.Evaluate(tunerModel.Transform(fullView), column, "Forecast", firstScoredRow: testStart).Mae;
            tunerPick = tunerBest.ConfigurationSummary;
        }
        Console.WriteLine();
        Console.WriteLine($"Held-out test (rows [{testStart}, {rows}), {bestMetrics.WindowCount} windows, horizon {options.Horizon}); all three fitted on rows [0, {testStart}), MAE and × naive MAE:");
        Console.WriteLine($"  sweep pick     MAE {bestMetrics.Mae.ToString("F2", inv),12}  {(bestMetrics.Mae / naive).ToString("F2", inv)}×  ({Describe(result)})");
        Console.WriteLine($"  paper default  MAE {paperMetrics.Mae.ToString("F2", inv),12}  {(paperMetrics.Mae / naive).ToString("F2", inv)}×  (LSTM, pruning 0.3→0.7, warm-up 2, interval 5, lookback 30, hidden 64, Adam 1e-3, batch 64, {epochs} epochs)");
        Console.WriteLine($"  best baseline  MAE {baselineMetrics.Mae.ToString("F2", inv),12}  {(baselineMetrics.Mae / naive).ToString("F2", inv)}×  ({baselineRow.ConfigurationSummary}{(baselineOptions.Kind == ForecasterKind.SeasonalNaive ? $", season {options.SeasonalPeriod}" : "")}; best baseline on CV)");
        if (result.BaselineRecommended && tunerPickMae is { } tunerMae)
            Console.WriteLine($"  tuner's best   MAE {tunerMae.ToString("F2", inv),12}  {(tunerMae / naive).ToString("F2", inv)}×  ({tunerPick}; not recommended: worse than the baseline on CV)");
        check = new HeldOutCheck(name, tunerName, seed, bestMetrics.Mae, paperMetrics.Mae, baselineMetrics.Mae, naive, Describe(result),
            baselineRow.Configuration.GetString(ForecastingSearchSpace.Model), result.BaselineRecommended, tunerPickMae, tunerPick,
            TrialsFinished: o.Records.Count(r => r.Result.Status == TrialStatus.Succeeded));
        return 0;
    }

    private static string Describe(ForecastingSweepResult result) => result.BestOptions is { } network
        ? $"{network.GetType().Name.Replace("Options", "")}, {network.Regularization}"
        : $"{result.BestLagWindowOptions!.Kind}, lookback {result.BestModel.Spec.Lookback}";

    /// <summary>The settings that define how trials are scored; the sweep passes them to its workers verbatim.</summary>
    internal static ForecastingSweepOptions ProtocolOptions(CommandLine cl, int defaultSeason)
    {
        var o = new ForecastingSweepOptions
        {
            Horizon = cl.Int("horizon", 7),
            Folds = cl.Int("folds", 3),
            SeasonalPeriod = cl.Int("season", defaultSeason),
            Metric = cl.String("metric", "mae") switch
            {
                "mae" => ForecastingMetric.Mae,
                "rmse" => ForecastingMetric.Rmse,
                "mase" => ForecastingMetric.Mase,
                "smape" => ForecastingMetric.Smape,
                var m => throw new ArgumentException($"--metric '{m}' is unknown; use mae, rmse, mase or smape."),
            },
            Normalization = cl.String("normalization") switch
            {
                null => null,
                "none" => InstanceNormalization.None,
                "window" => InstanceNormalization.Window,
                "window-last" => InstanceNormalization.WindowLast,
                var n => throw new ArgumentException($"--normalization '{n}' is unknown; use none, window or window-last."),
            },
            MissingValues = MissingPolicy(cl),
            MaxInterpolatedGap = MaxGap,
        };
        o.Validate();
        return o;
    }

    /// <summary>Longest gap (rows) the sweep fills, as the study: 6.</summary>
    internal const int MaxGap = 6;

    /// <summary><c>--missing interpolate|forward-fill|error</c> (default interpolate, as the study).</summary>
    internal static MissingValuePolicy MissingPolicy(CommandLine cl) => cl.String("missing", "interpolate") switch
    {
        "interpolate" => MissingValuePolicy.Interpolate,
        "forward-fill" => MissingValuePolicy.ForwardFill,
        "error" => MissingValuePolicy.Error,
        var m => throw new ArgumentException($"--missing '{m}' is unknown; use interpolate, forward-fill or error."),
    };

    /// <summary>The default space narrowed to <paramref name="models"/> (parameters no remaining model uses are removed).</summary>
    internal static SweepSearchSpace Space(string[] models)
    {
        var unknown = models.Except(ForecastingSearchSpace.Models).ToArray();
        if (models.Length == 0 || unknown.Length > 0)
            throw new ArgumentException($"--models: unknown model(s) {string.Join(", ", unknown)}; use a comma-separated subset of {string.Join(",", ForecastingSearchSpace.Models)}.");
        var space = ForecastingSearchSpace.Default;
        bool recurrent = models.Any(m => m is "rnn" or "lstm" or "gru");
        bool networks = models.Any(ForecastingSearchSpace.NetworkModels.Contains);
        bool trees = models.Any(ForecastingSearchSpace.TreeModels.Contains);
        if (!models.Contains("patchtst")) space.Remove(ForecastingSearchSpace.DModel).Remove(ForecastingSearchSpace.Heads);
        if (!recurrent) space.Remove(ForecastingSearchSpace.HiddenSize);
        if (!recurrent && !models.Contains("patchtst")) space.Remove(ForecastingSearchSpace.Layers);
        if (!networks)
        {
            foreach (var p in space.Parameters.Where(p => p.Condition?.Parent == ForecastingSearchSpace.Regularization).Select(p => p.Name).ToArray())
                space.Remove(p);
            space.Remove(ForecastingSearchSpace.Regularization).Remove(ForecastingSearchSpace.LearningRate).Remove(ForecastingSearchSpace.BatchSize);
        }
        if (!trees) space.Remove(ForecastingSearchSpace.Trees).Remove(ForecastingSearchSpace.Leaves).Remove(ForecastingSearchSpace.TreeLearningRate);
        if (!networks && !trees) space.Remove(ForecastingSearchSpace.Lookback);
        return space.Replace(new Choice(ForecastingSearchSpace.Model, models.Distinct().ToArray()));
    }

    /// <summary>The data and protocol arguments a worker (process or cluster node) needs to run this sweep's trials.</summary>
    internal static List<string> WorkerArguments(string data, string column, int rows, ForecastingSweepOptions o)
    {
        var inv = CultureInfo.InvariantCulture;
        var args = new List<string>
        {
            "--data", data, "--target", column, "--rows", rows.ToString(inv), "--horizon", o.Horizon.ToString(inv),
            "--folds", o.Folds.ToString(inv), "--season", o.SeasonalPeriod.ToString(inv), "--metric", o.Metric.ToString().ToLowerInvariant(),
        };
        args.AddRange(new[] { "--missing", o.MissingValues switch { MissingValuePolicy.ForwardFill => "forward-fill", MissingValuePolicy.Error => "error", _ => "interpolate" } });
        if (o.Normalization is { } n)
            args.AddRange(new[] { "--normalization", n switch { InstanceNormalization.Window => "window", InstanceNormalization.WindowLast => "window-last", _ => "none" } });
        return args;
    }

    private static ProcessTrialScheduler WorkerScheduler(int parallel, string data, string column, int rows, ForecastingSweepOptions o)
    {
        var (command, args) = ThisProgram.Launch();
        args.Add("trial-worker");
        args.AddRange(WorkerArguments(data, column, rows, o));
        // Each trial runs on the thread count the trainer's rule gives its network (in a worker exactly as in this process),
        // and reserves that many of the cores.
        return new ProcessTrialScheduler(command, args.ToArray(), parallel)
        {
            ThreadsPerTrial = request => ForecastingTrialRunner.ThreadsFor(request.Configuration, o),
        };
    }

    private sealed class SyncProgress<T>(Action<T> onReport) : IProgress<T>
    {
        public void Report(T value) => onReport(value);
    }
}
