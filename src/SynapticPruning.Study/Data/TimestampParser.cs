using System.Globalization;

namespace SynapticPruning.Study.Data;

/// <summary>
/// The date and time formats <see cref="TimeSeriesCsvReader"/> accepts, tried in order with the invariant culture.
/// Day-first slash dates (<c>dd/MM/yyyy</c>) are accepted, month-first ones are not (they would be ambiguous).
/// </summary>
internal static class TimestampParser
{
    /// <summary>Formats that carry a date and a time of day.</summary>
    internal static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mmK",
        "yyyy/MM/dd HH:mm:ss.FFFFFFF",
        "yyyy/MM/dd HH:mm",
        "dd/MM/yyyy HH:mm:ss.FFFFFFF",
        "dd/MM/yyyy HH:mm",
        "dd/MM/yyyy HH.mm.ss",
        "dd.MM.yyyy HH:mm:ss.FFFFFFF",
        "dd.MM.yyyy HH:mm",
        "d/M/yyyy H:mm:ss",
        "d/M/yyyy H:mm",
    ];

    /// <summary>Formats that carry a date only.</summary>
    internal static readonly string[] DateFormats =
    [
        "yyyy-MM-dd",
        "yyyy/MM/dd",
        "dd/MM/yyyy",
        "dd.MM.yyyy",
        "d/M/yyyy",
        "d.M.yyyy",
    ];

    /// <summary>Formats of a separate time-of-day column.</summary>
    internal static readonly string[] TimeOfDayFormats =
    [
        "HH.mm.ss",
        "H.mm.ss",
        "HH:mm:ss.FFFFFFF",
        "H:mm:ss",
        "HH:mm",
        "H:mm",
    ];

    private const DateTimeStyles Styles = DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AdjustToUniversal;

    /// <summary>Parses a date or date-time; <paramref name="dateOnly"/> tells whether a date-only format matched.</summary>
    internal static bool TryParse(string text, out DateTime value, out bool dateOnly)
    {
        dateOnly = false;
        if (DateTime.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, Styles, out value))
            return true;
        if (DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, Styles, out value))
        {
            dateOnly = true;
            return true;
        }
        return false;
    }

    /// <summary>Parses a time of day such as <c>18.00.00</c> or <c>18:00</c>.</summary>
    internal static bool TryParseTimeOfDay(string text, out TimeSpan value)
    {
        if (DateTime.TryParseExact(text, TimeOfDayFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.NoCurrentDateDefault, out var dt))
        {
            value = dt.TimeOfDay;
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>Examples of accepted texts, for error messages.</summary>
    internal const string Examples = "2024-04-24T00:00:00.000Z, 2016-07-01 00:00:00, 2013-02-08, 10/03/2004 (day first)";
}
