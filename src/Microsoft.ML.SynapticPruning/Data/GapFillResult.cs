namespace Microsoft.ML.SynapticPruning.Data;

/// <summary>The outcome of <see cref="GapFiller.Fill"/>: filled values, which ones were imputed, and the clean segments.</summary>
internal sealed class GapFillResult
{
    internal GapFillResult(double[] values, bool[] imputed, SeriesSegment[] segments)
    {
        Values = values;
        Imputed = imputed;
        Segments = Array.AsReadOnly(segments);
        ImputedCount = imputed.Count(b => b);
        UnfilledCount = values.Count(double.IsNaN);
    }

    /// <summary>The values after filling; gaps that were not filled are still <see cref="double.NaN"/>.</summary>
    public double[] Values { get; }

    /// <summary><see langword="true"/> where a missing value was filled in.</summary>
    public bool[] Imputed { get; }

    /// <summary>Maximal runs of rows without <see cref="double.NaN"/> after filling, in row order.</summary>
    public IReadOnlyList<SeriesSegment> Segments { get; }

    /// <summary>Number of values filled in.</summary>
    public int ImputedCount { get; }

    /// <summary>Number of values still missing (gaps too long to fill, or at the ends).</summary>
    public int UnfilledCount { get; }
}
