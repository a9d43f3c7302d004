using Microsoft.ML.SynapticPruning.Data;

namespace Samples.Study;

/// <summary>
/// One prepared dataset of the study: the gap-filled series the runner trains on (the longest clean segment, or its
/// last rows in quick runs), its seasonal period and how each protocol splits and scales it. Immutable.
/// </summary>
public sealed class StudyDataset
{
    /// <summary>Fraction of rows (rigorous) that are training rows.</summary>
    public const double RigorousTrainFraction = 0.7;

    /// <summary>Fraction of rows (rigorous) that are training + validation rows.</summary>
    public const double RigorousValidationFraction = 0.8;

    /// <summary>Fraction of windows (paper) that train.</summary>
    public const double PaperTrainFraction = 0.8;

    /// <summary>Creates the dataset.</summary>
    /// <param name="name">Dataset name used in ids and reports.</param>
    /// <param name="dataVariant"><c>full</c> or e.g. <c>last2000</c>.</param>
    /// <param name="series">The prepared series (a single clean segment).</param>
    /// <param name="seasonalPeriod">Seasonal period in rows (≥ 1).</param>
    /// <param name="protocol">The protocol whose splits <see cref="GetSplit"/> computes.</param>
    /// <param name="preparationNotes">What was done to get <paramref name="series"/> (shown in the report).</param>
    /// <param name="sourceRows">Rows of the source file.</param>
    public StudyDataset(string name, string dataVariant, PreparedSeries series, int seasonalPeriod, StudyProtocol protocol,
        IReadOnlyList<string> preparationNotes, int sourceRows)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfLessThan(seasonalPeriod, 1);
        if (series.Segments.Count != 1 || series.Segments[0].Length != series.RowCount)
            throw new ArgumentException($"Dataset '{name}': the series must be one clean segment (slice it with PreparedSeries.Longest()).", nameof(series));
        Name = name;
        DataVariant = dataVariant;
        Series = series;
        SeasonalPeriod = seasonalPeriod;
        Protocol = protocol;
        PreparationNotes = preparationNotes;
        SourceRows = sourceRows;
        _target = series.Target;
        _imputed = series.Imputed;
    }

    private readonly double[] _target;
    private readonly bool[] _imputed;

    /// <summary>Dataset name.</summary>
    public string Name { get; }

    /// <summary><c>full</c> or e.g. <c>last2000</c>.</summary>
    public string DataVariant { get; }

    /// <summary>The gap-filled series (target, covariates, imputation flags, timestamps), one clean segment.</summary>
    public PreparedSeries Series { get; }

    /// <summary>Number of rows of <see cref="Series"/>.</summary>
    public int RowCount => Series.RowCount;

    /// <summary>Name of the target column.</summary>
    public string TargetColumn => Series.TargetName;

    /// <summary>Covariate columns given to the recurrent models (empty: the target's own history only).</summary>
    public IReadOnlyList<string> Covariates => Series.CovariateNames;

    /// <summary>Seasonal period in rows (24 hourly, 7 Bitcoin, 5 AAPL).</summary>
    public int SeasonalPeriod { get; }

    /// <summary>The protocol whose splits this dataset computes.</summary>
    public StudyProtocol Protocol { get; }

    /// <summary>How the scaler is fitted under <see cref="Protocol"/>.</summary>
    public StudyScalerPolicy ScalerPolicy => Protocol == StudyProtocol.Paper ? StudyScalerPolicy.WholeSeries : StudyScalerPolicy.TrainOnly;

    /// <summary>Rows of the source file.</summary>
    public int SourceRows { get; }

    /// <summary>What was done to the source (segment choice, truncation, imputation counts).</summary>
    public IReadOnlyList<string> PreparationNotes { get; }

    /// <summary>A copy of the target values.</summary>
    public double[] Target => (double[])_target.Clone();

    /// <summary>Whether <paramref name="lookback"/> and <paramref name="horizon"/> leave at least one window in every part.</summary>
    public bool Supports(int lookback, int horizon, out string reason)
    {
        reason = "";
        if (lookback < 1 || horizon < 1) { reason = "lookback and horizon must be ≥ 1"; return false; }
        var split = ComputeSplit(lookback, horizon);
        if (split.TrainOrigins.Count < 2) reason = $"{split.TrainOrigins.Count} training windows";
        else if (split.ValidationOrigins.Count < 1) reason = "no validation window";
        else if (split.TestOrigins.Count < 1) reason = "no scorable test window";
        return reason.Length == 0;
    }

    /// <summary>The split of <see cref="Protocol"/> for one lookback and horizon.</summary>
    /// <exception cref="ArgumentException">The dataset is too short for them (the message says how many windows are left).</exception>
    public StudySplit GetSplit(int lookback, int horizon)
    {
        if (!Supports(lookback, horizon, out var reason))
            throw new ArgumentException($"Dataset '{Name}' ({RowCount} rows) is too short for lookback {lookback} and horizon {horizon} under the {Protocol} protocol: {reason}. Use a shorter lookback.", nameof(lookback));
        return ComputeSplit(lookback, horizon);
    }

    private StudySplit ComputeSplit(int lookback, int horizon)
    {
        int n = RowCount;
        int firstOrigin = lookback - 1, lastOrigin = n - 1 - horizon;
        if (Protocol == StudyProtocol.Paper)
        {
            int windows = Math.Max(0, lastOrigin - firstOrigin + 1);
            int trainCount = (int)Math.Floor(PaperTrainFraction * windows);
            var train = Range(firstOrigin, firstOrigin + trainCount);
            var test = Range(firstOrigin + trainCount, lastOrigin + 1);
            var (scored, imputed) = Scorable(test, horizon);
            int testStart = firstOrigin + trainCount + 1;
            return new StudySplit
            {
                Lookback = lookback, Horizon = horizon,
                TrainEnd = Math.Min(n, firstOrigin + trainCount + horizon),
                ValidationStart = testStart, ValidationEnd = n, TestStart = testStart, TestEnd = n,
                ScalerStart = 0, ScalerEnd = n, ScalerPolicy = StudyScalerPolicy.WholeSeries, ValidationIsTest = true,
                TrainOrigins = train, ValidationOrigins = scored, TestOrigins = scored, ImputedTestWindows = imputed,
            };
        }
        int trainEnd = (int)Math.Floor(RigorousTrainFraction * n), validationEnd = (int)Math.Floor(RigorousValidationFraction * n);
        var trainOrigins = Range(firstOrigin, trainEnd - horizon);
        var (validation, _) = Scorable(Range(Math.Max(firstOrigin, trainEnd - 1), validationEnd - horizon), horizon);
        var (testOrigins, imputedTest) = Scorable(Range(Math.Max(firstOrigin, validationEnd - 1), n - horizon), horizon);
        return new StudySplit
        {
            Lookback = lookback, Horizon = horizon,
            TrainEnd = trainEnd, ValidationStart = trainEnd, ValidationEnd = validationEnd, TestStart = validationEnd, TestEnd = n,
            ScalerStart = 0, ScalerEnd = trainEnd, ScalerPolicy = StudyScalerPolicy.TrainOnly, ValidationIsTest = false,
            TrainOrigins = trainOrigins, ValidationOrigins = validation, TestOrigins = testOrigins, ImputedTestWindows = imputedTest,
        };
    }

    private static int[] Range(int from, int toExclusive) =>
        toExclusive <= from ? [] : Enumerable.Range(from, toExclusive - from).ToArray();

    private (int[] Scored, int Imputed) Scorable(int[] origins, int horizon)
    {
        var kept = new List<int>(origins.Length);
        int imputed = 0;
        foreach (int t in origins)
        {
            bool any = false;
            for (int h = 1; h <= horizon && !any; h++) any = _imputed[t + h];
            if (any) imputed++; else kept.Add(t);
        }
        return (kept.ToArray(), imputed);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}@{DataVariant} ({RowCount} rows, target {TargetColumn}, season {SeasonalPeriod})";
}
