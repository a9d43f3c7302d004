using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning.Evaluation;

namespace Microsoft.ML.SynapticPruning;

/// <summary>Reads a scored view (label + forecast vector) and feeds the metrics accumulator (docs/design.md, "Rows in ML.NET").</summary>
internal static class DataViewForecastEvaluator
{
    public static ForecastMetrics Evaluate(IDataView data, string label, string forecast, double? maseScale, long firstScoredRow = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        var labelColumn = NumericColumn.Require(data.Schema, label, "Label");
        var forecastColumn = data.Schema.GetColumnOrNull(forecast)
            ?? throw new ArgumentOutOfRangeException(nameof(forecast), $"Forecast column '{forecast}' was not found. Transform the data with a fitted forecaster first (its OutputColumnName, default \"Forecast\").");
        if (forecastColumn.Type is not VectorDataViewType { ItemType: NumberDataViewType n, Size: > 0 } vt || n != NumberDataViewType.Single)
            throw new InvalidOperationException($"Forecast column '{forecast}' has type {forecastColumn.Type}; a known-size vector of Single (float[Horizon]) is expected.");
        int horizon = vt.Size;
        double scale = maseScale ?? ReadScale(forecastColumn);

        var labels = new List<float>();
        var forecasts = new List<float[]?>();
        using (var cursor = data.GetRowCursor(new[] { labelColumn, forecastColumn }))
        {
            var getLabel = NumericColumn.CreateGetter(cursor, labelColumn);
            var getForecast = cursor.GetGetter<VBuffer<float>>(forecastColumn);
            var buffer = default(VBuffer<float>);
            while (cursor.MoveNext())
            {
                labels.Add(getLabel());
                getForecast(ref buffer);
                var dense = buffer.DenseValues().ToArray();
                forecasts.Add(dense.Any(float.IsNaN) ? null : dense);
            }
        }
        var acc = new ForecastMetricsAccumulator(horizon, double.IsFinite(scale) ? scale : null);
        var actual = new float[horizon];
        if (firstScoredRow < 0) throw new ArgumentOutOfRangeException(nameof(firstScoredRow), firstScoredRow, "firstScoredRow must be 0 or more.");
        for (int t = (int)Math.Max(0, firstScoredRow - 1); t + horizon < labels.Count; t++)
        {
            if (forecasts[t] is not float[] f) continue;
            for (int h = 0; h < horizon; h++) actual[h] = labels[t + 1 + h];
            acc.Add(f, actual);
        }
        return acc.ToMetrics();
    }

    private static double ReadScale(DataViewSchema.Column column)
    {
        var a = column.Annotations.Schema.GetColumnOrNull(ForecastDataView.MaseScaleAnnotation);
        if (a is null || a.Value.Type != NumberDataViewType.Double) return double.NaN;
        double v = double.NaN;
        column.Annotations.GetValue(ForecastDataView.MaseScaleAnnotation, ref v);
        return v;
    }
}
