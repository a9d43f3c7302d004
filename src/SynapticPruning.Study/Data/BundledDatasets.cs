using Microsoft.ML.SynapticPruning.Data;

namespace SynapticPruning.Study.Data;

/// <summary>
/// The datasets bundled in the repository's <c>data/</c> folder, with their data traps handled on loading.
/// </summary>
/// <remarks>
/// Measured on the bundled files (rows after loading / missing target values after loading):
/// <list type="table">
/// <item><term>bitcoin</term><description>365 / 0 (target close; the last row has open &gt; high and is kept).</description></item>
/// <item><term>aapl</term><description>1,259 / 0 (target close; the text column Name is dropped; trading-day gaps are kept).</description></item>
/// <item><term>air-quality</term><description>9,357 / 1,683 (target CO(GT); −200 and −200,0 → missing; NMHC(GT) dropped).</description></item>
/// <item><term>household-power</term><description>34,949 / 782 (target Global_active_power; 19 runs of ≥ 2 zero hours → missing;
/// the one isolated zero hour, 2007-07-15 17:00, is kept).</description></item>
/// <item><term>etth1</term><description>17,420 / 0 (target OT).</description></item>
/// </list>
/// </remarks>
public static class BundledDatasets
{
    /// <summary>File whose presence identifies a data root.</summary>
    public const string MarkerFile = "bitcoin/bitcoin.csv";

    /// <summary>Bitcoin daily OHLCV, 2024-04-24 .. 2025-04-23 (the paper's financial dataset).</summary>
    public static readonly DatasetDescriptor Bitcoin = new()
    {
        Name = "bitcoin",
        RelativePath = "bitcoin/bitcoin.csv",
        TargetColumn = "close",
        SeasonalPeriod = 7,
        Frequency = "daily",
        Step = TimeSpan.FromDays(1),
        RecommendedCovariates = Array.AsReadOnly(new[] { "open", "high", "low", "volume" }),
        ExpectedRowCount = 365,
        ExpectedMissingTargetCount = 0,
        Notes = "ISO-8601 UTC timestamps (timeOpen). The last row has open > high: it is the data and is kept. "
              + "marketCap is close × circulating supply, a near copy of the target, so it is not a recommended covariate.",
    };

    /// <summary>Apple daily prices, 2013-02-08 .. 2018-02-07 (trading days).</summary>
    public static readonly DatasetDescriptor Aapl = new()
    {
        Name = "aapl",
        RelativePath = "aapl/AAPL_data.csv",
        TargetColumn = "close",
        SeasonalPeriod = 5,
        Frequency = "trading days",
        Step = TimeSpan.FromDays(1),
        EvenlySpaced = false,
        RecommendedCovariates = Array.AsReadOnly(new[] { "open", "high", "low", "volume" }),
        DroppedColumns = Array.AsReadOnly(new[] { "Name" }),
        ExpectedRowCount = 1259,
        ExpectedMissingTargetCount = 0,
        Notes = "Weekends and holidays are absent (steps of 1–4 days): rows are consecutive trading days. The text column Name (always AAPL) is dropped.",
    };

    /// <summary>UCI Air Quality, hourly, 2004-03-10 18:00 .. 2005-04-04 14:00.</summary>
    public static readonly DatasetDescriptor AirQuality = new()
    {
        Name = "air-quality",
        RelativePath = "air-quality/AirQualityUCI.csv",
        TargetColumn = "CO(GT)",
        Separator = ';',
        DecimalSeparator = ',',
        MissingValueCodes = Array.AsReadOnly(new[] { -200.0 }),
        SeasonalPeriod = 24,
        Frequency = "hourly",
        Step = TimeSpan.FromHours(1),
        RecommendedCovariates = Array.AsReadOnly(new[]
        {
            "PT08.S1(CO)", "C6H6(GT)", "PT08.S2(NMHC)", "PT08.S3(NOx)", "PT08.S4(NO2)", "PT08.S5(O3)", "T", "RH", "AH",
        }),
        DroppedColumns = Array.AsReadOnly(new[] { "NMHC(GT)" }),
        ExpectedRowCount = 9357,
        ExpectedMissingTargetCount = 1683,
        Notes = "';' separator, ',' decimals, CRLF, two empty trailing columns, 114 trailing lines of separators only. "
              + "−200 (also written −200,0) is missing: CO(GT) 1,683 of 9,357 (18%), NOx(GT) 1,639, NO2(GT) 1,642, the sensor columns 366. "
              + "Date (dd/MM/yyyy) and Time (HH.mm.ss) are combined. NMHC(GT) (8,443 missing, 90%) is dropped; "
              + "NOx(GT) and NO2(GT) are loaded but not recommended as covariates (their own 18% gaps would split the series further).",
    };

