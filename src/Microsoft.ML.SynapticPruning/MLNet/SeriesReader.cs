using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning.Data;
using Microsoft.ML.SynapticPruning.Training;

namespace Microsoft.ML.SynapticPruning;

/// <summary>Reads the label and covariate columns of a time-ordered <see cref="IDataView"/> into a <see cref="TimeSeriesData"/>.</summary>
internal static class SeriesReader
{
    public static TimeSeriesData Read(IDataView data, string label, string[] features, string? timeColumn,
        MissingValuePolicy policy, int maxGap, string role, string optionsName = "the trainer options")
    {
        var schema = data.Schema;
        var columns = new List<DataViewSchema.Column> { NumericColumn.Require(schema, label, "Label") };
        columns.AddRange(features.Select(f => NumericColumn.Require(schema, f, "Feature")));
        DataViewSchema.Column? time = null;
        if (timeColumn is not null)
        {
            time = schema.GetColumnOrNull(timeColumn)
                ?? throw new ArgumentOutOfRangeException("TimeColumnName", $"Time column '{timeColumn}' was not found in the {role} data. Available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
            columns.Add(time.Value);
        }
        var values = new List<double>[1 + features.Length];
        for (int i = 0; i < values.Length; i++) values[i] = new List<double>();
        using (var cursor = data.GetRowCursor(columns.Distinct()))
        {
            var getters = columns.Take(1 + features.Length).Select(c => NumericColumn.CreateGetter(cursor, c)).ToArray();
            var order = time is null ? null : NumericColumn.CreateTimeKeyGetter(cursor, time.Value);
            long? last = null;
            long row = 0;
            while (cursor.MoveNext())
            {
                if (order is not null)
                {
                    long t = order();
                    if (last is { } previous && t <= previous)
                        throw new InvalidOperationException(
                            $"Time column '{timeColumn}' of the {role} data is not strictly increasing at row {row} (0-based): " +
                            (t == last ? "duplicate timestamp. Remove or aggregate duplicate rows." : "rows are out of order. Sort the data by time."));
                    last = t;
                }
                for (int c = 0; c < getters.Length; c++) values[c].Add(getters[c]());
                row++;
            }
        }
        if (values[0].Count == 0)
            throw new ArgumentException($"The {role} data has no rows: pass a time-ordered IDataView with at least Lookback + Horizon rows.", "data");

        var names = new[] { label }.Concat(features).ToArray();
        var filled = new float[names.Length][];
        bool[]? imputed = null;
        for (int c = 0; c < names.Length; c++)
        {
            foreach (var v in values[c])
                if (Math.Abs(v) > 1e30 && !double.IsInfinity(v))
                    throw new ArgumentException($"Column '{names[c]}' of the {role} data holds {v:G3}, too large to train on in single precision. Rescale the column (e.g. divide by a power of ten) first.", "data");
            if (policy == MissingValuePolicy.Error)
            {
                int bad = values[c].FindIndex(v => !double.IsFinite(v));
                if (bad >= 0)
                    throw new ArgumentException(
                        $"Column '{names[c]}' of the {role} data has a missing or infinite value ({values[c][bad]}) at row {bad} (0-based). " +
                        "Clean the data (e.g. mlContext.Transforms.ReplaceMissingValues), or set MissingValues = MissingValuePolicy.Interpolate or ForwardFill " +
                        $"on {optionsName} (gaps up to MaxInterpolatedGap rows are filled; filled targets are never scored).", "data");
            }
            var result = GapFiller.Fill(values[c], policy, maxGap, names[c]);
            var columnValues = result.Values;
            var columnImputed = result.Imputed;
            if (result.UnfilledCount > 0 && !FillEdges(columnValues, columnImputed, maxGap))
            {
                int at = Array.FindIndex(columnValues, double.IsNaN);
                throw new ArgumentException(
                    $"Column '{names[c]}' of the {role} data has a gap of missing values longer than {maxGap} rows (first unfilled row {at}). " +
                    $"Split the series there, fill it yourself, or raise MaxInterpolatedGap on {optionsName}.", "data");
            }
            filled[c] = Array.ConvertAll(columnValues, v => (float)v);
            if (c == 0 && columnImputed.Contains(true)) imputed = columnImputed;
        }
        return new TimeSeriesData(new[] { filled[0] }, filled.Skip(1).ToArray(), names, imputed);
    }

    /// <summary>
    /// Fills what interpolation cannot: a run of at most <paramref name="maxGap"/> missing values at the start (carrying the
    /// first observed value back) or at the end (carrying the last one forward), flagged imputed so that they are never
    /// scored or trained on as targets — e.g. a CV fold whose training part ends inside a short gap. False when any other
    /// value stays missing (a gap longer than <paramref name="maxGap"/>), or the column has no observed value.
    /// </summary>
    private static bool FillEdges(double[] values, bool[] imputed, int maxGap)
    {
        int first = Array.FindIndex(values, v => !double.IsNaN(v));
        if (first < 0) return false;
        int last = Array.FindLastIndex(values, v => !double.IsNaN(v));
        if (first > maxGap || values.Length - 1 - last > maxGap) return false;
        for (int r = first; r <= last; r++)
            if (double.IsNaN(values[r])) return false;
        for (int r = 0; r < first; r++) { values[r] = values[first]; imputed[r] = true; }
        for (int r = last + 1; r < values.Length; r++) { values[r] = values[last]; imputed[r] = true; }
        return true;
    }
}
