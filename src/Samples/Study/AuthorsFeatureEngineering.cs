using System.Globalization;
using Microsoft.ML.SynapticPruning.Data;

namespace Samples.Study;

/// <summary>
/// The authors' Bitcoin preprocessing (their <c>Runtime_Analysis.py</c>, <c>preprocess_data</c>, which calls their
/// <c>auto_feature_engineering</c> with the time column as date and sequential column, lags and leads 1, 3, 7, 14, 30 of the
/// target), re-implemented from its documented semantics for <see cref="StudyProtocol.Authors"/> (docs/study.md, "The authors'
/// protocol"). Stateless.
/// </summary>
/// <remarks>
/// <para>Input columns, in this order (the order of the authors' frame after dropping the target):</para>
/// <list type="number">
/// <item>the time column as a number (their frame keeps the datetime column, whose final numeric conversion gives
/// nanoseconds since 1970; any affine clock standardises to the same values, so seconds are used here);</item>
/// <item>every other numeric source column except the target, in file order (Bitcoin: open, high, low, volume, marketCap);</item>
/// <item>date parts of the time column (UTC): day of month, month, ISO week, year, quarter, day of week (Monday = 0), is-weekend
/// (Saturday or Sunday = 1);</item>
/// <item><c>{target}_lag_k</c> = target k rows earlier, for each lag k;</item>
/// <item><c>{target}_lead_k</c> = target k rows <em>later</em>, for each lead k — future values of the target: at the last row
/// of a window, <c>lead_1</c> is the value the window forecasts. This leak is the authors' and is reproduced on purpose.</item>
/// </list>
/// <para>Missing values, as their <c>_handle_missing_values</c>: lag and lead columns are filled forward, then backward (the
/// first k rows of <c>lag_k</c> take the first available value, the last k rows of <c>lead_k</c> the last available one),
/// then with their mean if still empty; other numeric columns, the target included, with their mean.</para>
/// <para>Scaling: every input column and the target are standardised over the whole series with the population standard
/// deviation (scikit-learn's <c>StandardScaler</c>; a constant column keeps scale 1). The authors standardise twice (inside
/// <c>auto_feature_engineering</c> and again in <c>preprocess_data</c>); the second pass is the identity up to rounding. Because
/// the target is standardised before their <c>scaler_y</c> is fitted, their "inverse-transformed" MAE is in units of the
/// target's standard deviation over the series; feeding the standardised target reproduces those units.</para>
/// <para>Not reproduced: their label encoding of source columns with at most 10 distinct values (none in Bitcoin);
/// <see cref="Build"/> refuses such a column.</para>
/// </remarks>
public static class AuthorsFeatureEngineering
{
    /// <summary>The lags (rows back) of the target the authors' Bitcoin script creates: 1, 3, 7, 14, 30.</summary>
    public static IReadOnlyList<int> Lags { get; } = [1, 3, 7, 14, 30];

    /// <summary>The leads (rows forward) of the target the authors' Bitcoin script creates: 1, 3, 7, 14, 30.</summary>
    public static IReadOnlyList<int> Leads { get; } = [1, 3, 7, 14, 30];

    /// <summary>The columns with at most this many distinct values that <c>auto_feature_engineering</c> label-encodes (10).</summary>
    public const int CategoricalThreshold = 10;

    /// <summary>The names of the date-part columns derived from time column <paramref name="timeColumn"/>, in order.</summary>
    public static IReadOnlyList<string> DatePartNames(string timeColumn) =>
        new[] { "day", "month", "week", "year", "quarter", "dayofweek", "is_weekend" }.Select(p => $"{timeColumn}_{p}").ToArray();

    /// <summary>
    /// The unscaled input columns (names and values) of <paramref name="table"/> for target <paramref name="target"/>, in the
    /// order listed in the remarks, with missing values filled.
    /// </summary>
    /// <param name="table">The source table; needs timestamps in strictly increasing order.</param>
    /// <param name="target">The target column (not an input itself; only its lags and leads are).</param>
    /// <param name="lags">Lags k ≥ 1 (rows back).</param>
    /// <param name="leads">Leads k ≥ 1 (rows forward).</param>
    /// <exception cref="ArgumentException">No timestamps, timestamps out of order, an unknown target, a lag or lead below 1, or a
    /// low-cardinality source column the authors would label-encode.</exception>
    public static (IReadOnlyList<string> Names, IReadOnlyList<double[]> Columns) Engineer(TimeSeriesTable table, string target,
        IReadOnlyList<int> lags, IReadOnlyList<int> leads)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        ArgumentNullException.ThrowIfNull(lags);
        ArgumentNullException.ThrowIfNull(leads);
        if (!table.HasColumn(target))
            throw new ArgumentException($"The table has no target column '{target}' (columns: {string.Join(", ", table.ColumnNames)}).", nameof(target));
        if (lags.Concat(leads).Any(k => k < 1))
            throw new ArgumentException($"Lags and leads must be at least 1 row (lags {string.Join(", ", lags)}; leads {string.Join(", ", leads)}).", nameof(lags));
        var time = table.Timestamps
            ?? throw new ArgumentException("The authors' features need a time column (date parts and ordering); the table has none.", nameof(table));
        for (int i = 1; i < time.Length; i++)
            if (time[i] <= time[i - 1])
                throw new ArgumentException($"Timestamps must increase strictly (row {i} at {time[i]:O} follows {time[i - 1]:O}); the authors sort by time first.", nameof(table));
        string timeName = table.TimeColumnName ?? "time";
        int n = table.RowCount;

