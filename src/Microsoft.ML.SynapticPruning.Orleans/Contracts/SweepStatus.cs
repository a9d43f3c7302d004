using Orleans;

namespace Microsoft.ML.SynapticPruning.Orleans.Contracts;

/// <summary>Counts of one sweep's trials (<see cref="ISweepCoordinatorGrain.Status"/>).</summary>
[GenerateSerializer, Immutable]
public sealed class SweepStatus
{
    /// <summary>The sweep id (the coordinator's key).</summary>
    [Id(0)] public required string SweepId { get; init; }
    /// <summary>Trials waiting for a worker.</summary>
    [Id(1)] public int Queued { get; init; }
    /// <summary>Trials leased to a worker.</summary>
    [Id(2)] public int Leased { get; init; }
    /// <summary>Trials with a recorded result.</summary>
    [Id(3)] public int Completed { get; init; }
    /// <summary>How many leases were taken back and queued again (dead silo, expired lease, cancelled worker).</summary>
    [Id(4)] public int Requeued { get; init; }
    /// <summary>The most recent re-queues (at most 100).</summary>
    [Id(5)] public RequeueEvent[] RecentRequeues { get; init; } = Array.Empty<RequeueEvent>();
    /// <summary>The silo the coordinator activation runs on (informative; it can move when its silo dies).</summary>
    [Id(6)] public required string CoordinatorSilo { get; init; }
}
