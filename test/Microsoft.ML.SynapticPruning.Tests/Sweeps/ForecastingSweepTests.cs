using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning.Sweeps;
using Microsoft.ML.SynapticPruning.Tests.MLNet;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

/// <summary>End-to-end forecasting sweeps on a small synthetic series (tiny models, 2 epochs, 2 folds).</summary>
[Collection("Torch")]
public sealed class ForecastingSweepTests
{
    private const int Rows = 200;
    private readonly ITestOutputHelper _output;

    public ForecastingSweepTests(ITestOutputHelper output) => _output = output;

    private static SweepSearchSpace SmallSpace() => new SweepSearchSpace()
        .Add(new Choice("model", "lstm", "dlinear"))
        .Add(new Choice("regularization", "none", "pruning"))
        .Add(new FloatRange("pruning_initial_sparsity", 0.0, 0.3).When("regularization", "pruning"))
        .Add(new FloatRange("pruning_final_sparsity", 0.3, 0.6).When("regularization", "pruning"))
        .Add(new IntRange("lookback", 24, 32))
        .Add(new Choice("hidden_size", "8", "16").When("model", "lstm"))
        .Add(new FloatRange("learning_rate", 1e-3, 1e-2, logScale: true))
        .Add(new Choice("batch_size", "32"));

    private static ForecastingSweepOptions SmallSweep(string? resultsFile = null) => new()
    {
        LabelColumnName = nameof(SeriesRow.Value), Horizon = 3, MaxTrials = 4, MaxEpochs = 2, Folds = 2, Tuner = SweepTuner.Random,
        SearchSpace = SmallSpace(), Seed = 11, ResultsFile = resultsFile, SeasonalPeriod = 24,
    };

    private static IDataView Series(MLContext ml, Func<int, float, float>? edit = null)
    {
        var rows = ForecastingTestData.NoisySine(Rows, seed: 5);
        if (edit is not null)
            for (int i = 0; i < rows.Length; i++) rows[i].Value = edit(i, rows[i].Value);
        return ml.Data.LoadFromEnumerable(rows);
    }

    [Fact]
    public void FoldsTrainOnPastRowsOnlyAndScoreOnlyWindowsInsideTheTestSegment()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallSweep();
        var runner = new ForecastingTrialRunner(ml, Series(ml), options);
        var seen = new List<ForecastingFoldEvaluation>();
        runner.FoldEvaluated = seen.Add;
        var config = new Configuration(new Dictionary<string, string> { ["model"] = "lstm", ["regularization"] = "none", ["lookback"] = "24", ["hidden_size"] = "8", ["batch_size"] = "32" });
        var request = new TrialRequest("s", config, seed: 3, rung: 0, epochBudget: 2, maxEpochs: 2, runner.Data);
        var result = runner.Run(request, CancellationToken.None);

