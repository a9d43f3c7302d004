using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SynapticPruning.MLNet.Internals;

namespace Microsoft.ML.SynapticPruning;

/// <summary>One forecast of the next <c>Horizon</c> steps, with interval bounds when the model has them.</summary>
/// <param name="Forecast">Point forecast per step (original units).</param>
/// <param name="Lower">Lower bound per step, or null without intervals.</param>
/// <param name="Upper">Upper bound per step, or null without intervals.</param>
public sealed record ForecastResult(float[] Forecast, float[]? Lower, float[]? Upper);

/// <summary>
/// Forecasts the next <c>Horizon</c> steps from the latest history: <see cref="Update(IEnumerable{TRow})"/> appends new
/// observations (passed through the transforms that precede the forecaster in the model's chain), <see cref="Predict"/>
/// forecasts from the last <c>Lookback</c> rows, and <see cref="CheckPoint(IHostEnvironment, string)"/> saves the model together with that history
/// to a .zip (atomically), so a loaded checkpoint forecasts without the training data. Not thread-safe: use one engine
/// per thread (the underlying model is shared and safe). Disposable like ML.NET's prediction engines.
/// </summary>
/// <typeparam name="TRow">The input row class (the same shape the model was trained on).</typeparam>
public sealed class ForecastEngine<TRow> : IDisposable where TRow : class
{
    private readonly MLContext _ml;
    private readonly ITransformer[] _prefix;
    private readonly PrunedForecastingTransformer _forecaster;
    private readonly DataViewSchema _inputSchema;
    private readonly List<float> _history;
    private readonly int _width, _lookback, _horizon;
    private long _rowsSeen;
    private long? _lastTime;
    // Causal fill of short gaps in the inputs, exactly as Transform (the model's InputGapFill).
    private InputGapCarry _carry;
    private bool _disposed;

    internal ForecastEngine(MLContext ml, ITransformer model)
    {
        _ml = ml ?? throw new ArgumentNullException(nameof(ml));
        ArgumentNullException.ThrowIfNull(model);
        (_prefix, _forecaster) = Split(model);
        _inputSchema = ml.Data.LoadFromEnumerable(Array.Empty<TRow>()).Schema;
        var info = _forecaster.Info;
        _width = info.Spec.TargetChannels + info.Spec.CovariateChannels;
        _lookback = info.Spec.Lookback;
        _horizon = info.Spec.Horizon;
        _history = new List<float>(_forecaster.Model.History);
        _rowsSeen = _history.Count / _width;
        _carry = new InputGapCarry(_width, info.InputGapFill,
            _history.Count >= _width ? _history.GetRange(_history.Count - _width, _width).ToArray() : default);
        var schema = _inputSchema;
        foreach (var t in _prefix) schema = t.GetOutputSchema(schema);
        _forecaster.GetOutputSchema(schema); // validates the columns up front
    }

    /// <summary>Rows of history the engine holds (at most <c>Lookback</c> are kept).</summary>
    public int HistoryLength => _history.Count / _width;

    /// <summary>Rows the engine has been given since the model was trained or checkpointed.</summary>
    public long RowsSeen => _rowsSeen;

    /// <summary>Appends one observation.</summary>
    public void Update(TRow row) => Update(new[] { row ?? throw new ArgumentNullException(nameof(row)) });

    /// <summary>
    /// Appends observations in time order. When the model was trained with a time column, every row's time must be
    /// later than the previous row's — within this call and since the engine was created (a loaded checkpoint does not
    /// store its last time, so the first row after loading is not compared with it).
    /// </summary>
    /// <exception cref="InvalidOperationException">A duplicate or out-of-order time; nothing is appended then.</exception>
    public void Update(IEnumerable<TRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ThrowIfDisposed();
        IDataView view = _ml.Data.LoadFromEnumerable(rows);
        foreach (var t in _prefix) view = t.Transform(view);
        var info = _forecaster.Info;
        var columns = new[] { info.LabelColumnName }.Concat(info.FeatureColumnNames).Select(n => NumericColumn.Require(view.Schema, n, "Input")).ToArray();
        var timeColumn = info.TimeColumnName is { } name ? view.Schema.GetColumnOrNull(name) : null;
        var added = new List<float>();
        long? lastTime = _lastTime;
        var carry = _carry.Clone(); // committed only when the whole update is accepted
        using (var cursor = view.GetRowCursor(timeColumn is { } tc ? columns.Append(tc).Distinct() : columns))
        {
            var getters = columns.Select(c => NumericColumn.CreateGetter(cursor, c)).ToArray();
            var time = timeColumn is { } column ? NumericColumn.CreateTimeKeyGetter(cursor, column) : null;
            long row = 0;
            while (cursor.MoveNext())
            {
                if (time is not null)
                {
                    long t = time();
                    if (lastTime is { } previous && t <= previous)
                        throw new InvalidOperationException(
                            $"Time column '{info.TimeColumnName}' is not strictly increasing at row {row} (0-based) of this update" +
                            (row == 0 ? ", against the last row of the previous update" : "") +
                            (t == previous ? ": duplicate timestamp. Remove or aggregate duplicate rows; nothing was appended." : ": rows are out of order. Sort them by time; nothing was appended."));
                    lastTime = t;
                }
                for (int c = 0; c < getters.Length; c++) added.Add(carry.Next(c, getters[c]()));
                row++;
            }
        }
        _lastTime = lastTime;
        _carry = carry;
        _history.AddRange(added);
        _rowsSeen += added.Count / _width;
        int keep = _lookback * _width;
        if (_history.Count > keep) _history.RemoveRange(0, _history.Count - keep);
    }

