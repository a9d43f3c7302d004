using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.Runtime;
using Microsoft.ML.SynapticPruning.Sweeps;

namespace Microsoft.ML.SynapticPruning.MLNet;

/// <summary>
/// A forecasting hyper-parameter sweep (created by <c>mlContext.Forecasting.CreateSweep</c>), shaped like ML.NET
/// AutoML's experiments: <see cref="Run"/> tunes on a time-ordered series, scoring every trial by rolling-origin
/// cross-validation (<see cref="ForecastingTrialRunner"/>), and refits the best configuration on all of it.
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
        // Fail fast (before any trial) when the series cannot hold the folds at all.
        runner.GetFolds(1);
        var scheduler = o.Scheduler ?? new LocalTrialScheduler(runner, o.MaxParallelTrials);
        ITuner tuner = o.Tuner switch
        {
            SweepTuner.Random => new RandomSearchTuner(o.SearchSpace, o.MaxEpochs, o.Seed),
            SweepTuner.Tpe => new TpeTuner(o.SearchSpace, o.MaxEpochs, o.Seed),
            _ => new SuccessiveHalvingTuner(o.SearchSpace, o.MaxEpochs, minEpochs: 1, reductionFactor: 3, seed: o.Seed),
        };
        var store = o.ResultsFile is null ? null : new SweepResultsStore(o.ResultsFile);
        var sweep = new SweepRunner(tuner, scheduler, new SweepRunnerOptions
        {
            SweepId = o.SweepId ?? DeriveSweepId(o, runner.Data),
            Data = runner.Data,
            MaxTrials = o.MaxTrials,
            TimeBudget = o.TimeBudget,
        }, store);
        var outcome = sweep.RunAsync(progress, cancellationToken).GetAwaiter().GetResult();
        cancellationToken.ThrowIfCancellationRequested();

        var best = outcome.Leaderboard.Best;
        if (best is null)
        {
            string why = outcome.Records.Select(r => r.Result.Error).FirstOrDefault(e => e is not null)
                ?? $"no trial finished (stopped: {outcome.StopReason})";
            throw new InvalidOperationException(
                $"No forecasting trial succeeded ({outcome.Records.Count} finished, stopped: {outcome.StopReason}). First error: {why}");
        }
        var bestRecord = outcome.Records.First(r => r.TrialId == best.TrialId);
        var bestOptions = ForecastingTrialRunner.CreateOptions(best.Configuration, o, o.MaxEpochs, bestRecord.Request.Seed);
        bestOptions.CancellationToken = cancellationToken;
        var model = new PrunedForecastingEstimator(_env, bestOptions).Fit(data);
        bestOptions.CancellationToken = default;
        return new ForecastingSweepResult(outcome, best, bestOptions, model);
    }

    /// <summary>A stable id: hash of the settings that shape the sweep (data and protocol hash, tuner, seed, schedule, search space).</summary>
    internal static string DeriveSweepId(ForecastingSweepOptions o, DataReference data)
    {
        var inv = CultureInfo.InvariantCulture;
        string text = string.Join("\n", data.Sha256, o.Tuner.ToString(), o.Seed.ToString(inv), o.MaxEpochs.ToString(inv), o.SearchSpace.ToString());
        return "forecast-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }
}
