using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.Runtime;
using Microsoft.ML.SynapticPruning.Evaluation;
using Microsoft.ML.SynapticPruning.MLNet.Internals;
using Microsoft.ML.SynapticPruning.Sweeps;
using Microsoft.ML.SynapticPruning.Training;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// Runs forecasting trials: maps a <see cref="Configuration"/> to the options class of its model
/// (<see cref="CreateOptions"/>) and scores it by rolling-origin cross-validation on one time-ordered series.
/// </summary>
/// <remarks>
/// <para><b>Protocol.</b> The folds come from <see cref="RollingOriginSplitter"/> (the first fold trains on at least
/// <see cref="ForecastingSweepOptions.MinTrainFraction"/> of the rows; the same folds for every trial). For each fold the
/// estimator is fitted on rows [0, TrainEnd) only — its own validation tail (the last 10 % of those windows) drives
/// early stopping — then the fitted model forecasts over rows [0, TestEnd) and only windows whose targets all lie in
/// [TestStart, TestEnd) are scored (<c>Evaluate(..., firstScoredRow: TestStart)</c>). Nothing is shuffled and no row
/// at or after TestEnd is read for the fold. The objective is the mean of <see cref="ForecastingSweepOptions.Metric"/>
/// over the folds; the metrics "mae", "rmse", "smape", "mase" (fold means) and "sparsity" (mean final global sparsity)
/// are reported too.</para>
/// <para><b>Epoch budget.</b> A trial trains <see cref="TrialRequest.EpochBudget"/> epochs of a schedule whose length is
/// <see cref="TrialRequest.MaxEpochs"/> (T): pruning and learning-rate schedules use T, a rung stops early. The runner
/// keeps, in memory, the resume state of every fold of its most recent truncated trials (weights, masks, Adam state,
/// generators, early-stopping state; at most 64 trials, the least recently stored evicted first). A
/// promoted trial (<see cref="TrialRequest.ResumeFromTrialId"/>) whose lower-rung trial this runner holds continues each
/// fold from that state (the fold boundaries do not depend on the budget) and the state is released; otherwise — another
/// worker process ran the lower rung, the sweep was resumed from its results file, the state was evicted, or the lower
/// rung's fold stopped early — the fold is retrained from scratch. Training is deterministic per seed, so both give
/// bit-identical results; resuming only saves the lower rung's epochs. Prediction intervals are off during trials
/// (<see cref="PrunedForecasterOptions.Confidence"/> = null).</para>
/// <para><b>Lag-window models.</b> A configuration whose model is naive, seasonal-naive, fasttree or lightgbm
/// (<see cref="IsLagWindow"/>) is fitted with <see cref="LagWindowForecastingEstimator"/> (<see cref="CreateLagWindowOptions"/>)
/// on the same folds and scored the same way; it has no epochs, so its result does not depend on the epoch budget.</para>
/// <para><b>Data identity.</b> <see cref="Data"/>'s SHA-256 covers the series' bytes (label and covariates as
/// little-endian float32, row by row) <i>and</i> the evaluation protocol (columns, horizon, folds, metric, …), because
/// trial ids are built from it and a stored result may only be reused for the same data scored the same way. A trial
/// whose data reference differs from this runner's is refused (<see cref="InvalidDataException"/>).</para>
/// </remarks>
public sealed class ForecastingTrialRunner : ITrialRunner, IDisposable
{
    private readonly IHostEnvironment _env;
    private readonly IDataView _data;
    private readonly ForecastingSweepOptions _options;
    private readonly object _resumeLock = new();
    private readonly LinkedList<(string TrialId, int Rung, int EpochBudget, TrainingResumeState?[] Folds)> _resumeStates = new();
    private long _epochsTrained;
    private int _resumedFolds;
    private bool _disposed;

    /// <summary>Creates a runner over <paramref name="data"/> (time-ordered rows) with the sweep's settings.</summary>
    /// <param name="mlContext">The context trials are fitted in (its log receives the estimator's messages).</param>
    /// <param name="data">The series the sweep runs on.</param>
    /// <param name="options">The sweep's settings (label, covariates, horizon, folds, metric, …).</param>
    /// <param name="dataName">Informative name of the data (a bundled dataset name, a file path, …).</param>
    /// <exception cref="ArgumentException">Invalid options, or missing/non-numeric columns.</exception>
    public ForecastingTrialRunner(MLContext mlContext, IDataView data, ForecastingSweepOptions options, string dataName = "in-memory")
        : this((IHostEnvironment)(mlContext ?? throw new ArgumentNullException(nameof(mlContext))), data, options, dataName)
    {
    }

