namespace Microsoft.ML.SynapticPruning.Data;

/// <summary>
/// A target column and its covariates after gap filling, with the imputation flags and the clean segments.
/// Rows outside every segment still hold <see cref="double.NaN"/>. Accessors return copies.
/// </summary>
public sealed class PreparedSeries
{
    private readonly double[] _target;
    private readonly bool[] _imputed;
    private readonly bool[] _anyImputed;
    private readonly double[][] _covariates;
    private readonly DateTime[]? _timestamps;
    private readonly int[] _lines;
    private readonly SeriesSegment[] _segments;

    internal PreparedSeries(string targetName, string[] covariateNames, double[] target, bool[] imputed, bool[] anyImputed,
        double[][] covariates, DateTime[]? timestamps, int[] lines, SeriesSegment[] segments, int startRow)
    {
        TargetName = targetName;
        CovariateNames = Array.AsReadOnly(covariateNames);
        _target = target;
        _imputed = imputed;
        _anyImputed = anyImputed;
        _covariates = covariates;
        _timestamps = timestamps;
        _lines = lines;
        _segments = segments;
        Segments = Array.AsReadOnly(segments);
        StartRow = startRow;
        ImputedTargetCount = imputed.Count(b => b);
    }

    /// <summary>Name of the target column.</summary>
    public string TargetName { get; }

    /// <summary>Names of the covariate columns, in the order requested.</summary>
    public IReadOnlyList<string> CovariateNames { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount => _target.Length;

    /// <summary>Row of the source table that is row 0 here (non-zero after <see cref="Slice"/>).</summary>
    public int StartRow { get; }

    /// <summary>A copy of the target after filling (<see cref="double.NaN"/> outside the segments).</summary>
    public double[] Target => (double[])_target.Clone();

    /// <summary>A copy of the imputation flags of the target: <see langword="true"/> where the target was filled in.
    /// Imputed targets must never be scored.</summary>
    public bool[] Imputed => (bool[])_imputed.Clone();

    /// <summary>A copy of the per-row flags: <see langword="true"/> where the target or any covariate was filled in.</summary>
    public bool[] AnyImputed => (bool[])_anyImputed.Clone();

    /// <summary>Number of imputed target values.</summary>
    public int ImputedTargetCount { get; }

    /// <summary>A copy of the covariate <paramref name="name"/> after filling.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="CovariateNames"/>.</exception>
    public double[] Covariate(string name)
    {
        for (int i = 0; i < CovariateNames.Count; i++)
            if (CovariateNames[i] == name) return (double[])_covariates[i].Clone();
        throw new ArgumentException($"'{name}' is not a covariate of this series. Covariates: {(CovariateNames.Count == 0 ? "(none)" : string.Join(", ", CovariateNames.Select(c => $"'{c}'")))}.", nameof(name));
    }

    /// <summary>A copy of the timestamps, or <see langword="null"/> when the table had none.</summary>
    public DateTime[]? Timestamps => (DateTime[]?)_timestamps?.Clone();

    /// <summary>A copy of the 1-based source line of every row.</summary>
    public int[] LineNumbers => (int[])_lines.Clone();

    /// <summary>Maximal runs of rows where the target and every covariate are present after filling, in row order.</summary>
    public IReadOnlyList<SeriesSegment> Segments { get; }

    /// <summary>The longest segment (the first of equally long ones), or <see langword="null"/> when every row has a missing value.</summary>
    public SeriesSegment? LongestSegment =>
        _segments.Length == 0 ? null : _segments.Aggregate((best, s) => s.Length > best.Length ? s : best);

    /// <summary>The rows of <paramref name="segment"/> as a new series (its single segment covers all of it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The segment is not inside this series.</exception>
    public PreparedSeries Slice(SeriesSegment segment)
    {
        if (segment.StartRow < 0 || segment.EndRow > RowCount || segment.Length < 0)
            throw new ArgumentOutOfRangeException(nameof(segment), segment, $"The segment must lie within rows [0, {RowCount}).");
        int s = segment.StartRow, len = segment.Length;
        var inner = GapFiller.FindSegments(len, r => !double.IsNaN(_target[s + r]) && _covariates.All(c => !double.IsNaN(c[s + r])));
        return new PreparedSeries(TargetName, [.. CovariateNames], _target.AsSpan(s, len).ToArray(), _imputed.AsSpan(s, len).ToArray(),
            _anyImputed.AsSpan(s, len).ToArray(), _covariates.Select(c => c.AsSpan(s, len).ToArray()).ToArray(),
            _timestamps?.AsSpan(s, len).ToArray(), _lines.AsSpan(s, len).ToArray(), inner, StartRow + s);
    }

    /// <summary>The longest clean segment as a new series.</summary>
    /// <exception cref="InvalidOperationException">No row is clean.</exception>
    public PreparedSeries Longest() =>
        LongestSegment is { } seg ? Slice(seg)
            : throw new InvalidOperationException($"Every row of '{TargetName}' or its covariates has a missing value; there is no clean segment. Check the missing-value codes or raise MaxInterpolatedGap.");

    /// <summary>All clean segments as new series, in row order.</summary>
    public IReadOnlyList<PreparedSeries> SplitSegments() => _segments.Select(Slice).ToArray();
}
