using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.SynapticPruning.Orleans.Contracts;
using Microsoft.ML.SynapticPruning.Sweeps;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;
using StackExchange.Redis;

namespace Microsoft.ML.SynapticPruning.Orleans.Tests;

/// <summary>Silo settings shared by the test clusters: fast failure detection, short calls, shared storage, coordinator.</summary>
internal static class TestSilo
{
    public const int Slots = 2;

    public static void ConfigureCommon(ISiloBuilder silo)
    {
        ConfigureRuntime(silo);
        var storage = TrialLog.Storage;
        silo.Services.AddGrainStorage(SweepClusterDefaults.StorageName,
            (sp, _) => new ProcessWideGrainStorage(sp.GetRequiredService<Serializer>(), storage, () => TrialLog.StorageWritesFail));
        silo.AddSweepCoordinator(o =>
        {
            o.CheckInterval = TimeSpan.FromMilliseconds(250);
            o.LeaseTimeout = TimeSpan.FromSeconds(30);
        });
    }

    /// <summary>Membership and messaging settings only.</summary>
    public static void ConfigureRuntime(ISiloBuilder silo)
    {
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(3); // tolerant of a loaded CI machine; a killed silo refuses connections at once
            o.NumMissedProbesLimit = 3;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
    }

    public static void ConfigureWorker(ISiloBuilder silo) => silo.UseSweepWorker(Slots, o =>
    {
        o.AllowOversubscription = true; // sleeping fake trials; CI may have fewer cores than slots
        o.IdleDelay = TimeSpan.FromMilliseconds(50);
        o.CallTimeout = TimeSpan.FromSeconds(3);
    });
}

/// <summary>Silos whose workers run <see cref="FakeTrialRunner"/>.</summary>
public sealed class FakeTrialSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        TestSilo.ConfigureCommon(siloBuilder);
        siloBuilder.Services.AddSingleton<ITrialRunner, FakeTrialRunner>();
        TestSilo.ConfigureWorker(siloBuilder);
    }
}

/// <summary>Silos whose workers run the real <see cref="SineTrialRunner"/>.</summary>
public sealed class SineTrialSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        TestSilo.ConfigureCommon(siloBuilder);
        siloBuilder.Services.AddSingleton<ITrialRunner, SineTrialRunner>();
        siloBuilder.UseSweepWorker(1, o => o.IdleDelay = TimeSpan.FromMilliseconds(50));
    }
}

/// <summary>Clients give up on a call after 5 s (a dead gateway) and retry.</summary>
public sealed class TestClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder)
        => clientBuilder.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
}

/// <summary>Coordinator only (no worker), leases expire after 1 s.</summary>
public sealed class ShortLeaseSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        TestSilo.ConfigureCommon(siloBuilder);
        siloBuilder.AddSweepCoordinator(o => o.LeaseTimeout = TimeSpan.FromSeconds(1));
    }
}

/// <summary>Coordinator only (no worker), leases last 60 s: only membership can take them back quickly.</summary>
public sealed class LongLeaseSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        TestSilo.ConfigureCommon(siloBuilder);
        siloBuilder.AddSweepCoordinator(o => o.LeaseTimeout = TimeSpan.FromSeconds(60));
    }
}

/// <summary>
/// Silos whose "sweeps" grain storage is a real Redis (the server named by <see cref="RedisKey"/> in the test
/// cluster's properties) and whose workers run <see cref="FakeTrialRunner"/> with <see cref="TestSilo.Slots"/> slots.
/// Leases last 2 minutes, so a lease orphaned by an outage would stall the sweep far beyond the test's deadline.
/// Call filters record every result the coordinator acknowledges and every call of a worker to a coordinator that fails.
/// </summary>
public sealed class RedisStorageSiloConfigurator : ISiloConfigurator
{
    /// <summary>Test cluster property holding the Redis configuration string.</summary>
    public const string RedisKey = "SweepTests:Redis";

    /// <summary>Client settings for a server that is killed and restarted: fail fast while it is down, reconnect quickly.</summary>
    public static ConfigurationOptions Options(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.AsyncTimeout = 2000;
        options.SyncTimeout = 2000;
        options.ReconnectRetryPolicy = new LinearRetry(250);
        return options;
    }

    public void Configure(ISiloBuilder siloBuilder)
    {
        string redis = siloBuilder.Configuration[RedisKey]
            ?? throw new InvalidOperationException($"The test cluster has no '{RedisKey}' property naming the Redis server.");
        TestSilo.ConfigureRuntime(siloBuilder);
        siloBuilder.AddRedisGrainStorage(SweepClusterDefaults.StorageName, o => o.ConfigurationOptions = Options(redis));
        siloBuilder.AddSweepCoordinator(o =>
        {
            o.CheckInterval = TimeSpan.FromMilliseconds(250);
            o.LeaseTimeout = TimeSpan.FromMinutes(2);
        });
        siloBuilder.Services.AddSingleton<ITrialRunner, FakeTrialRunner>();
        TestSilo.ConfigureWorker(siloBuilder);
        // Calls of the workers to a coordinator that fail (storage down, activation failing to read its state).
        siloBuilder.AddOutgoingGrainCallFilter(async context =>
        {
            try
            {
                await context.Invoke();
            }
            catch when (context.InterfaceMethod?.DeclaringType == typeof(ISweepCoordinatorGrain))
            {
                TrialLog.CoordinatorCallFailed();
                throw;
            }
        });
        // Results the coordinator acknowledged.
        siloBuilder.AddIncomingGrainCallFilter(async context =>
        {
            await context.Invoke();
            if (context.Grain is not SweepCoordinatorGrain)
                return;
            if (context.MethodName == nameof(ISweepCoordinatorGrain.Complete) && context.Result is true)
                TrialLog.Acknowledge((string)context.Request.GetArgument(1)!, (byte[])context.Request.GetArgument(2)!);
            else if (context.Result is ResultsPage page)
                foreach (var t in page.Trials)
                    TrialLog.Acknowledge(t.TrialId, t.ResultPayload);
        });
    }
}

/// <summary>One worker with two slots running <see cref="PairedSineTrialRunner"/>: two real fits at once in one process.</summary>
public sealed class TwoSlotSineSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        TestSilo.ConfigureCommon(siloBuilder);
        siloBuilder.Services.AddSingleton<ITrialRunner, PairedSineTrialRunner>();
        siloBuilder.UseSweepWorker(2, o =>
        {
            o.AllowOversubscription = Environment.ProcessorCount < 2; // CI has 2 cores; a 1-core box still runs the test
            o.IdleDelay = TimeSpan.FromMilliseconds(50);
        });
    }
}
