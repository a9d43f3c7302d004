using Orleans;

namespace Microsoft.ML.SynapticPruning.Orleans.Contracts;

/// <summary>A lease the coordinator took back and queued again.</summary>
[GenerateSerializer, Immutable]
public sealed class RequeueEvent
{
    /// <summary>When the trial was queued again (UTC).</summary>
    [Id(0)] public DateTime AtUtc { get; init; }
    /// <summary>The trial.</summary>
    [Id(1)] public required string TrialId { get; init; }
    /// <summary>The silo that held the lease.</summary>
    [Id(2)] public required string Silo { get; init; }
    /// <summary>Why: "silo dead", "lease expired" or "worker cancelled".</summary>
    [Id(3)] public required string Reason { get; init; }
    /// <summary>When the lease was granted (UTC).</summary>
    [Id(4)] public DateTime LeasedAtUtc { get; init; }
}
