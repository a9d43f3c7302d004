using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Evaluation;
using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Training;
using TorchSharp;

namespace Samples.Study;

/// <summary>
/// The study's real trial runner. Trains every arm with the library's one training loop (<see cref="ForecastTrainer"/>, the
/// same loop the ML.NET estimators wrap) on exactly the rows the <see cref="StudySplit"/> names, and scores the test windows in
/// original units beside the naive forecast of the same windows. Baselines: naive, seasonal naive, DLinear, and ML.NET FastTree
/// regression on the same lookback windows (direct strategy: one model per horizon step; features and label relative to the
/// window's last value, so trees can follow a trending level).
/// </summary>
public sealed class TrainingStudyRunner : IStudyTrialRunner
{
    private const int ForecastsKept = 1000;

    /// <summary>
    /// The libtorch thread count <paramref name="trial"/> runs on: 1 for the baselines without a network (naive, seasonal
    /// naive; FastTree is told to use one thread), else the trainer's rule for the trial's network
    /// (<see cref="ForecastTrainer.DefaultThreads"/>: 2 threads when a step's parallel work reaches 10⁹ multiply-adds, else 1). <see cref="Run"/> trains
    /// <i>and</i> forecasts on exactly this many threads whatever the process's setting, so a trial gives the same bits in
    /// this process, in a worker process, first or after other trials; parallel runs reserve this many cores per trial.
    /// </summary>
    public static int ThreadsFor(StudyTrial trial, StudyDataset data)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(data);
        if (trial.IsBaseline && trial.Method != StudyMethods.DLinear) return 1;
        return ForecastTrainer.DefaultThreads(BuildSpec(trial, CovariateCount(trial, data)), trial.Settings.BatchSize);
    }

    private static int CovariateCount(StudyTrial trial, StudyDataset data) =>
        trial.IsBaseline || trial.Model is "patchtst" ? 0 : data.Covariates.Count;

    /// <inheritdoc />
    public StudyTrialResult Run(StudyTrial trial, StudyDataset data, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var split = data.GetSplit(trial.Lookback, trial.Horizon, trial.Fold);
        var target = data.Target.Select(v => (float)v).ToArray();
        var covariates = CovariateCount(trial, data) == 0 ? Array.Empty<float[]>()
            : data.Covariates.Select(c => data.Series.Covariate(c).Select(v => (float)v).ToArray()).ToArray();
        var imputed = data.Series.Imputed;
        int L = trial.Lookback, H = trial.Horizon;
        var origins = split.TestOrigins.ToArray();

        var watch = Stopwatch.StartNew();
        float[] forecasts; // origins.Length × H
        int epochs = 0;
        double sparsity = 0;
        var layers = new Dictionary<string, double>();
        var history = new List<SparsityPoint>();
        if (trial.IsBaseline && trial.Method != StudyMethods.DLinear)
        {
            forecasts = trial.Method switch
            {
                StudyMethods.Naive => Naive(target, origins, H),
                StudyMethods.SeasonalNaive => SeasonalNaive(target, origins, H, data.SeasonalPeriod),
                StudyMethods.FastTree => FastTree(target, split, origins, L, H, trial.Seed, cancellationToken),
                _ => throw new ArgumentException($"Unknown baseline '{trial.Method}'."),
            };
        }
        else
        {
            var spec = BuildSpec(trial, covariates.Length);
            var options = BuildOptions(trial, split);
            options.NumberOfThreads = ThreadsFor(trial, data);
            var all = new TimeSeriesData(new[] { target }, covariates, null, imputed);
            if (split.ScalerPolicy == StudyScalerPolicy.WholeSeries) options.Scaler = ChannelScaler.Fit(all, all.Length);
            var train = all.Slice(0, split.TrainEnd);
            int validationFrom = Math.Max(0, split.ValidationStart - L);
            var validation = all.Slice(validationFrom, split.ValidationEnd - validationFrom);
            int previousThreads = torch.get_num_threads();
            torch.set_num_threads(options.NumberOfThreads.Value); // the forecasts too, not only the fit
            try
            {
                using var trained = new ForecastTrainer().Fit(() => CreateModule(spec, trial), train, validation, options, null, cancellationToken);
                forecasts = Predict(trained, all, origins, trial);
                epochs = trained.EpochsRun;
                if (trained.PruningSummary is { } p)
                {
                    sparsity = p.GlobalSparsity;
                    foreach (var t in p.PerTensor) layers[t.Name] = t.Sparsity;
                }
                history.AddRange(trained.History.Select(r => new SparsityPoint(r.Epoch, r.GlobalSparsity)));
            }
            finally
            {
                torch.set_num_threads(previousThreads);
            }
        }
        double seconds = watch.Elapsed.TotalSeconds;

        var actuals = origins.Select(t => target.AsSpan(t + 1, H).ToArray()).ToArray();
        var predicted = origins.Select((_, k) => forecasts.AsSpan(k * H, H).ToArray()).ToArray();
        var metrics = ForecastEvaluator.Compute(predicted, actuals);
        var naive = ForecastEvaluator.Compute(origins.Select(t => Enumerable.Repeat(target[t], H).ToArray()).ToArray(), actuals);
        int keepFrom = Math.Max(0, origins.Length - ForecastsKept);
        return new StudyTrialResult
        {
            Mae = metrics.Mae,
            Rmse = metrics.Rmse,
            Mape = metrics.Mape,
            NaiveMae = naive.Mae,
            TrainSeconds = seconds,
            EpochsRun = epochs,
            FinalSparsity = sparsity,
            LayerSparsity = layers,
            SparsityHistory = history,
            TestActual = actuals.Skip(keepFrom).Select(a => a[0]).ToArray(),
            TestForecast = predicted.Skip(keepFrom).Select(f => f[0]).ToArray(),
        };
    }

    /// <summary>
    /// The network of a trained trial: the library's (<see cref="ForecasterFactory.Create"/>), or, when the protocol feeds
    /// the features only (<see cref="StudyTrainingSettings.FeaturesOnlyInput"/>), the authors' LSTM, which applies dropout
    /// at validation too in the MC-dropout arm when <see cref="StudyTrainingSettings.StochasticMcValidation"/> asks for it.
    /// </summary>
    private static ForecastingNetwork CreateModule(ForecasterSpec spec, StudyTrial trial) =>
        trial.Settings.FeaturesOnlyInput && !trial.IsBaseline
            ? new AuthorsLstmForecaster(spec, trial.Method == StudyMethods.McDropout && trial.Settings.StochasticMcValidation, trial.Seed)
            : ForecasterFactory.Create(spec);

    private static ForecasterSpec BuildSpec(StudyTrial trial, int covariates)
    {
        var kind = trial.IsBaseline ? ForecasterKind.DLinear : trial.Model switch
        {
            "rnn" => ForecasterKind.Rnn,
            "lstm" => ForecasterKind.Lstm,
            "gru" => ForecasterKind.Gru,
            "patchtst" => ForecasterKind.PatchTst,
            "dlinear" => ForecasterKind.DLinear,
            _ => throw new ArgumentException($"Unknown model '{trial.Model}'. Use rnn, lstm, gru or patchtst."),
        };
        var s = trial.Settings;
        return new ForecasterSpec
        {
            Kind = kind,
            Lookback = trial.Lookback,
            Horizon = trial.Horizon,
            CovariateChannels = kind is ForecasterKind.PatchTst or ForecasterKind.DLinear ? 0 : covariates,
            DropoutRate = trial.DropoutRate,
            Normalization = kind == ForecasterKind.PatchTst ? s.PatchTstNormalization : s.RecurrentNormalization,
        };
    }

    private static TrainingOptions BuildOptions(StudyTrial trial, StudySplit split)
    {
        var s = trial.Settings;
        var regularization = trial.IsBaseline ? Regularization.None : trial.Method switch
        {
            StudyMethods.None => Regularization.None,
            StudyMethods.Dropout => Regularization.Dropout,
            StudyMethods.McDropout => Regularization.MonteCarloDropout,
            StudyMethods.Pruning or StudyMethods.PruningZhuGupta or StudyMethods.PruningStructured => trial.DropoutRate > 0 ? Regularization.SynapticPruningWithDropout : Regularization.SynapticPruning,
            _ => throw new ArgumentException($"Unknown method '{trial.Method}'."),
        };
        return new TrainingOptions
        {
            MaxEpochs = trial.MaxEpochs,
            BatchSize = s.BatchSize,
            LearningRate = s.LearningRate,
            Patience = s.Patience,
            EarlyStopping = s.EarlyStopping,
            RestoreFrom = s.RestoreBestWeights ? RestoreFrom.AfterWarmup : RestoreFrom.Last,
            Seed = trial.Seed,
            Regularization = regularization,
            DropoutRate = s.DropoutRate,
            MonteCarloSamples = Math.Max(1, s.McSamples),
            Pruning = new PruningOptions
            {
                InitialSparsity = s.InitialSparsity,
                FinalSparsity = s.FinalSparsity,
                WarmupEpochs = Math.Min(s.WarmupEpochs, Math.Max(0, trial.MaxEpochs - 1)),
                PruningInterval = s.PruningInterval,
                PruningCurve = trial.PruningCurve == StudyPruningCurve.ZhuGupta ? SparsityCurve.ZhuGupta : SparsityCurve.Paper,
                PruningGranularity = trial.Method == StudyMethods.PruningStructured ? PruningGranularity.Structure : PruningGranularity.Weight,
                ProgressConvention = s.ScheduleCounting == StudyScheduleCounting.AuthorsZeroBased ? ProgressConvention.AuthorsZeroBased : ProgressConvention.LastEpochReachesFinal,
            },
        };
    }

    /// <summary>
    /// Forecasts of the windows ending at <paramref name="origins"/>: the mean of <see cref="StudyTrial.McSamples"/>
    /// stochastic MC-dropout passes (1 = one pass) seeded from (trial seed, origin) for the MC-dropout arm, deterministic
    /// otherwise. Same seeds and meaning as the ML.NET layer's forecast of the row <c>origin</c>.
    /// </summary>
    internal static float[] Predict(TrainedForecaster model, TimeSeriesData all, int[] origins, StudyTrial trial)
    {
        int L = model.Lookback, H = model.Horizon, W = model.InputChannels;
        var windows = new float[(long)origins.Length * L * W];
        all.CopyWindows(origins.Select(t => t - L + 1).ToArray(), L, windows);   // origin t = the window's last row
        var result = new float[(long)origins.Length * H];
        if (trial.McSamples > 0 && trial.DropoutRate > 0)
        {
            // One generator per window seeded from (trial seed, origin): independent of batching.
            for (int k = 0; k < origins.Length; k++)
                model.PredictMonteCarlo(windows.AsSpan(k * L * W, L * W), 1, result.AsSpan(k * H, H), trial.McSamples, trial.Seed, origins[k]);
        }
        else
        {
            model.PredictBatch(windows, origins.Length, result);
        }
        return result;
    }

    private static float[] Naive(float[] y, int[] origins, int H)
    {
        var f = new float[origins.Length * H];
        for (int k = 0; k < origins.Length; k++) f.AsSpan(k * H, H).Fill(y[origins[k]]);
        return f;
    }

    private static float[] SeasonalNaive(float[] y, int[] origins, int H, int period)
    {
        var f = new float[origins.Length * H];
        for (int k = 0; k < origins.Length; k++)
            for (int h = 0; h < H; h++)
            {
                int source = origins[k] + 1 + h - period * (1 + h / period);
                f[k * H + h] = source >= 0 ? y[source] : y[origins[k]];
            }
        return f;
    }

    private sealed class WindowRow
    {
        [VectorType] public float[] Features { get; set; } = Array.Empty<float>();
        public float Label { get; set; }
    }

    private static float[] FastTree(float[] y, StudySplit split, int[] origins, int L, int H, int seed, CancellationToken ct)
    {
        var ml = new MLContext(seed: seed);
        var trainOrigins = split.TrainOrigins.Concat(split.ValidationIsTest ? Array.Empty<int>() : split.ValidationOrigins).Distinct().OrderBy(t => t).ToArray();
        float[] Features(int t)
        {
            var x = new float[L];
            for (int r = 0; r < L; r++) x[r] = y[t - L + 1 + r] - y[t];
            return x;
        }
        var schema = SchemaDefinition.Create(typeof(WindowRow));
        schema[nameof(WindowRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, L);
        var forecasts = new float[origins.Length * H];
        var testFeatures = origins.Select(t => new WindowRow { Features = Features(t) }).ToArray();
        var testView = ml.Data.LoadFromEnumerable(testFeatures, schema);
        for (int h = 0; h < H; h++)
        {
            ct.ThrowIfCancellationRequested();
            var rows = trainOrigins.Where(t => t + 1 + h < split.TrainEnd || split.ValidationIsTest == false && t + 1 + h < split.ValidationEnd)
                .Select(t => new WindowRow { Features = Features(t), Label = y[t + 1 + h] - y[t] }).ToArray();
            var trainer = ml.Regression.Trainers.FastTree(new Microsoft.ML.Trainers.FastTree.FastTreeRegressionTrainer.Options
            {
                NumberOfTrees = 100, NumberOfLeaves = 16, MinimumExampleCountPerLeaf = Math.Max(2, Math.Min(20, rows.Length / 20)),
                NumberOfThreads = 1, FeatureColumnName = nameof(WindowRow.Features), LabelColumnName = nameof(WindowRow.Label),
            });
            var model = trainer.Fit(ml.Data.LoadFromEnumerable(rows, schema));
            var scores = model.Transform(testView).GetColumn<float>("Score").ToArray();
            for (int k = 0; k < origins.Length; k++) forecasts[k * H + h] = y[origins[k]] + scores[k];
        }
        return forecasts;
    }
}
