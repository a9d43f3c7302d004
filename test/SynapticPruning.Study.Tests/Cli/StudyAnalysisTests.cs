using Samples.Study;
using SynapticPruning.Study.Statistics;
using Xunit;
using static SynapticPruning.Study.Tests.Cli.StudyTestData;

namespace SynapticPruning.Study.Tests.Cli;

public class StudyAnalysisTests
{
    [Fact]
    public void Cell_IsTheMeanOverSeeds_AndSeedsAreNotBlocks()
    {
        var rows = new[]
        {
            Row("d", "lstm", "none", 7, 42, 1.0, 2), Row("d", "lstm", "none", 7, 43, 3.0, 2),
            Row("d", "lstm", "pruning", 7, 42, 2.0, 2), Row("d", "lstm", "pruning", 7, 43, 2.5, 2),
        };
        var cells = StudyAnalysis.FormCells(rows);
        Assert.Equal(2, cells.Count);
        var none = cells.Single(c => c.Method == "none");
        Assert.Equal(2.0, none.Mae);
        Assert.Equal(2, none.Seeds);
        Assert.Equal("d/lstm/L7/H1", none.BlockId);
        Assert.Equal(2.25, cells.Single(c => c.Method == "pruning").Mae);
        var table = StudyAnalysis.ComparisonTable(cells);
        Assert.Equal(2, table.Count); // one observation per (block, arm), not per seed
    }

    [Fact]
    public void Baselines_AreSummarisedButNeverRanked()
    {
        var rows = new List<StudyResultRow>();
        foreach (var model in new[] { "lstm", "gru" })
            foreach (var l in new[] { 7, 14, 30 })
            {
                rows.Add(Row("d", model, "none", l, 42, 1.2 + l / 100.0, 1));
                rows.Add(Row("d", model, "dropout", l, 42, 1.1 + l / 100.0, 1));
                rows.Add(Row("d", model, "pruning", l, 42, 1.0 + l / 100.0, 1));
            }
        foreach (var l in new[] { 7, 14, 30 })
        {
            rows.Add(Row("d", StudyMethods.BaselineModel, "naive", l, 42, 1, 1));
            rows.Add(Row("d", StudyMethods.BaselineModel, "dlinear", l, 42, 0.5, 1));
        }
        var analysis = StudyAnalysis.Analyze(rows);
        var scope = Assert.Single(analysis.Scopes); // one dataset: no overall scope
        var cmp = Assert.IsType<RegularizerComparisonResult>(scope.Comparison);
        Assert.Equal(["none", "dropout", "pruning"], cmp.Treatments);
        Assert.Equal(6, cmp.N); // 2 models × 3 lookbacks
        Assert.Equal(1.0, cmp.AverageRanks["pruning"]);
        Assert.Equal("pruning", cmp.ReferenceTreatment);
        Assert.Contains(scope.Summaries, s => s.Method == "naive" && s.IsBaseline);
        Assert.Contains(scope.Summaries, s => s.Method == "dlinear" && s.IsBaseline && s.Cells == 3);
        // The baseline that beats everything is still not ranked first.
        Assert.DoesNotContain("dlinear", cmp.Treatments);
    }

    [Fact]
    public void NaiveStatement_SaysNoModelBeatsNaive_WhenEveryMeanMaeIsAboveNaive()
    {
        var rows = new[]
        {
            Row("bitcoin", "lstm", "none", 7, 42, 110, 100), Row("bitcoin", "lstm", "pruning", 7, 42, 105, 100),
            Row("bitcoin", "baseline", "naive", 7, 42, 100, 100), Row("bitcoin", "baseline", "fasttree", 7, 42, 130, 100),
        };
        var lines = StudyAnalysis.NaiveStatements("bitcoin", StudyAnalysis.FormCells(rows));
        var line = Assert.Single(lines);
        Assert.StartsWith("On bitcoin no model beats the naive forecast", line);
        Assert.Contains("lstm pruning", line);
        Assert.Contains("1.05", line);

        var better = StudyAnalysis.NaiveStatements("bitcoin", StudyAnalysis.FormCells([.. rows, Row("bitcoin", "gru", "pruning", 7, 42, 90, 100)]));
        Assert.Contains("1 of 4", Assert.Single(better));
    }

    [Fact]
    public void TooFewBlocks_GiveANoteInsteadOfATest()
    {
        var rows = new[] { Row("d", "lstm", "none", 7, 42, 1, 1), Row("d", "lstm", "pruning", 7, 42, 0.9, 1) };
        var scope = Assert.Single(StudyAnalysis.Analyze(rows).Scopes);
        Assert.Null(scope.Comparison);
        Assert.Contains("at least 2", scope.ComparisonNote);
    }
}

