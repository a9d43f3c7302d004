using Samples.Study;
using Xunit;
using static SynapticPruning.Study.Tests.Cli.StudyTestData;

namespace SynapticPruning.Study.Tests.Cli;

public class StudyDesignTests
{
    [Fact]
    public void SmallestWilcoxonP_IsTwoOverTwoToTheN()
    {
        Assert.Equal(1.0, StudyDesign.SmallestWilcoxonP(0));
        Assert.Equal(1.0, StudyDesign.SmallestWilcoxonP(1)); // 2/2
        Assert.Equal(2.0 / 512, StudyDesign.SmallestWilcoxonP(9), 15);
        Assert.Equal(2.0 / 1024, StudyDesign.SmallestWilcoxonP(10), 15);
        Assert.Equal(2.0 / Math.Pow(2, 48), StudyDesign.SmallestWilcoxonP(48)); // exact: a power of two
        // Beyond 50 blocks the test (and so its floor) uses the normal approximation: z = √(3n(n + 1)/(2(2n + 1))).
        double z96 = Math.Sqrt(3.0 * 96 * 97 / (2 * 193));
        Assert.InRange(StudyDesign.SmallestWilcoxonP(96), 1e-17, 3e-17);
        Assert.Equal(8.507, z96, 3);
        Assert.InRange(StudyDesign.SmallestWilcoxonP(5000), 0, 1e-300); // any grid size: no exception
    }

    [Fact]
    public void FifteenPairs_NeedTenBlocks_NineCannotReachFivePercent()
    {
        Assert.Equal(15, StudyDesign.PairCount(6));
        Assert.Equal(0.05859375, StudyDesign.SmallestHolmP(9, 15), 15);   // 15 · 2/2⁹
        Assert.Equal(0.029296875, StudyDesign.SmallestHolmP(10, 15), 15); // 15 · 2/2¹⁰
        Assert.False(StudyDesign.CanReach(9, 15));
        Assert.True(StudyDesign.CanReach(10, 15));
        Assert.Equal(10, StudyDesign.BlocksNeeded(15));
        Assert.Equal(1.0, StudyDesign.SmallestHolmP(4, 15)); // capped at 1: the quick run's 4 blocks per dataset
    }

    [Theory]
    [InlineData(1, 0.05, 6)]  // 2/2⁵ = 0.0625, 2/2⁶ = 0.03125
    [InlineData(6, 0.05, 8)]  // k = 4 arms: 6 · 2/2⁷ = 0.094, 6 · 2/2⁸ = 0.047
    [InlineData(15, 0.01, 12)] // 15 · 2/2¹¹ = 0.0146, 15 · 2/2¹² = 0.0073
    public void BlocksNeeded_IsTheFirstNWhoseHolmFloorIsBelowAlpha(int pairs, double alpha, int expected)
    {
        int n = StudyDesign.BlocksNeeded(pairs, alpha);
        Assert.Equal(expected, n);
        Assert.True(StudyDesign.SmallestHolmP(n, pairs) < alpha);
        Assert.True(StudyDesign.SmallestHolmP(n - 1, pairs) >= alpha);
    }

    [Fact]
    public void Guards_NameTheBadArgument()
    {
        Assert.Equal("blocks", Assert.Throws<ArgumentOutOfRangeException>(() => StudyDesign.SmallestWilcoxonP(-1)).ParamName);
        Assert.Equal("pairs", Assert.Throws<ArgumentOutOfRangeException>(() => StudyDesign.SmallestHolmP(10, 0)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => StudyDesign.BlocksNeeded(15, 1.0)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => StudyDesign.CanReach(10, 15, 0)).ParamName);
        Assert.Equal("arms", Assert.Throws<ArgumentOutOfRangeException>(() => StudyDesign.PairCount(-1)).ParamName);
        // 10⁻²⁰ needs more than 50 blocks, beyond the exact test.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => StudyDesign.BlocksNeeded(15, 1e-20));
        Assert.Contains("at most 50 blocks", e.Message);
    }

    /// <summary>The floor is what the study's own analysis reports when every block ranks the arms alike.</summary>
    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    public void Floor_MatchesTheAnalysis_WhenEveryBlockAgrees(int blocks, bool significant)
    {
        var arms = StudyMethods.RigorousArms;
        var rows = new List<StudyResultRow>();
        for (int b = 0; b < blocks; b++)
            for (int j = 0; j < arms.Count; j++) // arm j is j steps worse, by a block-specific amount: no ties within a pair
                rows.Add(Row("d", "lstm", arms[j], 1 + b, 42, 1 + j * (1 + b / 100.0), 1));
        var cmp = StudyAnalysis.Analyze(rows).Scopes.Single().Comparison!;
        Assert.Equal(blocks, cmp.N);
        Assert.Equal(15, cmp.Pairs.Count);
        Assert.Equal(StudyDesign.SmallestHolmP(blocks, 15), cmp.Pairs.Min(p => p.HolmAdjustedPValue), 15);
        Assert.Equal(significant, cmp.Pairs.Any(p => p.Significant));
    }

