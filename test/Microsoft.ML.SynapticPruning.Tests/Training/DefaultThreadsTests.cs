using Microsoft.ML.SynapticPruning.Models;
using Microsoft.ML.SynapticPruning.Training;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Training;

public class DefaultThreadsTests
{
    private static readonly ForecasterSpec PatchTst42 = new()
    {
        Kind = ForecasterKind.PatchTst, Lookback = 336, Horizon = 96, TargetChannels = 7,
        ModelDimension = 16, NumberOfHeads = 4, NumberOfLayers = 3, FeedForwardSize = 128, PatchLength = 16, Stride = 8,
    };

    private static readonly ForecasterSpec PaperLstm = new() { Kind = ForecasterKind.Lstm, Lookback = 30, Horizon = 1, HiddenSize = 64 };

    private static int Two => Math.Min(2, Environment.ProcessorCount);

    [Fact]
    public void PublishedPatchTstAtBatch128GetsTwoThreads_ThePaperLstmOne()
    {
        Assert.Equal(Two, ForecastTrainer.DefaultThreads(PatchTst42, 128));
        Assert.Equal(1, ForecastTrainer.DefaultThreads(PaperLstm, 64));
        // A long window does not make a recurrent step parallel: its time steps still run one after another.
        Assert.Equal(1, ForecastTrainer.DefaultThreads(PaperLstm with { Lookback = 336 }, 64));
        // A tiny batch of the same PatchTST is too little work per step.
        Assert.Equal(1, ForecastTrainer.DefaultThreads(PatchTst42, 8));
    }

    [Fact]
    public void ParallelWorkIsThreeForwardsPerWindow_PerTimeStepForRecurrentNetworks()
    {
        long patch = ForecasterFactory.EstimateMultiplyAdds(PatchTst42);
        Assert.Equal(3 * patch * 128, ForecastTrainer.EstimateParallelStepWork(PatchTst42, 128));
        long lstm = ForecasterFactory.EstimateMultiplyAdds(PaperLstm);
        Assert.Equal(3 * lstm * 64 / 30, ForecastTrainer.EstimateParallelStepWork(PaperLstm, 64));
        Assert.Equal(ForecastTrainer.EstimateParallelStepWork(PaperLstm, 64), ForecastTrainer.EstimateParallelStepWork(PaperLstm with { Lookback = 60 }, 64), 0.02 * lstm);
    }

    [Fact]
    public void TheRuleSwitchesExactlyAtTheThreshold()
    {
        // Find the smallest batch whose work reaches the threshold; one window less stays on one thread.
        long perWindow = ForecastTrainer.EstimateParallelStepWork(PatchTst42, 1);
        int batch = (int)((ForecastTrainer.TwoThreadStepMultiplyAdds + perWindow - 1) / perWindow);
        Assert.Equal(Two, ForecastTrainer.DefaultThreads(PatchTst42, batch));
        Assert.Equal(1, ForecastTrainer.DefaultThreads(PatchTst42, batch - 1));
    }

    [Fact]
    public void BatchBelowOneIsRejected()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ForecastTrainer.DefaultThreads(PaperLstm, 0));
        Assert.Equal("batchSize", ex.ParamName);
    }
}