    /// <summary>UCI Individual Household Electric Power Consumption, summed per hour, 2006-12-16 18:00 .. 2010-12-11 22:00.</summary>
    public static readonly DatasetDescriptor HouseholdPower = new()
    {
        Name = "household-power",
        RelativePath = "household-power/household_power_hourly.csv",
        TargetColumn = "Global_active_power",
        SeasonalPeriod = 24,
        Frequency = "hourly",
        Step = TimeSpan.FromHours(1),
        RecommendedCovariates = Array.AsReadOnly(new[]
        {
            "Global_reactive_power", "Voltage", "Global_intensity", "Sub_metering_1", "Sub_metering_2",
        }),
        ZeroRunColumn = "Global_active_power",
        MinZeroRunLength = 2,
        ExpectedRowCount = 34949,
        ExpectedMissingTargetCount = 782,
        Notes = "783 hours are exactly 0 in every column (unrecorded minutes summed to 0), in 20 runs of 1 to 119 hours. "
              + "The 19 runs of ≥ 2 hours (782 hours) become missing in every column that is 0 there; the single zero hour "
              + "(2007-07-15 17:00) is kept as data.",
    };

    /// <summary>ETTh1 (electricity transformer temperature, hourly), the accuracy anchor.</summary>
    public static readonly DatasetDescriptor Etth1 = new()
    {
        Name = "etth1",
        RelativePath = "etth1/ETTh1.csv",
        TargetColumn = "OT",
        SeasonalPeriod = 24,
        Frequency = "hourly",
        Step = TimeSpan.FromHours(1),
        RecommendedCovariates = Array.AsReadOnly(new[] { "HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL" }),
        ExpectedRowCount = 17420,
        ExpectedMissingTargetCount = 0,
        Notes = "No missing cells. Standard split: 8,640 train, 2,880 validation, 2,880 test rows (derive splits in code; the file must not be modified).",
    };

    /// <summary>All bundled datasets: bitcoin, aapl, air-quality, household-power, etth1.</summary>
    public static IReadOnlyList<DatasetDescriptor> All { get; } = Array.AsReadOnly(new[] { Bitcoin, Aapl, AirQuality, HouseholdPower, Etth1 });

