using Samples.Study;
using Xunit;

namespace SynapticPruning.Study.Tests.Cli;

public class StudyGridTests
{
    private static IReadOnlyList<StudyDataset> TwoDatasets(StudyProtocol p) =>
        [StudyTestData.Synthetic("a", 500, p), StudyTestData.Synthetic("b", 800, p)];

    [Fact]
    public void PaperGrid_HasDatasetsTimesLookbacksTimesArmsModelsSeedsPlusBaselines()
    {
        var o = StudyOptions.Parse(["--protocol", "paper"]);
        var plan = StudyGrid.Enumerate(o, TwoDatasets(StudyProtocol.Paper));
        // Per (dataset, lookback): 4 models × 4 arms × 10 seeds + naive, seasonal naive, fasttree (1 seed) + dlinear (10 seeds).
        Assert.Equal(2 * 6 * (4 * 4 * 10 + 3 + 10), plan.Count);
        Assert.Empty(plan.Skipped);
        Assert.Equal(Enumerable.Range(42, 10), plan.Trials.Select(t => t.Seed).Distinct().Order());
        Assert.DoesNotContain(plan.Trials, t => t.Method == StudyMethods.PruningZhuGupta);
        Assert.All(plan.Trials, t => Assert.Equal(1, t.Horizon));
    }

    [Fact]
    public void RigorousGrid_AddsZhuGuptaArm_TwoHorizons_FiveSeeds()
    {
        var o = StudyOptions.Parse([]);
        Assert.Equal(StudyProtocol.Rigorous, o.Protocol);
        var plan = StudyGrid.Enumerate(o, TwoDatasets(StudyProtocol.Rigorous));
        Assert.Equal(2 * 3 * 2 * (4 * 6 * 5 + 3 + 5), plan.Count); // lookbacks 7, 14, 30 (the synthetic datasets have one fold)
        Assert.Equal([7, 14, 30], o.Lookbacks);
        Assert.Equal([1, 3, 7, 14, 30, 60], StudyOptions.Parse(["--protocol", "paper"]).Lookbacks);
        Assert.Equal([1, 7], plan.Trials.Select(t => t.Horizon).Distinct().Order());
        Assert.Contains(plan.Trials, t => t.Method == StudyMethods.PruningZhuGupta);
    }

    [Fact]
    public void QuickOptions_AreTheSmokeRunSettings()
    {
        var o = StudyOptions.Parse(["--quick"]);
        Assert.True(o.Quick);
        Assert.Equal(StudyProtocol.Rigorous, o.Protocol);
        Assert.Equal(["lstm", "patchtst"], o.Models);
        Assert.Equal([7, 30], o.Lookbacks);
        Assert.Equal([42, 43, 44], o.Seeds);
        Assert.Equal([1], o.Horizons);
        Assert.Equal(8, o.Epochs);
        Assert.Equal(StudyMethods.RigorousArms.Concat(StudyMethods.Baselines), o.Methods);
        Assert.EndsWith("rigorous-quick", o.OutputDirectory);
    }

