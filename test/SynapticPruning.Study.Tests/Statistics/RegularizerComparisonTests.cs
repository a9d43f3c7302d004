using SynapticPruning.Study.Statistics;
using Xunit;

namespace SynapticPruning.Study.Tests.Statistics;

public class RegularizerComparisonTests
{
    [Fact]
    public void PercentChangeSummaryByHand()
    {
        // 100·(other − ref)/other: (1 − 0.8)/1 = 20%, (1 − 0.9)/1 = 10%, (1.25 − 1)/1.25 = 20%.
        // median 20, mean 50/3, s = √((3.33² + 6.67² + 3.33²)/2) = √(100/3) = 5.7735;
        // half-width = t_{0.975,2}·s/√3 = 4.302652729749464 · 3.3333 = 14.342175765831549.
        PercentChangeSummary s = PercentChangeSummary.Compute(new[] { 0.8, 0.9, 1.0 }, new[] { 1.0, 1.0, 1.25 });
        Assert.Equal(20, s.Median, 10);
        Assert.Equal(50.0 / 3, s.Mean, 10);
        Assert.Equal(20, s.Max, 10);
        Assert.Equal(10, s.Min, 10);
        Assert.Equal(3, s.N);
        Assert.Equal(50.0 / 3 - 14.342175765831549, s.MeanInterval.Lower, 8);
        Assert.Equal(50.0 / 3 + 14.342175765831549, s.MeanInterval.Upper, 8);
        Assert.Contains("up to 20.0%", s.ToString());
        Assert.Throws<ArgumentException>(() => PercentChangeSummary.Compute(new[] { 1.0 }, new[] { 0.0 }));
    }

    // Block i = 0..7: P = 1 + i, D = P + 0.1(i + 1), N = P + 0.25(i + 1) + 0.01i.
    // Every block ranks P < D < N; all pairwise differences are distinct and of one sign.
    private static List<ComparisonObservation> AgreeingTable(int blocks)
    {
        var rows = new List<ComparisonObservation>();
        for (int i = 0; i < blocks; i++)
        {
            double p = 1 + i;
            rows.Add(new ComparisonObservation($"b{i}", "P", p));
            rows.Add(new ComparisonObservation($"b{i}", "D", p + 0.1 * (i + 1)));
            rows.Add(new ComparisonObservation($"b{i}", "N", p + 0.25 * (i + 1) + 0.01 * i));
        }
        return rows;
    }

    [Fact]
    public void AgreeingBlocksGiveHandComputedStatistics()
    {
        RegularizerComparisonResult r = RegularizerComparison.Compare(AgreeingTable(8),
            new RegularizerComparisonOptions { ReferenceTreatment = "P" });

        Assert.Equal(8, r.N);
        Assert.Equal(3, r.K);
        Assert.Equal(new[] { "P", "D", "N" }, r.Treatments);
        // Perfect agreement: χ² = N(k − 1) = 16, p = e^{−8} = 3.3546262790251185e-4.
        Assert.Equal(16, r.Friedman.ChiSquare, 10);
        Assert.Equal(0.00033546262790251185, r.Friedman.PValue, 12);
        Assert.Equal(1, r.AverageRanks["P"]);
        Assert.Equal(2, r.AverageRanks["D"]);
        Assert.Equal(3, r.AverageRanks["N"]);
        // CD = 2.343·√(3·4/(6·8)) = 2.343·0.5.
        Assert.Equal(1.1715, r.CriticalDifference, 10);

        // Each pair: n = 8 one-sign differences → exact p = 2/2⁸ = 0.0078125; Holm: 3p, max(3p, 2p), max(.., p) = 0.0234375.
        Assert.Equal(3, r.Pairs.Count);
        foreach (PairwiseComparison pair in r.Pairs)
        {
            Assert.Equal(0.0078125, pair.Wilcoxon.PValue, 12);
            Assert.Equal(0.0234375, pair.HolmAdjustedPValue, 12);
            Assert.True(pair.Significant);
        }
        PairwiseComparison pd = r.Pairs.Single(p => p.TreatmentA == "P" && p.TreatmentB == "D");
        Assert.Equal("P", pd.Better);
        Assert.False(pd.ExceedsCriticalDifference); // |1 − 2| = 1 < 1.1715
        PairwiseComparison pn = r.Pairs.Single(p => p.TreatmentA == "P" && p.TreatmentB == "N");
        Assert.True(pn.ExceedsCriticalDifference);  // |1 − 3| = 2 ≥ 1.1715
        Assert.Equal("D", r.Pairs.Single(p => p.TreatmentA == "D").Better);

        Assert.Equal(0.0078125, r.SmallestAchievableWilcoxonPValue, 12);
        Assert.Equal(0.00033546262790251185, r.SmallestAchievableFriedmanPValue, 12);

        // P vs D: 100·0.1(i + 1)/(1.1(i + 1)) = 100/11 in every block.
        PercentChangeSummary vsD = r.PercentChanges["D"];
        Assert.Equal(100.0 / 11, vsD.Median, 9);
        Assert.Equal(100.0 / 11, vsD.Mean, 9);
        Assert.Equal(100.0 / 11, vsD.Max, 9);

        string text = r.ToString();
        Assert.Contains("N = 8 blocks, k = 3 treatments", text);
        Assert.Contains("Wilcoxon 0.007812", text);
        Assert.Contains("P vs D: significantly different", text);
        Assert.Contains("P better", text);
        Assert.Contains("the treatments' ranks differ", text);
        Assert.Contains("pairs with rank difference >= CD: P-N", text);
        Assert.DoesNotContain("more blocks are needed", text);
    }

