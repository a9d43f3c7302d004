namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>
/// How silos and clients find the cluster, parsed from one connection string: <c>localhost</c> (localhost
/// clustering: the primary silo at 127.0.0.1:<see cref="SweepClusterDefaults.SiloPort"/>, gateways from
/// <see cref="SweepClusterDefaults.GatewayPort"/>; memory storage) or a Redis configuration such as
/// <c>127.0.0.1:6379</c> or <c>redis://127.0.0.1:6379</c> (Redis membership and Redis grain storage).
/// </summary>
public sealed record SweepClusterConnection
{
    private SweepClusterConnection(bool isLocalhost, string? redisConfiguration)
    {
        IsLocalhost = isLocalhost;
        RedisConfiguration = redisConfiguration;
    }

    /// <summary>True for localhost clustering with memory storage (one machine).</summary>
    public bool IsLocalhost { get; }

    /// <summary>The StackExchange.Redis configuration string, or null for localhost clustering.</summary>
    public string? RedisConfiguration { get; }

    /// <summary>Parses a connection string (see the type summary).</summary>
    /// <exception cref="ArgumentException">Empty connection.</exception>
    public static SweepClusterConnection Parse(string connection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        connection = connection.Trim();
        if (string.Equals(connection, "localhost", StringComparison.OrdinalIgnoreCase))
            return new SweepClusterConnection(true, null);
        if (connection.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
            connection = connection["redis://".Length..];
        if (connection.Length == 0)
            throw new ArgumentException("The cluster connection 'redis://' names no Redis endpoint; use e.g. redis://127.0.0.1:6379.", nameof(connection));
        return new SweepClusterConnection(false, connection);
    }

    /// <inheritdoc/>
    public override string ToString() => IsLocalhost ? "localhost" : "redis://" + RedisConfiguration;
}
