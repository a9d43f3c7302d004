using Microsoft.ML.SynapticPruning.Sweeps;
using Xunit;

namespace Microsoft.ML.SynapticPruning.Tests.Sweeps;

public class SweepRunnerTests
{
    private static SweepRunnerOptions Options(int maxTrials, TimeSpan? budget = null, string sweep = "sweep-1")
        => new() { SweepId = sweep, Data = TestData.Data, MaxTrials = maxTrials, TimeBudget = budget };

    private static int LineCount(string path) => File.ReadAllLines(path).Count(l => l.Trim().Length > 0);

    [Fact]
    public async Task MaxTrials_IsHonouredAndEveryFinishedTrialIsRecorded()
    {
        using var tmp = new TempFolder();
        var runner = new FakeRunner();
        var store = new SweepResultsStore(tmp.File("results.jsonl"));
        var outcome = await new SweepRunner(new RandomSearchTuner(SyntheticObjective.Space(), 5, seed: 1),
            new LocalTrialScheduler(runner, 2), Options(7), store).RunAsync();
        Assert.Equal(SweepStopReason.MaxTrials, outcome.StopReason);
        Assert.Equal(7, outcome.Records.Count);
        Assert.Equal(7, runner.Calls);
        Assert.Equal(7, outcome.TrialsExecuted);
        Assert.Equal(7, LineCount(store.Path));
        Assert.Equal(7, outcome.Leaderboard.Rows.Count);
        Assert.Equal(outcome.Records.Min(r => r.Result.Objective), outcome.Best!.Result.Objective);
    }

