using System.Globalization;
using Microsoft.ML.SynapticPruning.Data;

namespace SynapticPruning.Study.Data;

/// <summary>
/// How <see cref="TimeSeriesCsvReader"/> reads a delimited text file into a <see cref="TimeSeriesTable"/>.
/// The defaults read ordinary comma-separated files with a header, a dot as decimal mark and an automatically
/// detected time column.
/// </summary>
public sealed class TimeSeriesCsvOptions
{
    /// <summary>
    /// Field separator. Default <see langword="null"/>: detected from the first two non-blank lines among
    /// <c>','</c>, <c>';'</c> and <c>'\t'</c> (the candidate that occurs most often, and equally often in both lines).
    /// </summary>
    public char? Separator { get; set; }

    /// <summary>
    /// Decimal mark of the numbers. Default <c>'.'</c>. Use <c>','</c> for European files such as UCI Air Quality
    /// (then the field separator must not be <c>','</c>). Thousands separators are never accepted.
    /// </summary>
    public char DecimalSeparator { get; set; } = '.';

    /// <summary>Whether the first non-blank line holds the column names. Default <see langword="true"/>.
    /// Without a header the columns are named <c>Column1</c>, <c>Column2</c>, ….</summary>
    public bool HasHeader { get; set; } = true;

    /// <summary>
    /// Name of the time column. Default <see langword="null"/>: when <see cref="DetectTimeColumn"/> is set, the first
    /// column whose values parse as dates or date-times (ISO 8601 such as <c>2024-04-24T00:00:00.000Z</c>,
    /// <c>yyyy-MM-dd HH:mm:ss</c>, <c>yyyy-MM-dd</c>, <c>dd/MM/yyyy</c>, <c>dd.MM.yyyy</c>, optionally with a time).
    /// When the time column holds dates only and it is followed by a column of times of day
    /// (<c>HH.mm.ss</c> as in Air Quality, <c>HH:mm:ss</c>, <c>HH:mm</c>), the two are combined.
    /// Timestamps with a zone designator (<c>Z</c>, <c>+02:00</c>) are converted to UTC (<see cref="DateTimeKind.Utc"/>);
    /// others keep <see cref="DateTimeKind.Unspecified"/>. Month-first dates (<c>MM/dd/yyyy</c>) are not accepted.
    /// </summary>
    public string? TimeColumn { get; set; }

    /// <summary>
    /// Name of a separate time-of-day column combined with a date-only <see cref="TimeColumn"/>. Default
    /// <see langword="null"/>: the column right after a date-only time column is used when its values parse as times
    /// of day. Set an empty string to never combine.
    /// </summary>
    public string? TimeOfDayColumn { get; set; }

    /// <summary>Whether a time column is searched for when <see cref="TimeColumn"/> is <see langword="null"/>.
    /// Default <see langword="true"/>. When no column parses as dates, the table has no timestamps.</summary>
    public bool DetectTimeColumn { get; set; } = true;

    /// <summary>
    /// Numeric codes that mean "missing" in every numeric column (for example <c>-200</c> in UCI Air Quality).
    /// Values equal to a code become <see cref="double.NaN"/>. Default: none.
    /// </summary>
    public double[] MissingValueCodes { get; set; } = [];

    /// <summary>
    /// Field texts (compared case-insensitively after trimming) that mean "missing" in numeric columns. Default:
    /// the empty field, <c>NA</c>, <c>N/A</c>, <c>NaN</c>, <c>null</c>.
    /// </summary>
    public string[] MissingValueTexts { get; set; } = ["", "NA", "N/A", "NaN", "null"];

    /// <summary>
    /// Culture whose number format is the base for parsing numbers (its decimal mark is replaced by
    /// <see cref="DecimalSeparator"/>). Default <see cref="CultureInfo.InvariantCulture"/>.
    /// </summary>
    public CultureInfo Culture { get; set; } = CultureInfo.InvariantCulture;

    /// <summary>
    /// Whether header columns with empty names at the end of the header (as produced by a trailing separator, e.g.
    /// Air Quality's <c>;;</c>) are dropped together with the matching empty fields of every row. Default
    /// <see langword="true"/>. Non-empty text in a dropped trailing field is still an error.
    /// </summary>
    public bool TrimTrailingEmptyColumns { get; set; } = true;

    /// <summary>
    /// Whether lines that are empty or contain only separators and white space are skipped (Air Quality ends with
    /// 114 such lines). Default <see langword="true"/>; when <see langword="false"/> they are malformed rows.
    /// </summary>
    public bool SkipBlankLines { get; set; } = true;

    /// <summary>
    /// Whether rows may appear in any time order. Default <see langword="false"/>: timestamps must be strictly
    /// increasing and the first row that is not is reported by its line number. Duplicate timestamps are an error
    /// either way.
    /// </summary>
    public bool AllowUnsorted { get; set; }

    /// <summary>
    /// Whether non-numeric columns (names, symbols) are kept as text columns
    /// (<see cref="TimeSeriesTable.TextColumnNames"/>). Default <see langword="false"/>: they are dropped.
    /// </summary>
    public bool KeepTextColumns { get; set; }

    /// <summary>Checks the option values and throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public void Validate()
    {
        if (Separator is { } s && s is '\r' or '\n' or '"')
            throw new ArgumentException($"Separator '{Escape(s)}' cannot be used; choose ',', ';', '\\t' or another character.", nameof(Separator));
        if (DecimalSeparator is not ('.' or ','))
            throw new ArgumentException($"DecimalSeparator must be '.' or ',' (was '{Escape(DecimalSeparator)}').", nameof(DecimalSeparator));
        if (Separator == DecimalSeparator)
            throw new ArgumentException($"Separator and DecimalSeparator are both '{DecimalSeparator}'; a file with ',' decimals must use another separator (usually ';').", nameof(Separator));
        if (MissingValueCodes is null)
            throw new ArgumentException("MissingValueCodes must not be null; use an empty array for no codes.", nameof(MissingValueCodes));
        if (MissingValueTexts is null)
            throw new ArgumentException("MissingValueTexts must not be null; use an empty array.", nameof(MissingValueTexts));
        if (Culture is null)
            throw new ArgumentException("Culture must not be null; use CultureInfo.InvariantCulture.", nameof(Culture));
    }

    internal static string Escape(char c) => c switch { '\t' => "\\t", '\r' => "\\r", '\n' => "\\n", _ => c.ToString() };
}
