using Microsoft.ML.SynapticPruning.Sweeps;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

public class ProcessTrialSchedulerTests
{
    private static bool HasShell => !OperatingSystem.IsWindows() && File.Exists("/bin/sh");

    private static TrialRequest Trial(int i) => new("proc", Configuration.Empty.With("i", i), i, 0, 3, 3, TestData.Data);

    // A long-lived worker: ready line, then per request line: extract the trial id and the seed, log a line to stdout and
    // one to stderr, and reply with a result whose objective is seed + 0.5.
    private const string ReplyWithSeed =
        "id=$(printf '%s' \"$line\" | sed -E 's/.*\"trialId\":\"([0-9a-f]+)\".*/\\1/'); " +
        "seed=$(printf '%s' \"$line\" | sed -E 's/.*\"seed\":([0-9]+).*/\\1/'); " +
        "echo \"training $id\"; echo 'some stderr' >&2; " +
        "printf '@reply {\"version\":1,\"trialId\":\"%s\",\"status\":\"Succeeded\",\"objective\":%s.5,\"metrics\":{\"rmse\":2},\"epochsRun\":3}\\n' \"$id\" \"$seed\"";

    private const string EchoWorker = "echo '@ready sh'; while read -r line; do " + ReplyWithSeed + "; done";

    [Fact]
    public async Task Workers_AreLongLived_AndAnswerEveryRequest()
    {
        if (!HasShell) return;
        using var scheduler = new ProcessTrialScheduler("/bin/sh", new[] { "-c", EchoWorker }, maxParallelTrials: 2);
        var trials = Enumerable.Range(1, 6).Select(Trial).ToArray();
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
        // Six trials, at most two workers: each worker ran several trials.
        Assert.InRange(scheduler.WorkersStarted, 1, 2);
        Assert.InRange(results.Select(r => r.Worker).Distinct().Count(), 1, 2);
    }

    [Fact]
    public async Task WorkerThatDiesBeforeReplying_IsReplaced_AndTheTrialRunsAgain()
    {
        if (!HasShell) return;
        using var tmp = new TempFolder();
        string mark = tmp.File("died-once");
        // The first worker dies on its first request (leaving a mark); its replacement answers.
        string script = $"echo '@ready sh'; while read -r line; do if [ ! -e '{mark}' ]; then touch '{mark}'; exit 9; fi; {ReplyWithSeed}; done";
        using var scheduler = new ProcessTrialScheduler("/bin/sh", new[] { "-c", script });
        var result = await scheduler.RunAsync(Trial(4), CancellationToken.None);
        Assert.Equal(TrialStatus.Succeeded, result.Status);
        Assert.Equal(4.5, result.Objective);
        Assert.Equal(2, scheduler.WorkersStarted);
    }

    [Fact]
    public async Task WorkerThatDiesOnEveryAttempt_GivesAFailureQuotingItsExitCodeAndStderr()
    {
        if (!HasShell) return;
        using var scheduler = new ProcessTrialScheduler("/bin/sh", new[] { "-c", "echo '@ready sh'; read -r x; echo 'data hash mismatch' >&2; exit 3" });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await scheduler.RunAsync(Trial(1), CancellationToken.None);
        Assert.Equal(TrialStatus.Failed, result.Status);
        Assert.Contains("code 3", result.Error);
        Assert.Contains("data hash mismatch", result.Error);
        Assert.Contains("tried 2 times", result.Error);
        Assert.Equal(2, scheduler.WorkersStarted);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task GarbageForeignOrMissingWorkers_AreFailures()
    {
        if (!HasShell) return;
        using var garbageScheduler = new ProcessTrialScheduler("/bin/sh", new[] { "-c", "echo '@ready sh'; read -r x; echo '@reply not json'; read -r y" });
        var garbage = await garbageScheduler.RunAsync(Trial(1), CancellationToken.None);
        Assert.Equal(TrialStatus.Failed, garbage.Status);
        Assert.Contains("not json", garbage.Error);

        string foreign = TrialResult.Succeeded("ffffffffffffffff", 1).ToJson();
        using var foreignScheduler = new ProcessTrialScheduler("/bin/sh", new[] { "-c", $"echo '@ready sh'; read -r x; echo '@reply {foreign}'; read -r y" });
        var wrong = await foreignScheduler.RunAsync(Trial(1), CancellationToken.None);
        Assert.Equal(TrialStatus.Failed, wrong.Status);
        Assert.Contains("ffffffffffffffff", wrong.Error);

        using var notReady = new ProcessTrialScheduler("/bin/sh", new[] { "-c", "echo 'cannot load the data' >&2; exit 4" });
        var never = await notReady.RunAsync(Trial(1), CancellationToken.None);
        Assert.Equal(TrialStatus.Failed, never.Status);
        Assert.Contains("before it was ready", never.Error);
        Assert.Contains("cannot load the data", never.Error);

        using var missingScheduler = new ProcessTrialScheduler("/nonexistent/worker", Array.Empty<string>());
        var missing = await missingScheduler.RunAsync(Trial(1), CancellationToken.None);
        Assert.Equal(TrialStatus.Failed, missing.Status);
        Assert.Contains("/nonexistent/worker", missing.Error);
    }

    [Fact]
    public async Task Cancellation_KillsTheWorker()
    {
        if (!HasShell) return;
        using var scheduler = new ProcessTrialScheduler("/bin/sh", new[] { "-c", "echo '@ready sh'; read -r x; sleep 30; echo never" });
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
        using var scheduler = new ProcessTrialScheduler("/bin/sh", new[] { "-c", EchoWorker }, 2);
        var outcome = await new SweepRunner(new RandomSearchTuner(SyntheticObjective.Space(), 3, seed: 1), scheduler,
            new SweepRunnerOptions { SweepId = "p", Data = TestData.Data, MaxTrials = 4 }).RunAsync();
        Assert.Equal(4, outcome.Records.Count);
        Assert.All(outcome.Records, r => Assert.Equal(r.Request.Seed + 0.5, r.Result.Objective));
    }
}
