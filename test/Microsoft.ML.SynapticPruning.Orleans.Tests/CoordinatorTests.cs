using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.SynapticPruning.Orleans.Contracts;
using Microsoft.ML.SynapticPruning.Sweeps;
using Orleans.Serialization;
using Orleans.TestingHost;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SynapticPruning.Orleans.Tests;

/// <summary>The coordinator grain's contract, driven directly by a client playing the worker.</summary>
[Collection("Torch")]
public sealed class CoordinatorTests(ITestOutputHelper output)
{
    private static readonly DataReference Data = new("synthetic", new string('c', 64));

    private static TrialRequest Trial(string sweepId, double x) => new(sweepId, Configuration.Empty.With("x", x), seed: 1, rung: 0, epochBudget: 1, maxEpochs: 1, Data);

    private static async Task<TestCluster> StartClusterAsync<TSilo>(short silos) where TSilo : ISiloConfigurator, new()
    {
        var builder = new TestClusterBuilder(silos);
        builder.AddSiloBuilderConfigurator<TSilo>();
        builder.AddClientBuilderConfigurator<TestClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private static async Task<SweepStatus> WaitForAsync(ISweepCoordinatorGrain coordinator, Func<SweepStatus, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await coordinator.Status();
            if (condition(status) || DateTime.UtcNow > deadline)
                return status;
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task SubmitLeaseComplete_AreIdempotent_AndExpiredLeasesAreQueuedAgain()
    {
        TrialLog.Reset();
        await using var cluster = await StartClusterAsync<ShortLeaseSiloConfigurator>(1);
        var coordinator = cluster.Client.GetGrain<ISweepCoordinatorGrain>("contract");
        string silo = cluster.Primary!.SiloAddress.ToParsableString();
        var a = Trial("contract", 0.25);
        var b = Trial("contract", 0.75);

        // Submitting twice queues once; a trial of another sweep is refused.
        Assert.Equal(2, await coordinator.Submit(new[] { a.ToJsonBytes(), b.ToJsonBytes() }));
        Assert.Equal(0, await coordinator.Submit(new[] { a.ToJsonBytes() }));
        await Assert.ThrowsAsync<ArgumentException>(() => coordinator.Submit(new[] { Trial("other", 0.5).ToJsonBytes() }));

        // FIFO leases; nothing left after two.
        var first = await coordinator.Lease("w1", silo);
        var second = await coordinator.Lease("w2", silo);
        Assert.Equal(a.TrialId, first!.TrialId);
        Assert.Equal(b.TrialId, second!.TrialId);
        Assert.Equal(a.ToJson(), TrialRequest.FromJsonBytes(first.RequestPayload).ToJson());
        Assert.Null(await coordinator.Lease("w3", silo));

        // First result wins; a second result for the same trial is ignored.
        Assert.True(await coordinator.Complete(first.LeaseId, a.TrialId, TrialResult.Succeeded(a.TrialId, 1.0).ToJsonBytes()));
        Assert.False(await coordinator.Complete(first.LeaseId, a.TrialId, TrialResult.Succeeded(a.TrialId, 2.0).ToJsonBytes()));
        Assert.Equal(0, await coordinator.Submit(new[] { a.ToJsonBytes() }));
        var page = await coordinator.Results(0);
        Assert.Single(page.Trials);
        Assert.Equal(1.0, TrialResult.FromJsonBytes(page.Trials[0].ResultPayload).Objective);
        Assert.Empty((await coordinator.Results(page.Next)).Trials);

        // The second lease is never renewed: after the 1 s timeout the trial is queued again and the old lease is void.
        var status = await WaitForAsync(coordinator, s => s.Queued == 1, TimeSpan.FromSeconds(10));
        Assert.Equal(1, status.Queued);
        Assert.Equal(0, status.Leased);
        Assert.Contains(status.RecentRequeues, e => e.TrialId == b.TrialId && e.Reason == "lease expired");
        Assert.False(await coordinator.Renew(second.LeaseId));
        var again = await coordinator.Lease("w3", silo);
        Assert.Equal(b.TrialId, again!.TrialId);
        Assert.Equal(2, again.Attempt);

        // A cancelled result from the current lease hands the trial back at the head of the queue.
        Assert.False(await coordinator.Complete(again.LeaseId, b.TrialId, TrialResult.Cancelled(b.TrialId).ToJsonBytes()));
        Assert.Equal(1, (await coordinator.Status()).Queued);
        var third = await coordinator.Lease("w4", silo);
        Assert.True(await coordinator.Complete(third!.LeaseId, b.TrialId, TrialResult.Succeeded(b.TrialId, 3.0).ToJsonBytes()));
        var done = await coordinator.Results(0);
        Assert.Equal(new[] { a.TrialId, b.TrialId }, done.Trials.Select(t => t.TrialId));
        Assert.Equal(3, done.Trials[1].Attempts);
    }

    [Fact]
    public async Task LeaseHeldByKilledSilo_IsQueuedAgainByMembership_BeforeItExpires()
    {
        TrialLog.Reset();
        await using var cluster = await StartClusterAsync<LongLeaseSiloConfigurator>(3);
        var coordinator = cluster.Client.GetGrain<ISweepCoordinatorGrain>("membership");
        var trial = Trial("membership", 0.5);
        Assert.Equal(1, await coordinator.Submit(new[] { trial.ToJsonBytes() }));
        string coordinatorSilo = (await coordinator.Status()).CoordinatorSilo;
        var victim = cluster.SecondarySilos.First(s => s.SiloAddress.ToParsableString() != coordinatorSilo);
        string victimAddress = victim.SiloAddress.ToParsableString();

        // A worker on the victim leases the trial, then its silo dies without handing anything back.
        var lease = await coordinator.Lease("victim/slot0", victimAddress);
        Assert.NotNull(lease);
        var watch = Stopwatch.StartNew();
        await cluster.KillSiloAsync(victim);
        var status = await WaitForAsync(coordinator, s => s.Queued == 1, TimeSpan.FromSeconds(30));
        output.WriteLine($"re-queued {watch.Elapsed.TotalSeconds:F1} s after the kill (lease timeout 60 s)");

        Assert.Equal(1, status.Queued);
        var e = Assert.Single(status.RecentRequeues);
        Assert.Equal("silo dead", e.Reason);
        Assert.Equal(victimAddress, e.Silo);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
        Assert.False(await coordinator.Renew(lease!.LeaseId));
        // The dead worker's late result still counts if it arrives first (first result wins), and only once.
        Assert.True(await coordinator.Complete(lease.LeaseId, trial.TrialId, TrialResult.Succeeded(trial.TrialId, 0.5).ToJsonBytes()));
        Assert.Equal(0, (await coordinator.Status()).Queued);
        Assert.Null(await coordinator.Lease("other/slot0", cluster.Primary!.SiloAddress.ToParsableString()));
    }

    [Fact]
    public async Task Scheduler_WhenClusterStaysUnreachable_ReturnsCancelledNotFailed()
    {
        TrialLog.Reset();
        await using var cluster = await StartClusterAsync<ShortLeaseSiloConfigurator>(1);
        await using var scheduler = new OrleansTrialScheduler(cluster.Client, new OrleansTrialSchedulerOptions
        {
            MaxConcurrency = 1,
            CallTimeout = TimeSpan.FromMilliseconds(500),
            RetryLimit = TimeSpan.FromSeconds(2),
        });
        await cluster.StopSiloAsync(cluster.Primary!); // the only silo; the client stays

        var watch = Stopwatch.StartNew();
        var result = await scheduler.RunAsync(Trial("unreachable", 0.5), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        output.WriteLine($"{result.Status} after {watch.Elapsed.TotalSeconds:F1} s: {result.Error}");
        Assert.Equal(TrialStatus.Cancelled, result.Status);
        Assert.StartsWith("cluster unreachable", result.Error);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(2), $"gave up after {watch.Elapsed} instead of retrying for 2 s");
    }
    /// <summary>A call that must succeed once the previous failure's activation has been replaced.</summary>
    private static Task<T> Retried<T>(Func<Task<T>> call, string what)
        => GrainCallRetry.CallAsync(call, what, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(15), null, CancellationToken.None);

    [Fact]
    public async Task StorageWritesFailing_CoordinatorAcknowledgesOnlyWhatIsStored_AndRetriesAreIdempotent()
    {
        TrialLog.Reset();
        await using var cluster = await StartClusterAsync<LongLeaseSiloConfigurator>(1);
        var coordinator = cluster.Client.GetGrain<ISweepCoordinatorGrain>("outage");
        string silo = cluster.Primary!.SiloAddress.ToParsableString();
        var a = Trial("outage", 0.25);
        var b = Trial("outage", 0.75);
        var c = Trial("outage", 0.5);
        Assert.Equal(2, await coordinator.Submit(new[] { a.ToJsonBytes(), b.ToJsonBytes() }));
        var leaseA = await coordinator.Lease("w1", silo);
        Assert.Equal(a.TrialId, leaseA!.TrialId);
        byte[] resultA = TrialResult.Succeeded(a.TrialId, 1.0).ToJsonBytes();

        // Storage goes down: every change fails, and no call may answer as if it had been recorded.
        TrialLog.StorageWritesFail = true;
        await Assert.ThrowsAnyAsync<Exception>(() => coordinator.Complete(leaseA.LeaseId, a.TrialId, resultA));
        await Assert.ThrowsAnyAsync<Exception>(() => coordinator.Lease("w2", silo));
        await Assert.ThrowsAnyAsync<Exception>(() => coordinator.Submit(new[] { c.ToJsonBytes() }));
        // Reads answer from the stored state: the result that was not stored is not reported as completed.
        Assert.Empty((await Retried(() => coordinator.Results(0), "Results")).Trials);
        var during = await Retried(() => coordinator.Status(), "Status");
        output.WriteLine($"during the outage: {during.Queued} queued, {during.Leased} leased, {during.Completed} completed");
        Assert.Equal((1, 1, 0), (during.Queued, during.Leased, during.Completed));

        // Storage is back: the worker's retries are applied once, and retries of answered calls are idempotent.
        TrialLog.StorageWritesFail = false;
        Assert.True(await Retried(() => coordinator.Complete(leaseA.LeaseId, a.TrialId, resultA), "Complete"));
        Assert.True(await coordinator.Complete(leaseA.LeaseId, a.TrialId, resultA)); // the same report again
        Assert.False(await coordinator.Complete(leaseA.LeaseId, a.TrialId, TrialResult.Succeeded(a.TrialId, 9.0).ToJsonBytes()));
        var leaseB = await coordinator.Lease("w2", silo);
        Assert.Equal(b.TrialId, leaseB!.TrialId);
        var leaseB2 = await coordinator.Lease("w2", silo); // its answer was lost: the same lease, not a second trial
        Assert.Equal((leaseB.LeaseId, b.TrialId, 1), (leaseB2!.LeaseId, leaseB2.TrialId, leaseB2.Attempt));
        Assert.Null(await coordinator.Lease("w3", silo));
        Assert.Equal(1, await coordinator.Submit(new[] { c.ToJsonBytes() }));
        byte[] resultB = TrialResult.Succeeded(b.TrialId, 3.0).ToJsonBytes();
        Assert.True(await coordinator.Complete(leaseB.LeaseId, b.TrialId, resultB));

        // Judged from the stored state, not from the grain's answers.
        var serializer = ((InProcessSiloHandle)cluster.Primary).SiloHost.Services.GetRequiredService<Serializer>();
        var stored = TrialLog.Storage.Where(p => p.Key.StartsWith("sweep/", StringComparison.Ordinal) && p.Key.Contains("outage", StringComparison.Ordinal)).ToList();
        var state = Assert.IsType<SweepCoordinatorState>(serializer.Deserialize<SweepCoordinatorState>(Assert.Single(stored).Value!.Data));
        Assert.Equal(new[] { a.TrialId, b.TrialId }, state.CompletionOrder);
        Assert.Equal(resultA, state.Trials[a.TrialId].ResultPayload);
        Assert.Equal(resultB, state.Trials[b.TrialId].ResultPayload);
        Assert.Equal(TrialEntryState.Queued, state.Trials[c.TrialId].State);
        Assert.Equal(new[] { c.TrialId }, state.Queue);
        Assert.Equal(1, state.Trials[b.TrialId].Attempts);
        Assert.Equal(0, state.Requeued);
    }
}
