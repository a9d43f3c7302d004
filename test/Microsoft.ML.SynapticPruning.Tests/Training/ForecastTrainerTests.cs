using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.ML.SynapticPruning.Tests.Training.TrainingTestData;

namespace Microsoft.ML.SynapticPruning.Tests.Training;

[Collection("Torch")]
public class ForecastTrainerTests
{
    private static readonly ForecastTrainer Trainer = new();
    private readonly ITestOutputHelper _output;

    public ForecastTrainerTests(ITestOutputHelper output) => _output = output;

    private static float[] ParameterValues(ForecastingNetwork module)
        => module.parameters().SelectMany(p => p.detach().contiguous().data<float>().ToArray()).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void LstmLearnsNoisySineBetterThanNaive(int horizon)
    {
        const int lookback = 24;
        var series = NoisySine(600, noise: 0.1, seed: 11);
        var train = TimeSeriesData.Univariate(series[..480]);
        var options = new TrainingOptions
        {
            MaxEpochs = 8,
            BatchSize = 32,
            LearningRate = 1e-2,
            Seed = 3,
            Pruning = new PruningOptions { WarmupEpochs = 2 },
        };
        using var model = Trainer.Fit(() => new TestLstmForecaster(Spec(lookback, horizon, hidden: 24)), train, null, options);

        // Test windows: targets in rows 480..599, history may reach back into the training rows.
        var all = TimeSeriesData.Univariate(series);
        int first = 480 - lookback, count = all.WindowCount(lookback, horizon) - first;
        var residuals = model.Residuals(all, first, count);
        double mae = residuals.Values.Average(v => Math.Abs(v));
        double naive = 0;
        for (int k = 0; k < count; k++)
        {
            float last = series[first + k + lookback - 1];
            for (int h = 0; h < horizon; h++) naive += Math.Abs(series[first + k + lookback + h] - last);
        }
        naive /= count * horizon;
        _output.WriteLine($"H={horizon}: MAE {mae:F4}, naive {naive:F4}, epochs {model.EpochsRun}, best {model.BestEpoch}, sparsity {model.PruningSummary?.GlobalSparsity:F3}, {model.TrainSeconds:F2} s");
        Assert.True(mae < 0.75 * naive, $"H={horizon}: model MAE {mae:F4} vs naive {naive:F4}");
        Assert.NotNull(model.PruningSummary);
        Assert.True(model.PruningSummary!.GlobalSparsity >= 0.3 - 1e-9, $"sparsity {model.PruningSummary.GlobalSparsity}");
        Assert.True(model.BestEpoch >= 2);
    }

    [Fact]
    public void SameSeedGivesIdenticalWeightsAndForecastsDifferentSeedsDiffer()
    {
        var series = NoisySine(300, seed: 5);
        var train = TimeSeriesData.Univariate(series);
        TrainedForecaster Run(int seed) => Trainer.Fit(() => new TestMlpForecaster(Spec(16, 2, hidden: 16, dropout: 0.2)), train, null,
            new TrainingOptions { MaxEpochs = 3, BatchSize = 32, Seed = seed, Regularization = Regularization.SynapticPruningWithDropout, Pruning = new PruningOptions { WarmupEpochs = 1 } });
        using var a = Run(7);
        using var b = Run(7);
        using var c = Run(8);
        var windows = Windows(series, 16, 200, 50);
        var fa = new float[100]; var fb = new float[100]; var fc = new float[100];
        a.PredictBatch(windows, 50, fa);
        b.PredictBatch(windows, 50, fb);
        c.PredictBatch(windows, 50, fc);
        Assert.Equal(ParameterValues(a.Module), ParameterValues(b.Module));
        Assert.Equal(fa, fb);
        Assert.Equal(a.PruningSummary!.Masks["fc1.weight"], b.PruningSummary!.Masks["fc1.weight"]);
        Assert.NotEqual(ParameterValues(a.Module), ParameterValues(c.Module));
        Assert.NotEqual(fa, fc);
    }

    [Fact]
    public void UpdateCounterRunsAcrossEpochBoundaries()
    {
        // 4 batches per epoch (no validation, 4 × 16 windows), interval 5: pruning happens at steps 5, 10, 15.
        const int lookback = 8, horizon = 1, windows = 64;
        var train = TimeSeriesData.Univariate(NoisySine(windows + lookback + horizon - 1));
        var options = new TrainingOptions
        {
            MaxEpochs = 4, BatchSize = 16, ValidationFraction = 0, Seed = 1,
            Pruning = new PruningOptions { WarmupEpochs = 1, PruningInterval = 5, InitialSparsity = 0.2, FinalSparsity = 0.5 },
        };
        using var model = Trainer.Fit(() => new TestMlpForecaster(Spec(lookback, horizon, hidden: 8)), train, null, options);
        var history = model.PruningSummary!.History;
        Assert.Equal(new long[] { 5, 10, 15 }, history.Select(h => h.Step).ToArray());
        Assert.Equal(new[] { 1, 2, 3 }, history.Select(h => h.Epoch).ToArray());
        Assert.Equal(0.5, model.PruningSummary.GlobalSparsity, 2);
        Assert.Equal(4, model.EpochsRun);
        Assert.Equal(0.5, model.History[^1].TargetSparsity, 12);
    }

