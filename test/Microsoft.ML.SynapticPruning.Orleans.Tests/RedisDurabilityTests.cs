using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.SynapticPruning.Orleans.Contracts;
using Microsoft.ML.SynapticPruning.Sweeps;
using Orleans.Storage;
using Orleans.TestingHost;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SynapticPruning.Orleans.Tests;

/// <summary>
/// The coordinator's state in a real Redis (append-only file, fsync on every write) across a kill -9 and restart of
/// Redis in the middle of a sweep, judged from what Redis holds, not from the client's results file.
/// </summary>
[Collection("Torch")]
public sealed class RedisDurabilityTests(ITestOutputHelper output)
{
    private const string SweepId = "redis-restart";
    private const int Trials = 30;
    private static readonly DataReference Data = new("synthetic", new string('d', 64));

    [RedisFact]
    public async Task RedisKilledAndRestartedMidSweep_EveryTrialCompletedOnce_NoAcknowledgedResultLost()
    {
        TrialLog.Reset();
        using var redis = await RedisServer.StartNewAsync();
        output.WriteLine($"redis-server on {redis.Configuration}, append-only file in {redis.Folder}");
        var builder = new TestClusterBuilder(2);
        builder.Properties[RedisStorageSiloConfigurator.RedisKey] = redis.Configuration;
        builder.AddSiloBuilderConfigurator<RedisStorageSiloConfigurator>();
        builder.AddClientBuilderConfigurator<TestClientConfigurator>();
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var serializer = ((InProcessSiloHandle)cluster.Primary!).SiloHost.Services.GetRequiredService<IGrainStorageSerializer>();

        var folder = Path.Combine(Path.GetTempPath(), "sp-redis-sweep-" + Guid.NewGuid().ToString("N"));
        var store = new SweepResultsStore(Path.Combine(folder, "results.jsonl"));
        try
        {
            await using var scheduler = new OrleansTrialScheduler(cluster.Client, new OrleansTrialSchedulerOptions
            {
                PollInterval = TimeSpan.FromMilliseconds(50),
                CallTimeout = TimeSpan.FromSeconds(3),
            });
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (await scheduler.RefreshSlotsAsync() < 2 * TestSilo.Slots && DateTime.UtcNow < deadline)
                await Task.Delay(100);
            Assert.Equal(2 * TestSilo.Slots, scheduler.MaxConcurrency);

            // 1. A sweep of 30 short trials runs on two silos with two slots each.
            var space = new SweepSearchSpace().Add(new FloatRange("x", 0, 1));
            var runner = new SweepRunner(new RandomSearchTuner(space, maxEpochs: 1, seed: 5), scheduler,
                new SweepRunnerOptions { SweepId = SweepId, Data = Data, MaxTrials = Trials }, store);
            var sweep = runner.RunAsync();
            var coordinator = cluster.Client.GetGrain<ISweepCoordinatorGrain>(SweepId);
            int completedAtKill = 0;
            while (!sweep.IsCompleted && (completedAtKill = (await coordinator.Status()).Completed) < 6)
                await Task.Delay(20);
            Assert.False(sweep.IsCompleted, "the sweep finished before Redis could be killed");

            // 2. kill -9 Redis mid-sweep. Workers keep finishing trials; their reports (and leases) now fail.
            int ackedAtKill = AcknowledgedIds().Count;
            redis.Kill();
            var downSince = DateTime.UtcNow;
            while ((TrialLog.FailedCoordinatorCalls < 4 || DateTime.UtcNow - downSince < TimeSpan.FromSeconds(2))
                   && DateTime.UtcNow - downSince < TimeSpan.FromSeconds(20))
                await Task.Delay(50);
            int failedWhileDown = TrialLog.FailedCoordinatorCalls;
            Assert.True(failedWhileDown >= 4, $"only {failedWhileDown} workers' coordinator calls failed while Redis was down: the outage was not exercised");

            // 3. Restart Redis on the same port from its append-only file; the sweep must finish without waiting for
            //    a lease to expire (leases last 2 minutes).
            await redis.StartAsync();
            var down = DateTime.UtcNow - downSince;
            var outcome = await sweep.WaitAsync(TimeSpan.FromSeconds(90));
            output.WriteLine($"killed Redis with {completedAtKill} trials completed ({ackedAtKill} acknowledged); down {down.TotalSeconds:F1} s; " +
                $"{failedWhileDown} workers' coordinator calls failed meanwhile; sweep: {outcome.StopReason}, {outcome.Records.Count} records");
            Assert.Equal(SweepStopReason.MaxTrials, outcome.StopReason);

            // 4. Judge from the coordinator's state as Redis holds it on disk: kill -9 Redis again, restart it from the
            //    append-only file, and read the grain's record directly.
            redis.Kill();
            await redis.StartAsync();
            var state = await ReadCoordinatorStateAsync(redis, serializer);

            // Every trial completed exactly once.
            Assert.Equal(Trials, state.Trials.Count);
            Assert.All(state.Trials.Values, e => Assert.Equal(TrialEntryState.Completed, e.State));
            Assert.Empty(state.Queue);
            Assert.Equal(Trials, state.CompletionOrder.Count);
            Assert.Equal(state.Trials.Keys.Order(StringComparer.Ordinal), state.CompletionOrder.Order(StringComparer.Ordinal));
            for (int i = 0; i < state.CompletionOrder.Count; i++)
                Assert.Equal(i + 1, state.Trials[state.CompletionOrder[i]].Sequence);

            // No acknowledged result lost: every result the coordinator acknowledged (to a worker's Complete, or to the
            // client's Results) is in the stored state, byte for byte.
            var acknowledged = TrialLog.AcknowledgedResults();
            Assert.Equal(Trials, acknowledged.Select(a => a.TrialId).Distinct().Count());
            Assert.All(acknowledged, a => Assert.Equal(a.Payload, state.Trials[a.TrialId].ResultPayload));

            // The outage orphaned no lease (no trial waited for its lease to expire).
            foreach (var e in state.RecentRequeues)
                output.WriteLine($"requeued {e.TrialId} from {e.Silo}: {e.Reason}");
            Assert.DoesNotContain(state.RecentRequeues, e => e.Reason == "lease expired");

            // The client's file mirrors the stored state (secondary: the stored state is the source of truth).
            var records = store.Load();
            Assert.Equal(Trials, records.Count);
            Assert.All(records, r => Assert.Equal(r.Result.Objective, TrialResult.FromJsonBytes(state.Trials[r.TrialId].ResultPayload!).Objective));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static HashSet<string> AcknowledgedIds() => TrialLog.AcknowledgedResults().Select(a => a.TrialId).ToHashSet(StringComparer.Ordinal);

    /// <summary>Reads the coordinator's record ({ServiceId}/state/… hash, fields etag and data) straight from Redis.</summary>
    private async Task<SweepCoordinatorState> ReadCoordinatorStateAsync(RedisServer redis, IGrainStorageSerializer serializer)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(RedisStorageSiloConfigurator.Options(redis.Configuration));
        var server = connection.GetServer(connection.GetEndPoints().Single());
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: "*"))
            keys.Add(key);
        output.WriteLine("keys in Redis: " + string.Join(", ", keys));
        var coordinatorKeys = keys.Where(k => k.ToString().Contains("sweepcoordinator", StringComparison.OrdinalIgnoreCase)
            && k.ToString().Contains(SweepId, StringComparison.Ordinal)).ToList();
        var data = await connection.GetDatabase().HashGetAsync(Assert.Single(coordinatorKeys), "data");
        Assert.True(data.HasValue, "the coordinator's Redis record has no data field");
        return Assert.IsType<SweepCoordinatorState>(serializer.Deserialize<SweepCoordinatorState>(BinaryData.FromBytes((byte[])data!)));
    }
}
