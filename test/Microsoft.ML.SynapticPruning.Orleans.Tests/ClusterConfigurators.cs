using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.SynapticPruning.Sweeps;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Microsoft.ML.SynapticPruning.Orleans.Tests;

/// <summary>Silo settings shared by the test clusters: fast failure detection, short calls, shared storage, coordinator.</summary>
internal static class TestSilo
{
    public const int Slots = 2;

    public static void ConfigureCommon(ISiloBuilder silo)
    {
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(3); // tolerant of a loaded CI machine; a killed silo refuses connections at once
            o.NumMissedProbesLimit = 3;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        var storage = TrialLog.Storage;
        silo.Services.AddGrainStorage(SweepClusterDefaults.StorageName,
            (sp, _) => new ProcessWideGrainStorage(sp.GetRequiredService<Serializer>(), storage, () => TrialLog.StorageWritesFail));
        silo.AddSweepCoordinator(o =>
        {
            o.CheckInterval = TimeSpan.FromMilliseconds(250);
            o.LeaseTimeout = TimeSpan.FromSeconds(30);
        });
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
