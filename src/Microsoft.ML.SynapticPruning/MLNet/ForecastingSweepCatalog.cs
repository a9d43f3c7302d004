using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.MLNet.Internals;

namespace Microsoft.ML;

/// <summary>Hyper-parameter sweeps on <c>mlContext.Forecasting</c> (ML.NET AutoML-shaped).</summary>
public static class ForecastingSweepCatalog
{
    /// <summary>
    /// Creates a forecasting sweep: <c>ml.Forecasting.CreateSweep(new ForecastingSweepOptions { LabelColumnName = "Close", Horizon = 7 }).Run(data)</c>
    /// tunes the model (networks, FastTree/LightGbm on lag windows, naive models), regularization (synaptic pruning, dropout,
    /// MC dropout) and training settings by rolling-origin cross-validation, scores the naive and seasonal-naive baselines on
    /// the same folds, and returns a leaderboard and the recommended model (never worse than a baseline on CV) refitted on all of <c>data</c>.
    /// </summary>
    /// <param name="catalog">mlContext.Forecasting.</param>
    /// <param name="options">The sweep's settings.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option outside its range.</exception>
    public static ForecastingSweepExperiment CreateSweep(this ForecastingCatalog catalog, ForecastingSweepOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ForecastingSweepExperiment(MlNetEnvironment.Of(catalog), options);
    }
}