public class StudyAnalysisNonFiniteTests
{
    [Fact]
    public void DivergedTrials_AreLeftOutAndListed()
    {
        var rows = new List<StudyResultRow>();
        foreach (var l in new[] { 7, 14, 30 })
        {
            rows.Add(StudyTestData.Row("d", "lstm", "none", l, 42, 1.2, 1));
            rows.Add(StudyTestData.Row("d", "lstm", "pruning", l, 42, 1.0, 1));
        }
        rows.Add(StudyTestData.Row("d", "lstm", "none", 60, 42, double.NaN, 1));
        rows.Add(StudyTestData.Row("d", "lstm", "pruning", 60, 42, 1.0, 1));
        var analysis = StudyAnalysis.Analyze(rows);
        Assert.Single(analysis.NonFiniteTrials);
        var cmp = analysis.Scopes.Single().Comparison!;
        Assert.Equal(3, cmp.N); // the block at lookback 60 lacks 'none' and is dropped
        Assert.Single(cmp.DroppedBlocks);
    }

    [Fact]
    public void OverallScope_TestsRelativeMae_SoTheLargestScaleDoesNotDecide()
    {
        // 'big' (naive 1,000): pruning 5 % worse in 5 blocks (raw differences +50); 'small' (naive 1): pruning 10 % better
        // in 5 blocks (raw differences −0.1). On raw MAE the 'big' differences take the 5 largest ranks; on MAE ÷ naive
        // the 'small' ones do.
        var rows = new List<StudyResultRow>();
        foreach (var l in new[] { 1, 3, 7, 14, 30 })
        {
            rows.Add(Row("big", "lstm", "none", l, 42, 1000, 1000));
            rows.Add(Row("big", "lstm", "pruning", l, 42, 1050 + l / 100.0, 1000));
            rows.Add(Row("small", "lstm", "none", l, 42, 1.0, 1));
            rows.Add(Row("small", "lstm", "pruning", l, 42, 0.9 - l / 10000.0, 1));
        }
        var analysis = StudyAnalysis.Analyze(rows);
        var overall = analysis.Scopes.Single(s => s.Scope == StudyAnalysis.Overall);
        var pair = Assert.Single(overall.Comparison!.Pairs);

        var relativeTable = StudyAnalysis.ComparisonTable(analysis.Cells, relative: true);
        Assert.All(relativeTable, o => Assert.Equal(analysis.Cells.Single(c => c.BlockId == o.BlockId && c.Method == o.Treatment).RelativeMae, o.Value));
        var onRelative = RegularizerComparison.Compare(relativeTable,
            new() { ReferenceTreatment = "pruning", DropIncompleteBlocks = true }).Pairs.Single();
        var onRaw = RegularizerComparison.Compare(StudyAnalysis.ComparisonTable(analysis.Cells),
            new() { ReferenceTreatment = "pruning", DropIncompleteBlocks = true }).Pairs.Single();
        Assert.NotEqual(onRaw.Wilcoxon.WPlus, onRelative.Wilcoxon.WPlus); // the two scales really rank the differences differently
        Assert.Equal(onRelative.Wilcoxon.WPlus, pair.Wilcoxon.WPlus);
        Assert.Equal(onRelative.Wilcoxon.WMinus, pair.Wilcoxon.WMinus);
    }

    [Fact]
    public void CellsWithFewerSeeds_AreFound_DeterministicBaselinesPlanOneSeed()
    {
        var rows = new List<StudyResultRow>();
        foreach (var seed in new[] { 42, 43, 44 })
        {
            rows.Add(Row("d", "lstm", "none", 7, seed, 1.0, 1));
            rows.Add(Row("d", "lstm", "pruning", 7, seed, seed == 44 ? double.NaN : 0.9, 1)); // diverged once
            rows.Add(Row("d", StudyMethods.BaselineModel, "dlinear", 7, seed, 0.8, 1));
        }
        rows.Add(Row("d", StudyMethods.BaselineModel, "naive", 7, 42, 1, 1));
        rows.Add(Row("d", StudyMethods.BaselineModel, "fasttree", 7, 42, 0.95, 1));
        var analysis = StudyAnalysis.Analyze(rows);
        Assert.Equal(3, analysis.ExpectedSeeds);
        var shortCell = Assert.Single(analysis.ShortCells);
        Assert.Equal(("pruning", 2), (shortCell.Method, shortCell.Seeds));
        Assert.Single(analysis.NonFiniteTrials);
    }
}