    [Fact]
    public void Ids_AreStableReadableAndUnique()
    {
        Assert.Equal("rigorous/bitcoin@last2000/lstm/pruning/L7/H1/s42/E8",
            StudyTrial.MakeId(StudyProtocol.Rigorous, "bitcoin", "last2000", "lstm", "pruning", 7, 1, 42, 8));
        var o = StudyOptions.Parse(["--quick"]);
        var first = StudyGrid.Enumerate(o, TwoDatasets(StudyProtocol.Rigorous)).Trials.Select(t => t.Id).ToList();
        var second = StudyGrid.Enumerate(o, TwoDatasets(StudyProtocol.Rigorous)).Trials.Select(t => t.Id).ToList();
        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct().Count());
    }

    [Fact]
    public void TooShortDataset_SkipsTheLookback_AndSaysSo()
    {
        var o = StudyOptions.Parse(["--lookbacks", "7,60", "--horizon", "1", "--models", "lstm", "--seeds", "1"]);
        var plan = StudyGrid.Enumerate(o, [StudyTestData.Synthetic("tiny", 80, StudyProtocol.Rigorous)]);
        Assert.All(plan.Trials, t => Assert.Equal(7, t.Lookback));
        Assert.Single(plan.Skipped);
        Assert.Contains("lookback 60", plan.Skipped[0]);
    }

    [Fact]
    public void TrialSettings_FollowTheProtocol()
    {
        StudyTrial Find(StudyProtocol p, string model, string method)
        {
            var o = StudyOptions.Parse(["--protocol", p.ToString().ToLowerInvariant(), "--lookbacks", "7", "--seeds", "1"]);
            return StudyGrid.Enumerate(o, [StudyTestData.Synthetic("a", 300, p)]).Trials.First(t => t.Model == model && t.Method == method);
        }
        Assert.Equal(0.3, Find(StudyProtocol.Paper, "patchtst", "pruning").DropoutRate);
        Assert.Equal(0.0, Find(StudyProtocol.Paper, "lstm", "pruning").DropoutRate);
        Assert.Equal(0.0, Find(StudyProtocol.Rigorous, "patchtst", "pruning").DropoutRate);
        Assert.Equal(1, Find(StudyProtocol.Paper, "lstm", "mc-dropout").McSamples);
        Assert.Equal(30, Find(StudyProtocol.Rigorous, "lstm", "mc-dropout").McSamples);
        Assert.Equal(StudyPruningCurve.ZhuGupta, Find(StudyProtocol.Rigorous, "gru", "pruning-zhugupta").PruningCurve);
        Assert.False(Find(StudyProtocol.Paper, "lstm", "none").Settings.RestoreBestWeights);
        Assert.Equal(StudyScheduleCounting.AuthorsZeroBased, Find(StudyProtocol.Paper, "lstm", "pruning").Settings.ScheduleCounting);
        Assert.True(Find(StudyProtocol.Rigorous, "lstm", "none").Settings.RestoreBestWeights);
    }

    [Fact]
    public void EstimateSample_IsOneTrialPerDatasetModelMethod_AtTheMiddleLookback()
    {
        var o = StudyOptions.Parse(["--protocol", "paper"]);
        var plan = StudyGrid.Enumerate(o, TwoDatasets(StudyProtocol.Paper));
        var sample = StudyGrid.EstimateSample(plan);
        // Per dataset: 4 models × 4 arms + 4 baselines.
        Assert.Equal(2 * (16 + 4), sample.Count);
        Assert.All(sample, t => Assert.Equal(7, t.Lookback)); // middle of 1,3,7,14,30,60 (lower middle)
        Assert.All(sample, t => Assert.Equal(42, t.Seed));

        var seconds = sample.ToDictionary(t => t.Id, t => t.IsBaseline ? 0.5 : 2.0);
        var estimate = StudyEstimate.Compute(plan, seconds);
        // Per dataset: 6 lookbacks × (160 trained trials × 2 s + 13 baseline trials × 0.5 s).
        Assert.Equal(2 * 6 * (160 * 2.0 + 13 * 0.5), estimate.TotalSeconds, 6);
        Assert.Contains("estimate", estimate.ToMarkdown(o));
    }

    [Theory]
    [InlineData(new[] { "--protocol", "paper", "--methods", "pruning-zhugupta,none" }, "rigorous protocol only")]
    [InlineData(new[] { "--protocol", "paper", "--horizon", "7" }, "one step ahead")]
    [InlineData(new[] { "--models", "transformer" }, "unknown name 'transformer'")]
    [InlineData(new[] { "--lookbacks", "0" }, "not an integer ≥ 1")]
    [InlineData(new[] { "--target", "x" }, "pass --data FILE")]
    [InlineData(new[] { "--data", "x.csv" }, "--data needs --target")]
    [InlineData(new[] { "--methods", "naive" }, "no regularization arm")]
    [InlineData(new[] { "--out" }, "needs a value")]
    public void InvalidOptions_NameTheProblem(string[] args, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => StudyOptions.Parse(args));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Seeds_AcceptCountRangeAndList()
    {
        Assert.Equal([42, 43, 44], StudyOptions.Parse(["--seeds", "3"]).Seeds);
        Assert.Equal([7, 8, 9], StudyOptions.Parse(["--seeds", "7..9"]).Seeds);
        Assert.Equal([1, 5], StudyOptions.Parse(["--seeds", "1,5"]).Seeds);
    }
}