    [Fact]
    public void SmallDesignCannotReachSignificanceAndSaysSo()
    {
        // N = 4: smallest exact p = 2/16 = 0.125 ≥ 0.05, so no pair can be significant.
        RegularizerComparisonResult r = RegularizerComparison.Compare(AgreeingTable(4));
        Assert.Equal(0.125, r.SmallestAchievableWilcoxonPValue, 12);
        Assert.All(r.Pairs, p => Assert.False(p.Significant));
        Assert.Contains(r.Verdict, line => line.Contains("more blocks are needed"));
        Assert.Contains(r.Verdict, line => line.StartsWith("P vs D: not significantly different"));
    }

    [Fact]
    public void DirectionIsUnclearWhenRanksAndMedianDisagree()
    {
        // Blocks 1–2: A = 1, C = 2, B = 3; blocks 3–5: B = 1, A = 2, C = 3.
        // Average ranks: A (1+1+2+2+2)/5 = 1.6, B (3+3+1+1+1)/5 = 1.8, C 2.6 → ranks favour A over B,
        // but A − B = [−2, −2, +1, +1, +1] has median +1 → B wins most blocks → direction unclear, Better = null.
        var rows = new List<ComparisonObservation>();
        for (int i = 0; i < 5; i++)
        {
            bool first = i < 2;
            rows.Add(new ComparisonObservation($"b{i}", "A", first ? 1 : 2));
            rows.Add(new ComparisonObservation($"b{i}", "B", first ? 3 : 1));
            rows.Add(new ComparisonObservation($"b{i}", "C", first ? 2 : 3));
        }
        RegularizerComparisonResult r = RegularizerComparison.Compare(rows);
        PairwiseComparison ab = r.Pairs.Single(p => p.TreatmentA == "A" && p.TreatmentB == "B");
        Assert.Equal(1.6, ab.AverageRankA, 12);
        Assert.Equal(1.8, ab.AverageRankB, 12);
        Assert.Equal(1, ab.MedianDifference, 12);
        Assert.Null(ab.Better);
        Assert.Contains(r.Verdict, l => l.StartsWith("A vs B:") && l.Contains("direction unclear"));
        // A vs C: A − C = [−1, −1, −1, −1, −1], ranks 1.6 vs 2.6 → A better.
        Assert.Equal("A", r.Pairs.Single(p => p.TreatmentA == "A" && p.TreatmentB == "C").Better);
    }

    [Fact]
    public void EqualAverageRanksHaveNoDirection()
    {
        // A wins block 0, B wins block 1: ranks 1.5 and 1.5.
        var rows = new[]
        {
            new ComparisonObservation("b0", "A", 1), new ComparisonObservation("b0", "B", 2),
            new ComparisonObservation("b1", "A", 3), new ComparisonObservation("b1", "B", 2),
        };
        RegularizerComparisonResult r = RegularizerComparison.Compare(rows);
        Assert.Null(r.Pairs.Single().Better);
        Assert.Contains(r.Verdict, l => l.Contains("equal average ranks"));
    }

    [Fact]
    public void IncompleteOrDuplicateCellsAreRejectedOrDropped()
    {
        List<ComparisonObservation> rows = AgreeingTable(8);
        rows.RemoveAll(o => o.BlockId == "b3" && o.Treatment == "N");
        Assert.Throws<ArgumentException>(() => RegularizerComparison.Compare(rows));
        RegularizerComparisonResult r = RegularizerComparison.Compare(rows, new RegularizerComparisonOptions { DropIncompleteBlocks = true });
        Assert.Equal(7, r.N);
        Assert.Equal(new[] { "b3" }, r.DroppedBlocks);

        List<ComparisonObservation> duplicate = AgreeingTable(3);
        duplicate.Add(new ComparisonObservation("b0", "P", 1));
        Assert.Throws<ArgumentException>(() => RegularizerComparison.Compare(duplicate));
        Assert.Throws<ArgumentException>(() => RegularizerComparison.Compare(AgreeingTable(3), new RegularizerComparisonOptions { ReferenceTreatment = "X" }));
    }
}
