using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning.Data;
using SynapticPruning.Study.Data;

namespace Samples.Commands;

/// <summary>One value of the target series (the column is renamed to the target's name when loaded).</summary>
public sealed class SweepRow
{
    /// <summary>The target value.</summary>
    public float Value { get; set; }
}

/// <summary>Loads the univariate series the sweep and its workers use: a bundled dataset by name, or a CSV file with --target.</summary>
internal static class SweepData
{
    /// <summary>Reads the target column of <paramref name="data"/> (bundled name or CSV path).</summary>
    public static (float[] Values, string Target, int SeasonalPeriod, string Name) Load(string data, string? target)
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
        return (table.Column(target).Select(v => (float)v).ToArray(), target, season, name);
    }

    /// <summary>A one-column view (named <paramref name="target"/>) of the first <paramref name="rows"/> values.</summary>
    public static IDataView ToDataView(MLContext ml, float[] values, string target, int rows)
    {
        var schema = SchemaDefinition.Create(typeof(SweepRow));
        schema[nameof(SweepRow.Value)].ColumnName = target;
        return ml.Data.LoadFromEnumerable(values.Take(rows).Select(v => new SweepRow { Value = v }).ToArray(), schema);
    }
}
