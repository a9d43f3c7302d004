using Microsoft.ML.SynapticPruning.Sweeps;

namespace Microsoft.ML.SynapticPruning;

/// <summary>The result of <see cref="ForecastingSweepExperiment.Run"/>.</summary>
public sealed class ForecastingSweepResult
{
    internal ForecastingSweepResult(SweepOutcome outcome, Leaderboard leaderboard, LeaderboardRow best, LeaderboardRow? sweepBest,
        IReadOnlyList<LeaderboardRow> baselines, PrunedForecasterOptions? bestOptions, LagWindowForecasterOptions? bestLagWindowOptions,
        PrunedForecastingTransformer bestModel)
    {
        Outcome = outcome;
        Leaderboard = leaderboard;
        BestTrial = best;
        SweepBestTrial = sweepBest;
        Baselines = baselines;
        BestOptions = bestOptions;
        BestLagWindowOptions = bestLagWindowOptions;
        BestModel = bestModel;
    }

    /// <summary>The finished trials and the baselines (<see cref="Baselines"/>) ranked by objective (lowest first).</summary>
    public Leaderboard Leaderboard { get; }

    /// <summary>
    /// The recommended trial: the tuner's best (<see cref="SweepBestTrial"/>) unless a baseline scored better on CV, then
    /// the best baseline (<see cref="BaselineRecommended"/>). Never worse than a baseline on CV.
    /// </summary>
    public LeaderboardRow BestTrial { get; }

    /// <summary>
    /// The tuner's best trial (<see cref="Sweeps.Leaderboard.Best"/> of <see cref="Outcome"/>: lowest objective among the
    /// trials with the largest epoch budget); null when no trial finished within the time budget — the best baseline is
    /// then recommended.
    /// </summary>
    public LeaderboardRow? SweepBestTrial { get; }

    /// <summary>The CV scores of the naive and (season &gt; 1) seasonal-naive forecasts on the sweep's folds, in that order, whatever the search space held.</summary>
    public IReadOnlyList<LeaderboardRow> Baselines { get; }

    /// <summary>True when a baseline beat the tuner's best on CV (or no trial finished) and is what <see cref="BestModel"/> holds.</summary>
    public bool BaselineRecommended => !ReferenceEquals(BestTrial, SweepBestTrial);

    /// <summary>The recommended trial's hyper-parameters.</summary>
    public Configuration BestConfiguration => BestTrial.Configuration;

    /// <summary>
    /// The options of the recommended network (full <see cref="ForecastingSweepOptions.MaxEpochs"/>, the trial's seed) that
    /// <see cref="BestModel"/> was fitted with; null when a lag-window model was recommended (see <see cref="BestLagWindowOptions"/>).
    /// </summary>
    public PrunedForecasterOptions? BestOptions { get; }

    /// <summary>
    /// The options of the recommended lag-window model (naive, seasonal naive, FastTree, LightGbm) that <see cref="BestModel"/>
    /// was fitted with — Confidence 0.9 like a network's refit, so the trees are refitted without the last
    /// <see cref="LagWindowForecasterOptions.CalibrationFraction"/> of the windows, which calibrate the intervals; null when a
    /// network was recommended.
    /// </summary>
    public LagWindowForecasterOptions? BestLagWindowOptions { get; }

    /// <summary>The recommended configuration refitted on all the data given to <see cref="ForecastingSweepExperiment.Run"/> (dispose it when done).</summary>
    public PrunedForecastingTransformer BestModel { get; }

    /// <summary>The sweep engine's outcome: every tuner trial (baselines not included), stop reason, trials executed and reused, warnings.</summary>
    public SweepOutcome Outcome { get; }
}
