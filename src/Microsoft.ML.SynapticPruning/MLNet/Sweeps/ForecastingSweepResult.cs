using Microsoft.ML.SynapticPruning.Sweeps;

namespace Microsoft.ML.SynapticPruning.MLNet;

/// <summary>The result of <see cref="ForecastingSweepExperiment.Run"/>.</summary>
public sealed class ForecastingSweepResult
{
    internal ForecastingSweepResult(SweepOutcome outcome, LeaderboardRow best, PrunedForecasterOptions bestOptions, PrunedForecastingTransformer bestModel)
    {
        Outcome = outcome;
        BestTrial = best;
        BestOptions = bestOptions;
        BestModel = bestModel;
    }

    /// <summary>The finished trials ranked by objective (lowest first).</summary>
    public Leaderboard Leaderboard => Outcome.Leaderboard;

    /// <summary>The recommended trial (<see cref="Leaderboard.Best"/>: lowest objective among the trials with the largest epoch budget).</summary>
    public LeaderboardRow BestTrial { get; }

    /// <summary>The best trial's hyper-parameters.</summary>
    public Configuration BestConfiguration => BestTrial.Configuration;

    /// <summary>The options of the best configuration (full <see cref="ForecastingSweepOptions.MaxEpochs"/>, the trial's seed) that <see cref="BestModel"/> was fitted with.</summary>
    public PrunedForecasterOptions BestOptions { get; }

    /// <summary>The best configuration refitted on all the data given to <see cref="ForecastingSweepExperiment.Run"/> (dispose it when done).</summary>
    public PrunedForecastingTransformer BestModel { get; }

    /// <summary>The sweep engine's outcome: every record, stop reason, trials executed and reused, warnings.</summary>
    public SweepOutcome Outcome { get; }
}
