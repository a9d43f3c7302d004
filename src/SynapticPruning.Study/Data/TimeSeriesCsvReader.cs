using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.SynapticPruning.Data;

namespace SynapticPruning.Study.Data;

/// <summary>
/// Reads a delimited text file (CSV, semicolon- or tab-separated) into a <see cref="TimeSeriesTable"/>.
/// </summary>
/// <remarks>
/// <para>Handles a UTF-8/UTF-16 byte-order mark, CRLF/LF/CR line ends, quoted fields containing separators or line
/// breaks, empty trailing columns and blank lines (see <see cref="TimeSeriesCsvOptions"/>).</para>
/// <para>A column is numeric when, among its first 200 non-empty values, at least one parses as a number (or looks
/// like a number written with the other decimal mark); a later value that does not parse is then an error rather
/// than a silent drop. Other columns are text and are dropped unless
/// <see cref="TimeSeriesCsvOptions.KeepTextColumns"/> is set.</para>
/// <para>Every error is a <see cref="TimeSeriesDataException"/> naming the file, the 1-based line, the column and
/// the offending text, with what to do about it.</para>
/// </remarks>
public static partial class TimeSeriesCsvReader
{
    private const int SampleRows = 200;

    /// <summary>Reads <paramref name="path"/> with <paramref name="options"/> (defaults when <see langword="null"/>).</summary>
    /// <exception cref="ArgumentException">The path is empty, an option is invalid, or a named column does not exist.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist (the message contains the full path).</exception>
    /// <exception cref="TimeSeriesDataException">The file is malformed (the message names file, line, column and text).</exception>
    public static TimeSeriesTable Read(string path, TimeSeriesCsvOptions? options = null)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException("The path of the time-series file is empty.", nameof(path));
        options ??= new TimeSeriesCsvOptions();
        options.Validate();
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
            throw new FileNotFoundException($"Time-series file '{fullPath}' was not found. Check the path (relative paths are resolved against '{Directory.GetCurrentDirectory()}').", fullPath);

        string text;
        using (var reader = new StreamReader(fullPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            text = reader.ReadToEnd();
        return Parse(text, options, path);
    }

    /// <summary>Parses delimited text already in memory; <paramref name="sourceName"/> is used in messages.</summary>
    /// <exception cref="TimeSeriesDataException">The text is malformed.</exception>
    public static TimeSeriesTable Parse(string text, TimeSeriesCsvOptions? options = null, string sourceName = "<text>")
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= new TimeSeriesCsvOptions();
        options.Validate();
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        char sep = options.Separator ?? CsvRecordReader.DetectSeparator(text);
        if (sep == options.DecimalSeparator)
            throw new TimeSeriesDataException(
                $"'{sourceName}': the detected separator is '{sep}', the same as the decimal mark. Set TimeSeriesCsvOptions.Separator explicitly (usually ';' for files with ',' decimals).",
                sourceName);

        var records = new List<CsvRecord>();
        foreach (var r in CsvRecordReader.Read(text, sep, sourceName))
        {
            if (options.SkipBlankLines && r.IsBlank) continue;
            records.Add(r);
        }
        if (records.Count == 0)
            throw new TimeSeriesDataException($"'{sourceName}' contains no data (no non-blank line).", sourceName);

        // Header and width.
        string[] header;
        int dataStart;
        if (options.HasHeader)
        {
            header = records[0].Fields.Select(f => f.Trim()).ToArray();
            dataStart = 1;
        }
        else
        {
            header = Enumerable.Range(1, records[0].Fields.Length).Select(i => $"Column{i}").ToArray();
            dataStart = 0;
        }
        int width = header.Length;
        if (options.TrimTrailingEmptyColumns)
            while (width > 1 && header[width - 1].Length == 0) width--;
        var names = new string[width];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int j = 0; j < width; j++)
        {
            names[j] = header[j].Length == 0 ? $"Column{j + 1}" : header[j];
            if (!seen.Add(names[j]))
                throw new TimeSeriesDataException(
                    $"'{sourceName}': line {records[0].LineNumber}: column name '{names[j]}' appears twice in the header. Rename one of them.",
                    sourceName, records[0].LineNumber, names[j], names[j]);
        }

        int rowCount = records.Count - dataStart;
        var rows = new string[rowCount][];
        var lines = new int[rowCount];
        for (int r = 0; r < rowCount; r++)
        {
            var rec = records[dataStart + r];
            var f = rec.Fields;
            bool ok = f.Length == width
                || (options.TrimTrailingEmptyColumns && f.Length > width && f.Skip(width).All(string.IsNullOrWhiteSpace));
            if (!ok)
            {
                string column = f.Length < width ? names[f.Length] : names[width - 1];
                string where = f.Length < width ? $"column '{column}' and after are missing" : $"extra fields after column '{column}'";
                string rowText = string.Join(sep, f);
                throw new TimeSeriesDataException(
                    $"'{sourceName}': line {rec.LineNumber}: expected {width} fields separated by '{TimeSeriesCsvOptions.Escape(sep)}' (as in the header) but found {f.Length}; {where}. Row text: '{Shorten(rowText)}'. "
                    + FieldCountHint(f.Length, width, sep, options),
                    sourceName, rec.LineNumber, column, rowText);
            }
            rows[r] = f.Length == width ? f : f[..width];
            for (int j = 0; j < width; j++) rows[r][j] = rows[r][j].Trim();
            lines[r] = rec.LineNumber;
        }

