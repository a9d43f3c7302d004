using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SynapticPruning.Compaction;
using Microsoft.ML.SynapticPruning.Evaluation;
using Microsoft.ML.SynapticPruning.MLNet.Internals;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Training;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// Trains a pruned forecaster (RNN, LSTM, GRU, PatchTST or DLinear) on a time-ordered <see cref="IDataView"/>.
/// Created by the <c>mlContext.Forecasting.Pruned*</c> extension methods. <see cref="GetOutputSchema"/> validates the
/// columns before any training starts. Rows are time-ordered; the last <see cref="PrunedForecasterOptions.ValidationFraction"/>
/// of the windows is held out for early stopping (or pass a validation view to <see cref="Fit(IDataView, IDataView)"/>).
/// </summary>
public sealed class PrunedForecastingEstimator : IEstimator<PrunedForecastingTransformer>
{
    private const int HostPollMilliseconds = 50;

    private readonly IHost _host;
    private readonly PrunedForecasterOptions _options;
    private readonly SweepTrialControl? _trial;

    internal PrunedForecastingEstimator(IHostEnvironment env, PrunedForecasterOptions options, SweepTrialControl? trial = null)
    {
        _host = MlNetEnvironment.Register(env, nameof(PrunedForecastingEstimator));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _trial = trial;
        ValidateOptions(options);
    }

