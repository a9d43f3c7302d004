using Microsoft.ML.SynapticPruning.Models;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// Settings of a lag-window forecaster (<c>mlContext.Forecasting.LagWindow</c>): the naive and seasonal-naive
/// baselines, or ML.NET FastTree / LightGbm regression on the last <see cref="Lookback"/> rows. Trees use the
/// <b>direct strategy</b>: one regression model per horizon step h = 1..H, each predicting y[t+h] − y[t] from the window
/// ending at row t (the label's lags minus its last value, the last value itself, and the covariates' raw lags).
/// </summary>
public sealed class LagWindowForecasterOptions
{
    /// <summary>Naive, SeasonalNaive, FastTree (default) or LightGbm.</summary>
    public ForecasterKind Kind { get; set; } = ForecasterKind.FastTree;

    /// <summary>The column to forecast (numeric scalar). Default "Label".</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Covariate columns (numeric scalars) whose lags the trees also see; the naive models ignore them. Default none.</summary>
    public string[] FeatureColumnNames { get; set; } = Array.Empty<string>();

    /// <summary>Optional time column (rows must be strictly increasing in it). Default none.</summary>
    public string? TimeColumnName { get; set; }

    /// <summary>Output vector column (float[Horizon]). Default "Forecast".</summary>
    public string OutputColumnName { get; set; } = "Forecast";

    /// <summary>Lower-bound column; null = <see cref="OutputColumnName"/> + "Lower".</summary>
    public string? LowerBoundColumnName { get; set; }

    /// <summary>Upper-bound column; null = <see cref="OutputColumnName"/> + "Upper".</summary>
    public string? UpperBoundColumnName { get; set; }

    /// <summary>Steps forecast at once (H ≥ 1). Default 1.</summary>
    public int Horizon { get; set; } = 1;

    /// <summary>Lags per window for the trees (L ≥ 1). The naive model uses 1 and the seasonal-naive model <see cref="SeasonalPeriod"/>, whatever this is. Default 30.</summary>
    public int Lookback { get; set; } = 30;

    /// <summary>Season m of the seasonal-naive model and of the MASE scale (1 = naive). Default 1.</summary>
    public int SeasonalPeriod { get; set; } = 1;

    /// <summary>Trees per step model (FastTree trees, LightGbm iterations). Default 100.</summary>
    public int NumberOfTrees { get; set; } = 100;

    /// <summary>Leaves per tree (≥ 2). Default 16.</summary>
    public int NumberOfLeaves { get; set; } = 16;

    /// <summary>Boosting learning rate, in (0, 1]. Default 0.1.</summary>
    public double LearningRate { get; set; } = 0.1;

    /// <summary>Minimum training windows per leaf; null = max(2, min(20, windows / 20)). Default null.</summary>
    public int? MinimumExampleCountPerLeaf { get; set; }

    /// <summary>Interval coverage in (0, 1), or null (default) for no intervals. Intervals are split-conformal: the trees are fitted without the last <see cref="CalibrationFraction"/> of the windows, whose residuals set the half-widths.</summary>
    public float? Confidence { get; set; }

    /// <summary>Fraction of the windows held out to calibrate intervals when <see cref="Confidence"/> is set, in (0, 1). Default 0.2.</summary>
    public float CalibrationFraction { get; set; } = 0.2f;

    /// <summary>Seed of the tree learners; null = the MLContext's seed, else 0. Default null.</summary>
    public int? Seed { get; set; }

    /// <summary>
    /// What to do with missing values. Default <see cref="MissingValuePolicy.Error"/> (fitting refuses them; Transform gives
    /// a NaN forecast for a window holding one). With <see cref="MissingValuePolicy.Interpolate"/> or
    /// <see cref="MissingValuePolicy.ForwardFill"/> fitting fills gaps of at most <see cref="MaxInterpolatedGap"/> rows, and
    /// Transform carries the last observation forward over at most that many missing input rows
    /// (<see cref="ForecastingModelInfo.InputGapFill"/>).
    /// </summary>
    public MissingValuePolicy MissingValues { get; set; } = MissingValuePolicy.Error;

    /// <summary>Longest run of missing rows filled (while fitting and, carried forward, at transform time) when <see cref="MissingValues"/> fills gaps; longer gaps are an error when fitting. Default 6.</summary>
    public int MaxInterpolatedGap { get; set; } = 6;

    /// <summary>Stops a tree fit between step models (set by the sweep's trial runner).</summary>
    internal CancellationToken CancellationToken { get; set; }

    /// <summary>The rows of history each forecast reads: 1 (naive), <see cref="SeasonalPeriod"/> (seasonal naive) or <see cref="Lookback"/> (trees).</summary>
    public int EffectiveLookback => Kind switch
    {
        ForecasterKind.Naive => 1,
        ForecasterKind.SeasonalNaive => SeasonalPeriod,
        _ => Lookback,
    };

    /// <summary>The covariates the model reads: <see cref="FeatureColumnNames"/> for the trees, none for the naive models.</summary>
    public string[] EffectiveFeatureColumnNames => Kind.IsTreeEnsemble() ? FeatureColumnNames.ToArray() : Array.Empty<string>();

