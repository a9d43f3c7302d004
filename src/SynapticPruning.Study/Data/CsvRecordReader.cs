namespace SynapticPruning.Study.Data;

/// <summary>One record of a delimited file: its fields and the 1-based line on which it starts.</summary>
internal readonly record struct CsvRecord(int LineNumber, string[] Fields)
{
    /// <summary>Whether every field is empty or white space (a blank line, or only separators).</summary>
    public bool IsBlank => Fields.All(string.IsNullOrWhiteSpace);
}

/// <summary>
/// Splits text into records and fields: RFC 4180 quoting (separators and line breaks inside double quotes,
/// <c>""</c> for a quote), CRLF, LF or CR line ends. Fields are not trimmed.
/// </summary>
internal static class CsvRecordReader
{
    internal static IEnumerable<CsvRecord> Read(string text, char separator, string path)
    {
        int line = 1, i = 0, n = text.Length;
        var fields = new List<string>();
        var sb = new System.Text.StringBuilder();
        while (i < n)
        {
            int recordLine = line;
            fields.Clear();
            bool endOfRecord = false;
            while (!endOfRecord)
            {
                sb.Clear();
                if (i < n && text[i] == '"')
                {
                    int quoteLine = line;
                    i++;
                    while (true)
                    {
                        if (i >= n)
                            throw new TimeSeriesDataException(
                                $"'{path}': line {quoteLine}: a quoted field is never closed. Add the closing '\"' (write a quote inside a quoted field as '\"\"').",
                                path, quoteLine);
                        char c = text[i];
                        if (c == '"')
                        {
                            if (i + 1 < n && text[i + 1] == '"') { sb.Append('"'); i += 2; continue; }
                            i++;
                            break;
                        }
                        if (c == '\n' || (c == '\r' && !(i + 1 < n && text[i + 1] == '\n'))) line++;
                        sb.Append(c);
                        i++;
                    }
                }
                // Unquoted field, or text after a closing quote up to the separator or line end.
                while (i < n && text[i] != separator && text[i] != '\r' && text[i] != '\n')
                {
                    sb.Append(text[i]);
                    i++;
                }
                fields.Add(sb.ToString());
                if (i >= n) { endOfRecord = true; }
                else if (text[i] == separator) { i++; }
                else
                {
                    if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') i++;
                    i++;
                    line++;
                    endOfRecord = true;
                }
            }
            yield return new CsvRecord(recordLine, fields.ToArray());
        }
    }

    /// <summary>
    /// Picks the separator among ',', ';' and '\t' from the first two non-blank lines: the candidate present in the
    /// first line whose count is the same in the second line, most frequent first; ',' when none occurs.
    /// </summary>
    internal static char DetectSeparator(string text)
    {
        var lines = new List<string>(2);
        using (var reader = new StringReader(text))
        {
            string? l;
            while (lines.Count < 2 && (l = reader.ReadLine()) is not null)
                if (!string.IsNullOrWhiteSpace(l)) lines.Add(l);
        }
        if (lines.Count == 0) return ',';
        char best = ',';
        (bool consistent, int count) bestScore = (false, 0);
        foreach (char c in new[] { ',', ';', '\t' })
        {
            int c1 = CountOutsideQuotes(lines[0], c);
            if (c1 == 0) continue;
            bool consistent = lines.Count < 2 || CountOutsideQuotes(lines[1], c) == c1;
            if ((consistent, c1).CompareTo(bestScore) > 0)
            {
                best = c;
                bestScore = (consistent, c1);
            }
        }
        return best;
    }

    private static int CountOutsideQuotes(string line, char c)
    {
        int count = 0;
        bool quoted = false;
        foreach (char ch in line)
        {
            if (ch == '"') quoted = !quoted;
            else if (ch == c && !quoted) count++;
        }
        return count;
    }
}
