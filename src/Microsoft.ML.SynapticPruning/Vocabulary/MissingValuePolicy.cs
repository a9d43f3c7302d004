namespace Microsoft.ML.SynapticPruning;

/// <summary>What to do with missing values (<see cref="double.NaN"/>) in a series.</summary>
/// <remarks>
/// The study uses <see cref="Interpolate"/> with a maximum gap of 6 steps: longer gaps split the series into
/// segments, and imputed targets are never scored (docs/data-layer.md). Library users get <see cref="Error"/> by default
/// so that missing data is never filled silently.
/// </remarks>
public enum MissingValuePolicy
{
    /// <summary>Any missing value is an <see cref="ArgumentException"/> naming the column, row and source line.</summary>
    Error = 0,

    /// <summary>Gaps of at most the maximum gap length repeat the last observed value; longer gaps, and missing values
    /// before the first observation, split the series.</summary>
    ForwardFill = 1,

    /// <summary>Interior gaps of at most the maximum gap length are filled by linear interpolation between the
    /// observed neighbours (by row, not by time); longer gaps and missing values at either end split the series.</summary>
    Interpolate = 2,
}
