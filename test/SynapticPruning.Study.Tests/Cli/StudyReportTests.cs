using Samples.Study;
using Xunit;
using static SynapticPruning.Study.Tests.Cli.StudyTestData;

namespace SynapticPruning.Study.Tests.Cli;

public class StudyReportTests
{
    private static readonly byte[] s_pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static (StudyReportFiles Files, string Markdown) WriteReport(string dir, StudyProtocol protocol, bool quick)
    {
        var datasets = new[] { Synthetic("alpha", 400, protocol), Synthetic("beta", 600, protocol) };
        var args = new List<string> { "--protocol", protocol.ToString().ToLowerInvariant(), "--models", "lstm,gru", "--lookbacks", "7,14,30", "--seeds", "2", "--epochs", "6", "--horizon", "1" };
        if (quick) args.Add("--quick");
        var options = StudyOptions.Parse(args);
        var plan = StudyGrid.Enumerate(options, datasets);
        var runner = new FakeStudyRunner();
        var store = new StudyResultStore(dir);
        foreach (var t in plan.Trials) store.Append(t, runner.Run(t, datasets.Single(d => d.Name == t.Dataset), default));
        var files = StudyReport.Write(dir, new StudyReportInput(options, datasets, plan, store.Load(), store.LoadDetails(), 0, false));
        return (files, File.ReadAllText(files.MarkdownPath));
    }

    [Fact]
    public void PaperReport_HasEveryTable_NaiveRows_Flaws_AndEndsWithTheVerdict()
    {
        using var dir = new TempFolder();
        var (files, md) = WriteReport(dir.Path, StudyProtocol.Paper, quick: false);
        Assert.Contains(StudyReport.FlawsHeading, md);
        Assert.Contains("never reaches s_f", md);
        Assert.Contains("Scalers are fitted on the whole series", md);
        Assert.DoesNotContain(StudyReport.SmokeRunHeading, md);
        foreach (var scope in new[] { "## Dataset: alpha", "## Dataset: beta", "## All datasets" })
        {
            int start = md.IndexOf(scope, StringComparison.Ordinal);
            Assert.True(start >= 0, scope);
            int end = md.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
            var section = md[start..end];
            Assert.Contains("| *naive (baseline)* |", section);
            Assert.Contains("not ranked", section);
            Assert.Contains("Friedman χ²(3)", section);
            Assert.Contains("Iman–Davenport", section);
            Assert.Contains("Nemenyi critical difference", section);
            Assert.Contains("| none vs pruning |", section);
            Assert.Contains("up to (max, selection-biased)", section);
            Assert.Contains("Smallest reachable p", section);
        }
        Assert.Contains("## Sparsity of the pruned models", md);
        Assert.Contains("| global | encoder.weight_hh | encoder.weight_ih | head.weight |", md); // per-layer sparsity of every pruned model
        Assert.Contains("## Nemenyi q table", md);
        int verdict = md.IndexOf("## Verdict", StringComparison.Ordinal);
        Assert.True(verdict > md.IndexOf("## Nemenyi q table", StringComparison.Ordinal));
        Assert.Contains("In plain words", md[verdict..]);
        Assert.Contains("pruning is significantly better than none", md[verdict..]); // the fake runner makes pruning 10% better
        Assert.DoesNotContain("\n## ", md[(verdict + 3)..]);

        var html = File.ReadAllText(files.HtmlPath);
        Assert.Contains("<table>", html);
        Assert.Equal(files.PlotPaths.Count, html.Split("data:image/png;base64,").Length - 1);
    }

    [Fact]
    public void QuickReport_IsHeadedSmokeRunNotEvidence()
    {
        using var dir = new TempFolder();
        var (_, md) = WriteReport(dir.Path, StudyProtocol.Rigorous, quick: true);
        Assert.StartsWith($"# {StudyReport.SmokeRunHeading}", md);
        Assert.DoesNotContain(StudyReport.FlawsHeading, md);
        // 2 models × 3 lookbacks = 6 blocks per dataset cannot reach α = 0.05 over 15 pairs; the 12 of both datasets can.
        Assert.Contains("### Can this grid support claims?", md);
        Assert.Contains("| alpha | 6 | 6 | 15 | 0.0312 | 0.469 | 10 | **no** |", md);
        Assert.Contains("| all datasets | 12 | 6 | 15 | 0.000488 | 0.00732 | 10 | yes |", md);
        Assert.Contains("On alpha: 6 block(s), 6 arms, 15 pairs; smallest reachable Wilcoxon p 0.0312, smallest reachable Holm-adjusted p 0.469. **This grid cannot reach significance**", md);
        int alpha = md.IndexOf("## Dataset: alpha", StringComparison.Ordinal);
        Assert.Contains("**With 6 blocks this scope cannot reach significance:**", md[alpha..md.IndexOf("## Dataset: beta", StringComparison.Ordinal)]);
        int all = md.IndexOf("## All datasets", StringComparison.Ordinal);
        Assert.Contains("These 12 blocks can reach significance", md[all..]);
    }