    /// <summary>Forecasts the next <c>Horizon</c> steps from the last <c>Lookback</c> rows.</summary>
    /// <exception cref="InvalidOperationException">Fewer than <c>Lookback</c> rows were given, or the window holds NaN.</exception>
    public ForecastResult Predict()
    {
        ThrowIfDisposed();
        if (HistoryLength < _lookback)
            throw new InvalidOperationException($"The engine holds {HistoryLength} rows of history; the model needs Lookback = {_lookback}. Call Update with at least {_lookback - HistoryLength} more rows.");
        var info = _forecaster.Info;
        var window = _history.ToArray();
        if (window.Any(v => !float.IsFinite(v)))
            throw new InvalidOperationException(info.InputGapFill > 0
                ? $"The history window holds a NaN or infinite value: a gap longer than the model's {info.InputGapFill} rows (MaxInterpolatedGap), or an infinite value. Update with cleaned observations (the forecast would be meaningless)."
                : "The history window holds a NaN or infinite value: update with cleaned observations, or fit the model with MissingValues = Interpolate or ForwardFill so that short gaps are carried forward (the forecast would be meaningless).");
        var point = new float[_horizon];
        var lower = new float[_horizon];
        var upper = new float[_horizon];
        _forecaster.Model.Forecast(window, 1, _rowsSeen - 1, point, lower, upper);
        return _forecaster.Model.HasIntervals ? new ForecastResult(point, lower, upper) : new ForecastResult(point, null, null);
    }

    /// <summary>
    /// Saves the model with the engine's current history to <paramref name="modelPath"/> atomically (temporary file, then
    /// rename), like ML.NET's <c>TimeSeriesPredictionEngine.CheckPoint</c>; a loaded checkpoint forecasts without the
    /// training data.
    /// </summary>
    /// <param name="env">The host environment, e.g. the <see cref="MLContext"/>; a cancelled one (<c>CancelExecution</c>) refuses to save.</param>
    /// <param name="modelPath">The .zip to create or replace; its folder must exist.</param>
    public void CheckPoint(IHostEnvironment env, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ThrowIfDisposed();
        MlNetEnvironment.CheckAlive(env);
        _ml.Model.SaveAtomically(ModelWithHistory(), _inputSchema, modelPath);
    }

    /// <summary>Writes the model with the engine's current history to <paramref name="stream"/> (see <see cref="CheckPoint(IHostEnvironment, string)"/>).</summary>
    /// <param name="env">The host environment, e.g. the <see cref="MLContext"/>.</param>
    /// <param name="stream">A writable stream; it is left open.</param>
    public void CheckPoint(IHostEnvironment env, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(stream);
        ThrowIfDisposed();
        MlNetEnvironment.CheckAlive(env);
        _ml.Model.Save(ModelWithHistory(), _inputSchema, stream);
    }

    /// <summary>Releases the engine's history; the model it was created from stays usable. Later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        _history.Clear();
    }

    private ITransformer ModelWithHistory()
    {
        var withHistory = _forecaster.WithHistory(_history.ToArray());
        return _prefix.Length == 0 ? withHistory : new TransformerChain<ITransformer>(_prefix.Append(withHistory).ToArray());
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static (ITransformer[] Prefix, PrunedForecastingTransformer Forecaster) Split(ITransformer model)
    {
        if (model is PrunedForecastingTransformer f) return (Array.Empty<ITransformer>(), f);
        if (model is IEnumerable<ITransformer> chain)
        {
            var parts = chain.ToList();
            int at = parts.FindLastIndex(p => p is PrunedForecastingTransformer);
            if (at >= 0)
            {
                if (at != parts.Count - 1)
                    throw new ArgumentException("The pruned forecaster must be the last transformer of the chain for a forecast engine (transforms after it would need its output).", nameof(model));
                return (parts.Take(at).ToArray(), (PrunedForecastingTransformer)parts[at]);
            }
        }
        throw new ArgumentException($"The model ({model.GetType().Name}) contains no pruned forecaster: fit one with mlContext.Forecasting.PrunedLstm (or PrunedRnn/PrunedGru/PrunedPatchTst/PrunedDLinear).", nameof(model));
    }
}
