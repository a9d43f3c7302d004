using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Training;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// Options shared by every pruned forecaster. Defaults are the paper's hyper-parameters (schedule 0.3→0.7, warm-up 2
/// epochs, a mask update every 5 optimizer steps, Adam 1e-3, batch 64, 20 epochs, patience 3) with the leakage-free
/// protocol: the scaler is fitted on the training part only, the last <see cref="ValidationFraction"/> of the training
/// view is held out for early stopping, and the best weights (and masks) are restored.
/// </summary>
/// <remarks>
/// One vocabulary: the engine's types use these names (<see cref="TrainingOptions"/>: <see cref="NumberOfThreads"/>,
/// <see cref="Patience"/>, …; <see cref="PruningOptions"/>: <see cref="PruningInterval"/>, <see cref="PruningGranularity"/>, …;
/// <c>ForecasterSpec</c>: <c>NumberOfLayers</c>, <c>ModelDimension</c>, <c>DropoutRate</c>, …), rates, fractions and
/// sparsities are <see cref="double"/> in every layer, and a validation error names the option set here. The mapping to
/// the engine is <c>PrunedForecastingEstimator.BuildSpec</c>/<c>BuildTrainingOptions</c>.
/// </remarks>
public abstract class PrunedForecasterOptions
{
    /// <summary>The column to forecast (numeric scalar). Default "Label".</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Optional covariate columns (numeric scalars) fed to recurrent models with the label's history. Default none.</summary>
    public string[] FeatureColumnNames { get; set; } = Array.Empty<string>();

    /// <summary>Optional time column (DateTime or numeric). When set, rows must be strictly increasing in it. Default none.</summary>
    public string? TimeColumnName { get; set; }

    /// <summary>Name of the output vector column (float[Horizon]). Default "Forecast"; intervals add "ForecastLower"/"ForecastUpper".</summary>
    public string OutputColumnName { get; set; } = "Forecast";

    /// <summary>Rows of history per forecast (L ≥ 1). Default 30.</summary>
    public int Lookback { get; set; } = 30;

    /// <summary>Steps forecast at once (H ≥ 1, direct multi-output). Default 1.</summary>
    public int Horizon { get; set; } = 1;

    /// <summary>Regularizer. Default <see cref="Regularization.SynapticPruning"/>.</summary>
    public Regularization Regularization { get; set; } = Regularization.SynapticPruning;

    /// <summary>Target sparsity when pruning starts (s_i, in [0, 1)). Default 0.30.</summary>
    public double InitialSparsity { get; set; } = 0.30;

    /// <summary>Target sparsity at the last epoch (s_f, in [s_i, 1)). Default 0.70.</summary>
    public double FinalSparsity { get; set; } = 0.70;

    /// <summary>Epochs trained dense before pruning starts. Default 2.</summary>
    public int WarmupEpochs { get; set; } = 2;

    /// <summary>Optimizer steps between mask updates (counted from the start of training, never reset), at least 1. Default 5.</summary>
    public int PruningInterval { get; set; } = 5;

    /// <summary>
    /// Shape of the cubic schedule. Default <see cref="PruningCurve.Paper"/> (s_i + (s_f − s_i)·p³). Maps to
    /// <see cref="PruningOptions.PruningCurve"/> (<see cref="SparsityCurve.Paper"/> or <see cref="SparsityCurve.ZhuGupta"/>).
    /// </summary>
    public PruningCurve PruningCurve { get; set; } = PruningCurve.Paper;

    /// <summary>Progress convention. Default: the last epoch reaches s_f. <c>AuthorsZeroBased</c> reproduces the authors' code (0.637 at epoch 19).</summary>
    public ProgressConvention ProgressConvention { get; set; } = ProgressConvention.LastEpochReachesFinal;

    /// <summary>
    /// Also prune the gains (<c>weight</c>) of PatchTST's BatchNorm layers, ranked by |w| together with the weight
    /// matrices (the paper prunes weight matrices; the authors' code also prunes norm gains). PatchTST with
    /// <see cref="PruningGranularity"/> = Weight only: the other forecasters have no normalisation layers and structured
    /// pruning removes heads and neurons, never gains, so both combinations are rejected while pruning. Default false.
    /// </summary>
    public bool PruneNormGains { get; set; }

    /// <summary>
    /// What synaptic pruning removes: single weights (<see cref="PruningGranularity.Weight"/>, the paper's method,
    /// default) or whole recurrent hidden units, attention heads and feed-forward neurons
    /// (<see cref="PruningGranularity.Structure"/>; RNN, LSTM, GRU and PatchTST only). With Structure,
    /// <see cref="InitialSparsity"/>/<see cref="FinalSparsity"/> are fractions of structures pruned, and (with
    /// <see cref="CompactAfterTraining"/>) the fitted model is physically smaller and faster.
    /// </summary>
    public PruningGranularity PruningGranularity { get; set; } = PruningGranularity.Weight;

    /// <summary>
    /// With <see cref="PruningGranularity"/> = Structure: how structures are compared when pruning.
    /// <see cref="StructureImportance.GroupRelative"/> (default) ranks each structure's RMS relative to the mean
    /// RMS of its layer's units, heads or neurons, so PatchTST loses attention heads as well as feed-forward neurons and
    /// every recurrent layer shrinks; <see cref="StructureImportance.Absolute"/> ranks the raw RMS (the earlier
    /// rule, which in PatchTST prunes feed-forward neurons only). Ignored for weight pruning.
    /// </summary>
    public StructureImportance StructureImportance { get; set; } = StructureImportance.GroupRelative;

