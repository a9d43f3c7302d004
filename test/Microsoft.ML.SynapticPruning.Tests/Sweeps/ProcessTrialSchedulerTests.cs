using Microsoft.ML.SynapticPruning.Sweeps;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

public class ProcessTrialSchedulerTests
{
    private static bool HasShell => !OperatingSystem.IsWindows() && File.Exists("/bin/sh");

    private static TrialRequest Trial(int i) => new("proc", Configuration.Empty.With("i", i), i, 0, 3, 3, TestData.Data);

    // Reads the request line, extracts the trial id and the seed, logs a line, then prints the result as the last line.
    private const string EchoWorker =
        "read -r line; " +
        "id=$(printf '%s' \"$line\" | sed -E 's/.*\"trialId\":\"([0-9a-f]+)\".*/\\1/'); " +
        "seed=$(printf '%s' \"$line\" | sed -E 's/.*\"seed\":([0-9]+).*/\\1/'); " +
        "echo \"training $id\"; echo 'some stderr' >&2; " +
        "printf '{\"version\":1,\"trialId\":\"%s\",\"status\":\"Succeeded\",\"objective\":%s.5,\"metrics\":{\"rmse\":2},\"epochsRun\":3}\\n' \"$id\" \"$seed\"";

    [Fact]
    public async Task Worker_ReceivesRequestOnStdin_AndItsLastLineIsTheResult()
    {
        if (!HasShell) return;
        var scheduler = new ProcessTrialScheduler("/bin/sh", new[] { "-c", EchoWorker }, maxParallelTrials: 2);
        var trials = Enumerable.Range(1, 4).Select(Trial).ToArray();
        var results = await Task.WhenAll(trials.Select(t => scheduler.RunAsync(t, CancellationToken.None)));
        for (int i = 0; i < trials.Length; i++)
        {
            Assert.Equal(TrialStatus.Succeeded, results[i].Status);
            Assert.Equal(trials[i].TrialId, results[i].TrialId);
            Assert.Equal(trials[i].Seed + 0.5, results[i].Objective);
            Assert.Equal(2.0, results[i].Metrics["rmse"]);
            Assert.Equal(3, results[i].EpochsRun);
            Assert.Contains("worker-pid", results[i].Worker);
        }
    }

    [Fact]
    public async Task NonZeroExit_IsAFailureQuotingStderr()
    {
        if (!HasShell) return;
        var scheduler = new ProcessTrialScheduler("/bin/sh", new[] { "-c", "read -r x; echo 'data hash mismatch' >&2; exit 3" });
        var result = await scheduler.RunAsync(Trial(1), CancellationToken.None);
        Assert.Equal(TrialStatus.Failed, result.Status);
        Assert.Contains("code 3", result.Error);
        Assert.Contains("data hash mismatch", result.Error);
    }

    [Fact]
    public async Task GarbageOrForeignResult_IsAFailure()
    {
        if (!HasShell) return;
        var garbage = await new ProcessTrialScheduler("/bin/sh", new[] { "-c", "read -r x; echo 'not json'" }).RunAsync(Trial(1), CancellationToken.None);
        Assert.Equal(TrialStatus.Failed, garbage.Status);
        Assert.Contains("not json", garbage.Error);

        string foreign = TrialResult.Succeeded("ffffffffffffffff", 1).ToJson();
        var wrong = await new ProcessTrialScheduler("/bin/sh", new[] { "-c", $"read -r x; echo '{foreign}'" }).RunAsync(Trial(1), CancellationToken.None);
        Assert.Equal(TrialStatus.Failed, wrong.Status);
        Assert.Contains("ffffffffffffffff", wrong.Error);

        var missing = await new ProcessTrialScheduler("/nonexistent/worker", Array.Empty<string>()).RunAsync(Trial(1), CancellationToken.None);
        Assert.Equal(TrialStatus.Failed, missing.Status);
    }

    [Fact]
    public async Task Cancellation_KillsTheWorker()
    {
        if (!HasShell) return;
        var scheduler = new ProcessTrialScheduler("/bin/sh", new[] { "-c", "read -r x; sleep 30; echo never" });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await scheduler.RunAsync(Trial(1), cts.Token);
        Assert.Equal(TrialStatus.Cancelled, result.Status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task SweepRunner_WorksWithWorkerProcesses()
    {
        if (!HasShell) return;
        var outcome = await new SweepRunner(new RandomSearchTuner(SyntheticObjective.Space(), 3, seed: 1),
            new ProcessTrialScheduler("/bin/sh", new[] { "-c", EchoWorker }, 2),
            new SweepRunnerOptions { SweepId = "p", Data = TestData.Data, MaxTrials = 4 }).RunAsync();
        Assert.Equal(4, outcome.Records.Count);
        Assert.All(outcome.Records, r => Assert.Equal(r.Request.Seed + 0.5, r.Result.Objective));
    }
}
