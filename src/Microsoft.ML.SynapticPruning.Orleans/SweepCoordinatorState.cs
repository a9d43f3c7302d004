using Orleans;

namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>Persisted state of one sweep coordinator: every trial, the queue order and the completion order.</summary>
[GenerateSerializer]
public sealed class SweepCoordinatorState
{
    /// <summary>Every trial by id.</summary>
    [Id(0)] public Dictionary<string, TrialEntry> Trials { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Queued trial ids, head first.</summary>
    [Id(1)] public List<string> Queue { get; set; } = new();
    /// <summary>Completed trial ids in completion order (sequence = index + 1).</summary>
    [Id(2)] public List<string> CompletionOrder { get; set; } = new();
    /// <summary>How many leases were taken back.</summary>
    [Id(3)] public int Requeued { get; set; }
    /// <summary>The most recent re-queues (at most 100).</summary>
    [Id(4)] public List<Contracts.RequeueEvent> RecentRequeues { get; set; } = new();
}

/// <summary>One trial in <see cref="SweepCoordinatorState"/>.</summary>
[GenerateSerializer]
public sealed class TrialEntry
{
    /// <summary>The request JSON.</summary>
    [Id(0)] public byte[] RequestPayload { get; set; } = Array.Empty<byte>();
    /// <summary>Queued, leased or completed.</summary>
    [Id(1)] public TrialEntryState State { get; set; }
    /// <summary>Current lease id (when leased).</summary>
    [Id(2)] public string? LeaseId { get; set; }
    /// <summary>Silo of the current lease.</summary>
    [Id(3)] public string? LeaseSilo { get; set; }
    /// <summary>Worker of the current lease.</summary>
    [Id(4)] public string? LeaseWorker { get; set; }
    /// <summary>When the current lease was granted (UTC).</summary>
    [Id(5)] public DateTime LeasedAtUtc { get; set; }
    /// <summary>When the current lease expires unless renewed (UTC).</summary>
    [Id(6)] public DateTime LeaseExpiresUtc { get; set; }
    /// <summary>Leases granted so far.</summary>
    [Id(7)] public int Attempts { get; set; }
    /// <summary>Silo of every lease granted.</summary>
    [Id(8)] public List<string> LeasedBy { get; set; } = new();
    /// <summary>The recorded result JSON (when completed).</summary>
    [Id(9)] public byte[]? ResultPayload { get; set; }
    /// <summary>Completion sequence (when completed).</summary>
    [Id(10)] public long Sequence { get; set; }
    /// <summary>Worker whose result was recorded.</summary>
    [Id(11)] public string? CompletedBy { get; set; }
}

/// <summary>Where a trial is in its life.</summary>
[GenerateSerializer]
public enum TrialEntryState
{
    /// <summary>Waiting in the queue.</summary>
    Queued,
    /// <summary>Leased to a worker.</summary>
    Leased,
    /// <summary>Result recorded.</summary>
    Completed,
    /// <summary>Withdrawn by the submitter before it was leased.</summary>
    Withdrawn,
}
