namespace Microsoft.ML.SynapticPruning.Data;

/// <summary>
/// An in-memory time series read from a file: optional timestamps, numeric columns (missing values are
/// <see cref="double.NaN"/>), optional text columns and the source line number of every row (for messages).
/// Immutable: accessors return copies.
/// </summary>
public sealed class TimeSeriesTable
{
    private readonly string[] _names;
    private readonly double[][] _columns;
    private readonly Dictionary<string, int> _index;
    private readonly string[] _textNames;
    private readonly string[][] _textColumns;
    private readonly DateTime[]? _timestamps;
    private readonly int[] _lines;

    /// <summary>
    /// Creates a table from columns of equal length.
    /// </summary>
    /// <param name="columnNames">Unique names of the numeric columns, in order.</param>
    /// <param name="columns">One array per name, all of the same length (copied).</param>
    /// <param name="timestamps">Optional timestamps, one per row (copied).</param>
    /// <param name="lineNumbers">Optional 1-based source line of each row; default: row index + 1 (copied).</param>
    /// <param name="sourcePath">Optional file the table came from, used in messages.</param>
    /// <param name="timeColumnName">Optional name of the time column (e.g. <c>Date+Time</c> when two were combined).</param>
    /// <param name="textColumnNames">Optional names of kept text columns.</param>
    /// <param name="textColumns">Optional text columns, one array per text name.</param>
    public TimeSeriesTable(
        IReadOnlyList<string> columnNames,
        IReadOnlyList<double[]> columns,
        DateTime[]? timestamps = null,
        int[]? lineNumbers = null,
        string? sourcePath = null,
        string? timeColumnName = null,
        IReadOnlyList<string>? textColumnNames = null,
        IReadOnlyList<string[]>? textColumns = null)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        ArgumentNullException.ThrowIfNull(columns);
        if (columnNames.Count != columns.Count)
            throw new ArgumentException($"{columnNames.Count} column names but {columns.Count} columns were given.", nameof(columns));
        textColumnNames ??= [];
        textColumns ??= [];
        if (textColumnNames.Count != textColumns.Count)
            throw new ArgumentException($"{textColumnNames.Count} text column names but {textColumns.Count} text columns were given.", nameof(textColumns));

