using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.ML.SynapticPruning.Sweeps;
using Orleans.Configuration;
using Orleans.Hosting;
using StackExchange.Redis;

namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>Wires sweep coordinators, trial workers and cluster membership/storage into Orleans silos and clients.</summary>
public static class SweepClusterHostingExtensions
{
    /// <summary>
    /// Hosts sweep coordinator grains (and the sweep registry) on this silo. Their state goes to the grain storage
    /// named <see cref="SweepClusterDefaults.StorageName"/>, which the silo must register
    /// (<see cref="UseSweepLocalhostCluster"/>, <see cref="UseSweepRedisCluster"/>, or your own).
    /// </summary>
    public static ISiloBuilder AddSweepCoordinator(this ISiloBuilder builder, Action<SweepCoordinatorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SweepCoordinatorOptions>();
        if (configure is not null)
            options.Configure(configure);
        options.Validate(o => { o.Validate(); return true; });
        return builder;
    }

    /// <summary>
    /// Runs a <see cref="TrialWorkerService"/> with <paramref name="slots"/> loops on this silo, using the
    /// <see cref="ITrialRunner"/> registered in the silo's services.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slots"/> &lt; 1.</exception>
    public static ISiloBuilder UseSweepWorker(this ISiloBuilder builder, int slots, Action<TrialWorkerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (slots < 1)
            throw new ArgumentOutOfRangeException(nameof(slots), slots, "A sweep worker needs at least one trial slot.");
        builder.Services.AddOptions<TrialWorkerOptions>().Configure(o =>
        {
            o.Slots = slots;
            configure?.Invoke(o);
        });
        builder.Services.AddHostedService<TrialWorkerService>();
        return builder;
    }

    /// <summary>As <see cref="UseSweepWorker(ISiloBuilder, int, Action{TrialWorkerOptions}?)"/>, registering <typeparamref name="TRunner"/> as the silo's <see cref="ITrialRunner"/>.</summary>
    public static ISiloBuilder UseSweepWorker<TRunner>(this ISiloBuilder builder, int slots, Action<TrialWorkerOptions>? configure = null)
        where TRunner : class, ITrialRunner
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<ITrialRunner, TRunner>();
        return builder.UseSweepWorker(slots, configure);
    }

    /// <summary>
    /// One machine: localhost clustering (silo <paramref name="instance"/> listens on 127.0.0.1 at
    /// <see cref="SweepClusterDefaults.SiloPort"/> + instance and gateway <see cref="SweepClusterDefaults.GatewayPort"/> + instance;
    /// instance 0 is the primary that holds membership and must stay up) and in-memory grain storage. Memory storage
    /// lives in the silos: state survives the death of a silo only if its storage partition was elsewhere, so use
    /// Redis (<see cref="UseSweepRedisCluster"/>) when nodes may die.
    /// </summary>
    public static ISiloBuilder UseSweepLocalhostCluster(this ISiloBuilder builder, int instance = 0,
        string clusterId = SweepClusterDefaults.ClusterId, string serviceId = SweepClusterDefaults.ServiceId)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (instance < 0)
            throw new ArgumentOutOfRangeException(nameof(instance), instance, "The silo instance must be ≥ 0 (0 = the primary).");
        builder.UseLocalhostClustering(SweepClusterDefaults.SiloPort + instance, SweepClusterDefaults.GatewayPort + instance,
            new IPEndPoint(IPAddress.Loopback, SweepClusterDefaults.SiloPort), serviceId, clusterId);
        builder.AddMemoryGrainStorage(SweepClusterDefaults.StorageName);
        return builder;
    }

    /// <summary>
    /// A real deployment: Redis membership (package Microsoft.Orleans.Clustering.Redis) and Redis grain storage
    /// (Microsoft.Orleans.Persistence.Redis) for <see cref="SweepClusterDefaults.StorageName"/>, so coordinator state
    /// survives any silo and a restart of the whole cluster. Endpoints are not configured here (on one machine call
    /// <c>ConfigureEndpoints</c> with distinct ports; on Kubernetes <c>UseKubernetesHosting</c>).
    /// </summary>
    /// <remarks>
    /// Coordinators acknowledge a change only after Redis has accepted the write; for that to survive a Redis crash,
    /// run Redis with append-only persistence and an fsync per write (<c>--appendonly yes --appendfsync always</c>).
    /// While Redis is down, calls that change a sweep fail and are retried by workers and clients.
    /// </remarks>
    /// <param name="builder">The silo builder.</param>
    /// <param name="redisConfiguration">StackExchange.Redis configuration, e.g. "127.0.0.1:6379".</param>
    /// <param name="clusterId">Orleans cluster id.</param>
    /// <param name="serviceId">Orleans service id (part of the storage keys).</param>
    public static ISiloBuilder UseSweepRedisCluster(this ISiloBuilder builder, string redisConfiguration,
        string clusterId = SweepClusterDefaults.ClusterId, string serviceId = SweepClusterDefaults.ServiceId)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(redisConfiguration);
        builder.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        });
        builder.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redisConfiguration));
        builder.AddRedisGrainStorage(SweepClusterDefaults.StorageName, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redisConfiguration));
        return builder;
    }

    /// <summary>
    /// Configures a silo for <paramref name="connection"/> (see <see cref="SweepClusterConnection"/>): localhost
    /// clustering with memory storage, or Redis clustering and storage with the silo and gateway ports of
    /// <paramref name="instance"/> on 127.0.0.1.
    /// </summary>
    public static ISiloBuilder UseSweepCluster(this ISiloBuilder builder, SweepClusterConnection connection, int instance = 0,
        string clusterId = SweepClusterDefaults.ClusterId, string serviceId = SweepClusterDefaults.ServiceId)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.IsLocalhost)
            return builder.UseSweepLocalhostCluster(instance, clusterId, serviceId);
        builder.ConfigureEndpoints(IPAddress.Loopback, SweepClusterDefaults.SiloPort + instance, SweepClusterDefaults.GatewayPort + instance, listenOnAnyHostAddress: false);
        return builder.UseSweepRedisCluster(connection.RedisConfiguration!, clusterId, serviceId);
    }

    /// <summary>
    /// Configures a client for <paramref name="connection"/>: localhost gateways (<paramref name="gatewayCount"/> of
    /// them from <see cref="SweepClusterDefaults.GatewayPort"/>) or Redis membership.
    /// </summary>
    public static IClientBuilder UseSweepCluster(this IClientBuilder builder, SweepClusterConnection connection, int gatewayCount = 3,
        string clusterId = SweepClusterDefaults.ClusterId, string serviceId = SweepClusterDefaults.ServiceId)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.IsLocalhost)
        {
            if (gatewayCount < 1)
                throw new ArgumentOutOfRangeException(nameof(gatewayCount), gatewayCount, "At least one localhost gateway is needed.");
            var ports = Enumerable.Range(SweepClusterDefaults.GatewayPort, gatewayCount).ToArray();
            return builder.UseLocalhostClustering(ports, serviceId, clusterId);
        }
        builder.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        });
        return builder.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(connection.RedisConfiguration!));
    }
}
