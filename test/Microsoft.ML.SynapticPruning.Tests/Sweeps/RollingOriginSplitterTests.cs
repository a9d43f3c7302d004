using Microsoft.ML.SynapticPruning.Sweeps;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

public class RollingOriginSplitterTests
{
    [Fact]
    public void EvenSplit_ExactIndices()
    {
        // 100 rows, first 40 always training, the remaining 60 cut into 3 test blocks of 20.
        var folds = RollingOriginSplitter.Split(seriesLength: 100, folds: 3, horizon: 7, lookback: 10, minTrainLength: 40);
        Assert.Equal(new[]
        {
            new TimeSeriesFold(0, 0, 40, 40, 60),
            new TimeSeriesFold(1, 0, 60, 60, 80),
            new TimeSeriesFold(2, 0, 80, 80, 100),
        }, folds);
    }

    [Fact]
    public void Remainder_JoinsTheFirstTrainingPart_LastTestEndsAtSeriesEnd()
    {
        // 103 − 40 = 63 rows → blocks of 21; nothing left over. 104 → 64 → blocks of 21, 1 extra row for training.
        var folds = RollingOriginSplitter.Split(104, 3, 7, 10, 40);
        Assert.Equal(new[] { (41, 62), (62, 83), (83, 104) }, folds.Select(f => (f.TestStart, f.TestEnd)));
        Assert.All(folds, f =>
        {
            Assert.Equal(0, f.TrainStart);
            Assert.Equal(f.TrainEnd, f.TestStart);
            Assert.Equal(21, f.TestLength);
        });
        Assert.Equal(104, folds[^1].TestEnd);
    }

    [Fact]
    public void SingleFold_AndTestExactlyOneHorizon()
    {
        Assert.Equal(new TimeSeriesFold(0, 0, 37, 37, 50), Assert.Single(RollingOriginSplitter.Split(50, 1, 7, 30, 37)));
        Assert.Equal(new TimeSeriesFold(0, 0, 37, 37, 44), Assert.Single(RollingOriginSplitter.Split(44, 1, 7, 30, 37)));
        Assert.Throws<ArgumentOutOfRangeException>(() => RollingOriginSplitter.Split(43, 1, 7, 30, 37)); // 6 test rows < horizon
        var f = RollingOriginSplitter.Split(61, 3, 7, 30, 37); // 24 rows → 3 blocks of 8 ≥ 7
        Assert.Equal(new[] { 37, 45, 53 }, f.Select(x => x.TestStart));
    }

    [Fact]
    public void InvalidInputs_ThrowNamingTheArgument()
    {
        Assert.Equal("seriesLength", Assert.Throws<ArgumentOutOfRangeException>(() => RollingOriginSplitter.Split(0, 3, 7, 10, 40)).ParamName);
        Assert.Equal("folds", Assert.Throws<ArgumentOutOfRangeException>(() => RollingOriginSplitter.Split(100, 0, 7, 10, 40)).ParamName);
        Assert.Equal("horizon", Assert.Throws<ArgumentOutOfRangeException>(() => RollingOriginSplitter.Split(100, 3, 0, 10, 40)).ParamName);
        Assert.Equal("lookback", Assert.Throws<ArgumentOutOfRangeException>(() => RollingOriginSplitter.Split(100, 3, 7, 0, 40)).ParamName);
        var tooShort = Assert.Throws<ArgumentOutOfRangeException>(() => RollingOriginSplitter.Split(100, 3, 7, 10, 16));
        Assert.Equal("minTrainLength", tooShort.ParamName);
        Assert.Contains("17", tooShort.Message);
        Assert.Equal("minTrainLength", Assert.Throws<ArgumentOutOfRangeException>(() => RollingOriginSplitter.Split(100, 3, 7, 10, 100)).ParamName);
        // 60 rows / 10 folds = 6 < horizon 7.
        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => RollingOriginSplitter.Split(100, 10, 7, 10, 40));
        Assert.Equal("folds", tooMany.ParamName);
        Assert.Contains("at most 8 folds", tooMany.Message);
    }
}