    /// <summary>
    /// With <see cref="PruningGranularity"/> = Structure: remove the pruned structures after training, so the transformer
    /// runs (and the .zip stores) a dense smaller network that gives the same forecasts as the masked one. Ignored for
    /// weight pruning. Default true.
    /// </summary>
    public bool CompactAfterTraining { get; set; } = true;

    /// <summary>Dropout probability for <see cref="Regularization.Dropout"/>, MC dropout and pruning+dropout. Default 0.3.</summary>
    public double DropoutRate { get; set; } = 0.3;

    /// <summary>
    /// Monte-Carlo dropout passes averaged per forecast with <see cref="Regularization.MonteCarloDropout"/>, at least 1.
    /// Every pass is stochastic: 1 = a single dropout sample (as the authors' scripts score MC dropout), never the
    /// deterministic forecast; the study's <c>McSamples</c> means the same. Default 30.
    /// </summary>
    public int MonteCarloSamples { get; set; } = 30;

    /// <summary>Maximum training epochs. Default 20.</summary>
    public int MaxEpochs { get; set; } = 20;

    /// <summary>Windows per optimizer step. Default 64.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Adam learning rate. Default 1e-3.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>
    /// Epochs without validation improvement before stopping; 0 = never stop early (all <see cref="MaxEpochs"/> epochs train,
    /// the best eligible epoch is still restored). The same number means the same in <see cref="TrainingOptions.Patience"/>. Default 3.
    /// </summary>
    public int Patience { get; set; } = 3;

    /// <summary>Fraction of the training view's windows, at its end, held out for validation. Default 0.1.</summary>
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>Fraction of the validation part, at its end, that early stopping never sees; used to calibrate intervals. Default 0.5.</summary>
    public double CalibrationFraction { get; set; } = 0.5;

    /// <summary>
    /// Coverage of split-conformal prediction intervals (e.g. 0.9); null = no interval columns. Default 0.9. Intervals cost
    /// training data: the last <see cref="CalibrationFraction"/> of the validation part is held out of early stopping to
    /// calibrate them (set null to give early stopping the whole validation part).
    /// </summary>
    public float? Confidence { get; set; } = 0.9f;

    /// <summary>Name of the lower-bound column (float[Horizon]) when <see cref="Confidence"/> is set; null (default) = <see cref="OutputColumnName"/> + "Lower".</summary>
    public string? LowerBoundColumnName { get; set; }

    /// <summary>Name of the upper-bound column (float[Horizon]) when <see cref="Confidence"/> is set; null (default) = <see cref="OutputColumnName"/> + "Upper".</summary>
    public string? UpperBoundColumnName { get; set; }

    /// <summary>
    /// How <see cref="Confidence"/> intervals are made. Default <see cref="PredictionIntervalMethod.Conformal"/> (split-conformal,
    /// calibrated on a validation tail). <see cref="PredictionIntervalMethod.MonteCarloSpread"/> (MC dropout only) uses the
    /// quantiles of the Monte-Carlo samples instead: it shows model uncertainty only and usually under-covers.
    /// </summary>
    public PredictionIntervalMethod IntervalMethod { get; set; } = PredictionIntervalMethod.Conformal;

    /// <summary>Which epochs may be restored as "best". Default <see cref="RestoreFrom.AfterWarmup"/>.</summary>
    public RestoreFrom RestoreFrom { get; set; } = RestoreFrom.AfterWarmup;

    /// <summary>Per-window normalisation inside the model; null = the architecture's default.</summary>
    public InstanceNormalization? Normalization { get; set; }

    /// <summary>Random seed; null = the MLContext's seed, else 0.</summary>
    public int? Seed { get; set; }

    /// <summary>libtorch threads while training (forecasting runs on the caller's libtorch setting); null = the trainer's default by the work of a training step
    /// (<see cref="Training.ForecastTrainer.DefaultThreads"/>: 2 from 10⁹ estimated multiply-adds per step, else 1).</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Seasonal period used for MASE and the seasonal-naive scale (e.g. 7 daily, 24 hourly). Default 1.</summary>
    public int SeasonalPeriod { get; set; } = 1;

    /// <summary>
    /// What to do with NaN in the label or covariates. Default <see cref="MissingValuePolicy.Error"/> (fitting refuses it;
    /// Transform gives a NaN forecast for a window holding one). With <see cref="MissingValuePolicy.Interpolate"/> or
    /// <see cref="MissingValuePolicy.ForwardFill"/> fitting fills gaps of at most <see cref="MaxInterpolatedGap"/> rows
    /// (filled targets are never trained on or scored), and Transform and the forecast engine carry the last observation
    /// forward over at most that many missing input rows (<see cref="ForecastingModelInfo.InputGapFill"/>).
    /// </summary>
    public MissingValuePolicy MissingValues { get; set; } = MissingValuePolicy.Error;

    /// <summary>Longest gap (rows) filled by <see cref="MissingValuePolicy.Interpolate"/>/<see cref="MissingValuePolicy.ForwardFill"/>; longer gaps are an error. Default 6.</summary>
    public int MaxInterpolatedGap { get; set; } = 6;

    /// <summary>Optional per-epoch progress callback (epoch, losses, sparsity). Also logged through <c>MLContext.Log</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IProgress<EpochReport>? Progress { get; set; }

    /// <summary>Cancels training between batches (<see cref="OperationCanceledException"/>; no partial model is returned).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public CancellationToken CancellationToken { get; set; }

    /// <summary>The architecture these options train.</summary>
    internal abstract ForecasterKind Kind { get; }

    /// <summary>Architecture settings beyond lookback/horizon/channels (hidden sizes, heads, …).</summary>
    internal abstract ForecasterSpec ApplyArchitecture(ForecasterSpec spec);
}
