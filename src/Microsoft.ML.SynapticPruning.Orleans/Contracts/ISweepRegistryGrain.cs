using Orleans;

namespace Microsoft.ML.SynapticPruning.Orleans.Contracts;

/// <summary>
/// The cluster's directory of sweeps with queued trials and of worker slots (a single grain, key
/// <see cref="SweepClusterDefaults.RegistryKey"/>). Workers read it to know which coordinators to lease from;
/// schedulers read it to size their concurrency.
/// </summary>
public interface ISweepRegistryGrain : IGrainWithStringKey
{
    /// <summary>Marks a sweep as having queued trials (true) or none (false).</summary>
    Task SetQueued(string sweepId, bool hasQueuedTrials);

    /// <summary>Sweeps that have queued trials.</summary>
    Task<string[]> QueuedSweeps();

    /// <summary>Registers (or re-registers) the trial slots of a worker silo.</summary>
    Task RegisterWorker(string siloAddress, int slots);

    /// <summary>Total slots of registered workers whose silo is not dead.</summary>
    Task<int> TotalSlots();
}