    /// <summary>Checks every option; the message names the option and the rule.</summary>
    /// <exception cref="ArgumentException">An empty column name, a covariate that is the label, or a network kind.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option outside its range.</exception>
    public void Validate()
    {
        if (!Kind.IsLagWindow())
            throw new ArgumentException($"LagWindowForecasterOptions.Kind must be Naive, SeasonalNaive, FastTree or LightGbm (got {Kind}); networks are fitted with mlContext.Forecasting.Pruned{Kind}.", nameof(Kind));
        if (string.IsNullOrWhiteSpace(LabelColumnName))
            throw new ArgumentException("LagWindowForecasterOptions.LabelColumnName must name the numeric column to forecast.", nameof(LabelColumnName));
        if (FeatureColumnNames is null)
            throw new ArgumentNullException(nameof(FeatureColumnNames), "LagWindowForecasterOptions.FeatureColumnNames must be an array (empty for no covariates).");
        if (FeatureColumnNames.Contains(LabelColumnName))
            throw new ArgumentException($"LagWindowForecasterOptions.FeatureColumnNames contains the label column '{LabelColumnName}': its lags are always inputs; list only other columns.", nameof(FeatureColumnNames));
        if (string.IsNullOrWhiteSpace(OutputColumnName))
            throw new ArgumentException("LagWindowForecasterOptions.OutputColumnName must name the forecast column, e.g. \"Forecast\".", nameof(OutputColumnName));
        if (LowerBoundColumnName is { } lb && string.IsNullOrWhiteSpace(lb))
            throw new ArgumentException("LagWindowForecasterOptions.LowerBoundColumnName is empty: name the column or leave it null.", nameof(LowerBoundColumnName));
        if (UpperBoundColumnName is { } ub && string.IsNullOrWhiteSpace(ub))
            throw new ArgumentException("LagWindowForecasterOptions.UpperBoundColumnName is empty: name the column or leave it null.", nameof(UpperBoundColumnName));
        if (Horizon < 1) throw Range(nameof(Horizon), Horizon, "must be at least 1 step");
        if (Horizon > ModelLoadLimits.MaxTreeSteps && Kind.IsTreeEnsemble())
            throw Range(nameof(Horizon), Horizon, $"must be at most {ModelLoadLimits.MaxTreeSteps} for trees (one model per step)");
        if (Lookback < 1) throw Range(nameof(Lookback), Lookback, "must be at least 1 lag");
        if (SeasonalPeriod < 1) throw Range(nameof(SeasonalPeriod), SeasonalPeriod, "must be at least 1 (1 = naive)");
        if ((long)EffectiveLookback * (1 + EffectiveFeatureColumnNames.Length) > ModelLoadLimits.MaxLagFeatures)
            throw Range(nameof(Lookback), Lookback, $"times the input columns must be at most {ModelLoadLimits.MaxLagFeatures:N0} features");
        if (NumberOfTrees < 1) throw Range(nameof(NumberOfTrees), NumberOfTrees, "must be at least 1");
        if (NumberOfLeaves < 2) throw Range(nameof(NumberOfLeaves), NumberOfLeaves, "must be at least 2");
        if (!(LearningRate > 0 && LearningRate <= 1)) throw Range(nameof(LearningRate), LearningRate, "must be in (0, 1], e.g. 0.1");
        if (MinimumExampleCountPerLeaf is < 1) throw Range(nameof(MinimumExampleCountPerLeaf), MinimumExampleCountPerLeaf, "must be at least 1, or null (automatic)");
        if (Confidence is float c && !(c > 0 && c < 1)) throw Range(nameof(Confidence), c, "must be in (0, 1), e.g. 0.9, or null for no intervals");
        if (Confidence is not null && !(CalibrationFraction > 0 && CalibrationFraction < 1))
            throw Range(nameof(CalibrationFraction), CalibrationFraction, "must be in (0, 1) when Confidence is set");
        if (!Enum.IsDefined(MissingValues)) throw Range(nameof(MissingValues), MissingValues, "is not a MissingValuePolicy value");
        if (MaxInterpolatedGap < 0) throw Range(nameof(MaxInterpolatedGap), MaxInterpolatedGap, "must be 0 or more");
        string lower = ForecastingModelInfo.BoundColumn(LowerBoundColumnName, OutputColumnName, "Lower");
        string upper = ForecastingModelInfo.BoundColumn(UpperBoundColumnName, OutputColumnName, "Upper");
        if (Confidence is not null && new[] { OutputColumnName, lower, upper }.Distinct(StringComparer.Ordinal).Count() != 3)
            throw new ArgumentException($"LagWindowForecasterOptions.OutputColumnName ('{OutputColumnName}'), LowerBoundColumnName ('{lower}') and UpperBoundColumnName ('{upper}') must be three different names.", nameof(LowerBoundColumnName));
    }

    private static ArgumentOutOfRangeException Range(string name, object? value, string rule)
        => new(name, value, $"LagWindowForecasterOptions.{name} {rule} (got {value}).");
}
