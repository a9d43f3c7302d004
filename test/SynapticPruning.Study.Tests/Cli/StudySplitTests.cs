using Microsoft.ML.SynapticPruning.Data;
using Samples.Study;
using Xunit;
using SynapticPruning.Study.Data;

namespace SynapticPruning.Study.Tests.Cli;

public class StudySplitTests
{
    private static readonly string s_root = BundledDatasets.FindDataRoot();

    [Fact]
    public void Paper_Bitcoin_Lookback60_Has305Windows_244Train_61Test_AndValidationIsTest()
    {
        // The paper protocol on Bitcoin: 365 − 60 = 305 windows, 80/20 → 244 train, 61 test.
        var d = StudyDataLoader.LoadBundled("bitcoin", s_root, StudyProtocol.Paper, quick: false, useCovariates: false);
        var s = d.GetSplit(60, 1);
        Assert.Equal(244, s.TrainOrigins.Count);
        Assert.Equal(61, s.TestOrigins.Count);
        Assert.True(s.ValidationIsTest);
        Assert.Equal(s.TestOrigins, s.ValidationOrigins);
        Assert.Equal(StudyScalerPolicy.WholeSeries, s.ScalerPolicy);
        Assert.Equal((0, 365), (s.ScalerStart, s.ScalerEnd));
        // The first window's origin is row L − 1 = 59; the first test window forecasts row 60 + 244 = 304.
        Assert.Equal(59, s.TrainOrigins[0]);
        Assert.Equal(304, s.TestOrigins[0] + 1);
        Assert.Equal(304, s.TestStart);
        Assert.Equal(364, s.TestOrigins[^1] + 1);
    }

    [Fact]
    public void Rigorous_Bitcoin_Splits70_10_20_ByRows_ScalerOnTrainOnly()
    {
        var d = StudyDataLoader.LoadBundled("bitcoin", s_root, StudyProtocol.Rigorous, quick: false, useCovariates: false);
        var s = d.GetSplit(30, 1);
        // ⌊0.7·365⌋ = 255, ⌊0.8·365⌋ = 292.
        Assert.Equal((255, 255, 292, 292, 365), (s.TrainEnd, s.ValidationStart, s.ValidationEnd, s.TestStart, s.TestEnd));
        Assert.Equal((0, 255), (s.ScalerStart, s.ScalerEnd));
        Assert.False(s.ValidationIsTest);
        // Train windows forecast rows 30..254 (225), validation rows 255..291 (37), test rows 292..364 (73).
        Assert.Equal(225, s.TrainOrigins.Count);
        Assert.Equal(37, s.ValidationOrigins.Count);
        Assert.Equal(73, s.TestOrigins.Count);
        Assert.Equal(291, s.TestOrigins[0]); // history reaches back into validation: no test row is lost
        Assert.True(s.TrainOrigins.Max() + 1 < s.ValidationStart);
        Assert.True(s.ValidationOrigins.Max() + 1 < s.TestStart);
    }

    [Fact]
    public void Rigorous_MultiStep_KeepsEveryTargetOfAWindowInsideItsPart()
    {
        var d = StudyDataLoader.LoadBundled("aapl", s_root, StudyProtocol.Rigorous, quick: false, useCovariates: false);
        var s = d.GetSplit(14, 7);
        Assert.All(s.TrainOrigins, t => Assert.True(t + 7 < s.TrainEnd && t - 13 >= 0));
        Assert.All(s.ValidationOrigins, t => Assert.True(t + 1 >= s.ValidationStart && t + 7 < s.ValidationEnd));
        Assert.All(s.TestOrigins, t => Assert.True(t + 1 >= s.TestStart && t + 7 < s.TestEnd));
        Assert.Equal(s.TestEnd - s.TestStart - 7 + 1, s.TestOrigins.Count);
    }

    [Fact]
    public void AirQuality_TestWindowsWithImputedTargets_AreNeverScored()
    {
        var d = StudyDataLoader.LoadBundled("air-quality", s_root, StudyProtocol.Rigorous, quick: false, useCovariates: false);
        var imputed = d.Series.Imputed;
        Assert.Contains(true, imputed);
        var s = d.GetSplit(24, 7);
        Assert.All(s.TestOrigins, t => Assert.DoesNotContain(true, imputed[(t + 1)..(t + 8)]));
        Assert.All(s.ValidationOrigins, t => Assert.DoesNotContain(true, imputed[(t + 1)..(t + 8)]));
        int candidates = (s.TestEnd - 7) - (s.TestStart - 1);
        Assert.Equal(candidates, s.TestOrigins.Count + s.ImputedTestWindows);
        Assert.Contains(d.PreparationNotes, n => n.Contains("longest"));
    }