        var names = new List<string>();
        var columns = new List<double[]>();
        names.Add(timeName);
        columns.Add(time.Select(t => (t - DateTime.UnixEpoch).TotalSeconds).ToArray());
        foreach (var name in table.ColumnNames.Where(c => c != target))
        {
            var values = table.Column(name);
            int distinct = values.Where(v => !double.IsNaN(v)).Distinct().Count();
            if (distinct <= CategoricalThreshold)
                throw new ArgumentException(
                    $"Column '{name}' has {distinct} distinct values; auto_feature_engineering would label-encode it, which the authors protocol does not reproduce.", nameof(table));
            names.Add(name);
            columns.Add(FillWithMean(values));
        }
        var parts = DatePartNames(timeName);
        Func<DateTime, double>[] extract =
        [
            t => t.Day, t => t.Month, t => ISOWeek.GetWeekOfYear(t), t => t.Year, t => (t.Month - 1) / 3 + 1,
            t => ((int)t.DayOfWeek + 6) % 7, t => t.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1 : 0,
        ];
        for (int p = 0; p < parts.Count; p++)
        {
            names.Add(parts[p]);
            columns.Add(time.Select(extract[p]).ToArray());
        }
        var y = table.Column(target);
        foreach (int k in lags)
        {
            names.Add(string.Create(CultureInfo.InvariantCulture, $"{target}_lag_{k}"));
            columns.Add(ForwardThenBackwardFill(Shift(y, k)));
        }
        foreach (int k in leads)
        {
            names.Add(string.Create(CultureInfo.InvariantCulture, $"{target}_lead_{k}"));
            columns.Add(ForwardThenBackwardFill(Shift(y, -k)));
        }
        return (names, columns);
    }

    /// <summary>
    /// The table the authors protocol trains on: the standardised target (mean-filled first) followed by the standardised
    /// input columns of <see cref="Engineer"/> with the authors' lags and leads, and the source timestamps.
    /// </summary>
    /// <param name="table">The source table (e.g. the bundled Bitcoin file).</param>
    /// <param name="target">The target column.</param>
    /// <returns>The table and the names of its input columns (every column except <paramref name="target"/>).</returns>
    /// <exception cref="ArgumentException">As <see cref="Engineer"/>.</exception>
    public static (TimeSeriesTable Table, IReadOnlyList<string> Inputs) Build(TimeSeriesTable table, string target)
    {
        var (names, columns) = Engineer(table, target, Lags, Leads);
        var allNames = new List<string> { target };
        allNames.AddRange(names);
        var allColumns = new List<double[]> { Standardize(FillWithMean(table.Column(target))) };
        allColumns.AddRange(columns.Select(Standardize));
        return (new TimeSeriesTable(allNames, allColumns, table.Timestamps, table.LineNumbers, table.SourcePath, table.TimeColumnName), names);
    }

    /// <summary>
    /// <paramref name="values"/> shifted by <paramref name="rows"/> as pandas' <c>shift</c>: result[i] = values[i − rows],
    /// NaN where that row does not exist (positive = lag, negative = lead).
    /// </summary>
    public static double[] Shift(IReadOnlyList<double> values, int rows)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new double[values.Count];
        for (int i = 0; i < result.Length; i++)
        {
            int source = i - rows;
            result[i] = source >= 0 && source < values.Count ? values[source] : double.NaN;
        }
        return result;
    }

    /// <summary>Forward fill, then backward fill, then the mean of the values (NaN stays only when every value is NaN).</summary>
    public static double[] ForwardThenBackwardFill(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var r = values.ToArray();
        for (int i = 1; i < r.Length; i++)
            if (double.IsNaN(r[i])) r[i] = r[i - 1];
        for (int i = r.Length - 2; i >= 0; i--)
            if (double.IsNaN(r[i])) r[i] = r[i + 1];
        return FillWithMean(r);
    }

    /// <summary>Missing values replaced by the mean of the others (a copy; unchanged when none is missing or all are).</summary>
    public static double[] FillWithMean(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var r = values.ToArray();
        var present = r.Where(v => !double.IsNaN(v)).ToArray();
        if (present.Length == 0 || present.Length == r.Length) return r;
        double mean = present.Average();
        for (int i = 0; i < r.Length; i++)
            if (double.IsNaN(r[i])) r[i] = mean;
        return r;
    }

    /// <summary>
    /// (x − mean)/std with the population standard deviation, as scikit-learn's <c>StandardScaler</c>; a constant column
    /// (std 0) is only centred.
    /// </summary>
    /// <exception cref="ArgumentException">Empty, or a value is not finite.</exception>
    public static double[] Standardize(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("Cannot standardise an empty column.", nameof(values));
        if (values.Any(v => !double.IsFinite(v))) throw new ArgumentException("Cannot standardise a column with missing or infinite values; fill them first.", nameof(values));
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / values.Count;
        double std = Math.Sqrt(variance);
        if (!(std > 0)) std = 1;
        return values.Select(v => (v - mean) / std).ToArray();
    }
}
