using Samples.Study;
using Xunit;

namespace SynapticPruning.Study.Tests.Cli;

public class StudyCommandTests
{
    private static int Run(string[] args, IStudyTrialRunner runner, out string output, out string error, CancellationToken ct = default)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = StudyCommand.Run(args, () => runner, o, e, interactive: false, ct);
        output = o.ToString();
        error = e.ToString();
        return code;
    }

    [Fact]
    public void QuickRun_WithFakeRunner_WritesEveryArtifact_AndResumesWithoutRerunning()
    {
        using var dir = new TempFolder();
        string[] args = ["--quick", "--out", dir.Path];
        var runner = new FakeStudyRunner();
        int code = Run(args, runner, out var output, out var error);
        Assert.True(code == StudyCommand.Success, output + error);

        // Quick grid: 4 datasets × 2 lookbacks × (2 models × 6 arms × 3 seeds + naive + seasonal naive + fasttree + 3 dlinear).
        int expected = 4 * 2 * (2 * 6 * 3 + 3 + 3);
        Assert.Equal(expected, runner.Calls);
        Assert.Contains($"Planned trials: {expected}", output);

        var store = new StudyResultStore(dir.Path);
        Assert.Equal(expected, store.Load().Count);
        Assert.True(File.Exists(Path.Combine(dir.Path, "report.md")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "report.html")));
        var md = File.ReadAllText(Path.Combine(dir.Path, "report.md"));
        Assert.Contains(StudyReport.SmokeRunHeading, md);
        var html = File.ReadAllText(Path.Combine(dir.Path, "report.html"));
        Assert.Contains("data:image/png;base64,", html);
        Assert.DoesNotContain("src=\"plots/", html);
        foreach (var plot in new[] { "cd-overall.png", "cd-bitcoin.png", "mae-bitcoin-h1.png", "forecast-bitcoin.png", "sparsity.png" })
            Assert.True(File.Exists(Path.Combine(dir.Path, "plots", plot)), plot);

        // Resume: nothing runs again and the report is rebuilt.
        var second = new FakeStudyRunner();
        code = Run(args, second, out output, out _);
        Assert.Equal(StudyCommand.Success, code);
        Assert.Equal(0, second.Calls);
        Assert.Contains($"{expected} already in", output);
    }

    [Fact]
    public void Cancellation_KeepsFinishedTrials_AndRerunCompletesOnlyTheRest()
    {
        using var dir = new TempFolder();
        using var cts = new CancellationTokenSource();
        string[] args = ["--datasets", "bitcoin", "--models", "lstm", "--lookbacks", "7", "--seeds", "2", "--epochs", "4", "--horizon", "1", "--backtest", "1", "--out", dir.Path];
        int calls = 0;
        var first = new FakeStudyRunner(onRun: _ => { if (++calls == 6) cts.Cancel(); });
        int code = Run(args, first, out var output, out _, cts.Token);
        Assert.Equal(StudyCommand.Interrupted, code);
        Assert.Equal(5, first.Calls); // the 6th trial was abandoned
        var store = new StudyResultStore(dir.Path);
        Assert.Equal(5, store.Load().Count);
        Assert.Contains("Partial results", File.ReadAllText(Path.Combine(dir.Path, "report.md")));

        var second = new FakeStudyRunner();
        code = Run(args, second, out output, out _);
        Assert.Equal(StudyCommand.Success, code);
        // 1 lookback × (1 model × 6 arms × 2 seeds + 3 deterministic baselines + 2 dlinear) = 17 trials.
        Assert.Equal(17 - 5, second.Calls);
        Assert.Empty(second.RunIds.Intersect(first.RunIds));
        Assert.Equal(17, new StudyResultStore(dir.Path).Load().Count);
    }

    [Fact]
    public void CustomCsv_WithUnreadableNumber_ReportsTheLineNumber()
    {
        using var dir = new TempFolder();
        var csv = Path.Combine(dir.Path, "bad.csv");
        var lines = new List<string> { "date,value,other" };
        for (int i = 0; i < 50; i++) lines.Add($"{new DateTime(2024, 1, 1).AddDays(i):yyyy-MM-dd},{i}.5,{i}");
        lines[1 + 3] = "2024-01-04,abc,3";
        File.WriteAllLines(csv, lines);
        int code = Run(["--data", csv, "--target", "value", "--out", Path.Combine(dir.Path, "out")], new FakeStudyRunner(), out _, out var error);
        Assert.Equal(StudyCommand.UsageError, code);
        Assert.True(error.Contains("line 5"), error);
        Assert.Contains("'abc'", error);
    }

    [Fact]
    public void CustomCsv_WithUnknownTarget_ListsTheColumns()
    {
        using var dir = new TempFolder();
        var csv = Path.Combine(dir.Path, "series.csv");
        File.WriteAllLines(csv, ["time,load", .. Enumerable.Range(0, 30).Select(i => $"{new DateTime(2024, 1, 1).AddHours(i):yyyy-MM-dd HH:mm:ss},{i}")]);
        int code = Run(["--data", csv, "--target", "Load", "--out", Path.Combine(dir.Path, "out")], new FakeStudyRunner(), out _, out var error);
        Assert.Equal(StudyCommand.UsageError, code);
        Assert.True(error.Contains("'load'"), error);
    }

    [Fact]
    public void CustomCsv_WithCommaDecimals_RunsEndToEnd()
    {
        using var dir = new TempFolder();
        var csv = Path.Combine(dir.Path, "hourly.csv");
        var start = new DateTime(2024, 1, 1);
        File.WriteAllLines(csv, ["stamp;load;temp", .. Enumerable.Range(0, 400).Select(i =>
            $"{start.AddHours(i):yyyy-MM-dd HH:mm:ss};{(10 + 3 * Math.Sin(i * 2 * Math.PI / 24)).ToString("0.000", new System.Globalization.CultureInfo("de-DE"))};{i % 10},5")]);
        var runner = new FakeStudyRunner();
        int code = Run(["--data", csv, "--target", "load", "--separator", ";", "--decimal", ",", "--models", "gru", "--lookbacks", "24",
            "--seeds", "2", "--horizon", "1", "--out", Path.Combine(dir.Path, "out")], runner, out var output, out var error);
        Assert.True(code == StudyCommand.Success, output + error);
        var md = File.ReadAllText(Path.Combine(dir.Path, "out", "report.md"));
        Assert.Contains("Dataset: hourly", md);
        Assert.Contains("seasonal period 24 (inferred from the time step)", md);
    }

    [Fact]
    public void Estimate_RunsOneTrialPerDatasetModelMethod_AndWritesALabelledEstimate()
    {
        using var dir = new TempFolder();
        var runner = new FakeStudyRunner();
        int code = Run(["--estimate", "--datasets", "bitcoin,aapl", "--models", "lstm,gru", "--out", dir.Path], runner, out var output, out var error);
        Assert.True(code == StudyCommand.Success, output + error);
        // Per dataset: 2 models × 6 arms + 4 baselines, each once (middle lookback 14 of 7, 14, 30, horizon 1, seed 42,
        // the last of the default grid's 2 backtest folds).
        Assert.Equal(2 * (2 * 6 + 4), runner.Calls);
        Assert.All(runner.RunIds, id => Assert.Contains("/L14/H1/s42/", id));
        Assert.All(runner.RunIds, id => Assert.EndsWith("/f1of2", id));
        var md = File.ReadAllText(Path.Combine(dir.Path, "estimate.md"));
        Assert.Contains("an estimate, not a measurement", md);
        Assert.Contains("| bitcoin | 24 | 6 | 15 | 1.19E-07 | 1.79E-06 | 10 | yes |", md); // the design floor: 2 models × 3 lookbacks × 2 horizons × 2 folds
        Assert.Contains("| bitcoin |", md);
        Assert.Contains("| **total** |", md);
        // The timed sample trials are real grid trials: a later full run does not repeat them.
        Assert.Equal(runner.Calls, new StudyResultStore(dir.Path).Load().Count);
    }

    [Fact]
    public void CustomCsv_TooShortForEveryLookback_IsAUsageError()
    {
        using var dir = new TempFolder();
        var csv = Path.Combine(dir.Path, "short.csv");
        File.WriteAllLines(csv, ["day,v", .. Enumerable.Range(0, 40).Select(i => $"{new DateTime(2024, 1, 1).AddDays(i):yyyy-MM-dd},{i % 5}")]);
        var runner = new FakeStudyRunner();
        int code = Run(["--data", csv, "--target", "v", "--lookbacks", "30,60", "--out", Path.Combine(dir.Path, "out")], runner, out _, out var error);
        Assert.Equal(StudyCommand.UsageError, code);
        Assert.Contains("no trial fits the data", error);
        Assert.Contains("lookback 60", error);
        Assert.Equal(0, runner.Calls);
    }

    [Fact]
    public void UnknownOption_IsAUsageError_NamingTheOption()
    {
        int code = Run(["--lookback", "7"], new FakeStudyRunner(), out _, out var error);
        Assert.Equal(StudyCommand.UsageError, code);
        Assert.Contains("'--lookback'", error);
    }

    [Fact]
    public void UnwiredRunner_StopsWithARunnerError()
    {
        using var dir = new TempFolder();
        int code = Run(["--datasets", "bitcoin", "--models", "lstm", "--lookbacks", "7", "--seeds", "1", "--out", dir.Path],
            new UnwiredStudyTrialRunner(), out _, out var error);
        Assert.Equal(StudyCommand.RunnerError, code);
        Assert.Contains("training runner not wired", error);
    }
}
