using Microsoft.ML.Data;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// The lazy, streaming output of a forecasting transformer: the input's columns plus <c>Forecast</c> (float[Horizon]) and,
/// when intervals were fitted, <c>ForecastLower</c>/<c>ForecastUpper</c>. The forecast at row t uses rows t−L+1..t and
/// predicts t+1..t+H (docs/design.md, "Rows in ML.NET"); rows with fewer than L rows of history, or whose window holds a NaN, get a
/// NaN vector. Forecasts are computed in blocks from a ring buffer by a second, leading cursor, so a pass over the
/// data reads each input row twice but runs the network once per block, never once per row. Shuffling is refused.
/// </summary>
internal sealed class ForecastDataView : IDataView
{
    internal const int BlockSize = 256;

    /// <summary>Annotation on the forecast column holding the training part's seasonal-naive MAE (MASE denominator).</summary>
    internal const string MaseScaleAnnotation = "MaseScale";

    private readonly IDataView _source;
    private readonly IWindowForecaster _model;
    private readonly string _labelColumn;
    private readonly string[] _featureColumns;
    private readonly string? _timeColumn;
    private readonly int _forecastIndex;
    // Longest run of missing inputs carried forward from the last observation (0 = none; see ForecastingModelInfo.InputGapFill).
    private readonly int _inputGapFill;

