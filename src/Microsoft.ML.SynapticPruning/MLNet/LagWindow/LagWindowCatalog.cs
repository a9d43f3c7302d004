using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.MLNet.Internals;

namespace Microsoft.ML;

/// <summary>Lag-window forecasters on <c>mlContext.Forecasting</c>: naive, seasonal naive, FastTree and LightGbm.</summary>
public static class LagWindowCatalog
{
    /// <summary>
    /// A lag-window forecaster: <c>ml.Forecasting.LagWindow(new LagWindowForecasterOptions { Kind = ForecasterKind.FastTree, LabelColumnName = "y", Lookback = 24, Horizon = 6 })</c>.
    /// The fitted <see cref="PrunedForecastingTransformer"/> has the same columns, evaluation, intervals, forecast engine and
    /// .zip format as the networks.
    /// </summary>
    /// <param name="catalog">mlContext.Forecasting.</param>
    /// <param name="options">The forecaster's settings.</param>
    /// <exception cref="ArgumentException">Invalid options (the message names the option).</exception>
    public static LagWindowForecastingEstimator LagWindow(this ForecastingCatalog catalog, LagWindowForecasterOptions options)
        => new(MlNetEnvironment.Of(catalog), options ?? throw new ArgumentNullException(nameof(options)));
}
