using SynapticPruning.Study.Statistics;
using Xunit;

namespace SynapticPruning.Study.Tests.Statistics;

public class DescriptiveAndRankingTests
{
    [Fact]
    public void MeanStdAndTIntervalByHand()
    {
        // [1, 2, 3, 4, 10]: mean 4; Σ(x − 4)² = 9 + 4 + 1 + 0 + 36 = 50; s = √(50/4) = √12.5;
        // half-width = t_{0.975,4} · s/√5 = 2.7764451051977934 · √12.5/√5 = 4.389945165425414.
        double[] x = { 1, 2, 3, 4, 10 };
        Assert.Equal(4, DescriptiveStatistics.Mean(x), 12);
        Assert.Equal(Math.Sqrt(12.5), DescriptiveStatistics.SampleStandardDeviation(x), 12);
        Assert.Equal(3, DescriptiveStatistics.Median(x));
        ConfidenceInterval ci = DescriptiveStatistics.MeanConfidenceInterval(x);
        Assert.Equal(5, ci.N);
        Assert.Equal(4 - 4.389945165425414, ci.Lower, 9);
        Assert.Equal(4 + 4.389945165425414, ci.Upper, 9);
    }

    [Fact]
    public void MedianOfEvenCountAveragesMiddleValues()
        => Assert.Equal(2.5, DescriptiveStatistics.Median(new double[] { 4, 1, 3, 2 }));

    [Fact]
    public void SingleValueHasNaNIntervalAndEmptyThrows()
    {
        ConfidenceInterval ci = DescriptiveStatistics.MeanConfidenceInterval(new double[] { 3 });
        Assert.Equal(3, ci.Mean);
        Assert.True(double.IsNaN(ci.Lower) && double.IsNaN(ci.Upper));
        Assert.Throws<ArgumentException>(() => DescriptiveStatistics.Mean(ReadOnlySpan<double>.Empty));
        Assert.Throws<ArgumentException>(() => DescriptiveStatistics.Mean(new[] { 1.0, double.NaN }));
    }

    [Fact]
    public void RanksAreAveragedOverTies()
    {
        // [0.71, 0.66, 0.71]: 0.66 takes rank 1; the two 0.71 share ranks 2 and 3 → 2.5 each.
        Assert.Equal(new[] { 2.5, 1, 2.5 }, Ranking.RankWithinBlock(new[] { 0.71, 0.66, 0.71 }));
        // [5, 5, 5, 1]: 1 → rank 1; three 5s share 2, 3, 4 → 3.
        Assert.Equal(new[] { 3.0, 3, 3, 1 }, Ranking.RankWithinBlock(new[] { 5.0, 5, 5, 1 }));
        Assert.Equal(new[] { 3 }, Ranking.TieGroupSizes(new[] { 5.0, 5, 5, 1 }));
    }

    [Fact]
    public void AverageRanksOverBlocks()
    {
        // Block ranks [1,2,3] and [2,1,3] → averages [1.5, 1.5, 3].
        double[][] m = { new[] { 0.1, 0.2, 0.3 }, new[] { 0.5, 0.4, 0.9 } };
        Assert.Equal(new[] { 1.5, 1.5, 3 }, Ranking.AverageRanks(m));
        Assert.Throws<ArgumentException>(() => Ranking.AverageRanks(new[] { new[] { 1.0, 2 }, new[] { 1.0 } }));
    }
}