    [Fact]
    public void Plots_AreValidPngFilesOfNonTrivialSize()
    {
        using var dir = new TempFolder();
        var (files, _) = WriteReport(dir.Path, StudyProtocol.Rigorous, quick: false);
        Assert.Contains(files.PlotPaths, p => p.EndsWith("cd-overall.png"));
        Assert.Contains(files.PlotPaths, p => p.EndsWith("mae-alpha-h1.png"));
        Assert.Contains(files.PlotPaths, p => p.EndsWith("forecast-beta.png"));
        Assert.Contains(files.PlotPaths, p => p.EndsWith("sparsity.png"));
        foreach (var p in files.PlotPaths)
        {
            var bytes = File.ReadAllBytes(p);
            Assert.True(bytes.Length > 10_000, $"{p}: {bytes.Length} bytes");
            Assert.Equal(s_pngSignature, bytes[..8]);
        }
    }

    [Fact]
    public void CriticalDifferenceLayout_PlacesMethodsAtTheirAverageRanks_AndJoinsGroupsWithinCd()
    {
        var ranks = new Dictionary<string, double> { ["d"] = 3.9, ["a"] = 1.0, ["c"] = 3.2, ["b"] = 1.5 };
        var layout = CriticalDifferenceLayout.Compute(ranks, 1.0);
        Assert.Equal(["a", "b", "c", "d"], layout.Methods.Select(m => m.Name));
        Assert.Equal([1.0, 1.5, 3.2, 3.9], layout.Methods.Select(m => m.Rank));
        // a–b differ by 0.5 < 1 and c–d by 0.7 < 1; b–c differ by 1.7 ≥ 1: two groups.
        Assert.Equal([(0, 1), (2, 3)], layout.Groups);
        Assert.True(layout.IsLeft(0) && layout.IsLeft(1));
        Assert.False(layout.IsLeft(2) || layout.IsLeft(3));

        // With a CD of 2.5 the groups {a, b, c} and {b, c, d} overlap; both are maximal and listed.
        Assert.Equal([(0, 2), (1, 3)], CriticalDifferenceLayout.Compute(ranks, 2.5).Groups);
        // A CD larger than the whole range joins everything.
        Assert.Equal([(0, 3)], CriticalDifferenceLayout.Compute(ranks, 5).Groups);
        Assert.Empty(CriticalDifferenceLayout.Compute(ranks, double.NaN).Groups);
    }

    [Fact]
    public void CriticalDifferencePlot_DrawsEachMethodMarkerAtItsRankPosition()
    {
        // Two methods at ranks 1 and k = 2 sit exactly at the axis ends; the marker colours appear in the image at
        // columns in the ratio of their ranks along the axis.
        using var dir = new TempFolder();
        var path = Path.Combine(dir.Path, "cd.png");
        var ranks = new Dictionary<string, double> { ["pruning"] = 1.25, ["none"] = 2.75, ["dropout"] = 2.0 };
        StudyPlots.CriticalDifference(path, CriticalDifferenceLayout.Compute(ranks, 0.9), "test");
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(s_pngSignature, bytes[..8]);
        using var bitmap = SkiaSharp.SKBitmap.Decode(path);
        double Column(ScottPlot.Color c)
        {
            var xs = new List<int>();
            for (int y = 0; y < bitmap.Height; y++)
                for (int x = 0; x < bitmap.Width; x++)
                {
                    var p = bitmap.GetPixel(x, y);
                    if (p.Red == c.R && p.Green == c.G && p.Blue == c.B) xs.Add(x);
                }
            Assert.NotEmpty(xs);
            return xs.Average();
        }
        double xPruning = Column(StudyPlots.MethodColor("pruning"));
        double xDropout = Column(StudyPlots.MethodColor("dropout"));
        double xNone = Column(StudyPlots.MethodColor("none"));
        Assert.True(xPruning < xDropout && xDropout < xNone);
        // dropout (rank 2.0) lies halfway between pruning (1.25) and none (2.75).
        Assert.InRange((xDropout - xPruning) / (xNone - xPruning), 0.45, 0.55);
    }
}