    internal ForecastingTrialRunner(IHostEnvironment env, IDataView data, ForecastingSweepOptions options, string dataName)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(dataName);
        options.Validate();
        _env = env;
        _data = data;
        _options = options;
        (RowCount, Data) = Describe(data, options, dataName);
        CheckMissingValues(data, options);
    }

    /// <summary>Rows in the series.</summary>
    public int RowCount { get; }

    /// <summary>The data reference trials must carry: name and SHA-256 of the series and protocol (see remarks).</summary>
    public DataReference Data { get; }

    /// <summary>Called after every scored fold (on the trial's thread). For diagnostics and tests.</summary>
    public Action<ForecastingFoldEvaluation>? FoldEvaluated { get; set; }

    /// <summary>
    /// Keep the resume states of truncated trials and continue promoted trials from them (default true). Off = every trial
    /// trains from scratch (same results, more epochs). For tests and diagnostics.
    /// </summary>
    internal bool ResumeEnabled { get; set; } = true;

    /// <summary>
    /// Releases the resume states held for promotions (native memory). The runner stays usable: later trials train from
    /// scratch and keep no state.
    /// </summary>
    public void Dispose()
    {
        List<TrainingResumeState?[]> held;
        lock (_resumeLock)
        {
            _disposed = true;
            held = _resumeStates.Select(e => e.Folds).ToList();
            _resumeStates.Clear();
        }
        foreach (var states in held) Release(states);
    }

    /// <summary>Truncated trials whose resume states are kept in memory (the least recently stored are evicted and disposed). Default 64.</summary>
    internal int ResumeCapacity { get; set; } = 64;

    /// <summary>Epochs actually trained by this runner over all folds of all trials (resumed epochs not counted).</summary>
    internal long EpochsTrained => Interlocked.Read(ref _epochsTrained);

    /// <summary>Folds that continued from a lower rung's resume state.</summary>
    internal int ResumedFolds => Volatile.Read(ref _resumedFolds);

    /// <summary>Trials whose resume states are held now.</summary>
    internal int HeldResumeStates
    {
        get { lock (_resumeLock) return _resumeStates.Count; }
    }

    /// <summary>The rolling-origin folds for a configuration of lookback <paramref name="lookback"/> (the boundaries do not depend on it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The series is too short for the folds, the horizon and this lookback.</exception>
    public IReadOnlyList<TimeSeriesFold> GetFolds(int lookback)
    {
        int minTrain = Math.Max(1, (int)Math.Floor(RowCount * _options.MinTrainFraction));
        return RollingOriginSplitter.Split(RowCount, _options.Folds, _options.Horizon, lookback, minTrain);
    }

    /// <inheritdoc/>
    public TrialResult Run(TrialRequest trial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.Data.Sha256 != Data.Sha256)
            throw new InvalidDataException(
                $"Trial {trial.TrialId} expects data '{trial.Data.Name}' with SHA-256 {trial.Data.Sha256}, but this runner holds '{Data.Name}' with SHA-256 {Data.Sha256} " +
                "(series bytes and evaluation protocol); the worker must see the same data and sweep options as the submitter.");
        cancellationToken.ThrowIfCancellationRequested();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        if (IsLagWindow(trial.Configuration))
            return RunLagWindowFolds(trial, watch, cancellationToken);
        var options = CreateOptions(trial.Configuration, _options, trial.MaxEpochs, trial.Seed);
        // The whole trial (every fold's fit, forecasts and scores) runs on the thread count the trainer's rule gives, whatever
        // the process's setting: a trial's result does not depend on where, or after what, it runs.
        int threads = options.NumberOfThreads ?? ThreadsFor(trial.Configuration, _options);
        options.NumberOfThreads = threads;
        options.Confidence = null;
        options.CancellationToken = cancellationToken;
        var folds = GetFolds(options.Lookback);
        bool resumeEnabled;
        lock (_resumeLock) resumeEnabled = ResumeEnabled && !_disposed;
        bool capture = resumeEnabled && trial.EpochBudget < trial.MaxEpochs;
        // Owned by this call from here on: released when the trial ends, whatever happens (a retry trains from scratch).
        var resumeFrom = resumeEnabled && trial.ResumeFromTrialId is not null ? TakeResumeStates(trial) : null;
        var captured = capture ? new TrainingResumeState?[folds.Count] : null;
        int previousThreads = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(threads);
        try
        {
            var result = RunFolds(trial, options, folds, resumeFrom is { } r && r.Length == folds.Count ? r : null, captured, watch, cancellationToken);
            if (captured is not null && result.Status == TrialStatus.Succeeded)
            {
                StoreResumeStates(trial, captured);
                captured = null;
            }
            return result;
        }
        finally
        {
            TorchSharp.torch.set_num_threads(previousThreads);
            Release(resumeFrom);
            Release(captured);
        }
    }

    private TrialResult RunFolds(TrialRequest trial, PrunedForecasterOptions options, IReadOnlyList<TimeSeriesFold> folds,
        TrainingResumeState?[]? resumeFrom, TrainingResumeState?[]? captured, System.Diagnostics.Stopwatch watch, CancellationToken cancellationToken)
    {
        double mae = 0, rmse = 0, smape = 0, mase = 0, sparsity = 0;
        int epochsRun = 0;
        for (int f = 0; f < folds.Count; f++)
        {
            var fold = folds[f];
            cancellationToken.ThrowIfCancellationRequested();
            IDataView trainView = Take(fold.TrainEnd);
            IDataView forecastView = Take(fold.TestEnd);
            var from = resumeFrom?[f] is { IsDisposed: false } state && state.Epoch <= trial.EpochBudget ? state : null;
            int slot = f;
            var control = new SweepTrialControl
            {
                StopAfterEpochs = trial.EpochBudget < trial.MaxEpochs ? trial.EpochBudget : null,
                ResumeFrom = from,
                ResumeStateCaptured = captured is null ? null : s => captured[slot] = s,
            };
            var estimator = new PrunedForecastingEstimator(_env, options, control);
            using var model = estimator.Fit(trainView);
            Interlocked.Add(ref _epochsTrained, model.Info.EpochsRun - (from?.Epoch ?? 0));
            if (from is not null) Interlocked.Increment(ref _resumedFolds);
            var metrics = ScoreFold(trial, fold, model, trainView, forecastView, options.LabelColumnName, options.OutputColumnName);
            mae += metrics.Mae;
            rmse += metrics.Rmse;
            smape += metrics.Smape;
            mase += metrics.Mase;
            sparsity += model.GlobalSparsity;
            epochsRun = Math.Max(epochsRun, model.Info.EpochsRun);
        }
        return Summarize(trial, folds.Count, mae, rmse, smape, mase, sparsity, epochsRun, watch);
    }

    // A lag-window trial (naive, seasonal naive, FastTree, LightGbm): the same folds and scores as a network's, no epochs —
    // its result does not depend on the rung's epoch budget (it reports the budget as its epochs).
    private TrialResult RunLagWindowFolds(TrialRequest trial, System.Diagnostics.Stopwatch watch, CancellationToken cancellationToken)
    {
        var options = CreateLagWindowOptions(trial.Configuration, _options, trial.Seed);
        options.CancellationToken = cancellationToken;
        var folds = GetFolds(options.EffectiveLookback);
        double mae = 0, rmse = 0, smape = 0, mase = 0;
        foreach (var fold in folds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IDataView trainView = Take(fold.TrainEnd);
            IDataView forecastView = Take(fold.TestEnd);
            using var model = new LagWindowForecastingEstimator(_env, options).Fit(trainView);
            var metrics = ScoreFold(trial, fold, model, trainView, forecastView, options.LabelColumnName, options.OutputColumnName);
            mae += metrics.Mae;
            rmse += metrics.Rmse;
            smape += metrics.Smape;
            mase += metrics.Mase;
        }
        return Summarize(trial, folds.Count, mae, rmse, smape, mase, 0, trial.EpochBudget, watch);
    }

    /// <summary>Scores one fold's fitted model on the fold's test rows and reports it to <see cref="FoldEvaluated"/>.</summary>
    private ForecastMetrics ScoreFold(TrialRequest trial, TimeSeriesFold fold, ITransformer model, IDataView trainView, IDataView forecastView,
        string labelColumnName, string outputColumnName)
    {
        var metrics = DataViewForecastEvaluator.Evaluate(model.Transform(forecastView), labelColumnName, outputColumnName, null, fold.TestStart);
        if (metrics.WindowCount == 0)
            throw new InvalidOperationException($"Fold {fold.Index} scored no window (test rows [{fold.TestStart}, {fold.TestEnd}), horizon {_options.Horizon}).");
        FoldEvaluated?.Invoke(new ForecastingFoldEvaluation(trial.TrialId, fold, CountRows(trainView), CountRows(forecastView), fold.TestStart, metrics));
        return metrics;
    }

    private TrialResult Summarize(TrialRequest trial, int k, double mae, double rmse, double smape, double mase, double sparsity, int epochsRun, System.Diagnostics.Stopwatch watch)
    {
        var means = new Dictionary<string, double>
        {
            ["mae"] = mae / k, ["rmse"] = rmse / k, ["smape"] = smape / k, ["mase"] = mase / k, ["sparsity"] = sparsity / k,
        };
        double objective = _options.Metric switch
        {
            ForecastingMetric.Mae => means["mae"],
            ForecastingMetric.Rmse => means["rmse"],
            ForecastingMetric.Mase => means["mase"],
            _ => means["smape"],
        };
        if (!double.IsFinite(objective))
            return TrialResult.Failed(trial.TrialId, $"The objective ({_options.Metric}) is {objective} (e.g. a MASE scale of 0 or NaN forecasts).", watch.Elapsed.TotalSeconds);
        return TrialResult.Succeeded(trial.TrialId, objective, means, epochsRun, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The libtorch thread count a trial of <paramref name="configuration"/> runs on: the trainer's rule
    /// (<see cref="ForecastTrainer.DefaultThreads"/>: 2 threads when a step's parallel work reaches 10⁹ multiply-adds, else 1) for the network the
    /// configuration describes. <see cref="Run"/> runs the whole trial on it; a scheduler running trials in parallel reserves
    /// this many cores per trial (<see cref="ProcessTrialScheduler.ThreadsPerTrial"/>). 1 for a configuration that does not
    /// describe a valid network (the trial itself then fails with the reason).
    /// </summary>
    public static int ThreadsFor(Configuration configuration, ForecastingSweepOptions sweep)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(sweep);
        if (IsLagWindow(configuration)) return 1; // the trees are fitted on one thread; the naive models need none
        try
        {
            var o = CreateOptions(configuration, sweep, maxEpochs: 1, seed: 0);
            if (o.NumberOfThreads is { } fixedThreads) return fixedThreads;
            return ForecastTrainer.DefaultThreads(PrunedForecastingEstimator.BuildSpec(o), o.BatchSize);
        }
        catch (ArgumentException)
        {
            return 1;
        }
    }

    /// <summary>
    /// Maps a configuration to the options class of its model (parameter names of <see cref="ForecastingSearchSpace"/>):
    /// model rnn/lstm/gru/patchtst/dlinear → <see cref="PrunedRnnOptions"/>/<see cref="PrunedLstmOptions"/>/<see cref="PrunedGruOptions"/>/
    /// <see cref="PrunedPatchTstOptions"/>/<see cref="PrunedDLinearOptions"/>; regularization none/dropout/mc-dropout/pruning →
    /// <see cref="Regularization"/> None/Dropout/MonteCarloDropout/SynapticPruning; dropout → DropoutRate;
    /// pruning_initial_sparsity/pruning_final_sparsity/pruning_warmup_epochs/pruning_interval → InitialSparsity/FinalSparsity/
    /// WarmupEpochs (at most <paramref name="maxEpochs"/> − 1, so pruning can start)/PruningInterval; lookback; hidden_size and
    /// layers (recurrent); layers, d_model, heads (PatchTST encoder); learning_rate; batch_size. Absent parameters keep the
    /// options class's defaults (the model defaults to lstm). Label, covariates (recurrent models only), time column,
    /// horizon, seasonal period and normalisation come from <paramref name="sweep"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown model or regularization value.</exception>
    public static PrunedForecasterOptions CreateOptions(Configuration configuration, ForecastingSweepOptions sweep, int maxEpochs, int seed)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(sweep);
        if (maxEpochs < 1)
            throw new ArgumentOutOfRangeException(nameof(maxEpochs), maxEpochs, "maxEpochs must be at least 1.");
        string model = configuration.GetStringOrDefault(ForecastingSearchSpace.Model, "lstm")!;
        PrunedForecasterOptions o = model switch
        {
            "rnn" => new PrunedRnnOptions(),
            "lstm" => new PrunedLstmOptions(),
            "gru" => new PrunedGruOptions(),
            "patchtst" => new PrunedPatchTstOptions(),
            "dlinear" => new PrunedDLinearOptions(),
            _ => throw new ArgumentException(
                $"Configuration parameter '{ForecastingSearchSpace.Model}' = '{model}' is not a model; use one of {string.Join(", ", ForecastingSearchSpace.Models)}.", nameof(configuration)),
        };
        o.LabelColumnName = sweep.LabelColumnName;
        o.TimeColumnName = sweep.TimeColumnName;
        o.Horizon = sweep.Horizon;
        o.SeasonalPeriod = sweep.SeasonalPeriod;
        o.Normalization = sweep.Normalization;
        o.MissingValues = sweep.MissingValues;
        o.MaxInterpolatedGap = sweep.MaxInterpolatedGap;
        o.MaxEpochs = maxEpochs;
        o.Seed = seed;

        if (configuration.GetStringOrDefault(ForecastingSearchSpace.Regularization, null) is { } regularization)
        {
            o.Regularization = regularization switch
            {
                "none" => Regularization.None,
                "dropout" => Regularization.Dropout,
                "mc-dropout" => Regularization.MonteCarloDropout,
                "pruning" => Regularization.SynapticPruning,
                _ => throw new ArgumentException(
                    $"Configuration parameter '{ForecastingSearchSpace.Regularization}' = '{regularization}' is not a regularization; use one of {string.Join(", ", ForecastingSearchSpace.Regularizations)}.", nameof(configuration)),
            };
        }
        o.DropoutRate = configuration.GetDoubleOrDefault(ForecastingSearchSpace.Dropout, o.DropoutRate);
        o.InitialSparsity = configuration.GetDoubleOrDefault(ForecastingSearchSpace.PruningInitialSparsity, o.InitialSparsity);
        o.FinalSparsity = configuration.GetDoubleOrDefault(ForecastingSearchSpace.PruningFinalSparsity, o.FinalSparsity);
        o.WarmupEpochs = Math.Min(configuration.GetIntOrDefault(ForecastingSearchSpace.PruningWarmupEpochs, o.WarmupEpochs), maxEpochs - 1);
        o.PruningInterval = configuration.GetIntOrDefault(ForecastingSearchSpace.PruningInterval, o.PruningInterval);
        o.PruningGranularity = configuration.GetStringOrDefault(ForecastingSearchSpace.PruningGranularity, "weight") == "structure"
            ? PruningGranularity.Structure : PruningGranularity.Weight;
        o.Lookback = configuration.GetIntOrDefault(ForecastingSearchSpace.Lookback, o.Lookback);
        o.LearningRate = configuration.GetDoubleOrDefault(ForecastingSearchSpace.LearningRate, o.LearningRate);
        o.BatchSize = configuration.GetIntOrDefault(ForecastingSearchSpace.BatchSize, o.BatchSize);
        switch (o)
        {
            case PrunedRecurrentOptions r:
                r.FeatureColumnNames = sweep.FeatureColumnNames.ToArray();
                r.HiddenSize = configuration.GetIntOrDefault(ForecastingSearchSpace.HiddenSize, r.HiddenSize);
                r.NumberOfLayers = configuration.GetIntOrDefault(ForecastingSearchSpace.Layers, r.NumberOfLayers);
                break;
            case PrunedPatchTstOptions p:
                p.ModelDimension = configuration.GetIntOrDefault(ForecastingSearchSpace.DModel, p.ModelDimension);
                p.NumberOfHeads = configuration.GetIntOrDefault(ForecastingSearchSpace.Heads, p.NumberOfHeads);
                p.NumberOfLayers = configuration.GetIntOrDefault(ForecastingSearchSpace.Layers, p.NumberOfLayers);
                break;
        }
        return o;
    }

    /// <summary>
    /// Whether <paramref name="configuration"/> names a lag-window model (<c>model</c> ∈ {naive, seasonal-naive, fasttree,
    /// lightgbm}); those trials are fitted with <see cref="CreateLagWindowOptions"/> instead of <see cref="CreateOptions"/>.
    /// </summary>
    public static bool IsLagWindow(Configuration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return ForecastingSearchSpace.LagWindowModels.Contains(configuration.GetStringOrDefault(ForecastingSearchSpace.Model, "lstm")!);
    }

    /// <summary>
    /// Maps a lag-window configuration to <see cref="LagWindowForecasterOptions"/>: model naive/seasonal-naive/fasttree/lightgbm →
    /// <see cref="LagWindowForecasterOptions.Kind"/> Naive/SeasonalNaive/FastTree/LightGbm; lookback → Lookback (the lags of
    /// the trees); trees, leaves, tree_learning_rate → NumberOfTrees, NumberOfLeaves, LearningRate. Label, covariates (trees
    /// only), time column, horizon and seasonal period (the seasonal-naive season) come from <paramref name="sweep"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The configuration's model is not a lag-window model.</exception>
    public static LagWindowForecasterOptions CreateLagWindowOptions(Configuration configuration, ForecastingSweepOptions sweep, int seed)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(sweep);
        string model = configuration.GetStringOrDefault(ForecastingSearchSpace.Model, "lstm")!;
        var o = new LagWindowForecasterOptions
        {
            Kind = model switch
            {
                "naive" => ForecasterKind.Naive,
                "seasonal-naive" => ForecasterKind.SeasonalNaive,
                "fasttree" => ForecasterKind.FastTree,
                "lightgbm" => ForecasterKind.LightGbm,
                _ => throw new ArgumentException(
                    $"Configuration parameter '{ForecastingSearchSpace.Model}' = '{model}' is not a lag-window model; use one of {string.Join(", ", ForecastingSearchSpace.LagWindowModels)}.", nameof(configuration)),
            },
            LabelColumnName = sweep.LabelColumnName,
            FeatureColumnNames = sweep.FeatureColumnNames.ToArray(),
            TimeColumnName = sweep.TimeColumnName,
            Horizon = sweep.Horizon,
            SeasonalPeriod = sweep.SeasonalPeriod,
            MissingValues = sweep.MissingValues,
            MaxInterpolatedGap = sweep.MaxInterpolatedGap,
            Seed = seed,
        };
        o.Lookback = configuration.GetIntOrDefault(ForecastingSearchSpace.Lookback, o.Lookback);
        o.NumberOfTrees = configuration.GetIntOrDefault(ForecastingSearchSpace.Trees, o.NumberOfTrees);
        o.NumberOfLeaves = configuration.GetIntOrDefault(ForecastingSearchSpace.Leaves, o.NumberOfLeaves);
        o.LearningRate = configuration.GetDoubleOrDefault(ForecastingSearchSpace.TreeLearningRate, o.LearningRate);
        o.Validate();
        return o;
    }

    // The states of the lower-rung trial a promotion names, now owned by the caller; null when not held, or when the named
    // trial is not this trial's configuration, seed and schedule at a lower rung (then it is left alone).
    private TrainingResumeState?[]? TakeResumeStates(TrialRequest promoted)
    {
        lock (_resumeLock)
        {
            for (var node = _resumeStates.First; node is not null; node = node.Next)
            {
                var (id, rung, budget, folds) = node.Value;
                if (id != promoted.ResumeFromTrialId) continue;
                if (budget > promoted.EpochBudget
                    || TrialRequest.ComputeTrialId(promoted.Configuration, promoted.Seed, rung, budget, promoted.MaxEpochs, promoted.Data.Sha256) != id)
                    return null;
                _resumeStates.Remove(node);
                return folds;
            }
        }
        return null;
    }

    private void StoreResumeStates(TrialRequest trial, TrainingResumeState?[] folds)
    {
        string trialId = trial.TrialId;
        var evicted = new List<TrainingResumeState?[]>();
        lock (_resumeLock)
        {
            if (_disposed)
            {
                Release(folds);
                return;
            }
            for (var node = _resumeStates.First; node is not null; node = node.Next)
            {
                if (node.Value.TrialId != trialId) continue;
                _resumeStates.Remove(node);
                evicted.Add(node.Value.Folds);
                break;
            }
            _resumeStates.AddLast((trialId, trial.Rung, trial.EpochBudget, folds));
            while (_resumeStates.Count > ResumeCapacity)
            {
                evicted.Add(_resumeStates.First!.Value.Folds);
                _resumeStates.RemoveFirst();
            }
        }
        foreach (var states in evicted) Release(states);
    }

    private static void Release(TrainingResumeState?[]? states)
    {
        if (states is null) return;
        foreach (var s in states) s?.Dispose();
    }

    /// <summary>
    /// Refuses, before any trial, data that every trial would refuse: a missing value under
    /// <see cref="MissingValuePolicy.Error"/>, or a gap longer than <see cref="ForecastingSweepOptions.MaxInterpolatedGap"/>.
    /// </summary>
    private static void CheckMissingValues(IDataView data, ForecastingSweepOptions o) =>
        SeriesReader.Read(data, o.LabelColumnName, o.FeatureColumnNames, o.TimeColumnName, o.MissingValues, o.MaxInterpolatedGap, "sweep",
            optionsName: "ForecastingSweepOptions (every trial and the refit use them)");

    private IDataView Take(int rows) => MlNetEnvironment.TakeRows(_env, _data, rows);

    private static long CountRows(IDataView view)
    {
        long n = 0;
        using var cursor = view.GetRowCursor(Array.Empty<DataViewSchema.Column>());
        while (cursor.MoveNext()) n++;
        return n;
    }

    private static (int Rows, DataReference Reference) Describe(IDataView data, ForecastingSweepOptions o, string name)
    {
        var columns = new List<DataViewSchema.Column> { NumericColumn.Require(data.Schema, o.LabelColumnName, "Label") };
        columns.AddRange(o.FeatureColumnNames.Select(f => NumericColumn.Require(data.Schema, f, "Feature")));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var inv = CultureInfo.InvariantCulture;
        string protocol = string.Join("\n",
            "synaptic-pruning forecasting sweep data v1",
            "label=" + o.LabelColumnName,
            "features=" + string.Join(",", o.FeatureColumnNames),
            "time=" + (o.TimeColumnName ?? ""),
            "horizon=" + o.Horizon.ToString(inv),
            "seasonal_period=" + o.SeasonalPeriod.ToString(inv),
            "metric=" + o.Metric,
            "folds=" + o.Folds.ToString(inv),
            "min_train_fraction=" + o.MinTrainFraction.ToString("R", inv),
            "normalization=" + (o.Normalization?.ToString() ?? "default"),
            "");
        hash.AppendData(Encoding.UTF8.GetBytes(protocol));
        int rows = 0;
        bool missing = false;
        var buffer = new byte[4 * columns.Count];
        using (var cursor = data.GetRowCursor(columns))
        {
            var getters = columns.Select(c => NumericColumn.CreateGetter(cursor, c)).ToArray();
            while (cursor.MoveNext())
            {
                for (int c = 0; c < getters.Length; c++)
                {
                    float v = getters[c]();
                    missing |= float.IsNaN(v);
                    System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * c), v);
                }
                hash.AppendData(buffer);
                rows++;
            }
        }
        // The missing-value policy changes results only when a value is missing; data without one keeps the reference
        // (and trial ids) it had before the policy became a sweep option.
        if (missing)
            hash.AppendData(Encoding.UTF8.GetBytes($"missing={o.MissingValues};max_gap={o.MaxInterpolatedGap.ToString(inv)}\n"));
        if (rows == 0)
            throw new ArgumentException("The sweep data has no rows.", nameof(data));
        return (rows, new DataReference(name, Convert.ToHexStringLower(hash.GetHashAndReset())));
    }
}
