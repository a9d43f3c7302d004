namespace Microsoft.ML.SynapticPruning.Evaluation;

/// <summary>
/// Streaming computation of <see cref="ForecastMetrics"/>: add one window (H forecasts and H actuals) at a time, e.g.
/// row by row from an ML.NET evaluator, then call <see cref="ToMetrics"/>. Not thread-safe.
/// </summary>
/// <remarks>
/// Keeps per-step sums of |e|, e², |e|/|y| (with its count) and 2|e|/(|y| + |ŷ|) in double precision; the formulas
/// are on <see cref="ForecastMetrics"/>. Pairs whose actual is NaN or flagged imputed are counted as skipped and
/// never scored.
/// </remarks>
internal sealed class ForecastMetricsAccumulator
{
    private readonly double _maseScale;
    private readonly double _mapeEpsilon;
    private readonly double[] _absSum, _sqSum, _apeSum, _smapeSum;
    private readonly long[] _count, _apeCount;
    private long _windows, _skippedMissing, _skippedImputed;

    /// <summary>Creates an empty accumulator.</summary>
    /// <param name="horizon">Forecast horizon H ≥ 1: every window has H values.</param>
    /// <param name="maseScale">The training part's seasonal-naive MAE (see <see cref="ForecastEvaluator.SeasonalNaiveMae"/>); null or 0 gives MASE = NaN.</param>
    /// <param name="mapeEpsilon">MAPE skips actuals with |y| &lt; this; default 1e-8; must be ≥ 0.</param>
    public ForecastMetricsAccumulator(int horizon, double? maseScale = null, double mapeEpsilon = 1e-8)
    {
        if (horizon < 1)
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be at least 1.");
        if (maseScale is { } s && (double.IsNaN(s) || s < 0 || double.IsInfinity(s)))
            throw new ArgumentOutOfRangeException(nameof(maseScale), s, "The MASE scale must be a finite value >= 0 (the training part's seasonal-naive MAE), or null.");
        if (double.IsNaN(mapeEpsilon) || mapeEpsilon < 0)
            throw new ArgumentOutOfRangeException(nameof(mapeEpsilon), mapeEpsilon, "The MAPE epsilon must be >= 0.");
        Horizon = horizon;
        _maseScale = maseScale ?? double.NaN;
        _mapeEpsilon = mapeEpsilon;
        _absSum = new double[horizon];
        _sqSum = new double[horizon];
        _apeSum = new double[horizon];
        _smapeSum = new double[horizon];
        _count = new long[horizon];
        _apeCount = new long[horizon];
    }

    /// <summary>Forecast horizon H.</summary>
    public int Horizon { get; }

    /// <summary>Number of windows added so far.</summary>
    public long WindowCount => _windows;

    /// <summary>Adds one window.</summary>
    /// <param name="forecast">H forecasts ŷ (index 0 = one step ahead).</param>
    /// <param name="actual">H actuals y; NaN = missing, not scored.</param>
    /// <param name="imputed">Optional H flags; true = the actual was imputed, not scored. Empty = none imputed.</param>
    public void Add(ReadOnlySpan<float> forecast, ReadOnlySpan<float> actual, ReadOnlySpan<bool> imputed = default)
    {
        if (forecast.Length != Horizon)
            throw new ArgumentException($"The forecast has {forecast.Length} values but the horizon is {Horizon}.", nameof(forecast));
        if (actual.Length != Horizon)
            throw new ArgumentException($"The actuals have {actual.Length} values but the horizon is {Horizon}.", nameof(actual));
        if (!imputed.IsEmpty && imputed.Length != Horizon)
            throw new ArgumentException($"The imputed flags have {imputed.Length} values but the horizon is {Horizon}; pass none or one per step.", nameof(imputed));

        for (int h = 0; h < Horizon; h++)
        {
            double y = actual[h];
            if (double.IsNaN(y)) { _skippedMissing++; continue; }
            if (!imputed.IsEmpty && imputed[h]) { _skippedImputed++; continue; }
            double yHat = forecast[h];
            double absError = Math.Abs(y - yHat);
            _absSum[h] += absError;
            _sqSum[h] += absError * absError;
            _count[h]++;
            if (Math.Abs(y) >= _mapeEpsilon)
            {
                _apeSum[h] += absError / Math.Abs(y);
                _apeCount[h]++;
            }
            double denominator = Math.Abs(y) + Math.Abs(yHat);
            _smapeSum[h] += denominator == 0 ? 0 : 2 * absError / denominator;
        }
        _windows++;
    }

    /// <summary>Adds one window given as arrays (see <see cref="Add(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{bool})"/>).</summary>
    public void Add(float[] forecast, float[] actual, bool[]? imputed = null)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(actual);
        Add(forecast.AsSpan(), actual.AsSpan(), imputed is null ? ReadOnlySpan<bool>.Empty : imputed.AsSpan());
    }

    /// <summary>The metrics of everything added so far (the accumulator can keep accumulating afterwards).</summary>
    public ForecastMetrics ToMetrics()
    {
        int hz = Horizon;
        var mae = new double[hz];
        var mse = new double[hz];
        var mape = new double[hz];
        var smape = new double[hz];
        var mapeSkipped = new long[hz];
        double absTotal = 0, sqTotal = 0, apeTotal = 0, smapeTotal = 0;
        long count = 0, apeCount = 0;
        for (int h = 0; h < hz; h++)
        {
            long n = _count[h];
            mae[h] = n == 0 ? double.NaN : _absSum[h] / n;
            mse[h] = n == 0 ? double.NaN : _sqSum[h] / n;
            smape[h] = n == 0 ? double.NaN : 100 * _smapeSum[h] / n;
            mape[h] = _apeCount[h] == 0 ? double.NaN : 100 * _apeSum[h] / _apeCount[h];
            mapeSkipped[h] = n - _apeCount[h];
            absTotal += _absSum[h];
            sqTotal += _sqSum[h];
            apeTotal += _apeSum[h];
            smapeTotal += _smapeSum[h];
            count += n;
            apeCount += _apeCount[h];
        }
        return new ForecastMetrics(
            hz, _windows, _maseScale, _mapeEpsilon, mae, mse, mape, smape, (long[])_count.Clone(), mapeSkipped,
            count == 0 ? double.NaN : absTotal / count,
            count == 0 ? double.NaN : sqTotal / count,
            apeCount == 0 ? double.NaN : 100 * apeTotal / apeCount,
            count == 0 ? double.NaN : 100 * smapeTotal / count,
            count, count - apeCount, _skippedMissing, _skippedImputed);
    }
}
