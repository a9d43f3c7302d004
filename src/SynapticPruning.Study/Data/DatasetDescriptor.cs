namespace SynapticPruning.Study.Data;

/// <summary>
/// Describes one bundled dataset: where its file is, how to read it, which column to forecast, its seasonal period
/// and the traps <see cref="BundledDatasets.Load(string, string)"/> applies. Immutable.
/// </summary>
public sealed class DatasetDescriptor
{
    /// <summary>Short name used by <see cref="BundledDatasets.Load(string, string)"/> (e.g. <c>bitcoin</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Path of the file relative to the data root, with '/' separators (e.g. <c>bitcoin/bitcoin.csv</c>).</summary>
    public required string RelativePath { get; init; }

    /// <summary>Column to forecast.</summary>
    public required string TargetColumn { get; init; }

    /// <summary>Field separator of the file.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>Decimal mark of the file.</summary>
    public char DecimalSeparator { get; init; } = '.';

    /// <summary>Numeric codes that mean "missing" (e.g. −200 in Air Quality).</summary>
    public IReadOnlyList<double> MissingValueCodes { get; init; } = Array.Empty<double>();

    /// <summary>Seasonal period in rows: 7 (daily Bitcoin), 5 (AAPL trading days), 24 (hourly data). Used by the
    /// seasonal-naive baseline and MASE.</summary>
    public required int SeasonalPeriod { get; init; }

    /// <summary>Sampling frequency in words: <c>daily</c>, <c>trading days</c> or <c>hourly</c>.</summary>
    public required string Frequency { get; init; }

    /// <summary>Nominal time between rows (1 day or 1 hour).</summary>
    public required TimeSpan Step { get; init; }

    /// <summary>Whether every row is exactly <see cref="Step"/> after the previous one. AAPL is not (weekends and
    /// holidays are absent); its rows are treated as consecutive trading days.</summary>
    public bool EvenlySpaced { get; init; } = true;

    /// <summary>Covariates recommended for the recurrent models (never the target itself).</summary>
    public IReadOnlyList<string> RecommendedCovariates { get; init; } = Array.Empty<string>();

    /// <summary>Columns removed on loading (e.g. Air Quality's NMHC(GT), 90% missing; AAPL's text column Name).</summary>
    public IReadOnlyList<string> DroppedColumns { get; init; } = Array.Empty<string>();

    /// <summary>Column whose runs of exact zeros mark unrecorded periods, or <see langword="null"/>.</summary>
    public string? ZeroRunColumn { get; init; }

    /// <summary>Shortest run of consecutive exact zeros in <see cref="ZeroRunColumn"/> that is treated as missing
    /// (every column that is exactly 0 in those rows becomes <see cref="double.NaN"/>); shorter runs are kept.</summary>
    public int MinZeroRunLength { get; init; }

    /// <summary>Number of data rows of the bundled file; loading checks it.</summary>
    public required int ExpectedRowCount { get; init; }

    /// <summary>Number of missing target values after loading (measured on the bundled file).</summary>
    public int ExpectedMissingTargetCount { get; init; }

    /// <summary>The data traps of this file and how loading handles them.</summary>
    public string Notes { get; init; } = "";

    /// <summary>Reader options for this file.</summary>
    public TimeSeriesCsvOptions CreateCsvOptions() => new()
    {
        Separator = Separator,
        DecimalSeparator = DecimalSeparator,
        MissingValueCodes = [.. MissingValueCodes],
    };

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({RelativePath}, target {TargetColumn}, {Frequency}, season {SeasonalPeriod})";
}
