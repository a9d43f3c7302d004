using Microsoft.ML.SynapticPruning.Sweeps;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// Settings of a forecasting hyper-parameter sweep created by <c>mlContext.Forecasting.CreateSweep</c>. Every trial is
/// scored by rolling-origin cross-validation over <see cref="Folds"/> folds (no shuffling, no look-ahead); the best
/// configuration is then refitted on all the data given to <see cref="ForecastingSweepExperiment.Run"/>.
/// </summary>
public sealed class ForecastingSweepOptions
{
    /// <summary>The column to forecast (numeric scalar). Default "Label".</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Covariate columns (numeric scalars), used by the recurrent models (rnn, lstm, gru) and the trees (fasttree, lightgbm); PatchTST, DLinear and the naive models ignore them. Default none.</summary>
    public string[] FeatureColumnNames { get; set; } = Array.Empty<string>();

    /// <summary>Optional time column (rows must be strictly increasing in it). Default none.</summary>
    public string? TimeColumnName { get; set; }

    /// <summary>Steps forecast at once (H ≥ 1). Default 1.</summary>
    public int Horizon { get; set; } = 1;

    /// <summary>Seasonal period (e.g. 7 for daily data): the MASE scale's and the seasonal-naive model's season (the seasonal-naive baseline is scored when it is above 1). Default 1 (naive).</summary>
    public int SeasonalPeriod { get; set; } = 1;

    /// <summary>Maximum finished trials, counting those resumed from <see cref="ResultsFile"/>. Default 40.</summary>
    public int MaxTrials { get; set; } = 40;

    /// <summary>
    /// Wall-clock budget of the trials; null = unlimited (default). When it is spent no trial starts, running trials are
    /// cancelled (and not recorded), and the best finished configuration is refitted (the refit is not counted).
    /// </summary>
    public TimeSpan? TimeBudget { get; set; }

    /// <summary>The metric to minimise, averaged over the folds. Default <see cref="ForecastingMetric.Mae"/>.</summary>
    public ForecastingMetric Metric { get; set; } = ForecastingMetric.Mae;

    /// <summary>Rolling-origin folds (≥ 1). Default 3.</summary>
    public int Folds { get; set; } = 3;

    /// <summary>
    /// Fraction of the rows that the first fold trains on at least, in (0, 1); the remaining rows are cut into
    /// <see cref="Folds"/> equal test segments at the end of the series. The folds are the same for every trial. Default 0.5.
    /// </summary>
    public double MinTrainFraction { get; set; } = 0.5;

    /// <summary>The search space; parameter names as in <see cref="ForecastingSearchSpace"/>. Absent parameters keep the options classes' defaults. Default <see cref="ForecastingSearchSpace.Default"/>.</summary>
    public SweepSearchSpace SearchSpace { get; set; } = ForecastingSearchSpace.Default;

    /// <summary>How trials are proposed. Default <see cref="SweepTuner.SuccessiveHalving"/>.</summary>
    public SweepTuner Tuner { get; set; } = SweepTuner.SuccessiveHalving;

    /// <summary>The full training schedule T (epochs) of every trial and of the refit; successive-halving rungs truncate it. Default 20.</summary>
    public int MaxEpochs { get; set; } = 20;

    /// <summary>Seed of the tuner (trial seeds are drawn from it). Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// Trials run at once by the default in-process scheduler. Default 1 — libtorch's generator and thread pool are
    /// process-wide, so in-process trials are deterministic only one at a time; for parallel trials plug a
    /// <see cref="ProcessTrialScheduler"/> into <see cref="Scheduler"/>.
    /// </summary>
    public int MaxParallelTrials { get; set; } = 1;

    /// <summary>
    /// Results file (JSON lines); null = keep results in memory only (default). When set, every finished trial is
    /// appended as it ends, and a later run with the same options resumes: recorded trials are not run again.
    /// </summary>
    public string? ResultsFile { get; set; }

    /// <summary>
    /// Where trials run; null = in this process (<see cref="LocalTrialScheduler"/> with <see cref="MaxParallelTrials"/>).
    /// A process or cluster scheduler must run trials with a <see cref="ForecastingTrialRunner"/> built from the same
    /// data and options (its data reference is checked). Default null.
    /// </summary>
    public ITrialScheduler? Scheduler { get; set; }

