using System.Diagnostics;
using Microsoft.ML.SynapticPruning.Orleans.Contracts;
using Microsoft.ML.SynapticPruning.Sweeps;
using Orleans.TestingHost;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SynapticPruning.Orleans.Tests;

[Collection("Torch")]
public sealed class ClusterSweepTests(ITestOutputHelper output)
{
    private static readonly DataReference Data = new("synthetic", new string('b', 64));

    private static async Task<TestCluster> StartClusterAsync<TSilo>(short silos) where TSilo : ISiloConfigurator, new()
    {
        var builder = new TestClusterBuilder(silos);
        builder.AddSiloBuilderConfigurator<TSilo>();
        builder.AddClientBuilderConfigurator<TestClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    // 40 trials of 150–300 ms on 6 slots keep the sweep running for ~1.5 s, long enough to find a silo to kill even when
    // the test shares the machine with the other test project (20 trials could finish first under load).
    private const int Trials = 40;

    [Fact]
    public async Task SweepOfFortyTrials_SurvivesKilledSilo_EachTrialRecordedOnce()
    {
        TrialLog.Reset();
        var watch = Stopwatch.StartNew();
        await using var cluster = await StartClusterAsync<FakeTrialSiloConfigurator>(3);
        var folder = Path.Combine(Path.GetTempPath(), "sp-orleans-" + Guid.NewGuid().ToString("N"));
        var store = new SweepResultsStore(Path.Combine(folder, "results.jsonl"));
        try
        {
            var scheduler = new OrleansTrialScheduler(cluster.Client, new OrleansTrialSchedulerOptions
            {
                PollInterval = TimeSpan.FromMilliseconds(50),
                CallTimeout = TimeSpan.FromSeconds(3),
            });
            await using var _ = scheduler;
            // All three workers register their slots before the sweep starts, so it keeps 3 × N trials in flight.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (await scheduler.RefreshSlotsAsync() < 3 * TestSilo.Slots && DateTime.UtcNow < deadline)
                await Task.Delay(100);
            Assert.Equal(3 * TestSilo.Slots, scheduler.MaxConcurrency);

            var space = new SweepSearchSpace().Add(new FloatRange("x", 0, 1));
            var runner = new SweepRunner(new RandomSearchTuner(space, maxEpochs: 1, seed: 3), scheduler,
                new SweepRunnerOptions { SweepId = "kill-test", Data = Data, MaxTrials = Trials }, store);
            var sweep = runner.RunAsync();

            // Kill a secondary silo (never the primary: it holds membership) that does not host the coordinator,
            // while it is running a trial.
            var coordinator = cluster.Client.GetGrain<ISweepCoordinatorGrain>("kill-test");
            SiloHandle? victim = null;
            while (victim is null && !sweep.IsCompleted)
            {
                var status = await coordinator.Status();
                if (status.Completed >= 2)
                    victim = cluster.SecondarySilos.FirstOrDefault(s => s.SiloAddress.ToParsableString() != status.CoordinatorSilo
                        && TrialLog.RunningOn(s.SiloAddress.ToParsableString()) > 0);
                if (victim is null)
                    await Task.Delay(10);
            }
            Assert.NotNull(victim); // the sweep must not have finished before the kill
            string victimAddress = victim!.SiloAddress.ToParsableString();
            var killedWhileRunning = TrialLog.StartedTrials().Where(s => s.Silo == victimAddress).Select(s => s.TrialId).ToHashSet();
            await cluster.KillSiloAsync(victim);
            var killedAt = watch.Elapsed;

            var outcome = await sweep.WaitAsync(TimeSpan.FromSeconds(40));
            output.WriteLine($"sweep: {outcome.StopReason}, {outcome.Records.Count} records, killed at {killedAt.TotalSeconds:F1} s, total {watch.Elapsed.TotalSeconds:F1} s");

            // 40 distinct results, each recorded once in the file and in the coordinator.
            Assert.Equal(SweepStopReason.MaxTrials, outcome.StopReason);
            var records = store.Load();
            Assert.Equal(Trials, records.Count);
            Assert.Equal(Trials, File.ReadAllLines(store.Path).Count(l => l.Trim().Length > 0));
            Assert.All(records, r => Assert.Equal(TrialStatus.Succeeded, r.Result.Status));
            Assert.All(records, r => Assert.Equal(r.Request.Configuration.GetDouble("x"), r.Result.Objective));
            var completed = (await coordinator.Results(0)).Trials;
            Assert.Equal(Trials, completed.Select(c => c.TrialId).Distinct().Count());
            Assert.Equal(records.Select(r => r.TrialId).Order(), completed.Select(c => c.TrialId).Order());

            // At least one trial the killed silo had leased ran again elsewhere and was recorded from there.
            var status2 = await coordinator.Status();
            foreach (var e in status2.RecentRequeues)
                output.WriteLine($"requeued {e.TrialId} from {e.Silo}: {e.Reason}, {(e.AtUtc - e.LeasedAtUtc).TotalSeconds:F2} s after its lease");
            var rerun = completed.Where(c => c.LeasedBy.Contains(victimAddress) && c.Attempts >= 2).ToList();
            Assert.NotEmpty(rerun);
            Assert.All(rerun, c => Assert.DoesNotContain(victimAddress, c.CompletedBy));
            Assert.Contains(rerun, c => killedWhileRunning.Contains(c.TrialId));
            Assert.True(status2.Requeued >= 1);
            var starts = TrialLog.StartedTrials();
            Assert.All(rerun, c => Assert.Contains(starts, s => s.TrialId == c.TrialId && s.Silo != victimAddress));

            // Never more than N trials at once on any silo.
            var peaks = TrialLog.PeakBySilo();
            output.WriteLine("peak concurrency: " + string.Join(", ", peaks.Select(p => $"{p.Key}={p.Value}")));
            Assert.Equal(3, peaks.Count);
            Assert.All(peaks.Values, p => Assert.InRange(p, 1, TestSilo.Slots));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task RealForecastTrial_ThroughCluster_MatchesLocalRunBitForBit()
    {
        TrialLog.Reset();
        var request = new TrialRequest("real-trial", Configuration.Empty.With("lr", 0.01), seed: 11, rung: 0, epochBudget: 2, maxEpochs: 2, Data);
        var local = new SineTrialRunner().Run(request, CancellationToken.None);
        Assert.Equal(TrialStatus.Succeeded, local.Status);
        Assert.True(double.IsFinite(local.Objective) && local.Objective > 0);

        await using var cluster = await StartClusterAsync<SineTrialSiloConfigurator>(2);
        await using var scheduler = new OrleansTrialScheduler(cluster.Client, new OrleansTrialSchedulerOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        var remote = await scheduler.RunAsync(request, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        output.WriteLine($"local {local.Objective:R}, cluster {remote.Objective:R} on {remote.Worker}");
        Assert.Equal(TrialStatus.Succeeded, remote.Status);
        var silos = cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).ToList();
        Assert.Contains(silos, s => remote.Worker!.StartsWith(s, StringComparison.Ordinal)); // it ran on a silo's worker
        Assert.Equal(BitConverter.DoubleToInt64Bits(local.Objective), BitConverter.DoubleToInt64Bits(remote.Objective));
        Assert.Equal(local.EpochsRun, remote.EpochsRun);
        Assert.Equal(local.Metrics["sparsity"], remote.Metrics["sparsity"]);
    }

    [Fact]
    public async Task RealForecastTrials_OnWorkerWithTwoSlots_MatchLocalSchedulerBitForBit()
    {
        // Four tiny real fits that differ in seed and learning rate, so that any trial's result differs from the others'.
        var trials = new[] { (11, 0.01), (12, 0.02), (13, 0.005), (14, 0.015) }
            .Select(t => new TrialRequest("two-slots", Configuration.Empty.With("lr", t.Item2), seed: t.Item1, rung: 0, epochBudget: 2, maxEpochs: 2, Data))
            .ToArray();

        // Reference: the single-process LocalTrialScheduler, one trial after another.
        var localScheduler = new LocalTrialScheduler(new SineTrialRunner(), maxParallelTrials: 1);
        var local = new Dictionary<string, TrialResult>(StringComparer.Ordinal);
        foreach (var t in trials)
            local[t.TrialId] = await localScheduler.RunAsync(t, CancellationToken.None);
        Assert.All(local.Values, r => Assert.Equal(TrialStatus.Succeeded, r.Status));
        Assert.Equal(trials.Length, local.Values.Select(r => r.Objective).Distinct().Count());

        // The same trial ids on one Orleans worker with Slots = 2: all submitted at once, two fits in the process at a time.
        TrialLog.Reset();
        await using var cluster = await StartClusterAsync<TwoSlotSineSiloConfigurator>(1);
        await using var scheduler = new OrleansTrialScheduler(cluster.Client, new OrleansTrialSchedulerOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        var remote = await Task.WhenAll(trials.Select(t => scheduler.RunAsync(t, CancellationToken.None))).WaitAsync(TimeSpan.FromSeconds(120));

        string silo = cluster.Primary!.SiloAddress.ToParsableString();
        output.WriteLine($"peak trials at once on the worker: {TrialLog.PeakBySilo().GetValueOrDefault(silo)}");
        Assert.Equal(2, TrialLog.PeakBySilo().GetValueOrDefault(silo));
        var slotsUsed = remote.Select(r => r.Worker).Distinct().ToList();
        output.WriteLine("slots used: " + string.Join(", ", slotsUsed));
        Assert.Equal(2, slotsUsed.Count);
        foreach (var r in remote)
        {
            var expected = local[r.TrialId];
            output.WriteLine($"{r.TrialId}: local {expected.Objective:R}, worker {r.Objective:R} on {r.Worker}");
            Assert.Equal(TrialStatus.Succeeded, r.Status);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Objective), BitConverter.DoubleToInt64Bits(r.Objective));
            Assert.Equal(expected.EpochsRun, r.EpochsRun);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Metrics["sparsity"]), BitConverter.DoubleToInt64Bits(r.Metrics["sparsity"]));
        }
        Assert.Equal(trials.Select(t => t.TrialId).Order(), remote.Select(r => r.TrialId).Order());
    }
}
