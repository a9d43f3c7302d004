using Microsoft.ML.SynapticPruning.Evaluation;
using Microsoft.ML.SynapticPruning.Training;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// A fitted forecaster as the ML.NET layer uses it: the trained network with its scaler, its self-description and
/// interval calibration, plus optional stored history (forecast-engine checkpoints). Thread-safe for forecasting.
/// </summary>
internal sealed class NetworkModel : IForecastingModel
{
    public NetworkModel(TrainedForecaster forecaster, ForecastingModelInfo info, float[]? history = null)
    {
        Forecaster = forecaster;
        Info = info;
        History = history ?? Array.Empty<float>();
        if (History.Length % InputWidth != 0)
            throw new InvalidDataException($"Stored history holds {History.Length} values, not a multiple of the row width {InputWidth}.");
    }

    public TrainedForecaster Forecaster { get; }

    public ForecastingModelInfo Info { get; }

    /// <summary>Rows of stored history (row-major, original units), newest last; empty unless checkpointed by an engine.</summary>
    public float[] History { get; }

    public int Lookback => Info.Spec.Lookback;

    public int Horizon => Info.Spec.Horizon;

    public int InputWidth => Info.Spec.TargetChannels + Info.Spec.CovariateChannels;

    public bool HasIntervals => Info.IntervalHalfWidths is not null || UsesSampleSpread;

    private bool UsesSampleSpread => Info.IntervalMethod == PredictionIntervalMethod.MonteCarloSpread && Info.Confidence is not null
        && Info.Regularization == Regularization.MonteCarloDropout && Info.MonteCarloSamples > 1;

    public IForecastingModel WithHistory(float[] history) => new NetworkModel(Forecaster, Info, history);

    public void Forecast(ReadOnlySpan<float> windows, int count, long firstRowIndex, Span<float> point, Span<float> lower, Span<float> upper)
    {
        if (count == 0) return;
        var dest = point[..(count * Horizon)];
        if (UsesSampleSpread)
        {
            Forecaster.PredictMonteCarloInterval(windows, count, dest, lower[..(count * Horizon)], upper[..(count * Horizon)],
                Info.MonteCarloSamples, (double)QuantileRank.Exact(Info.Confidence!.Value), Info.Seed, firstRowIndex);
            return;
        }
        // MC dropout forecasts the mean of MonteCarloSamples stochastic passes; 1 = one stochastic pass (never deterministic).
        if (Info.Regularization == Regularization.MonteCarloDropout && Info.MonteCarloSamples >= 1)
            Forecaster.PredictMonteCarlo(windows, count, dest, Info.MonteCarloSamples, Info.Seed, firstRowIndex);
        else
            Forecaster.PredictBatch(windows, count, dest);
        if (Info.IntervalHalfWidths is { } hw)
        {
            for (int i = 0; i < count; i++)
            {
                for (int h = 0; h < Horizon; h++)
                {
                    int at = i * Horizon + h;
                    lower[at] = dest[at] - hw[h];
                    upper[at] = dest[at] + hw[h];
                }
            }
        }
    }

    public void Dispose() => Forecaster.Dispose();
}
