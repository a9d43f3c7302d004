using System.Globalization;
using Microsoft.ML.SynapticPruning.Data;
using SynapticPruning.Study.Data;

namespace Samples.Study;

/// <summary>A user CSV given with <c>--data</c>: the file and how to read it.</summary>
/// <param name="Path">Path of the file.</param>
/// <param name="Target">Target column.</param>
/// <param name="TimeColumn">Time column, or null to detect it.</param>
/// <param name="Separator">Field separator, or null to detect it.</param>
/// <param name="DecimalSeparator">Decimal mark ('.' or ',').</param>
/// <param name="SeasonalPeriod">Seasonal period, or null to infer it from the time step (hourly 24, daily 7, else 1).</param>
public sealed record CustomDataSource(string Path, string Target, string? TimeColumn, char? Separator, char DecimalSeparator, int? SeasonalPeriod);

/// <summary>
/// Loads the study's datasets: bundled ones with their traps handled (<see cref="BundledDatasets"/>) or a user CSV,
/// prepared with <see cref="TimeSeriesPreparation"/> (linear interpolation of gaps ≤ 6 steps), cut to the longest
/// clean segment and, in quick runs, to its last rows.
/// </summary>
public static class StudyDataLoader
{
    /// <summary>The datasets of the study, in report order.</summary>
    public static IReadOnlyList<string> DefaultDatasets { get; } = ["bitcoin", "air-quality", "household-power", "aapl"];

    /// <summary>Longest gap (rows) filled by linear interpolation; longer gaps split the series.</summary>
    public const int MaxInterpolatedGap = 6;

    /// <summary>Rows kept (from the end of the longest segment) of every dataset except Bitcoin in quick runs.</summary>
    public const int QuickRows = 2000;

    /// <summary>Loads bundled dataset <paramref name="name"/> from <paramref name="dataRoot"/>.</summary>
    /// <param name="name">Bundled dataset name.</param>
    /// <param name="dataRoot">Data root (see <see cref="BundledDatasets.FindDataRoot()"/>).</param>
    /// <param name="protocol">Protocol whose splits the dataset computes.</param>
    /// <param name="quick">Keep only the last <see cref="QuickRows"/> rows (Bitcoin stays complete).</param>
    /// <param name="useCovariates">Give the recommended covariates to the recurrent models.</param>
    /// <param name="backtestFolds">Rolling-origin folds (rigorous only; 1 = none).</param>
    public static StudyDataset LoadBundled(string name, string dataRoot, StudyProtocol protocol, bool quick, bool useCovariates, int backtestFolds = 1)
    {
        var descriptor = BundledDatasets.Get(name);
        var table = BundledDatasets.Load(descriptor, dataRoot);
        var covariates = useCovariates ? descriptor.RecommendedCovariates : [];
        var notes = new List<string> { $"Source: {descriptor.RelativePath}, {table.RowCount:N0} rows; target {descriptor.TargetColumn}; {descriptor.Frequency}, seasonal period {descriptor.SeasonalPeriod}." };
        if (descriptor.Notes.Length > 0) notes.Add("Traps handled on loading: " + descriptor.Notes);
        return Prepare(descriptor.Name, table, descriptor.TargetColumn, covariates, descriptor.SeasonalPeriod, protocol,
            quick && !string.Equals(name, BundledDatasets.Bitcoin.Name, StringComparison.OrdinalIgnoreCase), notes, backtestFolds);
    }

    /// <summary>
    /// Loads Bitcoin as the authors protocol trains on it: the target <c>close</c> and the input columns of
    /// <see cref="AuthorsFeatureEngineering.Build"/> (23 for Bitcoin), all standardised over the whole series, as covariates.
    /// </summary>
    /// <param name="dataRoot">Data root (see <see cref="BundledDatasets.FindDataRoot()"/>).</param>
    public static StudyDataset LoadAuthors(string dataRoot)
    {
        var descriptor = BundledDatasets.Bitcoin;
        var source = BundledDatasets.Load(descriptor, dataRoot);
        var (table, inputs) = AuthorsFeatureEngineering.Build(source, descriptor.TargetColumn);
        var notes = new List<string>
        {
            $"Source: {descriptor.RelativePath}, {source.RowCount:N0} rows; target {descriptor.TargetColumn}; {descriptor.Frequency}, seasonal period {descriptor.SeasonalPeriod}.",
            $"Authors' features ({inputs.Count} input columns, the target itself not among them): {string.Join(", ", inputs)}. The lead columns are future values of the target (the authors' leak, reproduced).",
            $"Target and inputs standardised over the whole series (population std): every MAE, RMSE and naive MAE of this report is in units of the standard deviation of {descriptor.TargetColumn} over the series, as the authors' printed MAE.",
        };
        return Prepare(descriptor.Name, table, descriptor.TargetColumn, inputs, descriptor.SeasonalPeriod, StudyProtocol.Authors, quick: false, notes);
    }

