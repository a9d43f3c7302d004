using Microsoft.ML.SynapticPruning.Sweeps;
using Samples.Commands;
using Xunit;
using FS = Microsoft.ML.SynapticPruning.ForecastingSearchSpace;

namespace SynapticPruning.Study.Tests.Cli;

/// <summary>The <c>sweep</c> CLI's pure parts: <c>--models</c> narrowing and the grid's report (no sweep is run).</summary>
public sealed class SweepCommandTests
{
    [Fact]
    public void ModelsNarrowTheSpaceToTheParametersTheyUse()
    {
        var lagOnly = SweepCommand.Space(new[] { "fasttree", "naive" });
        Assert.Equal(new[] { FS.Model, FS.Lookback, FS.Trees, FS.Leaves, FS.TreeLearningRate }, lagOnly.Parameters.Select(p => p.Name));
        var naiveOnly = SweepCommand.Space(new[] { "naive", "seasonal-naive" });
        Assert.Equal(new[] { FS.Model }, naiveOnly.Parameters.Select(p => p.Name));
        var dlinear = SweepCommand.Space(new[] { "dlinear", "lightgbm" });
        Assert.DoesNotContain(FS.HiddenSize, dlinear.Parameters.Select(p => p.Name));
        Assert.Contains(FS.Regularization, dlinear.Parameters.Select(p => p.Name));
        var rng = new Random(3);
        Assert.All(Enumerable.Range(0, 100).Select(_ => dlinear.Sample(rng)), c => Assert.Contains(c.GetString(FS.Model), new[] { "dlinear", "lightgbm" }));
        Assert.Throws<ArgumentException>(() => SweepCommand.Space(new[] { "xgboost" }));
    }

    [Fact]
    public void TheGridReportHasTheHeldOutTableAndTheTunerIntervals()
    {
        var cells = new List<HeldOutCheck>();
        foreach (var tuner in new[] { "asha", "random" })
            for (int seed = 0; seed < 3; seed++)
                cells.Add(new HeldOutCheck("aapl", tuner, seed, PickMae: 1 + seed, PaperMae: 4, BaselineMae: 2, NaiveMae: 2, "FastTree, lookback 24", "naive", seed == 0,
                    TunerPickMae: seed == 0 ? (tuner == "asha" ? 4 : 7) : 1 + seed, TunerPick: "model=fasttree"));
        string report = SweepGridCommand.Report(cells, new[] { "asha", "random" });
        Assert.Contains("| aapl | 6 | 2 (1.00×) | 4 (2.00×) | 2 (1.00×) | 2/6 |", report);
        // The tuner table uses each tuner's own best: asha {4, 2, 3} → mean 3, s = 1, t(0.975, 2) = 4.3027 → 3 ± 2.484;
        // random {7, 2, 3} → mean 4.
        Assert.Contains("| aapl | 3 [0.51", report);
        Assert.Contains("| 4 [", report);
        Assert.Contains("(n = 3)", report);
        Assert.DoesNotContain("left out of the tuner comparison", report);

        // A line written before the field existed, whose recommendation was a baseline, cannot tell the tuner's own
        // best: it is left out and counted; one that recommended the tuner's pick still counts.
        var old = new List<HeldOutCheck>
        {
            new("bitcoin", "asha", 0, PickMae: 10, PaperMae: 40, BaselineMae: 10, NaiveMae: 10, "Naive, lookback 1", "naive", true),
            new("bitcoin", "asha", 1, PickMae: 8, PaperMae: 40, BaselineMae: 10, NaiveMae: 10, "FastTree, lookback 9", "naive", false),
        };
        string oldReport = SweepGridCommand.Report(old, new[] { "asha" });
        Assert.Contains("| bitcoin | 8 (n = 1) |", oldReport);
        Assert.Contains("1 cell(s) recommended a baseline and were run before", oldReport);
    }

    [Fact]
    public void ALongGapSplitsTheSeriesTheLongestPartIsSweptAndShortGapsStayMissingForTheTrainersToFill()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sp-sweepdata-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "gaps.csv");
            var lines = new List<string> { "t,value" };
            for (int i = 0; i < 200; i++)
                lines.Add($"{i},{(i is >= 30 and < 40 or 60 or 61 ? "" : (10 + Math.Sin(i / 5.0)).ToString(System.Globalization.CultureInfo.InvariantCulture))}");
            File.WriteAllLines(path, lines);

            var series = SweepData.Load(path, "value", Microsoft.ML.SynapticPruning.MissingValuePolicy.Interpolate, 6);
            Assert.Equal(160, series.Values.Length);                     // rows [40, 200): the part after the 10-row gap
            Assert.Equal(2, series.Values.Count(float.IsNaN));           // rows 60 and 61, left for the trainers
            Assert.True(float.IsNaN(series.Values[20]));
            Assert.Contains("12 of 200 values of 'value' are missing", series.Note);
            Assert.Contains("rows [40, 200)", series.Note);

            var strict = SweepData.Load(path, "value", Microsoft.ML.SynapticPruning.MissingValuePolicy.Error, 6);
            Assert.Equal(200, strict.Values.Length);                     // as read: the sweep refuses it with the row
            Assert.Null(strict.Note);

            var e = Assert.Throws<ArgumentException>(() => SweepCommand.MissingPolicy(new CommandLine(new[] { "--missing", "drop" })));
            Assert.Contains("--missing", e.Message);
            var options = SweepCommand.ProtocolOptions(new CommandLine(new[] { "--missing", "forward-fill" }), 1);
            Assert.Equal(Microsoft.ML.SynapticPruning.MissingValuePolicy.ForwardFill, options.MissingValues);
            var worker = SweepCommand.WorkerArguments(path, "value", 100, options);
            Assert.Equal("forward-fill", worker[worker.IndexOf("--missing") + 1]);  // workers load and score the same way
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheGridReportSaysHowManyTrialsFinishedAndWhichSweepsFinishedNone()
    {
        var cells = new List<HeldOutCheck>
        {
            new("etth1", "tpe", 0, PickMae: 2, PaperMae: 3, BaselineMae: 2, NaiveMae: 2, "Naive, lookback 1", "naive", true, null, null, TrialsFinished: 0),
            new("etth1", "tpe", 1, PickMae: 1, PaperMae: 3, BaselineMae: 2, NaiveMae: 2, "FastTree, lookback 24", "naive", false, 1, "model=fasttree", TrialsFinished: 3),
            new("etth1", "tpe", 2, PickMae: 1.5, PaperMae: 3, BaselineMae: 2, NaiveMae: 2, "FastTree, lookback 12", "naive", false, 1.5, "model=fasttree", TrialsFinished: 5),
        };
        string report = SweepGridCommand.Report(cells, new[] { "tpe" });
        Assert.Contains("(n = 2; 0–5 trials finished; 1 sweep(s) finished none)", report);
        Assert.DoesNotContain("were run before the tuner's own best was refitted", report);  // not an old line
        Assert.Contains("| etth1 | 3 | 1.5 (0.75×) |", report);
    }
}
