using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// What a fitted pruned forecaster knows about itself: its architecture, columns, regularization, training history,
/// where the pruning landed (per layer) and its interval calibration. Stored in the .zip and restored on load.
/// </summary>
public sealed record ForecastingModelInfo
{
    /// <summary>The architecture, enough to rebuild the network.</summary>
    public required ForecasterSpec Spec { get; init; }
    /// <summary>The forecast column's source.</summary>
    public required string LabelColumnName { get; init; }
    /// <summary>Covariate columns, in input order.</summary>
    public required string[] FeatureColumnNames { get; init; }
    /// <summary>Optional time column checked for order.</summary>
    public string? TimeColumnName { get; init; }
    /// <summary>Output vector column.</summary>
    public required string OutputColumnName { get; init; }

    /// <summary>Name of the lower-bound column; null (files written before it existed) = <see cref="OutputColumnName"/> + "Lower".</summary>
    public string? LowerBoundColumnName { get; init; }

    /// <summary>Name of the upper-bound column; null (files written before it existed) = <see cref="OutputColumnName"/> + "Upper".</summary>
    public string? UpperBoundColumnName { get; init; }

    /// <summary>The lower-bound column's name in effect.</summary>
    internal string LowerColumn => BoundColumn(LowerBoundColumnName, OutputColumnName, "Lower");

    /// <summary>The upper-bound column's name in effect.</summary>
    internal string UpperColumn => BoundColumn(UpperBoundColumnName, OutputColumnName, "Upper");

    /// <summary>The one rule for bound column names: the explicit name, else the output column's name + "Lower"/"Upper".</summary>
    internal static string BoundColumn(string? explicitName, string outputColumn, string suffix) => explicitName ?? outputColumn + suffix;
    /// <summary>The regularizer the model was trained with.</summary>
    public Regularization Regularization { get; init; }
    /// <summary>MC-dropout passes averaged per forecast (MC dropout only; 1 = one stochastic pass).</summary>
    public int MonteCarloSamples { get; init; }
    /// <summary>The seed the fit used (also the base of MC-dropout seeds).</summary>
    public int Seed { get; init; }
    /// <summary>Requested interval coverage, or null without intervals.</summary>
    public float? Confidence { get; init; }
    /// <summary>How the intervals are made (conformal half-widths, or the MC-dropout sample spread).</summary>
    public PredictionIntervalMethod IntervalMethod { get; init; } = PredictionIntervalMethod.Conformal;
    /// <summary>Split-conformal half-width per horizon step (original units; +∞ when the calibration set was too small).</summary>
    public float[]? IntervalHalfWidths { get; init; }
    /// <summary>Calibration windows behind <see cref="IntervalHalfWidths"/>.</summary>
    public int CalibrationWindows { get; init; }
    /// <summary>Seasonal period used for the MASE scale.</summary>
    public int SeasonalPeriod { get; init; } = 1;
    /// <summary>Seasonal-naive MAE of the training part (MASE denominator); NaN when undefined.</summary>
    public double MaseScale { get; init; } = double.NaN;
    /// <summary>
    /// Longest run of missing input values (rows) that <c>Transform</c> fills by carrying the last observation forward, so
    /// that a window across a short gap still gets a forecast (no later value is used). 0 (the default, and models written
    /// before it existed) = a window holding a missing value gets a NaN forecast. Fitting sets it to the trainer's
    /// <c>MaxInterpolatedGap</c> when <c>MissingValues</c> fills gaps, else 0. Missing actuals are never scored either way.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public int InputGapFill { get; init; }

    /// <summary>Per-epoch losses and sparsity.</summary>
    public IReadOnlyList<EpochReport> History { get; init; } = Array.Empty<EpochReport>();
    /// <summary>Final sparsity per prunable tensor (empty when not pruned).</summary>
    public IReadOnlyList<TensorSparsity> LayerSparsity { get; init; } = Array.Empty<TensorSparsity>();
    /// <summary>Final global sparsity over the prunable tensors (0 when not pruned).</summary>
    public double GlobalSparsity { get; init; }
    /// <summary>Epoch whose weights were kept (0-based).</summary>
    public int BestEpoch { get; init; }
    /// <summary>Epochs actually trained.</summary>
    public int EpochsRun { get; init; }
    /// <summary>Whether early stopping ended training.</summary>
    public bool StoppedEarly { get; init; }
    /// <summary>Wall-clock training time in seconds.</summary>
    public double TrainSeconds { get; init; }
    /// <summary>Description of the pruning schedule (empty when not pruned).</summary>
    public string PruningSchedule { get; init; } = "";
    /// <summary>Library version that wrote the model.</summary>
    public string WrittenBy { get; init; } = typeof(ForecastingModelInfo).Assembly.GetName().Version?.ToString() ?? "unknown";
}
