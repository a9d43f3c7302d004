using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.Runtime;
using Microsoft.ML.SynapticPruning.Sweeps;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// A forecasting hyper-parameter sweep (created by <c>mlContext.Forecasting.CreateSweep</c>), shaped like ML.NET
/// AutoML's experiments: <see cref="Run"/> tunes on a time-ordered series, scoring every trial by rolling-origin
/// cross-validation (<see cref="ForecastingTrialRunner"/>), scores the naive and seasonal-naive baselines on the same
/// folds, and refits the recommended configuration — the tuner's best, or the best baseline when that is better on CV —
/// on all of it.
/// </summary>
public sealed class ForecastingSweepExperiment
{
    private readonly IHostEnvironment _env;

    internal ForecastingSweepExperiment(IHostEnvironment env, ForecastingSweepOptions options)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
    }

    /// <summary>The sweep's settings (read when <see cref="Run"/> starts).</summary>
    public ForecastingSweepOptions Options { get; }

    /// <summary>
    /// Runs the sweep on <paramref name="data"/> (time-ordered rows; hold your test rows out first) until
    /// <see cref="ForecastingSweepOptions.MaxTrials"/> trials have finished, the time budget is spent or the tuner is
    /// exhausted, then refits the best configuration on all of <paramref name="data"/>.
    /// </summary>
    /// <param name="data">The series to tune on.</param>
    /// <param name="progress">Receives a report after every finished trial (synchronously, on the sweep's thread).</param>
    /// <param name="cancellationToken">Stops the sweep: running trials are cancelled, finished ones stay in the results file
    /// (a later run resumes), and <see cref="OperationCanceledException"/> is thrown.</param>
    /// <exception cref="ArgumentException">Invalid options or columns.</exception>
    /// <exception cref="InvalidOperationException">No trial succeeded; the message quotes the first failure.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public ForecastingSweepResult Run(IDataView data, IProgress<SweepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var o = Options;
        o.Validate();
        // Disposed at the end: releases the resume states it kept for promotions.
        using var runner = new ForecastingTrialRunner(_env, data, o, "in-memory");
        // Fail fast (before any trial) when the series cannot hold the folds at all, or a season that no fold can hold.
        var folds = runner.GetFolds(1);
        if (o.SeasonalPeriod > 1 && o.SeasonalPeriod + o.Horizon > folds[0].TrainEnd)
            throw new ArgumentOutOfRangeException(nameof(o.SeasonalPeriod), o.SeasonalPeriod,
                $"ForecastingSweepOptions.SeasonalPeriod ({o.SeasonalPeriod}) is too long for the series: the first fold trains on {folds[0].TrainEnd} rows, " +
                $"and the seasonal-naive baseline (and the MASE scale) need more than SeasonalPeriod + Horizon ({o.SeasonalPeriod + o.Horizon}). Use a shorter season or a longer series.");
        var scheduler = o.Scheduler ?? new LocalTrialScheduler(runner, o.MaxParallelTrials);
        ITuner tuner = o.Tuner switch
        {
            SweepTuner.Random => new RandomSearchTuner(o.SearchSpace, o.MaxEpochs, o.Seed),
            SweepTuner.Tpe => new TpeTuner(o.SearchSpace, o.MaxEpochs, o.Seed),
            _ => new SuccessiveHalvingTuner(o.SearchSpace, o.MaxEpochs, minEpochs: 1, reductionFactor: 3, seed: o.Seed),
        };
        var store = o.ResultsFile is null ? null : new SweepResultsStore(o.ResultsFile);
        string sweepId = o.SweepId ?? DeriveSweepId(o, runner.Data);
        var sweep = new SweepRunner(tuner, scheduler, new SweepRunnerOptions
        {
            SweepId = sweepId,
            Data = runner.Data,
            MaxTrials = o.MaxTrials,
            TimeBudget = o.TimeBudget,
        }, store);
        var outcome = sweep.RunAsync(progress, cancellationToken).GetAwaiter().GetResult();
        cancellationToken.ThrowIfCancellationRequested();

        var sweepBest = outcome.Leaderboard.Best;
        if (sweepBest is null && outcome.Records.Count > 0)
        {
            // Every finished trial failed: something is wrong with the data or the options, not with the budget.
            string why = outcome.Records.Select(r => r.Result.Error).FirstOrDefault(e => e is not null) ?? "unknown";
            throw new InvalidOperationException(
                $"No forecasting trial succeeded ({outcome.Records.Count} finished, stopped: {outcome.StopReason}). First error: {why}");
        }
        // The baselines are scored on the same folds whatever the search space holds, and recommended when the tuner's
        // best is worse on CV — or when no trial finished within the time budget: the recommendation is never worse than a
        // baseline on CV.
        var baselineRecords = ScoreBaselines(runner, o, sweepId, cancellationToken);
        var leaderboard = new Leaderboard(outcome.Records.Concat(baselineRecords));
        var baselines = baselineRecords.Select(b => leaderboard.Rows.First(r => r.TrialId == b.TrialId)).ToArray();
        var bestBaseline = baselines.Where(r => r.Status == TrialStatus.Succeeded).OrderBy(r => r.Objective).FirstOrDefault();
        if (sweepBest is null && bestBaseline is null)
            throw new InvalidOperationException(
                $"No forecasting trial finished (stopped: {outcome.StopReason}) and no baseline could be scored: {string.Join("; ", baselines.Select(b => b.Error))}. " +
                "Give the sweep a longer TimeBudget.");
        bool baselineWins = bestBaseline is not null && (sweepBest is null || bestBaseline.Objective < sweepBest.Objective);
        var best = baselineWins ? bestBaseline! : sweepBest!;
        int seed = outcome.Records.Concat(baselineRecords).First(r => r.TrialId == best.TrialId).Request.Seed;
        var model = Refit(best.Configuration, o, seed, data, cancellationToken, out var bestOptions, out var lagOptions);
        return new ForecastingSweepResult(outcome, leaderboard, best, sweepBest, baselines, bestOptions, lagOptions, model);
    }

    /// <summary>
    /// Fits <paramref name="configuration"/> on <paramref name="data"/> as a sweep refits its recommendation: a network at
    /// <see cref="ForecastingSweepOptions.MaxEpochs"/>, a lag-window model with intervals at <see cref="RefitConfidence"/>.
    /// The options used come back in <paramref name="networkOptions"/> or <paramref name="lagWindowOptions"/>.
    /// </summary>
    internal PrunedForecastingTransformer Refit(Configuration configuration, ForecastingSweepOptions o, int seed, IDataView data,
        CancellationToken cancellationToken, out PrunedForecasterOptions? networkOptions, out LagWindowForecasterOptions? lagWindowOptions)
    {
        if (ForecastingTrialRunner.IsLagWindow(configuration))
        {
            var lagOptions = ForecastingTrialRunner.CreateLagWindowOptions(configuration, o, seed);
            // Intervals like a network's refit (whose options default to Confidence 0.9): the last CalibrationFraction of
            // the windows calibrates them, so the trees are refitted on the windows before it.
            lagOptions.Confidence = RefitConfidence;
            lagOptions.CancellationToken = cancellationToken;
            var lagModel = new LagWindowForecastingEstimator(_env, lagOptions).Fit(data);
            lagOptions.CancellationToken = default;
            (networkOptions, lagWindowOptions) = (null, lagOptions);
            return lagModel;
        }
        var bestOptions = ForecastingTrialRunner.CreateOptions(configuration, o, o.MaxEpochs, seed);
        bestOptions.CancellationToken = cancellationToken;
        var model = new PrunedForecastingEstimator(_env, bestOptions).Fit(data);
        bestOptions.CancellationToken = default;
        (networkOptions, lagWindowOptions) = (bestOptions, null);
        return model;
    }

    /// <summary>Interval coverage of a recommended lag-window model's refit (the networks' options default, <see cref="PrunedForecasterOptions.Confidence"/>).</summary>
    internal const float RefitConfidence = 0.9f;

    /// <summary>
    /// Scores the naive and (when <see cref="ForecastingSweepOptions.SeasonalPeriod"/> &gt; 1) seasonal-naive baselines on
    /// the sweep's folds, in this process, as trials at the full epoch budget (seed 0; they have no randomness).
    /// </summary>
    internal static IReadOnlyList<TrialRecord> ScoreBaselines(ForecastingTrialRunner runner, ForecastingSweepOptions o, string sweepId, CancellationToken cancellationToken)
    {
        var records = new List<TrialRecord>();
        foreach (string model in ForecastingSearchSpace.BaselineModels)
        {
            if (model == "seasonal-naive" && o.SeasonalPeriod == 1) continue; // identical to naive
            var configuration = new Configuration(new Dictionary<string, string> { [ForecastingSearchSpace.Model] = model });
            var request = new TrialRequest(sweepId, configuration, seed: 0, rung: 0, epochBudget: o.MaxEpochs, maxEpochs: o.MaxEpochs, runner.Data);
            TrialResult result;
            try
            {
                result = runner.Run(request, cancellationToken);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException)
            {
                result = TrialResult.Failed(request.TrialId, e.Message, 0);
            }
            records.Add(new TrialRecord(request, result));
        }
        return records;
    }

    /// <summary>A stable id: hash of the settings that shape the sweep (data and protocol hash, tuner, seed, schedule, search space).</summary>
    internal static string DeriveSweepId(ForecastingSweepOptions o, DataReference data)
    {
        var inv = CultureInfo.InvariantCulture;
        string text = string.Join("\n", data.Sha256, o.Tuner.ToString(), o.Seed.ToString(inv), o.MaxEpochs.ToString(inv), o.SearchSpace.ToString());
        return "forecast-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }
}
