namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// A fitted forecaster behind <see cref="PrunedForecastingTransformer"/>: a network (<see cref="NetworkModel"/>) or a
/// lag-window model (<see cref="LagWindowModel"/>: naive, seasonal naive, FastTree, LightGbm). Both forecast windows
/// for the lazy view, the forecast engine and conformal calibration, describe themselves with a
/// <see cref="ForecastingModelInfo"/> and carry optional stored history (forecast-engine checkpoints). Thread-safe for
/// forecasting.
/// </summary>
internal interface IForecastingModel : IWindowForecaster, IDisposable
{
    /// <summary>The model's self-description (stored in the .zip).</summary>
    ForecastingModelInfo Info { get; }

    /// <summary>Rows of stored history (row-major, original units), newest last; empty unless checkpointed by an engine.</summary>
    float[] History { get; }

    /// <summary>The same fitted model with <paramref name="history"/> as its stored history (shares the fitted state).</summary>
    IForecastingModel WithHistory(float[] history);
}
