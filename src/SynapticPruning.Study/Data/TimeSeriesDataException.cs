namespace SynapticPruning.Study.Data;

/// <summary>
/// A malformed time-series file: wrong field count, a number or timestamp that does not parse, timestamps out of
/// order or duplicated. The message names the file, the 1-based line number, the column and the offending text,
/// and says what to do.
/// </summary>
public sealed class TimeSeriesDataException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Complete message (already naming file, line, column and text).</param>
    /// <param name="filePath">File that was read, if any.</param>
    /// <param name="lineNumber">1-based line number of the offending row, if known.</param>
    /// <param name="columnName">Offending column, if any.</param>
    /// <param name="text">Offending field text, if any.</param>
    public TimeSeriesDataException(string message, string? filePath = null, int? lineNumber = null, string? columnName = null, string? text = null)
        : base(message)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        ColumnName = columnName;
        Text = text;
    }

    /// <summary>File that was read, if any.</summary>
    public string? FilePath { get; }

    /// <summary>1-based line number of the offending row, if known.</summary>
    public int? LineNumber { get; }

    /// <summary>Offending column, if any.</summary>
    public string? ColumnName { get; }

    /// <summary>Offending field text, if any.</summary>
    public string? Text { get; }
}
