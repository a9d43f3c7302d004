using Samples.Study;
using Xunit;
using static Microsoft.ML.SynapticPruning.Tests.Study.StudyTestData;

namespace Microsoft.ML.SynapticPruning.Tests.Study;

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
        var cmp = Assert.IsType<Microsoft.ML.SynapticPruning.Evaluation.Statistics.RegularizerComparisonResult>(scope.Comparison);
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
}