    /// <summary>The descriptor named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static DatasetDescriptor Get(string name)
    {
        foreach (var d in All)
            if (string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)) return d;
        throw new ArgumentException($"Unknown bundled dataset '{name}'. Known datasets: {string.Join(", ", All.Select(d => d.Name))}.", nameof(name));
    }

    /// <summary>Loads the bundled dataset <paramref name="name"/> from <paramref name="dataRoot"/> with its traps handled.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    /// <exception cref="FileNotFoundException">The file is not under <paramref name="dataRoot"/>.</exception>
    /// <exception cref="InvalidDataException">The file does not have the expected number of rows (it was altered).</exception>
    public static TimeSeriesTable Load(string name, string dataRoot) => Load(Get(name), dataRoot);

    /// <summary>Loads the bundled dataset <paramref name="name"/> from the data root found by <see cref="FindDataRoot()"/>.</summary>
    public static TimeSeriesTable Load(string name) => Load(Get(name), FindDataRoot());

    /// <summary>Loads <paramref name="dataset"/> from <paramref name="dataRoot"/>: reads it with the descriptor's
    /// separator, decimal mark and missing codes, drops <see cref="DatasetDescriptor.DroppedColumns"/>, turns runs of
    /// zeros into missing values (<see cref="DatasetDescriptor.ZeroRunColumn"/>) and checks the row count.</summary>
    public static TimeSeriesTable Load(DatasetDescriptor dataset, string dataRoot)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataRoot);
        var path = Path.Combine(dataRoot, dataset.RelativePath.Replace('/', Path.DirectorySeparatorChar));
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"Bundled dataset '{dataset.Name}' was not found at '{Path.GetFullPath(path)}'. Pass the repository's data folder as the data root (BundledDatasets.FindDataRoot() finds it).",
                Path.GetFullPath(path));
        var table = TimeSeriesCsvReader.Read(path, dataset.CreateCsvOptions());
        if (table.RowCount != dataset.ExpectedRowCount)
            throw new InvalidDataException(
                $"Bundled dataset '{dataset.Name}' ('{path}') has {table.RowCount} data rows, expected {dataset.ExpectedRowCount}. The file was altered; restore it from the repository.");

        var drop = dataset.DroppedColumns.Where(table.HasColumn).ToArray();
        if (drop.Length > 0) table = table.WithoutColumns(drop);
        if (dataset.ZeroRunColumn is { } zeroColumn && dataset.MinZeroRunLength > 0)
            table = MarkZeroRunsMissing(table, zeroColumn, dataset.MinZeroRunLength);
        return table;
    }

    /// <summary>
    /// Treats runs of at least <paramref name="minRunLength"/> consecutive rows where <paramref name="column"/> is
    /// exactly 0 as unrecorded: in those rows every numeric column that is exactly 0 becomes <see cref="double.NaN"/>.
    /// Shorter runs are kept as real zeros.
    /// </summary>
    /// <returns>A new table; the input is unchanged.</returns>
    public static TimeSeriesTable MarkZeroRunsMissing(TimeSeriesTable table, string column, int minRunLength)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(minRunLength, 1);
        var key = table.Column(column);
        var columns = table.ColumnNames.ToDictionary(n => n, table.Column);
        int r = 0, n = table.RowCount;
        while (r < n)
        {
            if (key[r] != 0) { r++; continue; }
            int start = r;
            while (r < n && key[r] == 0) r++;
            if (r - start < minRunLength) continue;
            foreach (var values in columns.Values)
                for (int k = start; k < r; k++)
                    if (values[k] == 0) values[k] = double.NaN;
        }
        return table.WithColumns(columns);
    }

    /// <summary>
    /// Finds the data root: <c>data</c> next to the executable (<see cref="AppContext.BaseDirectory"/>; projects copy
    /// <c>data/**</c> to their output), then a <c>data</c> folder in the current directory or any of its parents.
    /// A data root contains <see cref="MarkerFile"/>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No data root was found; the message lists the places searched.</exception>
    public static string FindDataRoot() => FindDataRoot(Directory.GetCurrentDirectory());

    /// <summary>As <see cref="FindDataRoot()"/>, walking up from <paramref name="startDirectory"/> instead of the current directory.</summary>
    public static string FindDataRoot(string startDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(startDirectory);
        var searched = new List<string>();
        var candidate = Path.Combine(AppContext.BaseDirectory, "data");
        if (IsDataRoot(candidate)) return Path.GetFullPath(candidate);
        searched.Add(candidate);
        for (var dir = new DirectoryInfo(Path.GetFullPath(startDirectory)); dir is not null; dir = dir.Parent)
        {
            candidate = Path.Combine(dir.FullName, "data");
            if (IsDataRoot(candidate)) return candidate;
            searched.Add(candidate);
        }
        throw new DirectoryNotFoundException(
            $"No data folder containing '{MarkerFile}' was found. Searched: {string.Join("; ", searched)}. "
            + "Run from the repository (or a folder below it), or copy the repository's data/ folder next to the executable "
            + "(<Content Include=\"../../data/**/*\" LinkBase=\"data\" CopyToOutputDirectory=\"PreserveNewest\" />), or pass the data root explicitly.");
    }

    private static bool IsDataRoot(string dir) => File.Exists(Path.Combine(dir, MarkerFile.Replace('/', Path.DirectorySeparatorChar)));
}
