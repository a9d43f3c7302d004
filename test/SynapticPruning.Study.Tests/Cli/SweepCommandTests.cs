using Microsoft.ML.SynapticPruning.Sweeps;
using Samples.Commands;
using Xunit;
using FS = Microsoft.ML.SynapticPruning.ForecastingSearchSpace;

namespace SynapticPruning.Study.Tests.Cli;

/// <summary>The <c>sweep</c> CLI's pure parts: <c>--models</c> narrowing and the grid's report (no sweep is run).</summary>
public sealed class SweepCommandTests
{
    [Fact]
    public void ModelsNarrowTheSpaceToTheParametersTheyUse()
    {
        var lagOnly = SweepCommand.Space(new[] { "fasttree", "naive" });
        Assert.Equal(new[] { FS.Model, FS.Lookback, FS.Trees, FS.Leaves, FS.TreeLearningRate }, lagOnly.Parameters.Select(p => p.Name));
        var naiveOnly = SweepCommand.Space(new[] { "naive", "seasonal-naive" });
        Assert.Equal(new[] { FS.Model }, naiveOnly.Parameters.Select(p => p.Name));
        var dlinear = SweepCommand.Space(new[] { "dlinear", "lightgbm" });
        Assert.DoesNotContain(FS.HiddenSize, dlinear.Parameters.Select(p => p.Name));
        Assert.Contains(FS.Regularization, dlinear.Parameters.Select(p => p.Name));
        var rng = new Random(3);
        Assert.All(Enumerable.Range(0, 100).Select(_ => dlinear.Sample(rng)), c => Assert.Contains(c.GetString(FS.Model), new[] { "dlinear", "lightgbm" }));
        Assert.Throws<ArgumentException>(() => SweepCommand.Space(new[] { "xgboost" }));
    }

    [Fact]
    public void TheGridReportHasTheHeldOutTableAndTheTunerIntervals()
    {
        var cells = new List<HeldOutCheck>();
        foreach (var tuner in new[] { "asha", "random" })
            for (int seed = 0; seed < 3; seed++)
                cells.Add(new HeldOutCheck("aapl", tuner, seed, PickMae: 1 + seed, PaperMae: 4, BaselineMae: 2, NaiveMae: 2, "FastTree, lookback 24", "naive", seed == 0));
        string report = SweepGridCommand.Report(cells, new[] { "asha", "random" });
        Assert.Contains("| aapl | 6 | 2 (1.00×) | 4 (2.00×) | 2 (1.00×) | 2/6 |", report);
        // Mean 2 of {1, 2, 3}: s = 1, t(0.975, 2) = 4.3027 → 2 ± 2.484.
        Assert.Contains("| aapl | 2 [-0.48", report);
        Assert.Contains("(n = 3)", report);
    }
}