    [Fact]
    public async Task Results_AreTheSameAloneAndAlongsideOthers()
    {
        async Task<(Dictionary<string, double> Results, int MaxConcurrency)> Run(int concurrency)
        {
            var runner = new FakeRunner { JitterDelay = true };
            var outcome = await new SweepRunner(new RandomSearchTuner(SyntheticObjective.Space(), 9, seed: 5),
                new LocalTrialScheduler(runner, concurrency), Options(12)).RunAsync();
            return (outcome.Records.ToDictionary(r => r.TrialId, r => r.Result.Objective), runner.MaxObservedConcurrency);
        }

        var alone = await Run(1);
        var together = await Run(3);
        Assert.Equal(1, alone.MaxConcurrency);
        Assert.True(together.MaxConcurrency > 1, "Trials never overlapped; the test would prove nothing.");
        Assert.True(together.MaxConcurrency <= 3, $"{together.MaxConcurrency} trials ran at once with MaxConcurrency 3.");
        Assert.Equal(12, alone.Results.Count);
        Assert.Equal(alone.Results.OrderBy(kv => kv.Key), together.Results.OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task AdaptiveTuner_SeesResultsInProposalOrder_SoTheSweepDoesNotDependOnTiming()
    {
        async Task<(string[] Records, string[] Completions)> Run(Func<string, int> delayMilliseconds)
        {
            var completions = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var runner = new FakeRunner
            {
                Override = (t, ct) =>
                {
                    Thread.Sleep(delayMilliseconds(t.TrialId));
                    completions.Enqueue(t.TrialId);
                    return TrialResult.Succeeded(t.TrialId, SyntheticObjective.Loss(t.Configuration, t.Seed, t.EpochBudget), null, t.EpochBudget);
                },
            };
            var outcome = await new SweepRunner(new SuccessiveHalvingTuner(SyntheticObjective.Space(), 9, minEpochs: 1, reductionFactor: 3, seed: 4),
                new LocalTrialScheduler(runner, 3), Options(16)).RunAsync();
            return (outcome.Records.Select(r => $"{r.TrialId} rung {r.Request.Rung} {r.Result.Objective:R}").ToArray(), completions.ToArray());
        }

        int Hash(string id) => (int)(Convert.ToUInt32(id[..4], 16) % 40);
        var quickFirst = await Run(id => Hash(id));
        var slowFirst = await Run(id => 40 - Hash(id));
        // The trials finished in different orders (else the test would prove nothing) ...
        Assert.NotEqual(quickFirst.Completions, slowFirst.Completions);
        // ... yet the successive-halving tuner chose the same trials and promotions, recorded in the same order.
        Assert.Equal(16, quickFirst.Records.Length);
        Assert.Equal(quickFirst.Records, slowFirst.Records);
    }

    [Fact]
    public async Task Resume_AfterInterruption_NeverRerunsAFinishedTrial()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("results.jsonl");
        var runner = new FakeRunner();

        using (var cts = new CancellationTokenSource())
        {
            var progress = new SyncProgress<SweepProgress>(p => { if (p.Completed == 4) cts.Cancel(); });
            var first = await new SweepRunner(new RandomSearchTuner(SyntheticObjective.Space(), 5, seed: 9),
                new LocalTrialScheduler(runner, 1), Options(10), new SweepResultsStore(path)).RunAsync(progress, cts.Token);
            Assert.Equal(SweepStopReason.Cancelled, first.StopReason);
            Assert.Equal(4, first.Records.Count);
            Assert.Equal(4, runner.Calls);
        }

        var second = await new SweepRunner(new RandomSearchTuner(SyntheticObjective.Space(), 5, seed: 9),
            new LocalTrialScheduler(runner, 1), Options(10), new SweepResultsStore(path)).RunAsync();
        Assert.Equal(SweepStopReason.MaxTrials, second.StopReason);
        Assert.Equal(10, runner.Calls);
        Assert.Equal(10, runner.CalledIds.Distinct().Count());
        Assert.Equal(6, second.TrialsExecuted);
        Assert.Equal(10, second.Records.Count);
        Assert.Equal(10, LineCount(path));
        Assert.Equal(10, new SweepResultsStore(path).Load().Select(r => r.TrialId).Distinct().Count());

        // A third run has nothing left to do.
        var third = await new SweepRunner(new RandomSearchTuner(SyntheticObjective.Space(), 5, seed: 9),
            new LocalTrialScheduler(runner, 1), Options(10), new SweepResultsStore(path)).RunAsync();
        Assert.Equal(0, third.TrialsExecuted);
        Assert.Equal(10, runner.Calls);
    }

    [Fact]
    public async Task Resume_WithSuccessiveHalving_TotalCallsEqualMaxTrials()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("asha.jsonl");
        var runner = new FakeRunner();
        using (var cts = new CancellationTokenSource())
        {
            var progress = new SyncProgress<SweepProgress>(p => { if (p.Completed == 7) cts.Cancel(); });
            await new SweepRunner(new SuccessiveHalvingTuner(SyntheticObjective.Space(), 9, seed: 4),
                new LocalTrialScheduler(runner, 1), Options(15), new SweepResultsStore(path)).RunAsync(progress, cts.Token);
        }
        var outcome = await new SweepRunner(new SuccessiveHalvingTuner(SyntheticObjective.Space(), 9, seed: 4),
            new LocalTrialScheduler(runner, 1), Options(15), new SweepResultsStore(path)).RunAsync();
        Assert.Equal(15, runner.Calls);
        Assert.Equal(15, runner.CalledIds.Distinct().Count());
        Assert.Equal(15, outcome.Records.Count);
        Assert.Contains(outcome.Records, r => r.Request.Rung > 0 && r.Request.ResumeFromTrialId is not null);
    }

