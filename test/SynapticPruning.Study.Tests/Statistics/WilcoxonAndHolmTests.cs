using SynapticPruning.Study.Statistics;
using Xunit;

namespace SynapticPruning.Study.Tests.Statistics;

public class WilcoxonAndHolmTests
{
    [Fact]
    public void ExactTwoSidedMatchesReference()
    {
        // |d| ranks: 0.02→1, 0.05→2, 0.08→3, 0.11→4, 0.12→5, 0.15→6, 0.19→7, 0.22→8, 0.27→9, 0.30→10.
        // W− = 1 + 2 = 3, W+ = 55 − 3 = 52. Subsets of {1..10} with sum ≤ 3: {}, {1}, {2}, {3}, {1,2} → 5;
        // p = 2·5/1024 = 0.009765625.
        double[] d = { 0.12, -0.05, 0.30, 0.22, 0.08, 0.15, -0.02, 0.27, 0.19, 0.11 };
        WilcoxonResult r = WilcoxonSignedRankTest.Compute(d);
        Assert.Equal(52, r.WPlus);
        Assert.Equal(3, r.WMinus);
        Assert.Equal(10, r.N);
        Assert.Equal(WilcoxonSignedRankTest.ExactMethod, r.Method);
        Assert.Equal(0.009765625, r.PValue, 12);
        Assert.Equal(2.0 / 1024, r.SmallestAchievablePValue, 15);
    }

    [Fact]
    public void PairedOverloadUsesXMinusY()
    {
        WilcoxonResult r = WilcoxonSignedRankTest.Compute(new double[] { 3, 5, 10 }, new double[] { 1, 6, 2 });
        // d = [2, −1, 8]: ranks 2, 1, 3 → W+ = 5, W− = 1; P(W ≤ 1) = 2/8 → p = 0.5.
        Assert.Equal(5, r.WPlus);
        Assert.Equal(1, r.WMinus);
        Assert.Equal(0.5, r.PValue, 12);
    }

    [Fact]
    public void BalancedSignsGiveExactPOne()
    {
        // d = [1, 2, −3]: W+ = 1 + 2 = 3, W− = 3; P(W ≤ 3) = 5/8 → 2·5/8 = 1.25, capped at 1.
        WilcoxonResult r = WilcoxonSignedRankTest.Compute(new[] { 1.0, 2, -3 });
        Assert.Equal(3, r.WPlus);
        Assert.Equal(3, r.WMinus);
        Assert.Equal(1, r.PValue);
    }

    [Fact]
    public void ExactDistributionCountsSubsetSums()
    {
        // Subsets of {1, 2, 3}: sums 0,1,2,3,3,4,5,6 → cumulative [1,2,3,5,6,7,8]/8.
        Assert.Equal(new[] { 1 / 8.0, 2 / 8.0, 3 / 8.0, 5 / 8.0, 6 / 8.0, 7 / 8.0, 1 }, WilcoxonSignedRankTest.ExactCumulativeDistribution(3));
    }

    [Fact]
    public void NormalApproximationWithTiesByHand()
    {
        // d = [0, 1, −1, 2, 2, 3, 3, 3, −4, 5, 6]: the zero is dropped, n = 10.
        // |d| = 1,1 → rank 1.5 each; 2,2 → 3.5; 3,3,3 → 6; 4 → 8; 5 → 9; 6 → 10.
        // W+ = 1.5 + 3.5 + 3.5 + 6·3 + 9 + 10 = 45.5, W− = 1.5 + 8 = 9.5.
        // μ = 10·11/4 = 27.5; σ² = 10·11·21/24 − [(8−2) + (8−2) + (27−3)]/48 = 96.25 − 0.75 = 95.5.
        // z = (45.5 − 27.5)/√95.5 = 1.841920236347943; p = 2(1 − Φ(z)) = erfc(z/√2) = 0.06548681808490477.
        double[] d = { 0, 1, -1, 2, 2, 3, 3, 3, -4, 5, 6 };
        WilcoxonResult r = WilcoxonSignedRankTest.Compute(d);
        Assert.Equal(WilcoxonSignedRankTest.NormalMethod, r.Method);
        Assert.Equal(10, r.N);
        Assert.Equal(1, r.ZerosDropped);
        Assert.Equal(45.5, r.WPlus);
        Assert.Equal(9.5, r.WMinus);
        Assert.Equal(1.841920236347943, r.Z, 12);
        Assert.Equal(0.06548681808490477, r.PValue, 12);

        // With the continuity correction: z = 17.5/√95.5 = 1.7907557853382778, p = 0.07333249334226397.
        WilcoxonResult c = WilcoxonSignedRankTest.Compute(d, continuityCorrection: true);
        Assert.Equal(1.7907557853382778, c.Z, 12);
        Assert.Equal(0.07333249334226397, c.PValue, 12);
    }

    [Fact]
    public void LargeSamplesUseNormalApproximationAndAllZeroGivesOne()
    {
        double[] d = Enumerable.Range(1, 60).Select(i => i % 3 == 0 ? -(double)i : i).ToArray();
        Assert.Equal(WilcoxonSignedRankTest.NormalMethod, WilcoxonSignedRankTest.Compute(d).Method);
        WilcoxonResult zero = WilcoxonSignedRankTest.Compute(new double[] { 0, 0, 0 });
        Assert.Equal(0, zero.N);
        Assert.Equal(1, zero.PValue);
        Assert.Throws<ArgumentException>(() => WilcoxonSignedRankTest.Compute(new[] { 1.0, double.NaN }));
    }

    [Fact]
    public void HolmStepDown()
    {
        // Sorted 0.005, 0.01, 0.03, 0.04 × 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 → running max 0.02, 0.03, 0.06, 0.06.
        double[] adjusted = HolmCorrection.Adjust(new[] { 0.01, 0.04, 0.03, 0.005 });
        double[] expected = { 0.03, 0.06, 0.06, 0.02 };
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], adjusted[i], 12);
        Assert.Equal(new[] { 1.0, 1.0 }, HolmCorrection.Adjust(new[] { 0.6, 0.7 })); // capped at 1
        Assert.Throws<ArgumentOutOfRangeException>(() => HolmCorrection.Adjust(new[] { 1.5 }));
    }
}
