namespace Microsoft.ML.SynapticPruning;

/// <summary>The metric a forecasting sweep minimises (mean over the rolling-origin folds).</summary>
public enum ForecastingMetric
{
    /// <summary>Mean absolute error, in the label's units.</summary>
    Mae,
    /// <summary>Root mean squared error, in the label's units.</summary>
    Rmse,
    /// <summary>Mean absolute scaled error (scale: the fold's training-part seasonal-naive MAE, period <see cref="ForecastingSweepOptions.SeasonalPeriod"/>).</summary>
    Mase,
    /// <summary>Symmetric mean absolute percentage error.</summary>
    Smape,
}
