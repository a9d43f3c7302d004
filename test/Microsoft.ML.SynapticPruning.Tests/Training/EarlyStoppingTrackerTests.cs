using Microsoft.ML.SynapticPruning.Training;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Training;

/// <summary><see cref="EarlyStoppingTracker"/>: best loss and epoch, bad epochs, both rules, eligibility after warm-up.</summary>
public sealed class EarlyStoppingTrackerTests
{
    /// <summary>Feeds the losses as epochs 0, 1, …; returns the epochs that improved and the epoch that stopped (−1 when none).</summary>
    private static (int[] Improved, int StoppedAt) Feed(EarlyStoppingTracker tracker, double?[] losses, bool[]? pruned = null)
    {
        var history = new List<EpochReport>();
        var improved = new List<int>();
        for (int e = 0; e < losses.Length; e++)
        {
            history.Add(new EpochReport(e, 1.0, losses[e], 0, 0, 1e-3, TimeSpan.Zero));
            if (tracker.Observe(e, losses[e], pruned?[e] ?? true, history)) improved.Add(e);
            if (tracker.StopRequested) return (improved.ToArray(), e);
        }
        return (improved.ToArray(), -1);
    }

    [Fact]
    public void PatienceRule_StopsAfterPatienceEpochsWithoutANewBest_AndANewBestResetsTheCount()
    {
        var tracker = new EarlyStoppingTracker(EarlyStoppingRule.Patience, patience: 2, onlyPrunedEpochs: false);
        var (improved, stoppedAt) = Feed(tracker, [1.0, 0.9, 0.95, 0.8, 0.85, 0.85, 0.1]);
        Assert.Equal(new[] { 0, 1, 3 }, improved);
        Assert.Equal(5, stoppedAt);
        Assert.Equal((0.8, 3, 2), (tracker.BestLoss, tracker.BestEpoch, tracker.BadEpochs));
    }

    [Fact]
    public void PatienceRule_PatienceZeroNeverStopsButCountsBadEpochs()
    {
        var tracker = new EarlyStoppingTracker(EarlyStoppingRule.Patience, patience: 0, onlyPrunedEpochs: false);
        Assert.Equal(-1, Feed(tracker, [1.0, 2.0, 3.0, 4.0, 5.0]).StoppedAt);
        Assert.Equal((1.0, 0, 4), (tracker.BestLoss, tracker.BestEpoch, tracker.BadEpochs));
    }

    [Fact]
    public void ConsecutiveNonDecreasingRule_StopsOnANonDecreasingTail_AndDoesNotCountBadEpochs()
    {
        var tracker = new EarlyStoppingTracker(EarlyStoppingRule.ConsecutiveNonDecreasing, patience: 3, onlyPrunedEpochs: false);
        // Above the best, but a fall every few epochs keeps it going (the Patience rule would stop at epoch 3); epochs 6,
        // 7 and 8 do not fall: stop.
        var (improved, stoppedAt) = Feed(tracker, [0.5, 0.9, 0.8, 0.85, 0.86, 0.84, 0.85, 0.86, 0.87, 0.1]);
        Assert.Equal(new[] { 0 }, improved);
        Assert.Equal(8, stoppedAt);
        Assert.Equal((0.5, 0, 0), (tracker.BestLoss, tracker.BestEpoch, tracker.BadEpochs));
    }

    [Fact]
    public void OnlyPrunedEpochsAreEligible_WhenAskedFor()
    {
        double?[] losses = [0.1, 0.2, 0.5, 0.6, 0.7];
        bool[] pruned = [false, false, true, true, true];
        var afterWarmup = new EarlyStoppingTracker(EarlyStoppingRule.Patience, patience: 2, onlyPrunedEpochs: true);
        var (improved, stoppedAt) = Feed(afterWarmup, losses, pruned);
        Assert.Equal(new[] { 2 }, improved); // the dense epochs 0 and 1 are better but do not count
        Assert.Equal(4, stoppedAt);
        Assert.Equal((0.5, 2), (afterWarmup.BestLoss, afterWarmup.BestEpoch));

        var anyEpoch = new EarlyStoppingTracker(EarlyStoppingRule.Patience, patience: 2, onlyPrunedEpochs: false);
        (improved, stoppedAt) = Feed(anyEpoch, losses, pruned);
        Assert.Equal(new[] { 0 }, improved);
        Assert.Equal(2, stoppedAt);
    }

    [Fact]
    public void EpochsWithoutAValidationLossChangeNothing()
    {
        var tracker = new EarlyStoppingTracker(EarlyStoppingRule.Patience, patience: 1, onlyPrunedEpochs: false);
        var (improved, stoppedAt) = Feed(tracker, [null, null, null]);
        Assert.Empty(improved);
        Assert.Equal(-1, stoppedAt);
        Assert.Equal((double.PositiveInfinity, -1, 0), (tracker.BestLoss, tracker.BestEpoch, tracker.BadEpochs));
    }

    [Fact]
    public void RestoredStateContinuesTheCount()
    {
        var tracker = new EarlyStoppingTracker(EarlyStoppingRule.Patience, patience: 3, onlyPrunedEpochs: false);
        tracker.Restore(bestLoss: 0.5, bestEpoch: 4, badEpochs: 2);
        var history = Enumerable.Range(0, 7).Select(e => new EpochReport(e, 1, 0.6, 0, 0, 1e-3, TimeSpan.Zero)).ToList();
        Assert.False(tracker.Observe(6, 0.6, isPruned: true, history));
        Assert.True(tracker.StopRequested);
        Assert.Equal((0.5, 4, 3), (tracker.BestLoss, tracker.BestEpoch, tracker.BadEpochs));
    }
}
