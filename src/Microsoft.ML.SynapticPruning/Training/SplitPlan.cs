namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>A contiguous range of window indices; window i uses rows i..i+L−1 and predicts rows i+L..i+L+H−1.</summary>
/// <param name="Start">First window index.</param>
/// <param name="Count">Number of windows (0 = empty).</param>
internal readonly record struct WindowRange(int Start, int Count)
{
    /// <summary>One past the last window index.</summary>
    public int End => Start + Count;

    /// <summary>An empty range.</summary>
    public static WindowRange Empty => default;
}

/// <summary>
/// How a fit split its windows. Without a validation series all ranges index windows of the training series: training
/// windows first, then (after a gap of H − 1 windows, so no training target lies in the validation part) the early-stopping
/// windows, then (after another gap of H − 1) the calibration windows. With a validation series
/// (<see cref="ExternalValidation"/>), <see cref="Validation"/> and <see cref="Calibration"/> index windows of that series.
/// Windows whose targets were imputed are skipped when scoring either part.
/// </summary>
/// <param name="Lookback">L.</param>
/// <param name="Horizon">H.</param>
/// <param name="Train">Training windows.</param>
/// <param name="Validation">Early-stopping windows (empty = no early stopping).</param>
/// <param name="Calibration">Windows reserved for calibration, never seen by training or early stopping.</param>
/// <param name="ExternalValidation">True when validation and calibration windows come from a separate series.</param>
/// <param name="ScalerRows">Rows of the training series the scaler was fitted on (0 when an external scaler was given).</param>
/// <param name="ValidationStartRow">First target row of the validation part in its series (−1 when there is none).</param>
/// <param name="CalibrationStartRow">First target row of the calibration part in its series (−1 when there is none).</param>
internal sealed record SplitPlan(
    int Lookback,
    int Horizon,
    WindowRange Train,
    WindowRange Validation,
    WindowRange Calibration,
    bool ExternalValidation,
    int ScalerRows,
    int ValidationStartRow,
    int CalibrationStartRow)
{
    /// <summary>Computes the split of <see cref="ForecastTrainer.Fit"/> for the given series and options.</summary>
    /// <exception cref="ArgumentException">A series is too short for the requested parts (the message says how short).</exception>
    public static SplitPlan Create(TimeSeriesData train, TimeSeriesData? validation, int lookback, int horizon, double validationFraction, double calibrationFraction)
    {
        ArgumentNullException.ThrowIfNull(train);
        train.EnsureWindows(lookback, horizon, "training");
        int windows = train.WindowCount(lookback, horizon);
        int gap = horizon - 1;

        if (validation is not null)
        {
            validation.EnsureWindows(lookback, horizon, "validation");
            int vw = validation.WindowCount(lookback, horizon);
            var (es, cal) = SplitValidation(0, vw, gap, calibrationFraction, "validation series");
            return new SplitPlan(lookback, horizon, new WindowRange(0, windows), es, cal, true, train.Length,
                lookback, cal.Count > 0 ? cal.Start + lookback : -1);
        }

        if (validationFraction <= 0)
        {
            if (calibrationFraction > 0)
                throw new ArgumentException("CalibrationFraction is a fraction of the validation part, but there is none: set ValidationFraction > 0 or pass a validation series.", nameof(calibrationFraction));
            return new SplitPlan(lookback, horizon, new WindowRange(0, windows), WindowRange.Empty, WindowRange.Empty, false, train.Length, -1, -1);
        }

        int validationWindows = Math.Max(1, (int)Math.Floor(windows * validationFraction));
        int trainWindows = windows - validationWindows - gap;
        if (trainWindows < 1)
            throw new ArgumentException(
                $"The training series has {train.Length} rows ({windows} windows of Lookback {lookback} + Horizon {horizon}); after reserving {validationWindows} " +
                $"validation windows (ValidationFraction {validationFraction}) and a gap of {gap}, no training window is left. Use a longer series or a smaller ValidationFraction.",
                nameof(train));
        int validationStart = windows - validationWindows;
        var (earlyStopping, calibration) = SplitValidation(validationStart, validationWindows, gap, calibrationFraction, "validation part");
        return new SplitPlan(lookback, horizon, new WindowRange(0, trainWindows), earlyStopping, calibration, false,
            validationStart + lookback, validationStart + lookback, calibration.Count > 0 ? calibration.Start + lookback : -1);
    }

    private static (WindowRange EarlyStopping, WindowRange Calibration) SplitValidation(int start, int count, int gap, double calibrationFraction, string what)
    {
        if (calibrationFraction <= 0) return (new WindowRange(start, count), WindowRange.Empty);
        int calibration = Math.Max(1, (int)Math.Floor(count * calibrationFraction));
        int earlyStopping = count - calibration - gap;
        if (earlyStopping < 1)
            throw new ArgumentException(
                $"The {what} has {count} windows; reserving {calibration} for calibration (CalibrationFraction {calibrationFraction}) and a gap of {gap} leaves none for early stopping. " +
                "Use more validation data or a smaller CalibrationFraction.", nameof(calibrationFraction));
        return (new WindowRange(start, earlyStopping), new WindowRange(start + count - calibration, calibration));
    }
}
