namespace SynapticPruning.Study.Statistics;

/// <summary>Options of <see cref="RegularizerComparison.Compare"/>.</summary>
public sealed class RegularizerComparisonOptions
{
    /// <summary>Significance level for the Friedman test, Holm-adjusted Wilcoxon tests and the Nemenyi CD. Default 0.05.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>
    /// Optional reference arm (e.g. "SynapticPruning"); when set, a <see cref="PercentChangeSummary"/> of the reference
    /// against every other arm is computed (100·(other − reference)/other per block). Default null (none).
    /// </summary>
    public string? ReferenceTreatment { get; init; }

    /// <summary>
    /// When true, blocks that lack a value for some treatment are dropped (and listed in
    /// <see cref="RegularizerComparisonResult.DroppedBlocks"/>); when false (default) they raise an
    /// <see cref="ArgumentException"/>.
    /// </summary>
    public bool DropIncompleteBlocks { get; init; }

    /// <summary>Continuity correction in the Wilcoxon normal approximation. Default false (scipy's default).</summary>
    public bool ContinuityCorrection { get; init; }
}
