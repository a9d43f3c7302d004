using Orleans;

namespace Microsoft.ML.SynapticPruning.Orleans.Contracts;

/// <summary>A finished trial as the coordinator recorded it (the first result reported wins).</summary>
[GenerateSerializer, Immutable]
public sealed class CompletedTrial
{
    /// <summary>Position in the coordinator's completion order, from 1.</summary>
    [Id(0)] public long Sequence { get; init; }
    /// <summary>The trial id.</summary>
    [Id(1)] public required string TrialId { get; init; }
    /// <summary>The <c>TrialResult</c> as UTF-8 JSON (<c>TrialResult.ToJsonBytes</c>).</summary>
    [Id(2)] public required byte[] ResultPayload { get; init; }
    /// <summary>How many leases the trial was given (1 = it ran once).</summary>
    [Id(3)] public int Attempts { get; init; }
    /// <summary>Silo addresses of every lease of the trial, in order.</summary>
    [Id(4)] public string[] LeasedBy { get; init; } = Array.Empty<string>();
    /// <summary>The worker whose result was recorded.</summary>
    [Id(5)] public string? CompletedBy { get; init; }
}