    /// <summary>Per-window normalisation for every trial and the refit; null = each architecture's default. Default null.</summary>
    public InstanceNormalization? Normalization { get; set; }

    /// <summary>
    /// What every trial's trainer (and the refit) does with NaN in the label or covariates: the trainers'
    /// <c>MissingValues</c>. Default <see cref="MissingValuePolicy.Error"/>: data with a missing value is refused before the
    /// first trial, with the column and row. With <see cref="MissingValuePolicy.Interpolate"/> or
    /// <see cref="MissingValuePolicy.ForwardFill"/>, gaps of at most <see cref="MaxInterpolatedGap"/> rows are filled for
    /// training; forecasts whose input window holds a missing value are NaN and missing actuals are never scored, so CV folds
    /// and the held-out test score only observed values.
    /// </summary>
    public MissingValuePolicy MissingValues { get; set; } = MissingValuePolicy.Error;

    /// <summary>Longest gap (rows) filled when <see cref="MissingValues"/> fills gaps; a longer gap is refused before the first trial. Default 6.</summary>
    public int MaxInterpolatedGap { get; set; } = 6;

    /// <summary>Sweep id stored with every trial in the results file; null = derived from the options and the data (stable across runs). Default null.</summary>
    public string? SweepId { get; set; }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An empty label column, a null array or search space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option outside its range; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(LabelColumnName))
            throw new ArgumentException("ForecastingSweepOptions.LabelColumnName must name the numeric column to forecast.", nameof(LabelColumnName));
        if (FeatureColumnNames is null)
            throw new ArgumentNullException(nameof(FeatureColumnNames), "ForecastingSweepOptions.FeatureColumnNames must be an array (empty for no covariates).");
        if (SearchSpace is null)
            throw new ArgumentNullException(nameof(SearchSpace), "ForecastingSweepOptions.SearchSpace must be set, e.g. to ForecastingSearchSpace.Default.");
        if (Horizon < 1) throw Range(nameof(Horizon), Horizon, "must be at least 1 step");
        if (SeasonalPeriod < 1) throw Range(nameof(SeasonalPeriod), SeasonalPeriod, "must be at least 1 (1 = naive)");
        if (MaxTrials < 1) throw Range(nameof(MaxTrials), MaxTrials, "must be at least 1");
        if (TimeBudget is { } budget && budget <= TimeSpan.Zero) throw Range(nameof(TimeBudget), budget, "must be positive, or null for no limit");
        if (!Enum.IsDefined(Metric)) throw Range(nameof(Metric), Metric, "is not a ForecastingMetric value");
        if (Folds < 1) throw Range(nameof(Folds), Folds, "must be at least 1");
        if (!(MinTrainFraction > 0 && MinTrainFraction < 1)) throw Range(nameof(MinTrainFraction), MinTrainFraction, "must be in (0, 1), e.g. 0.5");
        if (!Enum.IsDefined(Tuner)) throw Range(nameof(Tuner), Tuner, "is not a SweepTuner value");
        if (MaxEpochs < 1) throw Range(nameof(MaxEpochs), MaxEpochs, "must be at least 1");
        if (!Enum.IsDefined(MissingValues)) throw Range(nameof(MissingValues), MissingValues, "is not a MissingValuePolicy value");
        if (MaxInterpolatedGap < 0) throw Range(nameof(MaxInterpolatedGap), MaxInterpolatedGap, "must be 0 or more");
        if (MaxParallelTrials < 1) throw Range(nameof(MaxParallelTrials), MaxParallelTrials, "must be at least 1");
        if (SweepId is { Length: 0 }) throw new ArgumentException("ForecastingSweepOptions.SweepId must be null (derived) or a non-empty name.", nameof(SweepId));
        if (ResultsFile is { } file && string.IsNullOrWhiteSpace(file))
            throw new ArgumentException("ForecastingSweepOptions.ResultsFile must be null (no file) or a path.", nameof(ResultsFile));
    }

    private static ArgumentOutOfRangeException Range(string name, object value, string rule)
        => new(name, value, $"ForecastingSweepOptions.{name} {rule} (got {value}).");
}
