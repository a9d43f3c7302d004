using Microsoft.ML.SynapticPruning.Data;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Data;

public class GapFillerTests
{
    private const double N = double.NaN;

    [Fact]
    public void InterpolatesGapOfThreeExactly()
    {
        // Between 1 and 5 over 4 steps the straight line passes 2, 3, 4.
        var r = GapFiller.Fill(new[] { 0.0, 1, N, N, N, 5, 6 }, MissingValuePolicy.Interpolate);
        Assert.Equal(new[] { 0.0, 1, 2, 3, 4, 5, 6 }, r.Values);
        Assert.Equal(new[] { false, false, true, true, true, false, false }, r.Imputed);
        Assert.Equal(3, r.ImputedCount);
        Assert.Equal(new[] { new SeriesSegment(0, 7) }, r.Segments);
    }

    [Fact]
    public void GapOfTenSplitsIntoTwoSegments()
    {
        var v = new List<double> { 1, 2, 3, 4 };
        v.AddRange(Enumerable.Repeat(N, 10));
        v.AddRange(new double[] { 7, 8, 9 });
        var r = GapFiller.Fill(v, MissingValuePolicy.Interpolate, maxGap: 6);
        Assert.Equal(new[] { new SeriesSegment(0, 4), new SeriesSegment(14, 17) }, r.Segments);
        Assert.Equal(0, r.ImputedCount);
        Assert.Equal(10, r.UnfilledCount);
        Assert.All(r.Values.Skip(4).Take(10), x => Assert.True(double.IsNaN(x)));
    }

    [Fact]
    public void GapExactlyAtLimitIsFilledAndOneMoreIsNot()
    {
        var six = new[] { 0.0, N, N, N, N, N, N, 7 };
        Assert.Single(GapFiller.Fill(six, MissingValuePolicy.Interpolate, 6).Segments);
        Assert.Equal(new[] { 0.0, 1, 2, 3, 4, 5, 6, 7 }, GapFiller.Fill(six, MissingValuePolicy.Interpolate, 6).Values);
        var seven = new[] { 0.0, N, N, N, N, N, N, N, 8 };
        Assert.Equal(2, GapFiller.Fill(seven, MissingValuePolicy.Interpolate, 6).Segments.Count);
    }

    [Fact]
    public void LeadingAndTrailingGapsAreNotInterpolated()
    {
        var r = GapFiller.Fill(new[] { N, N, 1.0, 2, N }, MissingValuePolicy.Interpolate);
        Assert.Equal(new[] { new SeriesSegment(2, 4) }, r.Segments);
        Assert.Equal(0, r.ImputedCount);
    }

    [Fact]
    public void ForwardFillRepeatsLastValue()
    {
        var r = GapFiller.Fill(new[] { N, 1.0, N, N, 4, N }, MissingValuePolicy.ForwardFill);
        Assert.True(double.IsNaN(r.Values[0]));
        Assert.Equal(new[] { 1.0, 1, 1, 4, 4 }, r.Values.Skip(1));
        Assert.Equal(new[] { false, false, true, true, false, true }, r.Imputed);
        Assert.Equal(new[] { new SeriesSegment(1, 6) }, r.Segments);
    }

    [Fact]
    public void ErrorPolicyNamesColumnRowLineAndFix()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            GapFiller.Fill(new[] { 1.0, 2, N }, MissingValuePolicy.Error, columnName: "close", lineNumbers: new[] { 2, 3, 9 }));
        Assert.Contains("'close'", ex.Message);
        Assert.Contains("row 2", ex.Message);
        Assert.Contains("line 9", ex.Message);
        Assert.Contains("Interpolate", ex.Message);
    }

    [Fact]
    public void InputIsNotModified()
    {
        var v = new[] { 1.0, N, 3 };
        GapFiller.Fill(v, MissingValuePolicy.Interpolate);
        Assert.True(double.IsNaN(v[1]));
    }

    [Fact]
    public void PrepareSplitsOnCovariateGapsAndFlagsImputedTargets()
    {
        var target = new[] { 1.0, N, 3, 4, 5, 6, 7, 8, 9, 10 };
        var cov = new[] { 1.0, 1, 1, N, N, N, N, 1, 1, 1 }; // covariate gap of 4 rows (3..6) > max gap 3
        var table = new TimeSeriesTable(new[] { "y", "x" }, new[] { target, cov });
        var p = TimeSeriesPreparation.Prepare(table, "y", new[] { "x" }, new TimeSeriesPreparationOptions { Policy = MissingValuePolicy.Interpolate, MaxInterpolatedGap = 3 });
        Assert.Equal(new[] { new SeriesSegment(0, 3), new SeriesSegment(7, 10) }, p.Segments);
        Assert.Equal(2.0, p.Target[1]);
        Assert.True(p.Imputed[1]);
        Assert.Equal(1, p.ImputedTargetCount);
        Assert.Equal(new SeriesSegment(0, 3), p.LongestSegment);

        var longest = p.Longest();
        Assert.Equal(3, longest.RowCount);
        Assert.Equal(0, longest.StartRow);
        var parts = p.SplitSegments();
        Assert.Equal(7, parts[1].StartRow);
        Assert.Equal(new[] { 8.0, 9, 10 }, parts[1].Target);
        Assert.Equal(new[] { 8, 9, 10 }, parts[1].LineNumbers);
    }

    [Fact]
    public void PrepareDefaultsToErrorAndRefusesTargetAsCovariate()
    {
        var table = new TimeSeriesTable(new[] { "y", "x" }, new[] { new[] { 1.0, N }, new[] { 1.0, 2 } });
        Assert.Throws<ArgumentException>(() => TimeSeriesPreparation.Prepare(table, "y"));
        Assert.Throws<ArgumentException>(() => TimeSeriesPreparation.Prepare(table, "x", new[] { "x" }));
        var missing = Assert.Throws<ArgumentException>(() => TimeSeriesPreparation.Prepare(table, "x", new[] { "z" }));
        Assert.Contains("'y'", missing.Message);
        Assert.Equal(MissingValuePolicy.Interpolate, TimeSeriesPreparationOptions.Study().Policy);
        Assert.Equal(6, TimeSeriesPreparationOptions.Study().MaxInterpolatedGap);
    }
}