        Assert.Equal(TrialStatus.Succeeded, result.Status);
        Assert.Equal(2, seen.Count);
        // Independent fold layout: min train ⌊200·0.5⌋ = 100, two test blocks of 50 rows laid back from the end.
        Assert.Equal((100, 100, 150), (seen[0].Fold.TrainEnd, seen[0].Fold.TestStart, seen[0].Fold.TestEnd));
        Assert.Equal((150, 150, 200), (seen[1].Fold.TrainEnd, seen[1].Fold.TestStart, seen[1].Fold.TestEnd));
        foreach (var f in seen)
        {
            Assert.Equal(f.Fold.TrainEnd, f.TrainRows);                 // fitted on rows [0, TrainEnd) only
            Assert.True(f.Fold.TestStart >= f.Fold.TrainEnd);
            Assert.Equal(f.Fold.TestEnd, f.TransformedRows);            // no row at or after TestEnd is read
            Assert.Equal(f.Fold.TestStart, f.FirstScoredRow);
            // Windows with every target in [TestStart, TestEnd): origins TestStart−1 … TestEnd−1−H.
            Assert.Equal(f.Fold.TestLength - 3 + 1, f.Metrics.WindowCount);
        }
        Assert.Equal((seen[0].Metrics.Mae + seen[1].Metrics.Mae) / 2, result.Objective, 12);
    }

    [Fact]
    public void AFoldIsUnchangedWhenRowsAfterItsTestSegmentChange()
    {
        var ml = new MLContext(seed: 1);
        var config = new Configuration(new Dictionary<string, string> { ["model"] = "dlinear", ["regularization"] = "none", ["lookback"] = "24", ["batch_size"] = "32" });
        ForecastingFoldEvaluation FirstFold(IDataView data)
        {
            var runner = new ForecastingTrialRunner(ml, data, SmallSweep());
            var seen = new List<ForecastingFoldEvaluation>();
            runner.FoldEvaluated = seen.Add;
            runner.Run(new TrialRequest("s", config, 3, 0, 2, 2, runner.Data), CancellationToken.None);
            return seen[0];
        }
        var clean = FirstFold(Series(ml));
        // Rows ≥ 150 (after fold 0's test segment) become huge: fold 0 must not notice.
        var poisoned = FirstFold(Series(ml, (i, v) => i >= 150 ? v * 1000 + 1e5f : v));
        Assert.Equal(clean.Metrics.Mae, poisoned.Metrics.Mae);
        Assert.Equal(clean.Metrics.Rmse, poisoned.Metrics.Rmse);
    }

    [Fact]
    public void RunGivesALeaderboardABestModelAndResumesFromTheResultsFile()
    {
        using var temp = new TempFolder();
        string file = temp.File("sweep.jsonl");
        var ml = new MLContext(seed: 1);
        var data = Series(ml);
        var reports = new List<SweepProgress>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = ml.Forecasting.CreateSweep(SmallSweep(file)).Run(data, new SyncProgress<SweepProgress>(reports.Add));
        _output.WriteLine($"first run {watch.Elapsed.TotalSeconds:F1} s");
        _output.WriteLine(result.Leaderboard.Format());

        Assert.Equal(4, result.Outcome.Leaderboard.Rows.Count);
        Assert.Equal(6, result.Leaderboard.Rows.Count);                          // + the naive and seasonal-naive baselines
        Assert.Equal(new[] { "naive", "seasonal-naive" }, result.Baselines.Select(b => b.Configuration.GetString("model")));
        Assert.Equal(4, result.Outcome.TrialsExecuted);
        Assert.Equal(SweepStopReason.MaxTrials, result.Outcome.StopReason);
        var ok = result.Outcome.Leaderboard.Rows.Where(r => r.Status == TrialStatus.Succeeded).ToArray();
        Assert.NotEmpty(ok);
        Assert.Equal(ok.Min(r => r.Objective), result.SweepBestTrial.Objective);
        Assert.Equal(Math.Min(ok.Min(r => r.Objective), result.Baselines.Min(b => b.Objective)), result.BestTrial.Objective); // never worse than a baseline
        Assert.All(result.Leaderboard.Rows, r => Assert.Equal(r.Metrics["mae"], r.Objective)); // Metric = Mae
        Assert.Equal(result.BestTrial.Configuration, result.BestConfiguration);
        if (result.BaselineRecommended)
        {
            Assert.Null(result.BestOptions);
            Assert.Equal(result.BestLagWindowOptions!.EffectiveLookback, result.BestModel.Spec.Lookback);
        }
        else
        {
            string model = result.BestConfiguration.GetString("model");
            Assert.Equal(model == "lstm" ? typeof(PrunedLstmOptions) : typeof(PrunedDLinearOptions), result.BestOptions!.GetType());
            Assert.Equal(2, result.BestOptions.MaxEpochs);
            Assert.Equal(result.BestOptions.Lookback, result.BestModel.Spec.Lookback);
        }
        Assert.Contains(reports, p => p.LastFinished is not null);

        // The best model is refitted on all rows and forecasts.
        var forecasts = ForecastingTestData.ReadVectors(result.BestModel.Transform(data), "Forecast");
        Assert.Equal(Rows, forecasts.Length);
        Assert.All(forecasts[^1], v => Assert.True(float.IsFinite(v)));
        result.BestModel.Dispose();

        Assert.Equal(4, File.ReadAllLines(file).Count(l => l.Length > 0));
        var resumed = ml.Forecasting.CreateSweep(SmallSweep(file)).Run(data);
        Assert.Equal(0, resumed.Outcome.TrialsExecuted);                       // nothing re-run
        Assert.Equal(Objectives(result), Objectives(resumed));
        Assert.Equal(result.BestTrial.TrialId, resumed.BestTrial.TrialId);
        resumed.BestModel.Dispose();

        // Same seed, no results file: the same trials with the same objectives.
        var again = ml.Forecasting.CreateSweep(SmallSweep()).Run(data);
        Assert.Equal(4, again.Outcome.TrialsExecuted);
        Assert.Equal(Objectives(result), Objectives(again));
        again.BestModel.Dispose();
    }

    [Fact]
    public void TimeBudgetStopsTheSweep()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallSweep();
        options.MaxTrials = 1000;
        options.TimeBudget = TimeSpan.FromSeconds(3);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = ml.Forecasting.CreateSweep(options).Run(Series(ml));
        _output.WriteLine($"{result.Outcome.Records.Count} trials in {result.Outcome.Elapsed.TotalSeconds:F1} s, total {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(SweepStopReason.TimeBudget, result.Outcome.StopReason);
        Assert.InRange(result.Outcome.Records.Count, 1, 999);
        Assert.True(result.Outcome.Elapsed < TimeSpan.FromSeconds(3 + 2), $"the sweep took {result.Outcome.Elapsed}");
        result.BestModel.Dispose();
    }

    [Fact]
    public void WhenNoTrialFinishesWithinTheBudgetTheBestBaselineIsRecommended()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallSweep();
        options.TimeBudget = TimeSpan.FromMilliseconds(1);   // no network fit finishes in 1 ms
        var result = ml.Forecasting.CreateSweep(options).Run(Series(ml));
        using var model = result.BestModel;
        Assert.Equal(SweepStopReason.TimeBudget, result.Outcome.StopReason);
        Assert.Empty(result.Outcome.Records);
        Assert.Null(result.SweepBestTrial);
        Assert.True(result.BaselineRecommended);
        var bestBaseline = result.Baselines.Where(b => b.Status == TrialStatus.Succeeded).MinBy(b => b.Objective)!;
        Assert.Same(bestBaseline, result.BestTrial);
        Assert.NotNull(result.BestLagWindowOptions);
        Assert.Null(result.BestOptions);
    }

    [Fact]
    public void CancellationStopsTheSweepAndKeepsFinishedTrials()
    {
        using var temp = new TempFolder();
        string file = temp.File("cancel.jsonl");
        var ml = new MLContext(seed: 1);
        var options = SmallSweep(file);
        options.MaxTrials = 1000;
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<SweepProgress>(p => { if (p.LastFinished is not null) cts.Cancel(); });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => ml.Forecasting.CreateSweep(options).Run(Series(ml), progress, cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"cancellation took {watch.Elapsed}");
        int recorded = File.ReadAllLines(file).Count(l => l.Length > 0);
        Assert.InRange(recorded, 1, 2);
    }

    [Fact]
    public void WorkerProtocolGivesTheInProcessResultAndRefusesOtherData()
    {
        var ml = new MLContext(seed: 1);
        var runner = new ForecastingTrialRunner(ml, Series(ml), SmallSweep());
        var config = new Configuration(new Dictionary<string, string> { ["model"] = "dlinear", ["regularization"] = "none", ["lookback"] = "24", ["batch_size"] = "32" });
        var trial = new TrialRequest("s", config, 3, 0, 2, 2, runner.Data);
        var inProcess = runner.Run(trial, CancellationToken.None);

        var (code, reply) = WorkerTestDriver.RunOnce(runner, trial);
        Assert.Equal(0, code);
        var viaWorker = TrialResult.FromJson(reply);
        Assert.Equal(TrialStatus.Succeeded, viaWorker.Status);
        Assert.Equal(inProcess.Objective, viaWorker.Objective);

        // A worker holding different data (one value changed) refuses the trial.
        var other = new ForecastingTrialRunner(ml, Series(ml, (i, v) => i == 7 ? v + 1 : v), SmallSweep());
        Assert.NotEqual(runner.Data.Sha256, other.Data.Sha256);
        var refused = TrialResult.FromJson(WorkerTestDriver.RunOnce(other, trial).Reply);
        Assert.Equal(TrialStatus.Failed, refused.Status);
        Assert.Contains("SHA-256", refused.Error);
    }

    [Fact]
    public void TheEvaluationProtocolIsPartOfTheDataReferenceSoStoredResultsAreNotReusedAcrossMetrics()
    {
        var ml = new MLContext(seed: 1);
        var data = Series(ml);
        var mae = new ForecastingTrialRunner(ml, data, SmallSweep()).Data;
        var rmseOptions = SmallSweep();
        rmseOptions.Metric = ForecastingMetric.Rmse;
        var horizonOptions = SmallSweep();
        horizonOptions.Horizon = 4;
        Assert.Equal(mae.Sha256, new ForecastingTrialRunner(ml, data, SmallSweep()).Data.Sha256);   // stable
        Assert.NotEqual(mae.Sha256, new ForecastingTrialRunner(ml, data, rmseOptions).Data.Sha256);
        Assert.NotEqual(mae.Sha256, new ForecastingTrialRunner(ml, data, horizonOptions).Data.Sha256);
    }

    [Fact]
    public void DataWithAMissingValueIsRefusedBeforeAnyTrialUnlessTheSweepFillsGaps()
    {
        var ml = new MLContext(seed: 1);
        var data = Series(ml, (i, v) => i == 120 ? float.NaN : v);
        int reported = 0;
        var progress = new CountingProgress(() => reported++);
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.CreateSweep(SmallSweep()).Run(data, progress));
        Assert.Contains("'Value'", e.Message);
        Assert.Contains("row 120", e.Message);
        Assert.Contains("ForecastingSweepOptions", e.Message);
        Assert.Equal(0, reported);

        var filling = SmallSweep();
        filling.MaxTrials = 1;
        filling.MissingValues = MissingValuePolicy.Interpolate;
        var result = ml.Forecasting.CreateSweep(filling).Run(data);
        Assert.All(result.Outcome.Records, r => Assert.Equal(TrialStatus.Succeeded, r.Result.Status));
        result.BestModel.Dispose();
    }

    [Fact]
    public void WithAFillingPolicyEveryTrialIsScoredOnTheSameWindowsWhateverItsLookback()
    {
        var ml = new MLContext(seed: 1);
        // Gaps inside both test blocks ([100, 150) and [150, 200)), one of them where the second fold's training part ends.
        var data = Series(ml, (i, v) => i is 120 or 121 or 148 or 149 or 170 ? float.NaN : v);
        var options = SmallSweep();
        options.MissingValues = MissingValuePolicy.Interpolate;
        var runner = new ForecastingTrialRunner(ml, data, options);
        var seen = new List<ForecastingFoldEvaluation>();
        runner.FoldEvaluated = seen.Add;
        foreach (var lookback in new[] { "24", "32" })
        {
            var config = new Configuration(new Dictionary<string, string> { ["model"] = "dlinear", ["regularization"] = "none", ["lookback"] = lookback, ["batch_size"] = "32" });
            var result = runner.Run(new TrialRequest("s", config, seed: 3, rung: 0, epochBudget: 2, maxEpochs: 2, runner.Data), CancellationToken.None);
            Assert.Equal(TrialStatus.Succeeded, result.Status);
            Assert.True(double.IsFinite(result.Objective));
        }
        Assert.Equal(4, seen.Count);
        foreach (var f in seen)
        {
            Assert.Equal(f.Fold.TestLength - 3 + 1, f.Metrics.WindowCount);   // every window is forecast, across the gaps too
            Assert.True(f.Metrics.SkippedMissing > 0);                          // and no missing actual is scored
        }
        Assert.Equal((seen[0].Metrics.Count, seen[1].Metrics.Count), (seen[2].Metrics.Count, seen[3].Metrics.Count));

        // The policy is part of the data reference when a value is missing, and only then.
        var forward = SmallSweep();
        forward.MissingValues = MissingValuePolicy.ForwardFill;
        Assert.NotEqual(runner.Data.Sha256, new ForecastingTrialRunner(ml, data, forward).Data.Sha256);
        var clean = Series(ml);
        Assert.Equal(new ForecastingTrialRunner(ml, clean, SmallSweep()).Data.Sha256, new ForecastingTrialRunner(ml, clean, options).Data.Sha256);
    }

    private sealed class CountingProgress(Action onReport) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) => onReport();
    }

    private static double[] Objectives(ForecastingSweepResult r) => r.Leaderboard.Rows.OrderBy(x => x.TrialId).Select(x => x.Objective).ToArray();
}
