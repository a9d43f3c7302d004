namespace Microsoft.ML.SynapticPruning.Evaluation;

/// <summary>
/// Batch forecast metrics and the naive reference forecasts used to scale and sanity-check them.
/// </summary>
/// <remarks>
/// <para>With the history y₁ … y_T (last observed value y_T): naive ŷ_{T+h} = y_T for h = 1 … H. Seasonal naive with period m: ŷ_{T+h} = y_{T+h−m⌈h/m⌉}
/// (the value one season before, repeated every m steps).</para>
/// <para>Seasonal-naive MAE (the MASE scale) of a training series y₀ … y_{T−1}:
/// s = (1/|P|) Σ_{t∈P} |y_t − y_{t−m}| over P = {t ≥ m : y_t and y_{t−m} are not NaN}. The periods used in this
/// project are 24 (hourly), 7 (Bitcoin daily) and 5 (AAPL trading days).</para>
/// </remarks>
public static class ForecastEvaluator
{
    /// <summary>
    /// Computes <see cref="ForecastMetrics"/> from forecasts and actuals of equal shape (windows × H).
    /// </summary>
    /// <param name="forecasts">One array of H forecasts per window.</param>
    /// <param name="actuals">One array of H actuals per window; NaN = missing, not scored.</param>
    /// <param name="imputed">Optional flags of the same shape; true = imputed actual, not scored.</param>
    /// <param name="maseScale">The training part's seasonal-naive MAE; null or 0 gives MASE = NaN.</param>
    /// <param name="mapeEpsilon">MAPE skips |y| &lt; this; default 1e-8.</param>
    public static ForecastMetrics Compute(
        float[][] forecasts, float[][] actuals, bool[][]? imputed = null, double? maseScale = null, double mapeEpsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(forecasts);
        ArgumentNullException.ThrowIfNull(actuals);
        if (forecasts.Length != actuals.Length)
            throw new ArgumentException($"There are {forecasts.Length} forecast windows but {actuals.Length} actual windows.", nameof(actuals));
        if (imputed is not null && imputed.Length != forecasts.Length)
            throw new ArgumentException($"There are {forecasts.Length} forecast windows but {imputed.Length} imputed-flag windows.", nameof(imputed));
        if (forecasts.Length == 0)
            throw new ArgumentException("At least one window is required.", nameof(forecasts));
        if (forecasts[0] is null)
            throw new ArgumentException("Forecast window 0 is null.", nameof(forecasts));
        var accumulator = new ForecastMetricsAccumulator(forecasts[0].Length, maseScale, mapeEpsilon);
        for (int w = 0; w < forecasts.Length; w++)
        {
            if (forecasts[w] is null || actuals[w] is null)
                throw new ArgumentException($"Window {w} is null.", forecasts[w] is null ? nameof(forecasts) : nameof(actuals));
            accumulator.Add(forecasts[w], actuals[w], imputed?[w]);
        }
        return accumulator.ToMetrics();
    }

    /// <summary>
    /// Seasonal-naive in-sample MAE of a training series with period m: mean of |y_t − y_{t−m}| over the pairs
    /// with both values present (NaN values are skipped). NaN when no pair is complete.
    /// </summary>
    /// <param name="trainSeries">The training part of the target series (original units).</param>
    /// <param name="period">Season length m ≥ 1 (1 gives the naive, random-walk scale).</param>
    public static double SeasonalNaiveMae(ReadOnlySpan<float> trainSeries, int period)
    {
        if (period < 1)
            throw new ArgumentOutOfRangeException(nameof(period), period, "The seasonal period must be at least 1.");
        if (trainSeries.Length <= period)
            throw new ArgumentException($"The training series has {trainSeries.Length} values; the seasonal-naive MAE with period {period} needs at least {period + 1}.", nameof(trainSeries));
        double sum = 0;
        long n = 0;
        for (int t = period; t < trainSeries.Length; t++)
        {
            double a = trainSeries[t], b = trainSeries[t - period];
            if (double.IsNaN(a) || double.IsNaN(b)) continue;
            sum += Math.Abs(a - b);
            n++;
        }
        return n == 0 ? double.NaN : sum / n;
    }

    /// <summary>The naive forecast: the last value of <paramref name="history"/> repeated H times.</summary>
    public static float[] NaiveForecast(ReadOnlySpan<float> history, int horizon)
    {
        if (history.IsEmpty)
            throw new ArgumentException("The history must contain at least one value.", nameof(history));
        if (horizon < 1)
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be at least 1.");
        var forecast = new float[horizon];
        Array.Fill(forecast, history[^1]);
        return forecast;
    }

    /// <summary>
    /// The seasonal-naive forecast ŷ_{T+h} = y_{T+h−m⌈h/m⌉}, h = 1 … H, from a history y₁ … y_T (last value y_T) of at least m values.
    /// </summary>
    public static float[] SeasonalNaiveForecast(ReadOnlySpan<float> history, int horizon, int period)
    {
        if (period < 1)
            throw new ArgumentOutOfRangeException(nameof(period), period, "The seasonal period must be at least 1.");
        if (horizon < 1)
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be at least 1.");
        if (history.Length < period)
            throw new ArgumentException($"The history has {history.Length} values; a seasonal-naive forecast with period {period} needs at least {period}.", nameof(history));
        var forecast = new float[horizon];
        int start = history.Length - period; // 0-based index of y_{T+1−m}
        for (int h = 0; h < horizon; h++)
            forecast[h] = history[start + h % period];
        return forecast;
    }
}
