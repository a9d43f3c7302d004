namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Rolling-origin (time-series) cross-validation with expanding training windows and no shuffling.
/// </summary>
public static class RollingOriginSplitter
{
    /// <summary>
    /// Splits a series of <paramref name="seriesLength"/> rows into <paramref name="folds"/> folds. The rows after
    /// the first <paramref name="minTrainLength"/> are cut into <paramref name="folds"/> consecutive test segments of
    /// equal length m = ⌊(seriesLength − minTrainLength) / folds⌋, laid out backwards from the series end so that the
    /// last fold's test segment ends at the last row; the remainder rows join the first fold's training part. Fold k
    /// trains on rows [0, TestStart_k) and tests on [TestStart_k, TestStart_k + m).
    /// </summary>
    /// <param name="seriesLength">Rows in the series.</param>
    /// <param name="folds">Number of folds (≥ 1).</param>
    /// <param name="horizon">Forecast horizon H; each test segment must hold at least one full horizon (m ≥ H).</param>
    /// <param name="lookback">Lookback L (≥ 1).</param>
    /// <param name="minTrainLength">Minimum rows of the first training part; at least L + H (one training window).</param>
    /// <returns>The folds, earliest origin first.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive argument, a training part shorter than one window, or test segments shorter than the horizon.</exception>
    public static IReadOnlyList<TimeSeriesFold> Split(int seriesLength, int folds, int horizon, int lookback, int minTrainLength)
    {
        if (seriesLength < 1)
            throw new ArgumentOutOfRangeException(nameof(seriesLength), seriesLength, "The series must have at least one row.");
        if (folds < 1)
            throw new ArgumentOutOfRangeException(nameof(folds), folds, "Folds must be ≥ 1.");
        if (horizon < 1)
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "Horizon must be ≥ 1.");
        if (lookback < 1)
            throw new ArgumentOutOfRangeException(nameof(lookback), lookback, "Lookback must be ≥ 1.");
        if (minTrainLength < lookback + horizon)
            throw new ArgumentOutOfRangeException(nameof(minTrainLength), minTrainLength,
                $"minTrainLength must be at least lookback + horizon = {lookback} + {horizon} = {lookback + horizon} rows, so that the first training part holds one full window.");
        if (minTrainLength >= seriesLength)
            throw new ArgumentOutOfRangeException(nameof(minTrainLength), minTrainLength,
                $"minTrainLength ({minTrainLength}) leaves no test rows in a series of {seriesLength} rows; lower it or provide a longer series.");
        int available = seriesLength - minTrainLength;
        int testLength = available / folds;
        if (available < horizon)
            throw new ArgumentOutOfRangeException(nameof(minTrainLength), minTrainLength,
                $"minTrainLength ({minTrainLength}) leaves {available} test rows in a series of {seriesLength} rows, fewer than the horizon ({horizon}); lower it or provide a longer series.");
        if (testLength < horizon)
            throw new ArgumentOutOfRangeException(nameof(folds), folds,
                $"{folds} folds over the {available} rows after minTrainLength ({minTrainLength}) give test segments of {testLength} rows, fewer than the horizon ({horizon}); use at most {available / horizon} folds, a smaller minTrainLength, or a longer series.");
        var result = new TimeSeriesFold[folds];
        for (int k = 0; k < folds; k++)
        {
            int testEnd = seriesLength - (folds - 1 - k) * testLength;
            int testStart = testEnd - testLength;
            result[k] = new TimeSeriesFold(k, 0, testStart, testStart, testEnd);
        }
        return result;
    }
}
