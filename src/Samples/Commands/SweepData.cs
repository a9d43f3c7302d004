using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Data;
using SynapticPruning.Study.Data;

namespace Samples.Commands;

/// <summary>One value of the target series (the column is renamed to the target's name when loaded).</summary>
public sealed class SweepRow
{
    /// <summary>The target value.</summary>
    public float Value { get; set; }
}

/// <summary>The series a sweep runs on: the target's values (NaN = missing), its name, the dataset's season and a note on gaps.</summary>
/// <param name="Values">The values, NaN where missing (only gaps the missing-value policy fills remain).</param>
/// <param name="Target">The target column.</param>
/// <param name="SeasonalPeriod">The bundled dataset's season, 1 for a CSV file.</param>
/// <param name="Name">The dataset name or the file's full path.</param>
/// <param name="Note">What was done about missing values; null when none is missing.</param>
internal sealed record SweepSeries(float[] Values, string Target, int SeasonalPeriod, string Name, string? Note);

/// <summary>Loads the univariate series the sweep and its workers use: a bundled dataset by name, or a CSV file with --target.</summary>
internal static class SweepData
{
    /// <summary>
    /// Reads the target column of <paramref name="data"/> (bundled name or CSV path). When values are missing and
    /// <paramref name="policy"/> fills gaps, gaps longer than <paramref name="maxGap"/> rows split the series and the
    /// longest part is kept (as the study does); the short gaps inside it stay NaN for the trainers to fill and the
    /// evaluation to skip. Under <see cref="MissingValuePolicy.Error"/> the values are returned as read and the sweep
    /// refuses them with the row of the first missing value.
    /// </summary>
    public static SweepSeries Load(string data, string? target, MissingValuePolicy policy, int maxGap)
    {
        TimeSeriesTable table;
        int season = 1;
        string name;
        if (File.Exists(data))
        {
            if (target is null) throw new ArgumentException($"--target is required with a CSV file ('{data}'): name the column to forecast.");
            table = TimeSeriesCsvReader.Read(data);
            name = Path.GetFullPath(data);
        }
        else
        {
            var dataset = BundledDatasets.Get(data);
            table = BundledDatasets.Load(dataset, BundledDatasets.FindDataRoot());
            target ??= dataset.TargetColumn;
            season = dataset.SeasonalPeriod;
            name = dataset.Name;
        }
        if (!table.HasColumn(target))
            throw new ArgumentException($"--target '{target}' is not a numeric column of '{data}'. Columns: {string.Join(", ", table.ColumnNames)}.");
        var column = table.Column(target);
        int missing = column.Count(double.IsNaN);
        if (missing == 0 || policy == MissingValuePolicy.Error)
            return new SweepSeries(column.Select(v => (float)v).ToArray(), target, season, name, null);

        var prepared = TimeSeriesPreparation.Prepare(table, target, null, new TimeSeriesPreparationOptions { Policy = policy, MaxInterpolatedGap = maxGap });
        var longest = prepared.LongestSegment
            ?? throw new ArgumentException($"'{data}': no stretch of '{target}' is left after dropping gaps longer than {maxGap} rows; fill the data or raise the gap limit.");
        var values = column.Skip(longest.StartRow).Take(longest.Length).Select(v => (float)v).ToArray();
        int inside = values.Count(float.IsNaN);
        string kept = prepared.Segments.Count == 1
            ? $"gaps of more than {maxGap} rows at the edges dropped; rows [{longest.StartRow:N0}, {longest.EndRow:N0}) kept"
            : $"gaps of more than {maxGap} rows split the series into {prepared.Segments.Count} parts; the longest, rows [{longest.StartRow:N0}, {longest.EndRow:N0}) ({longest.Length:N0} rows), is used";
        string note = $"{missing:N0} of {column.Length:N0} values of '{target}' are missing: {kept}; "
            + (inside == 0 ? "no value is missing there." : $"its {inside:N0} missing values (gaps of ≤ {maxGap} rows) are filled for training ({policy}) and never scored.");
        return new SweepSeries(values, target, season, name, note);
    }

    /// <summary>A one-column view (named <paramref name="target"/>) of the first <paramref name="rows"/> values.</summary>
    public static IDataView ToDataView(MLContext ml, float[] values, string target, int rows)
    {
        var schema = SchemaDefinition.Create(typeof(SweepRow));
        schema[nameof(SweepRow.Value)].ColumnName = target;
        return ml.Data.LoadFromEnumerable(values.Take(rows).Select(v => new SweepRow { Value = v }).ToArray(), schema);
    }
}
