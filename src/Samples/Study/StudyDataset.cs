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

    /// <summary>Fraction of windows (paper and authors protocols) that train.</summary>
    public const double PaperTrainFraction = 0.8;

    /// <summary>Creates the dataset.</summary>
    /// <param name="name">Dataset name used in ids and reports.</param>
    /// <param name="dataVariant"><c>full</c> or e.g. <c>last2000</c>.</param>
    /// <param name="series">The prepared series (a single clean segment).</param>
    /// <param name="seasonalPeriod">Seasonal period in rows (≥ 1).</param>
    /// <param name="protocol">The protocol whose splits <see cref="GetSplit"/> computes.</param>
    /// <param name="preparationNotes">What was done to get <paramref name="series"/> (shown in the report).</param>
    /// <param name="sourceRows">Rows of the source file.</param>
    /// <param name="backtestFolds">Rolling origins (rigorous only; 1 = the single 70/10/20 split).</param>
    /// <param name="scalerPolicy">The rows the scaler is fitted on; null = the protocol's (whole series for the paper split,
    /// training rows for the rigorous one). The ablation ladder fits on the whole series with a separate validation part.</param>
    public StudyDataset(string name, string dataVariant, PreparedSeries series, int seasonalPeriod, StudyProtocol protocol,
        IReadOnlyList<string> preparationNotes, int sourceRows, int backtestFolds = 1, StudyScalerPolicy? scalerPolicy = null)
    {
        ScalerPolicy = scalerPolicy ?? (protocol.UsesPaperSplit() ? StudyScalerPolicy.WholeSeries : StudyScalerPolicy.TrainOnly);
        ArgumentOutOfRangeException.ThrowIfLessThan(backtestFolds, 1);
        if (backtestFolds > 1 && protocol.UsesPaperSplit())
            throw new ArgumentException("A rolling-origin backtest is part of the rigorous protocol only.", nameof(backtestFolds));
        BacktestFolds = backtestFolds;
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

    /// <summary>Number of rolling origins (1 = no backtest). Fold f of K tests on the f-th of K consecutive blocks of
    /// the last 20% of the rows, validates on the 10% of rows just before it and trains on everything earlier
    /// (expanding window); fold K − 1 ends at the last row.</summary>
    public int BacktestFolds { get; }

    /// <summary>How the scaler is fitted under <see cref="Protocol"/>.</summary>
    public StudyScalerPolicy ScalerPolicy { get; }

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
        for (int fold = 0; fold < BacktestFolds && reason.Length == 0; fold++)
        {
            var split = ComputeSplit(lookback, horizon, fold);
            string where = BacktestFolds > 1 ? $" in backtest fold {fold}" : "";
            if (split.TrainOrigins.Count < 2) reason = $"{split.TrainOrigins.Count} training windows{where}";
            else if (split.ValidationOrigins.Count < 1) reason = $"no validation window{where}";
            else if (split.TestOrigins.Count < 1) reason = $"no scorable test window{where}";
        }
        return reason.Length == 0;
    }

    /// <summary>The split of <see cref="Protocol"/> for one lookback, horizon and backtest fold.</summary>
    /// <param name="lookback">Lookback L.</param>
    /// <param name="horizon">Horizon H.</param>
    /// <param name="fold">Backtest fold in [0, <see cref="BacktestFolds"/>); 0 without a backtest.</param>
    /// <exception cref="ArgumentException">The dataset is too short for them (the message says how many windows are left).</exception>
    public StudySplit GetSplit(int lookback, int horizon, int fold = 0)
    {
        if (fold < 0 || fold >= BacktestFolds)
            throw new ArgumentOutOfRangeException(nameof(fold), fold, $"Dataset '{Name}' has {BacktestFolds} backtest fold(s); fold must be in [0, {BacktestFolds}).");
        if (!Supports(lookback, horizon, out var reason))
            throw new ArgumentException($"Dataset '{Name}' ({RowCount} rows) is too short for lookback {lookback} and horizon {horizon} under the {Protocol} protocol: {reason}. Use a shorter lookback.", nameof(lookback));
        return ComputeSplit(lookback, horizon, fold);
    }

    private StudySplit ComputeSplit(int lookback, int horizon, int fold)
    {
        int n = RowCount;
        int firstOrigin = lookback - 1, lastOrigin = n - 1 - horizon;
        if (Protocol.UsesPaperSplit())
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
                ScalerStart = 0, ScalerEnd = ScalerPolicy == StudyScalerPolicy.WholeSeries ? n : Math.Min(n, firstOrigin + trainCount + horizon),
                ScalerPolicy = ScalerPolicy, ValidationIsTest = true,
                TrainOrigins = train, ValidationOrigins = scored, TestOrigins = scored, ImputedTestWindows = imputed,
            };
        }
        int testRegion = (int)Math.Floor(RigorousValidationFraction * n);
        int validationRows = testRegion - (int)Math.Floor(RigorousTrainFraction * n);
        int validationEnd = testRegion + (int)((long)fold * (n - testRegion) / BacktestFolds);
        int testEnd = testRegion + (int)((long)(fold + 1) * (n - testRegion) / BacktestFolds);
        int trainEnd = validationEnd - validationRows;
        var trainOrigins = Range(firstOrigin, trainEnd - horizon);
        var (validation, _) = Scorable(Range(Math.Max(firstOrigin, trainEnd - 1), validationEnd - horizon), horizon);
        var (testOrigins, imputedTest) = Scorable(Range(Math.Max(firstOrigin, validationEnd - 1), testEnd - horizon), horizon);
        return new StudySplit
        {
            Lookback = lookback, Horizon = horizon,
            TrainEnd = trainEnd, ValidationStart = trainEnd, ValidationEnd = validationEnd, TestStart = validationEnd, TestEnd = testEnd,
            ScalerStart = 0, ScalerEnd = ScalerPolicy == StudyScalerPolicy.WholeSeries ? n : trainEnd, ScalerPolicy = ScalerPolicy, ValidationIsTest = false,
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