        var nfi = (NumberFormatInfo)options.Culture.NumberFormat.Clone();
        nfi.NumberDecimalSeparator = options.DecimalSeparator.ToString();
        nfi.NumberGroupSeparator = options.DecimalSeparator == ',' ? "." : ",";
        var missingTexts = new HashSet<string>(options.MissingValueTexts.Select(t => t.Trim()), StringComparer.OrdinalIgnoreCase);

        // Time column(s).
        int timeIndex = FindTimeColumn(names, rows, options, sourceName, nfi);
        int todIndex = timeIndex < 0 ? -1 : FindTimeOfDayColumn(names, rows, timeIndex, options);
        DateTime[]? timestamps = null;
        string? timeName = null;
        if (timeIndex >= 0)
        {
            timestamps = new DateTime[rowCount];
            timeName = todIndex >= 0 ? $"{names[timeIndex]}+{names[todIndex]}" : names[timeIndex];
            for (int r = 0; r < rowCount; r++)
            {
                var t = rows[r][timeIndex];
                if (!TimestampParser.TryParse(t, out var ts, out bool dateOnly))
                    throw new TimeSeriesDataException(
                        $"'{sourceName}': line {lines[r]}, column '{names[timeIndex]}': cannot read '{t}' as a date/time. Accepted forms: {TimestampParser.Examples}. Fix the value or remove the row.",
                        sourceName, lines[r], names[timeIndex], t);
                if (todIndex >= 0)
                {
                    var tod = rows[r][todIndex];
                    if (!dateOnly || !TimestampParser.TryParseTimeOfDay(tod, out var span))
                        throw new TimeSeriesDataException(
                            $"'{sourceName}': line {lines[r]}, column '{names[todIndex]}': cannot read '{tod}' as a time of day (e.g. 18.00.00 or 18:00:00) to combine with date '{t}'. Fix the value or remove the row.",
                            sourceName, lines[r], names[todIndex], tod);
                    ts = ts.Date + span;
                }
                timestamps[r] = ts;
            }
            CheckOrder(timestamps, lines, timeName, options, sourceName);
        }

        // Value columns.
        var numericNames = new List<string>();
        var numericColumns = new List<double[]>();
        var textNames = new List<string>();
        var textColumns = new List<string[]>();
        for (int j = 0; j < width; j++)
        {
            if (j == timeIndex || j == todIndex) continue;
            if (IsNumericColumn(rows, j, nfi, missingTexts, options.DecimalSeparator))
            {
                var values = new double[rowCount];
                for (int r = 0; r < rowCount; r++)
                    values[r] = ParseNumber(rows[r][j], nfi, missingTexts, options, sourceName, lines[r], names[j]);
                numericNames.Add(names[j]);
                numericColumns.Add(values);
            }
            else if (options.KeepTextColumns)
            {
                textNames.Add(names[j]);
                textColumns.Add(rows.Select(row => row[j]).ToArray());
            }
        }

