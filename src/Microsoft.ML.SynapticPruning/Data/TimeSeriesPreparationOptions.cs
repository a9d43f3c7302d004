namespace Microsoft.ML.SynapticPruning.Data;

/// <summary>How <see cref="TimeSeriesPreparation.Prepare(TimeSeriesTable, string, IReadOnlyList{string}?, TimeSeriesPreparationOptions?)"/>
/// treats missing values.</summary>
public sealed class TimeSeriesPreparationOptions
{
    /// <summary>What to do with missing values. Default <see cref="MissingValuePolicy.Error"/>: library users must
    /// opt in to filling. The study uses <see cref="MissingValuePolicy.Interpolate"/> (see <see cref="Study"/>).</summary>
    public MissingValuePolicy Policy { get; set; } = MissingValuePolicy.Error;

    /// <summary>Longest gap, in rows, that is filled; longer gaps split the series into segments. Default 6.</summary>
    public int MaxInterpolatedGap { get; set; } = GapFiller.DefaultMaxGap;

    /// <summary>The study's settings: linear interpolation of gaps of at most 6 steps, longer gaps split the series;
    /// the imputed targets are flagged so that they are never scored.</summary>
    public static TimeSeriesPreparationOptions Study() => new() { Policy = MissingValuePolicy.Interpolate, MaxInterpolatedGap = 6 };
}
