using Orleans;

namespace Microsoft.ML.SynapticPruning.Orleans.Contracts;

/// <summary>A trial handed to one worker loop by <see cref="ISweepCoordinatorGrain.Lease"/>.</summary>
[GenerateSerializer, Immutable]
public sealed class TrialLease
{
    /// <summary>Unique id of this lease (a new one per attempt).</summary>
    [Id(0)] public required string LeaseId { get; init; }
    /// <summary>The deterministic trial id (<c>TrialRequest.TrialId</c>).</summary>
    [Id(1)] public required string TrialId { get; init; }
    /// <summary>The <c>TrialRequest</c> as UTF-8 JSON (<c>TrialRequest.ToJsonBytes</c>).</summary>
    [Id(2)] public required byte[] RequestPayload { get; init; }
    /// <summary>1 for the first lease of the trial, 2 when it runs again after a dead node or an expired lease, …</summary>
    [Id(3)] public int Attempt { get; init; }
    /// <summary>How long the lease lasts without <see cref="ISweepCoordinatorGrain.Renew"/>.</summary>
    [Id(4)] public TimeSpan Timeout { get; init; }
}
