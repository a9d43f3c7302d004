using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Pruning;
using Microsoft.ML.SynapticPruning.Training;
using Xunit;
using static Microsoft.ML.SynapticPruning.Tests.Training.TrainingTestData;

namespace Microsoft.ML.SynapticPruning.Tests.Training;

/// <summary><see cref="TrainingOptions.StopAfterEpochs"/>: a truncated run follows the full schedule's first epochs.</summary>
[Collection("Torch")]
public sealed class StopAfterEpochsTests
{
    private static TrainingOptions Options(int maxEpochs, int? stopAfter) => new()
    {
        MaxEpochs = maxEpochs, StopAfterEpochs = stopAfter, BatchSize = 32, LearningRate = 1e-2, Seed = 4,
        ValidationFraction = 0, // no early stopping: every run trains its full epoch limit
        Pruning = new PruningOptions { InitialSparsity = 0.3, FinalSparsity = 0.7, WarmupEpochs = 0, PruningInterval = 1 },
    };

    [Fact]
    public void TruncatedRunKeepsTheFullScheduleAndMatchesTheFullRunsFirstEpochs()
    {
        var train = TimeSeriesData.Univariate(NoisySine(160, seed: 2));
        var trainer = new ForecastTrainer();
        using var full = trainer.Fit(() => new TestLstmForecaster(Spec(16, 1, hidden: 8)), train, null, Options(6, null));
        using var truncated = trainer.Fit(() => new TestLstmForecaster(Spec(16, 1, hidden: 8)), train, null, Options(6, 2));
        using var shortSchedule = trainer.Fit(() => new TestLstmForecaster(Spec(16, 1, hidden: 8)), train, null, Options(2, null));

        Assert.Equal(6, full.EpochsRun);
        Assert.Equal(2, truncated.EpochsRun);
        Assert.False(truncated.StoppedEarly);
        for (int e = 0; e < 2; e++)
        {
            Assert.Equal(full.History[e].TrainLoss, truncated.History[e].TrainLoss);
            Assert.Equal(full.History[e].TargetSparsity, truncated.History[e].TargetSparsity);
        }
        // The schedule of T = 6 is still ramping at epoch 1; a schedule of T = 2 reaches s_f there.
        Assert.True(truncated.History[1].TargetSparsity < 0.7 - 1e-3, $"target {truncated.History[1].TargetSparsity}");
        Assert.Equal(0.7, shortSchedule.History[1].TargetSparsity, 6);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void OutOfRangeStopAfterEpochsIsRejected(int stopAfter)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Options(6, stopAfter).Validate());
        Assert.Contains("StopAfterEpochs", e.Message);
    }
}
