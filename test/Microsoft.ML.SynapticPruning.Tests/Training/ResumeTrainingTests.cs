using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Training;
using Xunit;
using static Microsoft.ML.SynapticPruning.Tests.Training.TrainingTestData;

namespace Microsoft.ML.SynapticPruning.Tests.Training;

/// <summary>
/// <see cref="TrainingOptions.CaptureResumeState"/> / <see cref="TrainingOptions.ResumeFrom"/>: a run truncated after 3
/// epochs and resumed to 9 is bit-identical to one uninterrupted run to 9 (same seed).
/// </summary>
[Collection("Torch")]
public sealed class ResumeTrainingTests
{
    private const int Lookback = 12;
    private static readonly TimeSeriesData Train = TimeSeriesData.Univariate(NoisySine(150, seed: 3));

    private static TrainingOptions Options(Regularization regularization, int? stopAfter, bool capture = false, TrainingResumeState? resume = null, int seed = 7, int maxEpochs = 12,
        PruningGranularity granularity = PruningGranularity.Weight) => new()
    {
        MaxEpochs = maxEpochs, StopAfterEpochs = stopAfter, BatchSize = 32, LearningRate = 1e-2, Seed = seed,
        Patience = 100, // the validation tail drives the best checkpoint but never stops the run
        Regularization = regularization, DropoutRate = 0.3,
        Pruning = new PruningOptions { InitialSparsity = 0.3, FinalSparsity = 0.7, WarmupEpochs = 1, PruningInterval = 2, PruningGranularity = granularity },
        CaptureResumeState = capture, ResumeFrom = resume,
    };

    private static Func<ForecastingNetwork> Lstm(Regularization regularization, int hidden = 8)
        => () => ForecasterFactory.Create(Spec(Lookback, 2, hidden: hidden, dropout: regularization.UsesDropout() ? 0.3 : 0));

    [Theory]
    [InlineData(Regularization.SynapticPruning, PruningGranularity.Weight)]
    [InlineData(Regularization.SynapticPruning, PruningGranularity.Structure)]
    [InlineData(Regularization.Dropout, PruningGranularity.Weight)]
    public void ResumedRunIsBitIdenticalToAnUninterruptedRun(Regularization regularization, PruningGranularity granularity)
    {
        var trainer = new ForecastTrainer();
        using var full = trainer.Fit(Lstm(regularization), Train, null, Options(regularization, 9, granularity: granularity));

        TrainingResumeState state;
        using (var first = trainer.Fit(Lstm(regularization), Train, null, Options(regularization, 3, capture: true, granularity: granularity)))
        {
            Assert.Equal(3, first.EpochsRun);
            state = first.DetachResumeState() ?? throw new Xunit.Sdk.XunitException("no resume state after a truncated run");
            Assert.Null(first.ResumeState);
        }
        // The forecaster that produced the state is gone: the state holds its own copies.
        using (state)
        {
            Assert.Equal(3, state.Epoch);
            Assert.Equal(3, state.History.Count);
            using var resumed = trainer.Fit(Lstm(regularization), Train, null, Options(regularization, 9, resume: state, granularity: granularity));

            Assert.Equal(full.EpochsRun, resumed.EpochsRun);
            Assert.Equal(full.BestEpoch, resumed.BestEpoch);
            Assert.Equal(full.History.Count, resumed.History.Count);
            for (int e = 0; e < full.History.Count; e++)
            {
                var (a, b) = (full.History[e], resumed.History[e]);
                Assert.Equal(a.Epoch, b.Epoch);
                Assert.Equal(a.TrainLoss, b.TrainLoss);
                Assert.Equal(a.ValidationLoss, b.ValidationLoss);
                Assert.Equal(a.TargetSparsity, b.TargetSparsity);
                Assert.Equal(a.GlobalSparsity, b.GlobalSparsity);
                Assert.Equal(a.LearningRate, b.LearningRate);
            }
            AssertSameWeights(full, resumed);
            var windows = Windows(NoisySine(150, seed: 3), Lookback, 100, 20);
            float[] fa = new float[20 * 2], fb = new float[20 * 2];
            full.PredictBatch(windows, 20, fa);
            resumed.PredictBatch(windows, 20, fb);
            Assert.Equal(fa, fb);
            if (regularization.UsesPruning())
            {
                Assert.True(full.PruningSummary!.GlobalSparsity > 0.2, $"sparsity {full.PruningSummary.GlobalSparsity}");
                Assert.Equal(full.PruningSummary.History.Count, resumed.PruningSummary!.History.Count);
                Assert.Equal(full.PruningSummary.History.Select(h => (h.Step, h.GlobalSparsity)), resumed.PruningSummary.History.Select(h => (h.Step, h.GlobalSparsity)));
                foreach (var (name, mask) in full.PruningSummary.Masks)
                    Assert.Equal(mask, resumed.PruningSummary.Masks[name]);
            }
            // The state was only read: it can be used again and gives the same run.
            using var again = trainer.Fit(Lstm(regularization), Train, null, Options(regularization, 9, resume: state, granularity: granularity));
            AssertSameWeights(full, again);
        }
    }

