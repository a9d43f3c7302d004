using Microsoft.ML.SynapticPruning.Models;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// A fitted lag-window forecaster (naive, seasonal naive, FastTree, LightGbm) behind a <see cref="PrunedForecastingTransformer"/>.
/// Naive: every step repeats the window's last label. Seasonal naive (lookback m): step h (0-based) repeats the
/// window's row h mod m, i.e. the value one season before the target. Trees: step h adds step model h's prediction of
/// y[t+h+1] − y[t] (<see cref="LagWindowFeatures"/>) to the last label. Interval bounds are the point ± the conformal
/// half-widths. Thread-safe for forecasting.
/// </summary>
internal sealed class LagWindowModel : IForecastingModel
{
    public LagWindowModel(ForecastingModelInfo info, IReadOnlyList<TreeStepModel> steps, float[]? history = null)
    {
        Info = info ?? throw new ArgumentNullException(nameof(info));
        Steps = steps ?? throw new ArgumentNullException(nameof(steps));
        if (!info.Spec.Kind.IsLagWindow())
            throw new ArgumentException($"ForecasterKind.{info.Spec.Kind} is a network, not a lag-window model.", nameof(info));
        if (info.Spec.Kind.IsTreeEnsemble() != (steps.Count == info.Spec.Horizon) || (!info.Spec.Kind.IsTreeEnsemble() && steps.Count != 0))
            throw new InvalidDataException($"A {info.Spec.Kind} model of horizon {info.Spec.Horizon} holds {steps.Count} step models.");
        History = history ?? Array.Empty<float>();
        if (History.Length % InputWidth != 0)
            throw new InvalidDataException($"Stored history holds {History.Length} values, not a multiple of the row width {InputWidth}.");
    }

    public ForecastingModelInfo Info { get; }

    /// <summary>One regression model per horizon step (trees), empty for the naive models.</summary>
    public IReadOnlyList<TreeStepModel> Steps { get; }

    public float[] History { get; }

    public int Lookback => Info.Spec.Lookback;

    public int Horizon => Info.Spec.Horizon;

    public int InputWidth => Info.Spec.TargetChannels + Info.Spec.CovariateChannels;

    public bool HasIntervals => Info.IntervalHalfWidths is not null;

    public IForecastingModel WithHistory(float[] history) => new LagWindowModel(Info, Steps, history);

    public void Forecast(ReadOnlySpan<float> windows, int count, long firstRowIndex, Span<float> point, Span<float> lower, Span<float> upper)
    {
        if (count == 0) return;
        int L = Lookback, H = Horizon, W = InputWidth, size = L * W;
        switch (Info.Spec.Kind)
        {
            case ForecasterKind.Naive:
            case ForecasterKind.SeasonalNaive:
                // Naive has L = 1, so h mod L = 0 is the last row: one rule for both.
                for (int i = 0; i < count; i++)
                    for (int h = 0; h < H; h++)
                        point[i * H + h] = windows[i * size + (h % L) * W];
                break;
            default:
                int features = LagWindowFeatures.Count(L, W);
                var rows = new float[(long)count * features];
                var last = new float[count];
                for (int i = 0; i < count; i++)
                    last[i] = LagWindowFeatures.Write(windows.Slice(i * size, size), L, W, rows.AsSpan(i * features, features));
                var scores = new float[count];
                for (int h = 0; h < H; h++)
                {
                    Steps[h].Predict(rows, count, scores);
                    for (int i = 0; i < count; i++) point[i * H + h] = last[i] + scores[i];
                }
                break;
        }
        if (Info.IntervalHalfWidths is { } hw)
        {
            for (int i = 0; i < count; i++)
            {
                for (int h = 0; h < H; h++)
                {
                    int at = i * H + h;
                    lower[at] = point[at] - hw[h];
                    upper[at] = point[at] + hw[h];
                }
            }
        }
    }

    /// <summary>Nothing native to release.</summary>
    public void Dispose()
    {
    }
}
