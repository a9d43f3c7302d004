namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// What the lazy forecast view needs from a fitted model: turn a block of history windows (original units) into point
/// forecasts and, optionally, interval bounds. Implemented by the fitted transformer's model.
/// </summary>
internal interface IWindowForecaster
{
    /// <summary>Rows of history per forecast (L).</summary>
    int Lookback { get; }

    /// <summary>Steps forecast per row (H).</summary>
    int Horizon { get; }

    /// <summary>Values per history row: the label first, then the covariates.</summary>
    int InputWidth { get; }

    /// <summary>Whether <see cref="Forecast"/> fills interval bounds.</summary>
    bool HasIntervals { get; }

    /// <summary>
    /// Forecasts <paramref name="count"/> windows (each <c>Lookback × InputWidth</c>, row-major, original units).
    /// <paramref name="firstRowIndex"/> is the 0-based index of the row the first window ends at (MC-dropout seeds
    /// depend on it, so results do not depend on block boundaries). Bounds are left untouched without intervals.
    /// </summary>
    void Forecast(ReadOnlySpan<float> windows, int count, long firstRowIndex, Span<float> point, Span<float> lower, Span<float> upper);
}