    /// <summary>
    /// The early-stopping state (best loss and epoch, bad epochs, best checkpoint) crosses the resume: a run resumed after
    /// 2 epochs stops at the same epoch and returns the same epoch and weights as the uninterrupted run, for each rule.
    /// </summary>
    [Theory]
    [InlineData(EarlyStoppingRule.Patience, RestoreFrom.AfterWarmup)]
    [InlineData(EarlyStoppingRule.Patience, RestoreFrom.Last)]
    [InlineData(EarlyStoppingRule.ConsecutiveNonDecreasing, RestoreFrom.AnyEpoch)]
    public void ResumedRunStopsEarlyWhereTheUninterruptedRunStops(EarlyStoppingRule rule, RestoreFrom restoreFrom)
    {
        var trainer = new ForecastTrainer();
        var r = Regularization.SynapticPruning;
        TrainingOptions EarlyStopping(int? stopAfter, bool capture = false, TrainingResumeState? resume = null)
        {
            var o = Options(r, stopAfter, capture, resume);
            o.Patience = 2;
            o.LearningRate = 0.2; // large: the validation loss stops improving within a few epochs
            o.EarlyStopping = rule;
            o.RestoreFrom = restoreFrom;
            return o;
        }
        using var full = trainer.Fit(Lstm(r), Train, null, EarlyStopping(null));
        Assert.True(full.StoppedEarly, $"ran {full.EpochsRun} epochs");
        Assert.True(full.EpochsRun > 2, $"stopped after {full.EpochsRun} epochs, before the resume point");

        using var first = trainer.Fit(Lstm(r), Train, null, EarlyStopping(2, capture: true));
        using var resumed = trainer.Fit(Lstm(r), Train, null, EarlyStopping(null, resume: first.ResumeState));
        Assert.Equal((full.EpochsRun, full.BestEpoch, full.StoppedEarly), (resumed.EpochsRun, resumed.BestEpoch, resumed.StoppedEarly));
        Assert.Equal(full.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.GlobalSparsity)),
            resumed.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.GlobalSparsity)));
        Assert.Equal(full.PruningSummary!.GlobalSparsity, resumed.PruningSummary!.GlobalSparsity);
        AssertSameWeights(full, resumed);
    }

    [Fact]
    public void ResumeCanBeChainedAndTheDifferenceFromAFreshRunIsReal()
    {
        var trainer = new ForecastTrainer();
        var r = Regularization.SynapticPruning;
        using var full = trainer.Fit(Lstm(r), Train, null, Options(r, 6));
        using var a = trainer.Fit(Lstm(r), Train, null, Options(r, 2, capture: true));
        using var b = trainer.Fit(Lstm(r), Train, null, Options(r, 4, capture: true, resume: a.ResumeState));
        Assert.NotNull(b.ResumeState);
        Assert.Equal(4, b.ResumeState!.Epoch);
        using var c = trainer.Fit(Lstm(r), Train, null, Options(r, 6, resume: b.ResumeState));
        AssertSameWeights(full, c);
        // A fresh 2-epoch run is not the 6-epoch run: the comparison above can fail.
        Assert.NotEqual(full.History[^1].TrainLoss, a.History[^1].TrainLoss);
    }

    [Fact]
    public void NoResumeStateWithoutCaptureOrWhenTheRunReachedMaxEpochsOrStoppedEarly()
    {
        var trainer = new ForecastTrainer();
        var r = Regularization.SynapticPruning;
        using var notAsked = trainer.Fit(Lstm(r), Train, null, Options(r, 2));
        Assert.Null(notAsked.ResumeState);
        using var complete = trainer.Fit(Lstm(r), Train, null, Options(r, null, capture: true, maxEpochs: 3));
        Assert.Null(complete.ResumeState);
        var o = Options(r, 6, capture: true);
        o.Patience = 1; // stops at the first eligible epoch without improvement
        o.LearningRate = 0.5; // far too large: the validation loss does not keep improving
        using var early = trainer.Fit(Lstm(r), Train, null, o);
        Assert.True(early.EpochsRun < 6, $"ran {early.EpochsRun} epochs");
        Assert.Null(early.ResumeState);
    }

    [Fact]
    public void ResumingWithAnotherSeedArchitectureOrScheduleIsRefused()
    {
        var trainer = new ForecastTrainer();
        var r = Regularization.SynapticPruning;
        using var first = trainer.Fit(Lstm(r), Train, null, Options(r, 2, capture: true));
        var state = first.ResumeState!;

        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(Lstm(r), Train, null, Options(r, 4, resume: state, seed: 8)));
        Assert.Contains("seed", e.Message, StringComparison.OrdinalIgnoreCase);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit(Lstm(r, hidden: 6), Train, null, Options(r, 4, resume: state)));
        Assert.Contains("architecture", e.Message);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit(Lstm(r), Train, null, Options(r, 4, resume: state, maxEpochs: 10)));
        Assert.Contains("MaxEpochs", e.Message);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit(Lstm(r), Train, null, Options(r, 1, resume: state)));
        Assert.Contains("StopAfterEpochs", e.Message);

        state.Dispose();
        Assert.True(state.IsDisposed);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit(Lstm(r), Train, null, Options(r, 4, resume: state)));
        Assert.Contains("disposed", e.Message);
    }

    [Fact]
    public void ResumingStructuredPruningWithAnotherStructureRankingIsRefused()
    {
        var trainer = new ForecastTrainer();
        var r = Regularization.SynapticPruning;
        using var first = trainer.Fit(Lstm(r), Train, null, Options(r, 2, capture: true, granularity: PruningGranularity.Structure));
        var state = first.ResumeState!;
        var other = Options(r, 4, resume: state, granularity: PruningGranularity.Structure);
        other.Pruning!.StructureImportance = StructureImportance.Absolute;
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(Lstm(r), Train, null, other));
        Assert.Contains("Structure/Absolute", e.Message);
        Assert.Contains("Structure/GroupRelative", e.Message);
        // The same rule resumes.
        using var resumed = trainer.Fit(Lstm(r), Train, null, Options(r, 4, resume: state, granularity: PruningGranularity.Structure));
        Assert.Equal(4, resumed.EpochsRun);
    }

    private static void AssertSameWeights(TrainedForecaster expected, TrainedForecaster actual)
    {
        var a = expected.Module.state_dict();
        var b = actual.Module.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (name, tensor) in a)
            Assert.True(tensor.data<float>().ToArray().AsSpan().SequenceEqual(b[name].data<float>().ToArray()), $"tensor {name} differs");
    }
}