    /// <summary>Loads a user CSV.</summary>
    /// <exception cref="TimeSeriesDataException">The file is malformed (the message names the line and column).</exception>
    /// <exception cref="ArgumentException">The target or time column does not exist, or the target is not numeric.</exception>
    public static StudyDataset LoadCustom(CustomDataSource source, StudyProtocol protocol, bool quick, int backtestFolds = 1)
    {
        ArgumentNullException.ThrowIfNull(source);
        var options = new TimeSeriesCsvOptions { Separator = source.Separator, DecimalSeparator = source.DecimalSeparator, TimeColumn = source.TimeColumn };
        var table = TimeSeriesCsvReader.Read(source.Path, options);
        if (!table.HasColumn(source.Target))
        {
            // Column() throws the descriptive message (available columns, case hint).
            table.Column(source.Target);
        }
        int period = source.SeasonalPeriod ?? InferSeasonalPeriod(table.Timestamps);
        string name = Path.GetFileNameWithoutExtension(source.Path).ToLowerInvariant().Replace(' ', '-');
        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"Source: {Path.GetFileName(source.Path)}, {table.RowCount:N0} rows; target {source.Target}; time column {table.TimeColumnName ?? "(none: rows are taken in file order)"}; seasonal period {period}{(source.SeasonalPeriod is null ? " (inferred from the time step)" : "")}."),
        };
        return Prepare(name, table, source.Target, [], period, protocol, quick, notes, backtestFolds);
    }

    /// <summary>Prepares <paramref name="table"/>: gap filling, longest clean segment, optional quick truncation.</summary>
    /// <param name="scalerPolicy">Overrides the protocol's scaler rows (the ablation ladder's whole-series scaler with a
    /// separate validation part); null = the protocol's.</param>
    /// <param name="dataVariant">Overrides the variant of the trial ids (<c>full</c>, <c>last2000</c>); null = from the rows kept.</param>
    public static StudyDataset Prepare(string name, TimeSeriesTable table, string target, IReadOnlyList<string> covariates,
        int seasonalPeriod, StudyProtocol protocol, bool quick, List<string> notes, int backtestFolds = 1,
        StudyScalerPolicy? scalerPolicy = null, string? dataVariant = null)
    {
        var prepared = TimeSeriesPreparation.Prepare(table, target, covariates, MaxInterpolatedGap);
        var longest = prepared.LongestSegment
            ?? throw new ArgumentException($"Dataset '{name}': every row of '{target}' (or a covariate) is missing after filling gaps of ≤ {MaxInterpolatedGap} rows; nothing can be trained.", nameof(table));
        notes.Add(prepared.Segments.Count == 1
            ? $"Gaps of ≤ {MaxInterpolatedGap} rows interpolated linearly; one clean segment of {longest.Length:N0} rows."
            : $"Gaps of ≤ {MaxInterpolatedGap} rows interpolated linearly; longer gaps split the series into {prepared.Segments.Count} segments; the study uses the longest, source rows [{longest.StartRow:N0}, {longest.EndRow:N0}) ({longest.Length:N0} rows).");
        var segment = longest;
        string variant = "full";
        if (quick && longest.Length > QuickRows)
        {
            segment = new SeriesSegment(longest.EndRow - QuickRows, longest.EndRow);
            variant = $"last{QuickRows}";
            notes.Add($"Quick run: only the last {QuickRows:N0} rows of that segment are used.");
        }
        var series = prepared.Slice(segment);
        int imputed = series.ImputedTargetCount;
        notes.Add(imputed == 0 ? "No target value is imputed." : $"{imputed:N0} target values are imputed; windows whose targets are imputed are never scored.");
        if (covariates.Count > 0) notes.Add($"Covariates for RNN/LSTM/GRU: {string.Join(", ", covariates)}.");
        return new StudyDataset(name, dataVariant ?? variant, series, seasonalPeriod, protocol, notes, table.RowCount, backtestFolds, scalerPolicy);
    }

    /// <summary>Seasonal period from the median time step: 24 for hourly, 7 for daily, 5 when weekends are missing, else 1.</summary>
    public static int InferSeasonalPeriod(DateTime[]? timestamps)
    {
        if (timestamps is null || timestamps.Length < 3) return 1;
        var steps = new double[timestamps.Length - 1];
        for (int i = 1; i < timestamps.Length; i++) steps[i - 1] = (timestamps[i] - timestamps[i - 1]).TotalHours;
        Array.Sort(steps);
        double median = steps[steps.Length / 2];
        if (Math.Abs(median - 1) < 1e-6) return 24;
        if (Math.Abs(median - 24) < 1e-6)
            return steps.Any(s => s > 24 * 1.5) && steps.Count(s => s > 24 * 1.5) * 10 > steps.Length ? 5 : 7;
        return 1;
    }
}