    [Fact]
    public void StepBasedScheduleReplacesTheCubicOne()
    {
        const int lookback = 8, horizon = 1, windows = 64;
        var train = TimeSeriesData.Univariate(NoisySine(windows + lookback + horizon - 1));
        var options = new TrainingOptions
        {
            MaxEpochs = 4, BatchSize = 16, ValidationFraction = 0, Seed = 1, ShuffleTrainingWindows = false,
            PruningSchedule = new PolynomialDecaySchedule(0.1, 0.5, beginStep: 3, endStep: 12, frequency: 3),
        };
        using var model = Trainer.Fit(() => new TestMlpForecaster(Spec(lookback, horizon, hidden: 8)), train, null, options);
        var history = model.PruningSummary!.History;
        Assert.Equal(new long[] { 3, 6, 9, 12 }, history.Select(h => h.Step).ToArray());
        Assert.Equal(0.1, history[0].TargetSparsity, 12);
        Assert.Equal(0.5 + (0.1 - 0.5) * Math.Pow(1 - 3.0 / 9.0, 3), history[1].TargetSparsity, 12);
        Assert.Equal(0.5, model.PruningSummary.GlobalSparsity, 2);
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestCheckpointIncludingMasks()
    {
        const int lookback = 12, horizon = 1;
        var series = NoisySine(400, seed: 9);
        var train = TimeSeriesData.Univariate(series);
        TestLstmForecaster? module = null;
        var options = new TrainingOptions
        {
            MaxEpochs = 12, BatchSize = 32, LearningRate = 5e-3, Patience = 2, Seed = 2,
            Pruning = new PruningOptions { WarmupEpochs = 1, InitialSparsity = 0.2, FinalSparsity = 0.8 },
        };
        // After epoch 4 the weights are wrecked, so later epochs validate worse and the run stops early.
        var progress = new SyncProgress(r =>
        {
            if (r.Epoch != 4) return;
            using var noGrad = torch.no_grad();
            foreach (var p in module!.parameters()) p.add_(torch.randn_like(p) * 3f);
        });
        using var model = Trainer.Fit(() => module = new TestLstmForecaster(Spec(lookback, horizon)), train, null, options, progress);

        foreach (var h in model.History) _output.WriteLine(h.ToString());
        Assert.True(model.StoppedEarly);
        Assert.True(model.EpochsRun < 12);
        var eligible = model.History.Where(h => h.GlobalSparsity > 0).ToList();
        var bestReport = eligible.MinBy(h => h.ValidationLoss!.Value)!;
        Assert.Equal(bestReport.Epoch, model.BestEpoch);
        Assert.True(model.BestEpoch <= 4);
        Assert.True(model.History[^1].GlobalSparsity > bestReport.GlobalSparsity, "masks should have grown after the best epoch");

        // Masks came back with the weights: sparsity is the best epoch's, and pruned weights are zero.
        Assert.Equal(bestReport.GlobalSparsity, model.PruningSummary!.GlobalSparsity, 12);
        foreach (var (name, parameter) in model.Module.named_parameters())
        {
            if (!model.PruningSummary.Masks.TryGetValue(name, out var mask)) continue;
            var w = parameter.detach().contiguous().data<float>().ToArray();
            for (int j = 0; j < w.Length; j++) if (!mask[j]) Assert.Equal(0f, w[j]);
        }

        // The returned weights reproduce the best epoch's validation loss.
        var plan = model.SplitPlan;
        var residuals = model.Residuals(train, plan.Validation.Start, plan.Validation.Count);
        double std = model.Scaler.Std[0];
        double mse = residuals.Values.Average(v => (v / std) * (v / std));
        Assert.Equal(bestReport.ValidationLoss!.Value, mse, 4);
    }

    [Fact]
    public void AfterWarmupNeverReturnsADenseModel()
    {
        const int lookback = 12, horizon = 1;
        var train = TimeSeriesData.Univariate(NoisySine(300, seed: 4));
        TrainedForecaster Run(RestoreFrom restore)
        {
            TestMlpForecaster? module = null;
            // Wreck the weights after the last dense epoch: every pruned epoch validates worse than the dense ones.
            var progress = new SyncProgress(r =>
            {
                if (r.Epoch != 1) return;
                using var noGrad = torch.no_grad();
                foreach (var p in module!.parameters()) p.add_(torch.randn_like(p) * 5f);
            });
            var options = new TrainingOptions
            {
                MaxEpochs = 6, BatchSize = 32, Patience = 2, Seed = 1, RestoreFrom = restore,
                Pruning = new PruningOptions { WarmupEpochs = 2 },
            };
            return Trainer.Fit(() => module = new TestMlpForecaster(Spec(lookback, horizon)), train, null, options, progress);
        }

        using var any = Run(RestoreFrom.AnyEpoch);
        Assert.True(any.BestEpoch < 2, $"AnyEpoch picked {any.BestEpoch}");
        Assert.Equal(0, any.PruningSummary!.GlobalSparsity);

        using var afterWarmup = Run(RestoreFrom.AfterWarmup);
        Assert.True(afterWarmup.BestEpoch >= 2, $"AfterWarmup picked {afterWarmup.BestEpoch}");
        Assert.True(afterWarmup.PruningSummary!.GlobalSparsity >= 0.3 - 1e-9);
    }

    [Fact]
    public void ValidationSeriesDropoutAndLearningRateDecayAreUsed()
    {
        var series = NoisySine(400, seed: 12);
        var train = TimeSeriesData.Univariate(series[..300]);
        var validation = TimeSeriesData.Univariate(series[280..]);
        var options = new TrainingOptions
        {
            MaxEpochs = 4, BatchSize = 64, Seed = 1, Regularization = Regularization.Dropout, Patience = 10,
            ConstantLearningRateEpochs = 2, LearningRateGamma = 0.5, CalibrationFraction = 0.3, GradientClipNorm = 1.0,
        };
        using var model = Trainer.Fit(() => new TestLstmForecaster(Spec(20, 2, dropout: 0.3)), train, validation, options);
        Assert.Null(model.PruningSummary);
        Assert.True(model.SplitPlan.ExternalValidation);
        Assert.Equal(new[] { 1e-3, 1e-3, 5e-4, 2.5e-4 }, model.History.Select(h => h.LearningRate).ToArray());
        Assert.All(model.History, h => Assert.NotNull(h.ValidationLoss));
        Assert.Equal(300, model.SplitPlan.ScalerRows);
        Assert.Equal(train.Target(0).ToArray().Average(v => (double)v), model.Scaler.Mean[0], 6);
    }

    public static IEnumerable<object[]> ReferenceSchedules() => TrainingOptionsTests.ReferenceSchedules();

    [Theory]
    [MemberData(nameof(ReferenceSchedules))]
    public void OptimizerLearningRateOfEachEpochFollowsTheReferenceTable(string reference, int constantEpochs, double gamma, double firstEpochFactor, double[] table)
    {
        // The rate is read back from the optimizer during the fit (EpochReport.LearningRate), one report per epoch 0…5.
        var reports = new List<EpochReport>();
        var options = new TrainingOptions
        {
            MaxEpochs = table.Length, BatchSize = 64, LearningRate = 1e-3, Patience = 100, Regularization = Regularization.None,
            ConstantLearningRateEpochs = constantEpochs, LearningRateGamma = gamma, FirstEpochLearningRateFactor = firstEpochFactor,
        };
        using var model = Trainer.Fit(() => new TestMlpForecaster(Spec(8, 1)), TimeSeriesData.Univariate(NoisySine(200)), null, options,
            new SyncProgress(reports.Add));
        Assert.Equal(table.Length, reports.Count);
        for (int e = 0; e < table.Length; e++)
        {
            Assert.Equal(e, reports[e].Epoch);
            Assert.True(Math.Abs(reports[e].LearningRate - 1e-3 * table[e]) <= 1e-17, $"{reference}, epoch {e}: optimizer rate {reports[e].LearningRate}, expected {1e-3 * table[e]}");
        }
    }

    [Fact]
    public void FirstEpochStepUsesTheScaledLearningRate()
    {
        // One Adam step in epoch 0 (the batch holds every training window): Adam's first update of a weight is
        // lr·g/(|g| + 1e-8) ≈ ±lr, so the largest weight change measures the rate the optimizer really used.
        const double rate = 1e-2, factor = 0.04;
        ForecastingNetwork? module = null;
        float[]? initial = null;
        float[]? afterFirstEpoch = null;
        var options = new TrainingOptions
        {
            MaxEpochs = 2, BatchSize = 1000, LearningRate = rate, FirstEpochLearningRateFactor = factor, Patience = 100,
            Regularization = Regularization.None, ShuffleTrainingWindows = false,
        };
        using var model = Trainer.Fit(() =>
        {
            module = new TestMlpForecaster(Spec(8, 1));
            initial = ParameterValues(module);
            return module;
        }, TimeSeriesData.Univariate(NoisySine(200)), null, options, new SyncProgress(r =>
        {
            if (r.Epoch == 0) afterFirstEpoch = ParameterValues(module!);
        }));
        double largest = initial!.Zip(afterFirstEpoch!, (a, b) => Math.Abs((double)b - a)).Max();
        Assert.InRange(largest, 0.99 * rate * factor, 1.001 * rate * factor);
        Assert.Equal(rate * factor, model.History[0].LearningRate, 15);
        Assert.Equal(rate, model.History[1].LearningRate, 15);
    }

    [Fact]
    public void ScalerIsFittedOnTheTrainingPartOnly()
    {
        // A level shift inside the validation part must not move the scaler.
        var series = NoisySine(300, seed: 2);
        for (int i = 250; i < 300; i++) series[i] += 50;
        var train = TimeSeriesData.Univariate(series);
        using var model = Trainer.Fit(() => new TestMlpForecaster(Spec(10, 1)), train, null,
            new TrainingOptions { MaxEpochs = 1, ValidationFraction = 0.2, Regularization = Regularization.None });
        int rows = model.SplitPlan.ScalerRows;
        Assert.True(rows <= 250, $"scaler rows {rows}");
        Assert.Equal(series[..rows].Average(v => (double)v), model.Scaler.Mean[0], 6);
    }

    [Fact]
    public void ThreadCountIsSetForTheFitAndRestoredAfterwards()
    {
        int before = torch.get_num_threads();
        int requested = before == 1 ? 2 : 1, during = 0;
        using (Trainer.Fit(() => new TestMlpForecaster(Spec(8, 1)), TimeSeriesData.Univariate(NoisySine(100)), null,
            new TrainingOptions { MaxEpochs = 1, NumberOfThreads = requested, Regularization = Regularization.None },
            new SyncProgress(_ => during = torch.get_num_threads())))
        {
            Assert.Equal(requested, during);
            Assert.Equal(before, torch.get_num_threads());
        }

        // Default: a small model (< 200k parameters) trains on one thread.
        torch.set_num_threads(2);
        try
        {
            using var small = Trainer.Fit(() => new TestMlpForecaster(Spec(8, 1)), TimeSeriesData.Univariate(NoisySine(100)), null,
                new TrainingOptions { MaxEpochs = 1, Regularization = Regularization.None }, new SyncProgress(_ => during = torch.get_num_threads()));
            Assert.Equal(1, during);
            Assert.Equal(2, torch.get_num_threads());
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }

    [Fact]
    public void BadInputsAreArgumentExceptionsNamingTheProblem()
    {
        var data = TimeSeriesData.Univariate(NoisySine(100));
        Func<ForecastingNetwork> lstm = () => new TestLstmForecaster(Spec(24, 1));

        var shortData = TimeSeriesData.Univariate(new float[20]);
        Assert.Contains("Lookback", Assert.Throws<ArgumentException>(() => Trainer.Fit(lstm, shortData, null, new TrainingOptions())).Message);

        var lr = Assert.ThrowsAny<ArgumentException>(() => Trainer.Fit(lstm, data, null, new TrainingOptions { LearningRate = 0 }));
        Assert.Equal("LearningRate", lr.ParamName);

        var batch = Assert.ThrowsAny<ArgumentException>(() => Trainer.Fit(lstm, data, null, new TrainingOptions { BatchSize = 0 }));
        Assert.Equal("BatchSize", batch.ParamName);

        var sparsity = Assert.ThrowsAny<ArgumentException>(() => Trainer.Fit(lstm, data, null, new TrainingOptions { Pruning = new PruningOptions { FinalSparsity = 0.1 } }));
        Assert.Equal("FinalSparsity", sparsity.ParamName);

        var dropout = Assert.Throws<ArgumentException>(() => Trainer.Fit(lstm, data, null, new TrainingOptions { Regularization = Regularization.MonteCarloDropout }));
        Assert.Contains("Spec.DropoutRate", dropout.Message);

        var channels = Assert.Throws<ArgumentException>(() => Trainer.Fit(() => new TestLstmForecaster(Spec(24, 1, covariates: 1)), data, null, new TrainingOptions()));
        Assert.Contains("covariate", channels.Message);

        var external = new TrainingOptions { Scaler = ChannelScaler.Identity(2) };
        Assert.Contains("Scaler", Assert.Throws<ArgumentException>(() => Trainer.Fit(lstm, data, null, external)).Message);
    }

    [Fact]
    public void CancellationThrowsOperationCanceled()
    {
        var data = TimeSeriesData.Univariate(NoisySine(300));
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(_ => cts.Cancel());
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Fit(() => new TestLstmForecaster(Spec(12, 1)), data, null,
            new TrainingOptions { MaxEpochs = 5, BatchSize = 32 }, progress, cts.Token));

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Fit(() => new TestLstmForecaster(Spec(12, 1)), data, null, new TrainingOptions(), null, cancelled.Token));
    }
}