        int rows = columns.Count > 0 ? columns[0].Length
            : textColumns.Count > 0 ? textColumns[0].Length
            : timestamps?.Length ?? lineNumbers?.Length ?? 0;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < columnNames.Count; i++)
        {
            if (string.IsNullOrEmpty(columnNames[i]))
                throw new ArgumentException($"Column name {i} is empty.", nameof(columnNames));
            if (!_index.TryAdd(columnNames[i], i))
                throw new ArgumentException($"Column name '{columnNames[i]}' appears twice.", nameof(columnNames));
            ArgumentNullException.ThrowIfNull(columns[i], nameof(columns));
            if (columns[i].Length != rows)
                throw new ArgumentException($"Column '{columnNames[i]}' has {columns[i].Length} rows, expected {rows}.", nameof(columns));
        }
        for (int i = 0; i < textColumns.Count; i++)
        {
            if (textColumns[i].Length != rows)
                throw new ArgumentException($"Text column '{textColumnNames[i]}' has {textColumns[i].Length} rows, expected {rows}.", nameof(textColumns));
        }
        if (timestamps is not null && timestamps.Length != rows)
            throw new ArgumentException($"{timestamps.Length} timestamps for {rows} rows.", nameof(timestamps));
        if (lineNumbers is not null && lineNumbers.Length != rows)
            throw new ArgumentException($"{lineNumbers.Length} line numbers for {rows} rows.", nameof(lineNumbers));

        _names = [.. columnNames];
        _columns = columns.Select(c => (double[])c.Clone()).ToArray();
        _textNames = [.. textColumnNames];
        _textColumns = textColumns.Select(c => (string[])c.Clone()).ToArray();
        _timestamps = (DateTime[]?)timestamps?.Clone();
        _lines = lineNumbers is null ? Enumerable.Range(1, rows).ToArray() : (int[])lineNumbers.Clone();
        RowCount = rows;
        SourcePath = sourcePath;
        TimeColumnName = timestamps is null ? null : timeColumnName;
        ColumnNames = Array.AsReadOnly(_names);
        TextColumnNames = Array.AsReadOnly(_textNames);
    }

    /// <summary>Number of data rows.</summary>
    public int RowCount { get; }

    /// <summary>File the table was read from, if any.</summary>
    public string? SourcePath { get; }

    /// <summary>Name of the time column (<c>Date+Time</c> when a date and a time-of-day column were combined), or
    /// <see langword="null"/> when the table has no timestamps.</summary>
    public string? TimeColumnName { get; }

    /// <summary>Numeric column names in file order (the time column and text columns are not included).</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Kept text column names (empty unless the table was created with text columns, e.g. by a CSV reader asked
    /// to keep them).</summary>
    public IReadOnlyList<string> TextColumnNames { get; }

    /// <summary>A copy of the timestamps, one per row, or <see langword="null"/> when the table has no time column.</summary>
    public DateTime[]? Timestamps => (DateTime[]?)_timestamps?.Clone();

    /// <summary>A copy of the 1-based source line number of every row.</summary>
    public int[] LineNumbers => (int[])_lines.Clone();

    /// <summary>1-based source line number of row <paramref name="row"/> (0-based).</summary>
    public int LineNumber(int row)
    {
        if ((uint)row >= (uint)RowCount)
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Row must be in [0, {RowCount}).");
        return _lines[row];
    }

    /// <summary>Whether a numeric column of that name exists (ordinal comparison).</summary>
    public bool HasColumn(string name) => name is not null && _index.ContainsKey(name);

    /// <summary>A copy of the numeric column <paramref name="name"/>; <see cref="double.NaN"/> marks missing values.</summary>
    /// <exception cref="ArgumentException">No numeric column has that name; the message lists the available columns.</exception>
    public double[] Column(string name) => (double[])_columns[IndexOf(name)].Clone();

    /// <summary>A copy of the kept text column <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No kept text column has that name.</exception>
    public string[] TextColumn(string name)
    {
        int i = Array.IndexOf(_textNames, name);
        if (i < 0)
            throw new ArgumentException($"No text column '{name}'. Text columns: {List(_textNames)}. A table keeps text columns only when it was created with them (a CSV reader drops them unless asked to keep them).", nameof(name));
        return (string[])_textColumns[i].Clone();
    }

    /// <summary>Number of missing (<see cref="double.NaN"/>) values in column <paramref name="name"/>.</summary>
    public int MissingCount(string name)
    {
        var c = _columns[IndexOf(name)];
        int n = 0;
        foreach (var v in c) if (double.IsNaN(v)) n++;
        return n;
    }

    /// <summary>A new table without the given numeric columns (names that do not exist are an error).</summary>
    public TimeSeriesTable WithoutColumns(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var drop = new HashSet<int>(names.Select(IndexOf));
        var keep = Enumerable.Range(0, _names.Length).Where(i => !drop.Contains(i)).ToArray();
        return new TimeSeriesTable(keep.Select(i => _names[i]).ToArray(), keep.Select(i => _columns[i]).ToArray(),
            _timestamps, _lines, SourcePath, TimeColumnName, _textNames, _textColumns);
    }

    /// <summary>A new table where the listed numeric columns are replaced (same row count; other columns unchanged).</summary>
    public TimeSeriesTable WithColumns(IReadOnlyDictionary<string, double[]> replacements)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        var cols = (double[][])_columns.Clone();
        foreach (var (name, values) in replacements)
        {
            ArgumentNullException.ThrowIfNull(values, nameof(replacements));
            if (values.Length != RowCount)
                throw new ArgumentException($"Replacement for column '{name}' has {values.Length} rows, expected {RowCount}.", nameof(replacements));
            cols[IndexOf(name)] = values;
        }
        return new TimeSeriesTable(_names, cols, _timestamps, _lines, SourcePath, TimeColumnName, _textNames, _textColumns);
    }

    internal int IndexOf(string name)
    {
        if (name is not null && _index.TryGetValue(name, out int i))
            return i;
        var hint = name is null ? null : _names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        var where = SourcePath is null ? "" : $" in '{SourcePath}'";
        throw new ArgumentException(
            $"No numeric column '{name}'{where}. Available columns: {List(_names)}."
            + (hint is null ? "" : $" Did you mean '{hint}'? Names are case-sensitive.")
            + (TimeColumnName is null ? "" : $" The time column '{TimeColumnName}' is available as Timestamps."),
            nameof(name));
    }

    internal double[] ColumnUnsafe(int index) => _columns[index];

    private static string List(IEnumerable<string> names)
    {
        var s = string.Join(", ", names.Select(n => $"'{n}'"));
        return s.Length == 0 ? "(none)" : s;
    }
}