        return new TimeSeriesTable(numericNames, numericColumns, timestamps, lines, sourceName, timeName, textNames, textColumns);
    }

    private static int FindTimeColumn(string[] names, string[][] rows, TimeSeriesCsvOptions options, string source, NumberFormatInfo nfi)
    {
        if (options.TimeColumn is { } explicitName)
        {
            int i = Array.IndexOf(names, explicitName);
            if (i < 0)
                throw new ArgumentException(
                    $"TimeColumn '{explicitName}' is not a column of '{source}'. Columns: {string.Join(", ", names.Select(n => $"'{n}'"))}.",
                    nameof(options));
            return i;
        }
        if (!options.DetectTimeColumn) return -1;
        for (int j = 0; j < names.Length; j++)
        {
            int checkedValues = 0;
            bool all = true;
            foreach (var row in rows)
            {
                var v = row[j];
                if (v.Length == 0) continue;
                if (double.TryParse(v, NumberStyles.Float, nfi, out _) || !TimestampParser.TryParse(v, out _, out _))
                {
                    all = false;
                    break;
                }
                if (++checkedValues == 20) break;
            }
            if (all && checkedValues > 0) return j;
        }
        return -1;
    }

    private static int FindTimeOfDayColumn(string[] names, string[][] rows, int timeIndex, TimeSeriesCsvOptions options)
    {
        if (options.TimeOfDayColumn is { } explicitName)
        {
            if (explicitName.Length == 0) return -1;
            int i = Array.IndexOf(names, explicitName);
            if (i < 0 || i == timeIndex)
                throw new ArgumentException(
                    $"TimeOfDayColumn '{explicitName}' is not a column (other than the time column). Columns: {string.Join(", ", names.Select(n => $"'{n}'"))}.",
                    nameof(options));
            return i;
        }
        int candidate = timeIndex + 1;
        if (candidate >= names.Length) return -1;
        int checkedValues = 0;
        foreach (var row in rows)
        {
            if (row[timeIndex].Length == 0) continue;
            if (!TimestampParser.TryParse(row[timeIndex], out _, out bool dateOnly) || !dateOnly) return -1;
            if (!TimestampParser.TryParseTimeOfDay(row[candidate], out _)) return -1;
            if (++checkedValues == 20) break;
        }
        return checkedValues > 0 ? candidate : -1;
    }

    private static void CheckOrder(DateTime[] ts, int[] lines, string timeName, TimeSeriesCsvOptions options, string source)
    {
        if (!options.AllowUnsorted)
        {
            for (int r = 1; r < ts.Length; r++)
            {
                if (ts[r] == ts[r - 1])
                    throw new TimeSeriesDataException(
                        $"'{source}': line {lines[r]}, column '{timeName}': duplicate timestamp {Format(ts[r])} (same as line {lines[r - 1]}). Remove or merge the duplicate row.",
                        source, lines[r], timeName, Format(ts[r]));
                if (ts[r] < ts[r - 1])
                    throw new TimeSeriesDataException(
                        $"'{source}': line {lines[r]}, column '{timeName}': timestamp {Format(ts[r])} is earlier than {Format(ts[r - 1])} on line {lines[r - 1]}; rows must be in strictly increasing time order. Sort the file by time, or set TimeSeriesCsvOptions.AllowUnsorted = true to keep file order.",
                        source, lines[r], timeName, Format(ts[r]));
            }
            return;
        }
        var firstLine = new Dictionary<DateTime, int>(ts.Length);
        for (int r = 0; r < ts.Length; r++)
        {
            if (!firstLine.TryAdd(ts[r], lines[r]))
                throw new TimeSeriesDataException(
                    $"'{source}': line {lines[r]}, column '{timeName}': duplicate timestamp {Format(ts[r])} (same as line {firstLine[ts[r]]}). Remove or merge the duplicate row.",
                    source, lines[r], timeName, Format(ts[r]));
        }
    }

    private static bool IsNumericColumn(string[][] rows, int j, NumberFormatInfo nfi, HashSet<string> missingTexts, char dec)
    {
        int nonEmpty = 0;
        foreach (var row in rows)
        {
            var v = row[j];
            if (missingTexts.Contains(v)) continue;
            if (double.TryParse(v, NumberStyles.Float, nfi, out _) || LooksLikeOtherDecimal(v, dec)) return true;
            if (++nonEmpty == SampleRows) break;
        }
        return nonEmpty == 0;
    }

    private static double ParseNumber(string v, NumberFormatInfo nfi, HashSet<string> missingTexts, TimeSeriesCsvOptions options,
        string source, int line, string column)
    {
        if (missingTexts.Contains(v)) return double.NaN;
        if (!double.TryParse(v, NumberStyles.Float, nfi, out double x))
        {
            string hint = LooksLikeOtherDecimal(v, options.DecimalSeparator)
                ? options.DecimalSeparator == '.'
                    ? "The file looks like it uses ',' as the decimal mark: set TimeSeriesCsvOptions.DecimalSeparator = ',' (command line: --decimal ,)."
                    : "The value uses '.' as the decimal mark: set TimeSeriesCsvOptions.DecimalSeparator = '.' (command line: --decimal .)."
                : "Fix the value, leave the field empty for a missing value (or add its text to TimeSeriesCsvOptions.MissingValueTexts), or check the separator and decimal mark.";
            throw new TimeSeriesDataException(
                $"'{source}': line {line}, column '{column}': cannot read '{v}' as a number. {hint}",
                source, line, column, v);
        }
        foreach (var code in options.MissingValueCodes)
            if (x == code) return double.NaN;
        return x;
    }

    private static bool LooksLikeOtherDecimal(string v, char dec) =>
        dec == '.' ? CommaDecimal().IsMatch(v) : DotDecimal().IsMatch(v);

    private static string FieldCountHint(int found, int expected, char sep, TimeSeriesCsvOptions options)
    {
        if (found > expected && sep == ',' )
            return "If numbers use ',' as the decimal mark, the file needs another separator (set TimeSeriesCsvOptions.Separator, e.g. ';') and DecimalSeparator = ','; otherwise quote fields that contain ',' or remove the extra fields.";
        if (options.Separator is null)
            return $"The separator '{TimeSeriesCsvOptions.Escape(sep)}' was detected from the first lines; set TimeSeriesCsvOptions.Separator if that is wrong, otherwise fix the row (quote fields that contain the separator).";
        return "Fix the row: add the missing fields (leave them empty for missing values) or remove the extra ones; quote fields that contain the separator.";
    }

    private static string Format(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Shorten(string s) => s.Length <= 120 ? s : s[..117] + "...";

    [GeneratedRegex(@"^[+-]?\d+,\d+$")]
    private static partial Regex CommaDecimal();

    [GeneratedRegex(@"^[+-]?\d*\.\d+([eE][+-]?\d+)?$")]
    private static partial Regex DotDecimal();
}