    /// <summary>The options this estimator trains with.</summary>
    public PrunedForecasterOptions Options => _options;

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckShape(inputSchema, _options.LabelColumnName, "Label");
        foreach (var f in _options.FeatureColumnNames) CheckShape(inputSchema, f, "Feature");
        var columns = inputSchema.ToDictionary(c => c.Name);
        var vector = new SchemaShape.Column(_options.OutputColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        columns[_options.OutputColumnName] = vector;
        if (_options.Confidence is not null)
        {
            string lower = ForecastingModelInfo.BoundColumn(_options.LowerBoundColumnName, _options.OutputColumnName, "Lower");
            string upper = ForecastingModelInfo.BoundColumn(_options.UpperBoundColumnName, _options.OutputColumnName, "Upper");
            columns[lower] = new SchemaShape.Column(lower, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
            columns[upper] = new SchemaShape.Column(upper, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        }
        return new SchemaShape(columns.Values);
    }

    /// <summary>Trains on <paramref name="input"/>, holding out its last windows for validation.</summary>
    public PrunedForecastingTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains on <paramref name="trainData"/> with early stopping (and interval calibration) on <paramref name="validationData"/>.</summary>
    public PrunedForecastingTransformer Fit(IDataView trainData, IDataView? validationData)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        var o = _options;
        ValidateOptions(o);
        GetOutputSchema(SchemaShape.Create(trainData.Schema));
        var train = SeriesReader.Read(trainData, o.LabelColumnName, o.FeatureColumnNames, o.TimeColumnName, o.MissingValues, o.MaxInterpolatedGap, "training");
        var validation = validationData is null ? null
            : SeriesReader.Read(validationData, o.LabelColumnName, o.FeatureColumnNames, o.TimeColumnName, o.MissingValues, o.MaxInterpolatedGap, "validation");

        var spec = BuildSpec(o);
        // Check the lengths before the network is built: an absurd Lookback must fail here, not as a native allocation.
        train.EnsureWindows(spec.Lookback, spec.Horizon, "training");
        validation?.EnsureWindows(spec.Lookback, spec.Horizon, "validation");
        int seed = o.Seed ?? MlNetEnvironment.SeedOf(_host) ?? 0;
        var training = BuildTrainingOptions(o, seed, _trial);

        using var ch = _host.Start("Training");
        MlNetEnvironment.Info(ch, $"Training {spec.Kind} (lookback {spec.Lookback}, horizon {spec.Horizon}, {spec.CovariateChannels} covariates) with {o.Regularization}, seed {seed}, on {train.Length} rows.");
        var progress = new Progress(ch, o.Progress);
        // mlContext.CancelExecution() stops the fit like Options.CancellationToken does: the host's state is polled and
        // turned into the token the trainer checks between batches.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(o.CancellationToken);
        using var watch = new Timer(_ =>
        {
            try { MlNetEnvironment.CheckAlive(_host); }
            catch (OperationCanceledException) { try { cancel.Cancel(); } catch (ObjectDisposedException) { } }
        }, null, HostPollMilliseconds, HostPollMilliseconds);
        MlNetEnvironment.CheckAlive(_host);
        var trained = new ForecastTrainer().Fit(() => ForecasterFactory.Create(spec), train, validation, training, progress, cancel.Token);
        if (trained.DetachResumeState() is { } resumeState)
        {
            if (_trial?.ResumeStateCaptured is { } sink) sink(resumeState);
            else resumeState.Dispose();
        }
        if (o.PruningGranularity == PruningGranularity.Structure && o.CompactAfterTraining && trained.PruningSummary is not null)
        {
            try
            {
                var compacted = StructuredCompaction.Compact(trained);
                MlNetEnvironment.Info(ch, $"Compacted the pruned structures: {Describe(trained.Spec)} → {Describe(compacted.Spec)}.");
                trained.Dispose();
                trained = compacted;
            }
            catch
            {
                trained.Dispose();
                throw;
            }
        }
        try
        {
            var info = DescribeFit(o, trained.Spec, seed, trained, train);
            var model = new NetworkModel(trained, info);
            if (o.Confidence is not null && o.IntervalMethod == PredictionIntervalMethod.MonteCarloSpread)
            {
                model = new NetworkModel(trained, info with { IntervalMethod = PredictionIntervalMethod.MonteCarloSpread });
                MlNetEnvironment.Info(ch, $"Intervals: {o.Confidence:P0} quantiles of {o.MonteCarloSamples} MC-dropout samples (model uncertainty only; not calibrated).");
            }
            else if (o.Confidence is float confidence)
            {
                var plan = trained.SplitPlan;
                var calibrationSeries = plan.ExternalValidation ? validation! : train;
                var (halfWidths, n) = Conformal.HalfWidths(model, calibrationSeries, plan.Calibration, confidence);
                if (n == 0 || halfWidths.Any(float.IsPositiveInfinity))
                    MlNetEnvironment.Warning(ch, $"Only {n} calibration windows for confidence {confidence}: some interval half-widths are infinite. Use more data, a larger ValidationFraction/CalibrationFraction, or a lower Confidence.");
                model = new NetworkModel(trained, info with { IntervalHalfWidths = halfWidths, CalibrationWindows = n });
            }
            MlNetEnvironment.Info(ch, $"Done: {info.EpochsRun} epochs, best epoch {info.BestEpoch}, global sparsity {info.GlobalSparsity:P1}, {info.TrainSeconds:F1} s.");
            return new PrunedForecastingTransformer(_host, model);
        }
        catch
        {
            trained.Dispose();
            throw;
        }
    }

    internal static ForecasterSpec BuildSpec(PrunedForecasterOptions o)
    {
        bool dropout = o.Regularization is Regularization.Dropout or Regularization.MonteCarloDropout or Regularization.SynapticPruningWithDropout;
        var spec = o.ApplyArchitecture(new ForecasterSpec
        {
            Kind = o.Kind,
            Lookback = o.Lookback,
            Horizon = o.Horizon,
            TargetChannels = 1,
            CovariateChannels = o.FeatureColumnNames.Length,
            DropoutRate = dropout ? o.DropoutRate : 0,
            Normalization = o.Normalization,
        });
        ForecasterFactory.Validate(spec);
        return spec;
    }

    /// <summary>
    /// The one mapping from the estimator options to the trainer's: same names, same types, same meaning (Patience 0 =
    /// never stop early in both), so errors of <see cref="TrainingOptions.Validate"/> name the public option as they are.
    /// </summary>
    internal static TrainingOptions BuildTrainingOptions(PrunedForecasterOptions o, int seed, SweepTrialControl? trial = null)
    {
        var t = new TrainingOptions
        {
            MaxEpochs = o.MaxEpochs,
            StopAfterEpochs = trial?.StopAfterEpochs,
            CaptureResumeState = trial?.ResumeStateCaptured is not null,
            ResumeFrom = trial?.ResumeFrom,
            BatchSize = o.BatchSize,
            LearningRate = o.LearningRate,
            Patience = o.Patience,
            ValidationFraction = o.ValidationFraction,
            CalibrationFraction = o.Confidence is null || o.IntervalMethod == PredictionIntervalMethod.MonteCarloSpread ? 0 : o.CalibrationFraction,
            RestoreFrom = o.RestoreFrom,
            Seed = seed,
            NumberOfThreads = o.NumberOfThreads,
            Regularization = o.Regularization,
            DropoutRate = o.DropoutRate,
            MonteCarloSamples = o.MonteCarloSamples,
            Pruning = new PruningOptions
            {
                InitialSparsity = o.InitialSparsity,
                FinalSparsity = o.FinalSparsity,
                WarmupEpochs = o.WarmupEpochs,
                PruningInterval = o.PruningInterval,
                PruningCurve = o.PruningCurve == PruningCurve.ZhuGupta ? SparsityCurve.ZhuGupta : SparsityCurve.Paper,
                ProgressConvention = o.ProgressConvention,
                PruneNormGains = o.PruneNormGains,
                PruningGranularity = o.PruningGranularity,
                StructureImportance = o.StructureImportance,
            },
        };
        t.Validate();
        return t;
    }

    private static ForecastingModelInfo DescribeFit(PrunedForecasterOptions o, ForecasterSpec spec, int seed, TrainedForecaster trained, TimeSeriesData train)
    {
        var plan = trained.SplitPlan;
        int scaleRows = Math.Max(2, plan.ExternalValidation ? train.Length : plan.ScalerRows);
        double maseScale = ForecastEvaluator.SeasonalNaiveMae(train.Target(0)[..Math.Min(scaleRows, train.Length)], Math.Max(1, o.SeasonalPeriod));
        var pruning = trained.PruningSummary;
        return new ForecastingModelInfo
        {
            Spec = spec,
            LabelColumnName = o.LabelColumnName,
            FeatureColumnNames = o.FeatureColumnNames.ToArray(),
            TimeColumnName = o.TimeColumnName,
            OutputColumnName = o.OutputColumnName,
            LowerBoundColumnName = o.LowerBoundColumnName,
            UpperBoundColumnName = o.UpperBoundColumnName,
            Regularization = o.Regularization,
            MonteCarloSamples = o.MonteCarloSamples,
            Seed = seed,
            Confidence = o.Confidence,
            SeasonalPeriod = Math.Max(1, o.SeasonalPeriod),
            MaseScale = maseScale,
            InputGapFill = o.MissingValues == MissingValuePolicy.Error ? 0 : o.MaxInterpolatedGap,
            History = trained.History.ToArray(),
            LayerSparsity = pruning?.PerTensor.ToArray() ?? Array.Empty<TensorSparsity>(),
            GlobalSparsity = pruning?.GlobalSparsity ?? 0,
            BestEpoch = trained.BestEpoch,
            EpochsRun = trained.EpochsRun,
            StoppedEarly = trained.StoppedEarly,
            TrainSeconds = trained.TrainSeconds,
            PruningSchedule = pruning?.Schedule ?? "",
        };
    }

    internal static void ValidateOptions(PrunedForecasterOptions o)
    {
        if (o.Lookback < 1) throw new ArgumentOutOfRangeException(nameof(o.Lookback), o.Lookback, "Lookback must be at least 1 row of history.");
        if (o.Horizon < 1) throw new ArgumentOutOfRangeException(nameof(o.Horizon), o.Horizon, "Horizon must be at least 1 step.");
        if (string.IsNullOrWhiteSpace(o.OutputColumnName)) throw new ArgumentException("OutputColumnName must name the forecast column, e.g. \"Forecast\".", nameof(o.OutputColumnName));
        if (o.LowerBoundColumnName is { } lb && string.IsNullOrWhiteSpace(lb)) throw new ArgumentException("LowerBoundColumnName is empty: name the column or leave it null for OutputColumnName + \"Lower\".", nameof(o.LowerBoundColumnName));
        if (o.UpperBoundColumnName is { } ub && string.IsNullOrWhiteSpace(ub)) throw new ArgumentException("UpperBoundColumnName is empty: name the column or leave it null for OutputColumnName + \"Upper\".", nameof(o.UpperBoundColumnName));
        string lowerName = ForecastingModelInfo.BoundColumn(o.LowerBoundColumnName, o.OutputColumnName, "Lower");
        string upperName = ForecastingModelInfo.BoundColumn(o.UpperBoundColumnName, o.OutputColumnName, "Upper");
        if (o.Confidence is not null && new[] { o.OutputColumnName, lowerName, upperName }.Distinct(StringComparer.Ordinal).Count() != 3)
            throw new ArgumentException($"OutputColumnName ('{o.OutputColumnName}'), LowerBoundColumnName ('{lowerName}') and UpperBoundColumnName ('{upperName}') must be three different names.", nameof(o.LowerBoundColumnName));
        if (o.FeatureColumnNames is null) throw new ArgumentNullException(nameof(o.FeatureColumnNames), "FeatureColumnNames must be an array (empty for no covariates).");
        if (o.FeatureColumnNames.Contains(o.LabelColumnName))
            throw new ArgumentException($"FeatureColumnNames contains the label column '{o.LabelColumnName}': the label's own history is always an input; list only other columns.", nameof(o.FeatureColumnNames));
        if (o.Confidence is float c && !(c > 0 && c < 1)) throw new ArgumentOutOfRangeException(nameof(o.Confidence), c, "Confidence must be in (0, 1), e.g. 0.9, or null for no intervals.");
        if (o.Confidence is not null && !(o.CalibrationFraction > 0 && o.CalibrationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(o.CalibrationFraction), o.CalibrationFraction, "CalibrationFraction must be in (0, 1) when Confidence is set (or set Confidence = null).");
        if (!Enum.IsDefined(o.IntervalMethod))
            throw new ArgumentOutOfRangeException(nameof(o.IntervalMethod), o.IntervalMethod, "IntervalMethod must be Conformal or MonteCarloSpread.");
        if (o.IntervalMethod == PredictionIntervalMethod.MonteCarloSpread && (o.Regularization != Regularization.MonteCarloDropout || o.MonteCarloSamples < 2))
            throw new ArgumentException(
                $"IntervalMethod.MonteCarloSpread needs Regularization = MonteCarloDropout and MonteCarloSamples ≥ 2 (got {o.Regularization}, {o.MonteCarloSamples} samples). Use IntervalMethod.Conformal for other regularizers.",
                nameof(o.IntervalMethod));
        if (o.MonteCarloSamples < 1) throw new ArgumentOutOfRangeException(nameof(o.MonteCarloSamples), o.MonteCarloSamples, "MonteCarloSamples must be at least 1.");
        if (o.SeasonalPeriod < 1) throw new ArgumentOutOfRangeException(nameof(o.SeasonalPeriod), o.SeasonalPeriod, "SeasonalPeriod must be at least 1 (1 = naive).");
        if (o.MaxInterpolatedGap < 0) throw new ArgumentOutOfRangeException(nameof(o.MaxInterpolatedGap), o.MaxInterpolatedGap, "MaxInterpolatedGap must be 0 or more.");
        if (!Enum.IsDefined(o.PruningGranularity))
            throw new ArgumentOutOfRangeException(nameof(o.PruningGranularity), o.PruningGranularity, "PruningGranularity must be Weight or Structure.");
        if (o.PruningGranularity == PruningGranularity.Structure && o.Kind == ForecasterKind.DLinear && o.Regularization.UsesPruning())
            throw new ArgumentException(
                "PruningGranularity.Structure is not supported for DLinear: its two linear maps have no units, heads or neurons to remove. Use PruningGranularity.Weight, or an RNN, LSTM, GRU or PatchTST forecaster.",
                nameof(o.PruningGranularity));
        if (o.PruneNormGains && o.Regularization.UsesPruning() && o.Kind != ForecasterKind.PatchTst)
            throw new ArgumentException(
                $"PruneNormGains prunes normalisation gains, and only PatchTST has normalisation layers (BatchNorm); {o.Kind} has none. Set PruneNormGains = false.",
                nameof(o.PruneNormGains));
        if (o.PruneNormGains && o.Regularization.UsesPruning() && o.PruningGranularity == PruningGranularity.Structure)
            throw new ArgumentException(
                "PruneNormGains needs PruningGranularity.Weight: structured pruning removes attention heads and feed-forward neurons, never gains. Set PruneNormGains = false or use PruningGranularity.Weight.",
                nameof(o.PruneNormGains));
        if (o.FeatureColumnNames.Length > 0 && o.Kind is ForecasterKind.PatchTst or ForecasterKind.DLinear)
            throw new ArgumentException(
                $"FeatureColumnNames lists {o.FeatureColumnNames.Length} column(s), but {o.Kind} is channel-independent and accepts no covariates. Leave FeatureColumnNames empty, or use PrunedRnn, PrunedLstm or PrunedGru, which accept covariates.",
                nameof(o.FeatureColumnNames));
        if (!Enum.IsDefined(o.PruningCurve))
            throw new ArgumentOutOfRangeException(nameof(o.PruningCurve), o.PruningCurve, "PruningCurve must be PruningCurve.Paper or PruningCurve.ZhuGupta.");
        // The inner layers use the names of these options, so their errors reach the caller unchanged.
        BuildSpec(o);
        BuildTrainingOptions(o, 0);
    }

    private static string Describe(ForecasterSpec s) => s.Kind == ForecasterKind.PatchTst
        ? $"heads per layer [{string.Join(", ", Enumerable.Range(0, s.NumberOfLayers).Select(i => s.HeadSlotsOf(i).Length))}], feed-forward [{string.Join(", ", Enumerable.Range(0, s.NumberOfLayers).Select(s.FeedForwardOf))}]"
        : $"hidden [{string.Join(", ", Enumerable.Range(0, s.NumberOfLayers).Select(s.HiddenSizeOf))}]";

    private static void CheckShape(SchemaShape schema, string name, string role)
    {
        if (!schema.TryFindColumn(name, out var col))
            throw new ArgumentOutOfRangeException(role, $"{role} column '{name}' was not found in the input. Available columns: {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");
        if (col.Kind != SchemaShape.Column.VectorKind.Scalar || !NumericColumn.IsSupported(col.ItemType))
        {
            string actual = col.Kind == SchemaShape.Column.VectorKind.Scalar ? col.ItemType.ToString()! : $"vector of {col.ItemType}";
            throw new InvalidOperationException(
                $"{role} column '{name}' has type {actual} but a numeric scalar (Single or Double; integers are converted) is expected. Convert it first, e.g. with mlContext.Transforms.Conversion.ConvertType.");
        }
    }

    private sealed class Progress : IProgress<EpochReport>
    {
        private readonly IChannel _ch;
        private readonly IProgress<EpochReport>? _user;
        public Progress(IChannel ch, IProgress<EpochReport>? user) { _ch = ch; _user = user; }
        public void Report(EpochReport r)
        {
            MlNetEnvironment.Info(_ch, $"epoch {r.Epoch}: train loss {r.TrainLoss:G4}, validation loss {(r.ValidationLoss is double v ? v.ToString("G4") : "-")}, target sparsity {r.TargetSparsity:P1}, sparsity {r.GlobalSparsity:P1}");
            _user?.Report(r);
        }
    }
}
