using Orleans;

namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>Persisted state of the sweep registry.</summary>
[GenerateSerializer]
public sealed class SweepRegistryState
{
    /// <summary>Sweeps with queued trials.</summary>
    [Id(0)] public HashSet<string> QueuedSweeps { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Worker slots by silo address.</summary>
    [Id(1)] public Dictionary<string, int> WorkerSlots { get; set; } = new(StringComparer.Ordinal);
}