    [Fact]
    public void Of_CountsBlocksPerDatasetAndOverall_FromThePlan()
    {
        var quick = StudyOptions.Parse(["--quick"]);
        var data = new[] { Synthetic("a", 500, StudyProtocol.Rigorous), Synthetic("b", 800, StudyProtocol.Rigorous) };
        var lines = StudyDesign.Of(StudyGrid.Enumerate(quick, data));
        Assert.Equal(["a", "b", StudyAnalysis.Overall], lines.Select(l => l.Scope));
        Assert.All(lines.Take(2), l => Assert.Equal(4, l.Blocks)); // lstm, patchtst × lookbacks 7, 30 × horizon 1
        Assert.Equal(8, lines[2].Blocks);
        Assert.All(lines, l => Assert.Equal(15, l.Pairs));
        Assert.All(lines, l => Assert.False(l.CanReachSignificance));
        Assert.Contains("cannot reach significance", lines[0].Describe());
        Assert.Contains("at least 10 blocks", lines[0].Describe());
    }

    [Fact]
    public void DefaultRigorousGrid_HasTwoFolds_AndFortyEightBlocksPerDataset()
    {
        var o = StudyOptions.Parse([]);
        Assert.Equal(StudyOptions.RigorousBacktestFolds, o.BacktestFolds);
        Assert.Equal(1, StudyOptions.Parse(["--quick"]).BacktestFolds); // the smoke run is unchanged
        Assert.Equal(1, StudyOptions.Parse(["--protocol", "paper"]).BacktestFolds);
        Assert.Equal(1, StudyOptions.Parse(["--backtest", "1"]).BacktestFolds);
        var data = new[] { SyntheticWithFolds("a", 1200, o.BacktestFolds) };
        var plan = StudyGrid.Enumerate(o, data);
        Assert.Empty(plan.Skipped);
        var line = Assert.Single(StudyDesign.Of(plan));
        Assert.Equal(4 * 3 * 2 * 2, line.Blocks); // models × lookbacks × horizons × folds
        Assert.True(line.CanReachSignificance);
        Assert.Equal(15 * 2 / Math.Pow(2, 48), line.SmallestHolmP); // exact test: 15 · 2/2⁴⁸ ≈ 1.07·10⁻¹³
    }

    [Fact]
    public void BacktestFolds_AreBlocks_SeedsAreAveraged()
    {
        StudyResultRow R(string method, int seed, int fold, double mae) => Row("d", "lstm", method, 7, seed, mae, 1) with
        {
            Id = StudyTrial.MakeId(StudyProtocol.Rigorous, "d", "full", "lstm", method, 7, 1, seed, 20, fold, 2),
            Fold = fold,
        };
        var rows = new[]
        {
            R("none", 42, 0, 1.0), R("none", 43, 0, 3.0), R("none", 42, 1, 5.0), R("none", 43, 1, 7.0),
            R("pruning", 42, 0, 2.0), R("pruning", 43, 0, 2.0), R("pruning", 42, 1, 6.0), R("pruning", 43, 1, 6.0),
        };
        Assert.All(rows, r => Assert.Equal(2, r.Folds));
        var cells = StudyAnalysis.FormCells(rows);
        Assert.Equal(4, cells.Count);
        var none = cells.Where(c => c.Method == "none").OrderBy(c => c.Fold).ToList();
        Assert.Equal(["d/lstm/L7/H1/f0of2", "d/lstm/L7/H1/f1of2"], none.Select(c => c.BlockId));
        Assert.Equal([2.0, 6.0], none.Select(c => c.Mae));
        Assert.All(cells, c => Assert.Equal(2, c.Seeds));
        Assert.Equal(2, StudyAnalysis.Analyze(rows).Scopes.Single().Comparison!.N);
        // Without a backtest the id has no fold tail and the block id is unchanged.
        Assert.Equal(1, Row("d", "lstm", "none", 7, 42, 1, 1).Folds);
        Assert.Equal(1, Row("f1of2", "lstm", "fasttree", 7, 42, 1, 1).Folds);
    }
}
