using Microsoft.ML.SynapticPruning;

namespace Microsoft.ML;

/// <summary>Creates forecast engines, the time-series counterpart of <c>CreatePredictionEngine</c>.</summary>
public static class ForecastEngineExtensions
{
    /// <summary>
    /// Creates an engine that forecasts the next horizon from the latest observations. <paramref name="model"/> is a fitted
    /// pruned forecaster or a chain ending with one (e.g. loaded with <c>mlContext.Model.LoadForecaster</c>). The engine starts
    /// with the history stored by a previous <see cref="ForecastEngine{TRow}.CheckPoint(Microsoft.ML.Runtime.IHostEnvironment, string)"/>, if any.
    /// </summary>
    public static ForecastEngine<TRow> CreateForecastEngine<TRow>(this ITransformer model, MLContext mlContext) where TRow : class
        => new(mlContext, model);
}
