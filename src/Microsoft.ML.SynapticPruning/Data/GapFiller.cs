namespace Microsoft.ML.SynapticPruning.Data;

/// <summary>
/// Fills short gaps of missing values (<see cref="double.NaN"/>) in one column and finds the clean segments.
/// </summary>
internal static class GapFiller
{
    /// <summary>Default maximum length of a gap that is filled: 6 steps (the study's choice).</summary>
    public const int DefaultMaxGap = 6;

    /// <summary>
    /// Fills gaps of at most <paramref name="maxGap"/> consecutive missing values according to
    /// <paramref name="policy"/>; longer gaps stay missing and split the result into <see cref="GapFillResult.Segments"/>.
    /// The input is not modified.
    /// </summary>
    /// <param name="values">The column; <see cref="double.NaN"/> marks a missing value. Infinite values are refused.</param>
    /// <param name="policy">What to do with missing values.</param>
    /// <param name="maxGap">Longest gap (in rows) that is filled; ≥ 0. Default 6.</param>
    /// <param name="columnName">Column name for messages.</param>
    /// <param name="lineNumbers">Optional 1-based source line of each row, for messages.</param>
    /// <exception cref="ArgumentException">The policy is <see cref="MissingValuePolicy.Error"/> and a value is missing,
    /// or a value is infinite; the message names the column, row and line and says what to do.</exception>
    public static GapFillResult Fill(IReadOnlyList<double> values, MissingValuePolicy policy, int maxGap = DefaultMaxGap,
        string columnName = "value", IReadOnlyList<int>? lineNumbers = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(maxGap);
        if (!Enum.IsDefined(policy))
            throw new ArgumentOutOfRangeException(nameof(policy), policy, "Use MissingValuePolicy.Error, ForwardFill or Interpolate.");
        if (lineNumbers is not null && lineNumbers.Count != values.Count)
            throw new ArgumentException($"{lineNumbers.Count} line numbers for {values.Count} values.", nameof(lineNumbers));

        int n = values.Count;
        var v = new double[n];
        var imputed = new bool[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = values[i];
            if (double.IsInfinity(v[i]))
                throw new ArgumentException($"Column '{columnName}' has an infinite value at row {i}{Line(lineNumbers, i)}. Replace it with a finite value or NaN (missing).", nameof(values));
            if (policy == MissingValuePolicy.Error && double.IsNaN(v[i]))
                throw new ArgumentException(
                    $"Column '{columnName}' has a missing value (NaN) at row {i}{Line(lineNumbers, i)}. Fill the data, or choose MissingValuePolicy.Interpolate or ForwardFill (TimeSeriesPreparationOptions.Policy) "
                    + $"(gaps of at most {maxGap} steps are filled; longer gaps split the series into segments).",
                    nameof(values));
        }

        int r = 0;
        while (r < n)
        {
            if (!double.IsNaN(v[r])) { r++; continue; }
            int start = r;
            while (r < n && double.IsNaN(v[r])) r++;
            int length = r - start;
            if (length > maxGap || start == 0) continue;
            if (policy == MissingValuePolicy.ForwardFill)
            {
                for (int k = start; k < r; k++) { v[k] = v[start - 1]; imputed[k] = true; }
            }
            else if (r < n)
            {
                double a = v[start - 1], b = v[r];
                for (int k = start; k < r; k++)
                {
                    double t = (double)(k - start + 1) / (length + 1);
                    v[k] = a + (b - a) * t;
                    imputed[k] = true;
                }
            }
        }
        return new GapFillResult(v, imputed, FindSegments(n, row => !double.IsNaN(v[row])));
    }

    /// <summary>Maximal runs of rows for which <paramref name="isClean"/> holds.</summary>
    internal static SeriesSegment[] FindSegments(int rows, Func<int, bool> isClean)
    {
        var segments = new List<SeriesSegment>();
        int r = 0;
        while (r < rows)
        {
            if (!isClean(r)) { r++; continue; }
            int start = r;
            while (r < rows && isClean(r)) r++;
            segments.Add(new SeriesSegment(start, r));
        }
        return segments.ToArray();
    }

    private static string Line(IReadOnlyList<int>? lines, int row) => lines is null ? "" : $" (line {lines[row]})";
}