    [Fact]
    public async Task Cancellation_CancelsInFlightTrialsAndKeepsFinishedOnes()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("results.jsonl");
        using var cts = new CancellationTokenSource();
        int started = 0;
        var runner = new FakeRunner
        {
            Override = (t, ct) =>
            {
                if (Interlocked.Increment(ref started) <= 2)
                    return TrialResult.Succeeded(t.TrialId, 1.0);
                cts.Cancel();
                ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(20));
                ct.ThrowIfCancellationRequested();
                return TrialResult.Succeeded(t.TrialId, 2.0);
            },
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await new SweepRunner(new RandomSearchTuner(SyntheticObjective.Space(), 5, seed: 2),
            new LocalTrialScheduler(runner, 2), Options(20), new SweepResultsStore(path)).RunAsync(null, cts.Token);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(SweepStopReason.Cancelled, outcome.StopReason);
        Assert.Equal(2, outcome.Records.Count);
        Assert.All(outcome.Records, r => Assert.Equal(1.0, r.Result.Objective));
        Assert.Equal(2, LineCount(path)); // cancelled trials are not recorded
        Assert.True(outcome.TrialsExecuted >= 3);
    }

    [Fact]
    public async Task TimeBudget_StopsProposingAndCancelsAtDeadline()
    {
        var runner = new FakeRunner { DelayMilliseconds = 50 };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await new SweepRunner(new RandomSearchTuner(SyntheticObjective.Space(), 5, seed: 3),
            new LocalTrialScheduler(runner, 1), Options(1000, TimeSpan.FromMilliseconds(300))).RunAsync();
        Assert.Equal(SweepStopReason.TimeBudget, outcome.StopReason);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        // Each trial takes ≥ 50 ms, so at most 300 / 50 = 6 can finish inside the budget.
        Assert.InRange(outcome.Records.Count, 1, 6);
        Assert.True(runner.Calls < 1000);
    }

    [Fact]
    public async Task TimeBudget_CancelsALongRunningTrial()
    {
        var runner = new FakeRunner
        {
            Override = (t, ct) =>
            {
                ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
                ct.ThrowIfCancellationRequested();
                return TrialResult.Succeeded(t.TrialId, 1);
            },
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await new SweepRunner(new RandomSearchTuner(SyntheticObjective.Space(), 5),
            new LocalTrialScheduler(runner, 2), Options(10, TimeSpan.FromMilliseconds(200))).RunAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(SweepStopReason.TimeBudget, outcome.StopReason);
        Assert.Empty(outcome.Records);
        Assert.Equal(2, outcome.TrialsExecuted);
    }

    [Fact]
    public async Task FailingTrials_AreRecordedAsFailedAndRankedLast()
    {
        using var tmp = new TempFolder();
        var runner = new FakeRunner
        {
            Override = (t, ct) => t.Configuration.GetString("kind") == "c"
                ? throw new InvalidOperationException("diverged")
                : TrialResult.Succeeded(t.TrialId, SyntheticObjective.F(t.Configuration)),
        };
        var outcome = await new SweepRunner(new RandomSearchTuner(SyntheticObjective.Space(), 5, seed: 8),
            new LocalTrialScheduler(runner, 2), Options(15), new SweepResultsStore(tmp.File("r.jsonl"))).RunAsync();
        var failed = outcome.Records.Where(r => r.Result.Status == TrialStatus.Failed).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, r => Assert.Contains("diverged", r.Result.Error));
        var rows = outcome.Leaderboard.Rows;
        int firstFailed = rows.ToList().FindIndex(r => r.Status == TrialStatus.Failed);
        Assert.All(rows.Skip(firstFailed), r => Assert.Equal(TrialStatus.Failed, r.Status));
        Assert.Equal(failed.Count, new SweepResultsStore(tmp.File("r.jsonl")).Load().Count(r => r.Result.Status == TrialStatus.Failed));
    }

    [Fact]
    public async Task TrialsFinishedInAnotherSweep_AreReusedNotRerun()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("shared.jsonl");
        var runner = new FakeRunner();
        await new SweepRunner(new RandomSearchTuner(SyntheticObjective.Space(), 5, seed: 6),
            new LocalTrialScheduler(runner, 1), Options(5, sweep: "a"), new SweepResultsStore(path)).RunAsync();
        var b = await new SweepRunner(new RandomSearchTuner(SyntheticObjective.Space(), 5, seed: 6),
            new LocalTrialScheduler(runner, 1), Options(8, sweep: "b"), new SweepResultsStore(path)).RunAsync();
        Assert.Equal(5, b.TrialsReused);
        Assert.Equal(3, b.TrialsExecuted);
        Assert.Equal(8, runner.Calls);
        Assert.Equal(8, b.Records.Count);
    }

    [Fact]
    public void Options_AreValidated()
    {
        var tuner = new RandomSearchTuner(SyntheticObjective.Space(), 5);
        var scheduler = new LocalTrialScheduler(new FakeRunner(), 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SweepRunner(tuner, scheduler, Options(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SweepRunner(tuner, scheduler, Options(5, TimeSpan.Zero)));
        Assert.Throws<ArgumentException>(() => new SweepRunner(tuner, scheduler, new SweepRunnerOptions { SweepId = "", Data = TestData.Data }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LocalTrialScheduler(new FakeRunner(), 0));
    }
}