    [Fact]
    public void Quick_KeepsBitcoinWhole_AndTheLast2000RowsOfTheOthers()
    {
        var bitcoin = StudyDataLoader.LoadBundled("bitcoin", s_root, StudyProtocol.Rigorous, quick: true, useCovariates: false);
        var household = StudyDataLoader.LoadBundled("household-power", s_root, StudyProtocol.Rigorous, quick: true, useCovariates: false);
        var full = StudyDataLoader.LoadBundled("household-power", s_root, StudyProtocol.Rigorous, quick: false, useCovariates: false);
        Assert.Equal(365, bitcoin.RowCount);
        Assert.Equal("full", bitcoin.DataVariant);
        Assert.Equal(2000, household.RowCount);
        Assert.Equal("last2000", household.DataVariant);
        Assert.Equal(full.Target[^2000..], household.Target);
        Assert.Equal(24, household.SeasonalPeriod);
    }

    [Fact]
    public void SeasonalPeriod_IsInferredFromTheTimeStep()
    {
        DateTime[] Steps(double hours, int n) => Enumerable.Range(0, n).Select(i => new DateTime(2024, 1, 1).AddHours(hours * i)).ToArray();
        Assert.Equal(24, StudyDataLoader.InferSeasonalPeriod(Steps(1, 50)));
        Assert.Equal(7, StudyDataLoader.InferSeasonalPeriod(Steps(24, 50)));
        Assert.Equal(1, StudyDataLoader.InferSeasonalPeriod(Steps(24 * 30, 50)));
        Assert.Equal(1, StudyDataLoader.InferSeasonalPeriod(null));
        // Trading days: Monday..Friday, the weekend missing (one step in five is 3 days).
        var trading = Enumerable.Range(0, 70).Select(i => new DateTime(2024, 1, 1)).Select((d, i) => d.AddDays(i / 5 * 7 + i % 5)).ToArray();
        Assert.Equal(5, StudyDataLoader.InferSeasonalPeriod(trading));
    }

    [Fact]
    public void Covariates_AreTheRecommendedOnes_OnlyWhenAsked()
    {
        var without = StudyDataLoader.LoadBundled("bitcoin", s_root, StudyProtocol.Rigorous, quick: false, useCovariates: false);
        var with = StudyDataLoader.LoadBundled("bitcoin", s_root, StudyProtocol.Rigorous, quick: false, useCovariates: true);
        Assert.Empty(without.Covariates);
        Assert.Equal(["open", "high", "low", "volume"], with.Covariates);
        Assert.Equal(without.Target, with.Target);
    }
}

public class StudyBacktestTests
{
    [Fact]
    public void TwoFolds_SplitTheLast20PercentIntoTwoTestBlocks_WithExpandingTraining()
    {
        var root = BundledDatasets.FindDataRoot();
        var d = StudyDataLoader.LoadBundled("bitcoin", root, StudyProtocol.Rigorous, quick: false, useCovariates: false, backtestFolds: 2);
        // ⌊0.8·365⌋ = 292; the 73 test rows split at 292 + ⌊73/2⌋ = 328; validation is ⌊0.8n⌋ − ⌊0.7n⌋ = 37 rows.
        var f0 = d.GetSplit(7, 1, fold: 0);
        var f1 = d.GetSplit(7, 1, fold: 1);
        Assert.Equal((255, 292, 292, 328), (f0.TrainEnd, f0.ValidationEnd, f0.TestStart, f0.TestEnd));
        Assert.Equal((291, 328, 328, 365), (f1.TrainEnd, f1.ValidationEnd, f1.TestStart, f1.TestEnd));
        Assert.Equal((0, 291), (f1.ScalerStart, f1.ScalerEnd));
        Assert.Empty(f0.TestOrigins.Intersect(f1.TestOrigins));
        Assert.Equal(73, f0.TestOrigins.Count + f1.TestOrigins.Count);
        // One fold reproduces the ordinary split.
        var single = StudyDataLoader.LoadBundled("bitcoin", root, StudyProtocol.Rigorous, quick: false, useCovariates: false).GetSplit(7, 1);
        Assert.Equal((255, 292, 365), (single.TrainEnd, single.ValidationEnd, single.TestEnd));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.GetSplit(7, 1, fold: 2));
    }

    [Fact]
    public void BacktestGrid_HasOneTrialPerFold_WithFoldInTheId()
    {
        var o = StudyOptions.Parse(["--backtest", "3", "--lookbacks", "7", "--horizon", "1", "--models", "lstm", "--seeds", "2"]);
        var d = StudyDataLoader.Prepare("s", new TimeSeriesTable(["y"], [Enumerable.Range(0, 600).Select(i => Math.Sin(i / 5.0)).ToArray()]), "y", [], 7,
            StudyProtocol.Rigorous, false, [], o.BacktestFolds);
        var plan = StudyGrid.Enumerate(o, [d]);
        Assert.Equal(3 * (6 * 2 + 3 + 2), plan.Count);
        Assert.Contains(plan.Trials, t => t.Id.EndsWith("/s43/E20/f2of3"));
        Assert.Equal([0, 1, 2], plan.Trials.Select(t => t.Fold).Distinct().Order());
        Assert.Throws<ArgumentException>(() => StudyOptions.Parse(["--protocol", "paper", "--backtest", "2"]));
    }
}