    public ForecastDataView(IDataView source, IWindowForecaster model, string labelColumn, string[] featureColumns, string? timeColumn, string outputColumn, double maseScale = double.NaN,
        string? lowerColumn = null, string? upperColumn = null, int inputGapFill = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputGapFill);
        _source = source;
        _inputGapFill = inputGapFill;
        _model = model;
        _labelColumn = labelColumn;
        _featureColumns = featureColumns;
        _timeColumn = timeColumn;
        NumericColumn.Require(source.Schema, labelColumn, "Label");
        foreach (var f in featureColumns) NumericColumn.Require(source.Schema, f, "Feature");
        Schema = BuildSchema(source.Schema, outputColumn, model.Horizon, model.HasIntervals, maseScale, lowerColumn, upperColumn);
        _forecastIndex = source.Schema.Count;
    }

    /// <summary>Builds the output schema: the input columns, then the forecast columns.</summary>
    internal static DataViewSchema BuildSchema(DataViewSchema input, string outputColumn, int horizon, bool intervals, double maseScale = double.NaN,
        string? lowerColumn = null, string? upperColumn = null)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        var vector = new VectorDataViewType(NumberDataViewType.Single, horizon);
        var annotations = new DataViewSchema.Annotations.Builder();
        ValueGetter<double> scale = (ref double v) => v = maseScale;
        annotations.Add(MaseScaleAnnotation, NumberDataViewType.Double, scale);
        builder.AddColumn(outputColumn, vector, annotations.ToAnnotations());
        if (intervals)
        {
            builder.AddColumn(ForecastingModelInfo.BoundColumn(lowerColumn, outputColumn, "Lower"), vector);
            builder.AddColumn(ForecastingModelInfo.BoundColumn(upperColumn, outputColumn, "Upper"), vector);
        }
        return builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        if (rand is not null)
            throw new InvalidOperationException(
                "Forecast columns depend on row order: this view cannot be shuffled. Do not shuffle the output of a pruned forecaster (shuffle training windows through the trainer options instead).");
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        bool anyForecast = needed.Any(i => i >= _forecastIndex);
        var sourceNeeded = _source.Schema.Where(c => needed.Contains(c.Index)).ToList();
        var main = _source.GetRowCursor(sourceNeeded);
        return new Cursor(this, main, anyForecast ? CreateLead() : null);
    }

    private DataViewRowCursor CreateLead()
    {
        var cols = new List<DataViewSchema.Column> { _source.Schema[_labelColumn] };
        cols.AddRange(_featureColumns.Select(f => _source.Schema[f]));
        if (_timeColumn is not null) cols.Add(_source.Schema[_timeColumn]);
        return _source.GetRowCursor(cols.Distinct());
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly ForecastDataView _parent;
        private readonly DataViewRowCursor _main;
        private readonly DataViewRowCursor? _lead;
        private readonly Func<float>[] _inputs = Array.Empty<Func<float>>();
        private readonly Func<long>? _time;
        private readonly int _lookback, _horizon, _width;
        // Ring buffer of the last L input rows and count of rows seen by the lead cursor.
        private readonly float[] _ring;
        // Causal fill of short gaps in the inputs (ForecastingModelInfo.InputGapFill).
        private readonly InputGapCarry _carry;
        private long _leadRows;
        private long? _lastTime;
        // Current block: forecasts for rows [_blockStart, _blockStart + _blockCount).
        private long _blockStart;
        private int _blockCount;
        private readonly float[] _windows, _point, _lower, _upper;
        private readonly bool[] _valid;
        private readonly int[] _slot;

        public Cursor(ForecastDataView parent, DataViewRowCursor main, DataViewRowCursor? lead)
        {
            _parent = parent;
            _main = main;
            _lead = lead;
            var m = parent._model;
            _lookback = m.Lookback; _horizon = m.Horizon; _width = m.InputWidth;
            _ring = new float[_lookback * _width];
            _carry = new InputGapCarry(_width, parent._inputGapFill);
            _windows = new float[BlockSize * _lookback * _width];
            _point = new float[BlockSize * _horizon];
            _lower = new float[BlockSize * _horizon];
            _upper = new float[BlockSize * _horizon];
            _valid = new bool[BlockSize];
            _slot = new int[BlockSize];
            if (lead is not null)
            {
                var schema = parent._source.Schema;
                _inputs = new[] { parent._labelColumn }.Concat(parent._featureColumns)
                    .Select(name => NumericColumn.CreateGetter(lead, schema[name])).ToArray();
                if (parent._timeColumn is not null) _time = NumericColumn.CreateTimeKeyGetter(lead, schema[parent._timeColumn]);
            }
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _main.Position;

        public override long Batch => 0;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _main.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column)
            => column.Index < _parent._forecastIndex ? _main.IsColumnActive(_main.Schema[column.Index]) : _lead is not null;

        public override bool MoveNext()
        {
            if (!_main.MoveNext()) return false;
            if (_lead is not null && _main.Position >= _blockStart + _blockCount) FillBlock();
            return true;
        }

        private void FillBlock()
        {
            _blockStart = _leadRows;
            _blockCount = 0;
            int valid = 0;
            int rowWidth = _width;
            while (_blockCount < BlockSize && _lead!.MoveNext())
            {
                if (_time is not null)
                {
                    long t = _time();
                    if (_lastTime is { } previous && t <= previous)
                        throw new InvalidOperationException(
                            $"Time column '{_parent._timeColumn}' is not strictly increasing at row {_leadRows} (0-based): rows must be in time order without duplicates. Sort the data by time and remove duplicate timestamps.");
                    _lastTime = t;
                }
                // Shift the ring by one row (L is small; a block copy is cheaper than index arithmetic later).
                Array.Copy(_ring, rowWidth, _ring, 0, _ring.Length - rowWidth);
                int at = _ring.Length - rowWidth;
                for (int c = 0; c < rowWidth; c++) _ring[at + c] = _carry.Next(c, _inputs[c]());
                _leadRows++;
                bool ok = _leadRows >= _lookback && AllFinite(_ring);
                _valid[_blockCount] = ok;
                if (ok)
                {
                    Array.Copy(_ring, 0, _windows, valid * _ring.Length, _ring.Length);
                    _slot[_blockCount] = valid++;
                }
                _blockCount++;
            }
            if (valid > 0)
            {
                // Compact contiguous runs keep MC seeds tied to row indices: forecast valid windows run by run.
                int b = 0;
                while (b < _blockCount)
                {
                    if (!_valid[b]) { b++; continue; }
                    int e = b;
                    while (e < _blockCount && _valid[e]) e++;
                    int first = _slot[b], n = e - b;
                    int w = _ring.Length, h = _horizon;
                    _parent._model.Forecast(
                        _windows.AsSpan(first * w, n * w), n, _blockStart + b,
                        _point.AsSpan(first * h, n * h), _lower.AsSpan(first * h, n * h), _upper.AsSpan(first * h, n * h));
                    b = e;
                }
            }
        }

        private static bool AllFinite(float[] values)
        {
            foreach (var v in values) if (!float.IsFinite(v)) return false;
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < _parent._forecastIndex) return _main.GetGetter<TValue>(_main.Schema[column.Index]);
            if (typeof(TValue) != typeof(VBuffer<float>))
                throw new InvalidOperationException($"Column '{column.Name}' is a vector of Single: ask for VBuffer<float>.");
            int which = column.Index - _parent._forecastIndex; // 0 point, 1 lower, 2 upper
            var source = which switch { 0 => _point, 1 => _lower, _ => _upper };
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
            {
                int i = (int)(_main.Position - _blockStart);
                var editor = VBufferEditor.Create(ref dst, _horizon);
                if (i < 0 || i >= _blockCount || !_valid[i]) editor.Values.Fill(float.NaN);
                else source.AsSpan(_slot[i] * _horizon, _horizon).CopyTo(editor.Values);
                dst = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _main.Dispose();
                _lead?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
