using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SynapticPruning;
using Microsoft.ML.SynapticPruning.Sweeps;
using Microsoft.ML.SynapticPruning.Tests.MLNet;
using Samples.Commands;
using SynapticPruning.Study.Data;
using Xunit;

namespace SynapticPruning.Study.Tests.Cli;

/// <summary>A successive-halving sweep whose trials run in two real <c>Samples trial-worker</c> processes.</summary>
[Collection("Torch")]
public sealed class ProcessSweepTests
{
    private static SweepSearchSpace Space() => new SweepSearchSpace()
        .Add(new Choice("model", "lstm", "dlinear"))
        .Add(new Choice("regularization", "none", "pruning"))
        .Add(new IntRange("lookback", 8, 16))
        .Add(new Choice("hidden_size", "8", "16").When("model", "lstm"))
        .Add(new FloatRange("learning_rate", 1e-3, 1e-2, logScale: true))
        .Add(new Choice("batch_size", "32"));

    [Fact]
    public async Task TwoWorkerProcesses_GiveTheSameSweepEveryTime_AndEveryTrialItsInProcessResult()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempFolder();
        string csv = tmp.File("series.csv");
        var series = ForecastingTestData.NoisySine(160, seed: 3);
        File.WriteAllLines(csv, ["date,y", .. series.Select((r, i) => $"{new DateTime(2024, 1, 1).AddDays(i):yyyy-MM-dd},{r.Value.ToString("R", CultureInfo.InvariantCulture)}")]);

        // This process holds the same series and protocol as the workers (the data reference's SHA-256 must match).
        var ml = new MLContext(seed: 0);
        var values = TimeSeriesCsvReader.Read(csv).Column("y").Select(v => (float)v).ToArray();
        var schema = SchemaDefinition.Create(typeof(SweepRow));
        schema[nameof(SweepRow.Value)].ColumnName = "y";
        var view = ml.Data.LoadFromEnumerable(values.Select(v => new SweepRow { Value = v }).ToArray(), schema);
        var options = new ForecastingSweepOptions { LabelColumnName = "y", Horizon = 1, Folds = 2, SeasonalPeriod = 1, Metric = ForecastingMetric.Mae };
        using var inProcess = new ForecastingTrialRunner(ml, view, options, "series");
        string[] workerArgs =
        [
            Path.Combine(AppContext.BaseDirectory, "Samples.dll"), "trial-worker", "--data", csv, "--target", "y", "--rows", "160",
            "--horizon", "1", "--folds", "2", "--season", "1", "--metric", "mae",
        ];

        async Task<(IReadOnlyList<TrialRecord> Records, int Workers)> Sweep()
        {
            using var scheduler = new ProcessTrialScheduler("dotnet", workerArgs, maxParallelTrials: 2)
            {
                ThreadsPerTrial = r => ForecastingTrialRunner.ThreadsFor(r.Configuration, options),
            };
            var outcome = await new SweepRunner(new SuccessiveHalvingTuner(Space(), 3, minEpochs: 1, reductionFactor: 3, seed: 7), scheduler,
                new SweepRunnerOptions { SweepId = "two-workers", Data = inProcess.Data, MaxTrials = 6 }).RunAsync();
            return (outcome.Records, scheduler.WorkersStarted);
        }

        static string Describe(TrialRecord r) =>
            $"{r.TrialId} rung {r.Request.Rung} {r.Result.Status} {BitConverter.DoubleToInt64Bits(r.Result.Objective):X16} {r.Result.Error}";

        var first = await Sweep();
        var second = await Sweep();
        Assert.Equal(6, first.Records.Count);
        Assert.All(first.Records, r => Assert.True(r.Result.Status == TrialStatus.Succeeded, r.Result.Error));
        Assert.Equal(2, first.Workers);
        Assert.Equal(first.Records.Select(Describe), second.Records.Select(Describe));
        foreach (var record in first.Records)
        {
            var here = inProcess.Run(record.Request, CancellationToken.None);
            Assert.True(BitConverter.DoubleToInt64Bits(here.Objective) == BitConverter.DoubleToInt64Bits(record.Result.Objective),
                $"{record.TrialId}: in this process {here.Objective:R}, in a worker {record.Result.Objective:R}");
        }
    }
}
