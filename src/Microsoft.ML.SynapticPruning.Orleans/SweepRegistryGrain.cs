using Microsoft.ML.SynapticPruning.Orleans.Contracts;
using Orleans;
using Orleans.Runtime;

namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>The <see cref="ISweepRegistryGrain"/> implementation; state persisted in <see cref="SweepClusterDefaults.StorageName"/>.</summary>
public sealed class SweepRegistryGrain : Grain, ISweepRegistryGrain
{
    private readonly IPersistentState<SweepRegistryState> _state;
    private readonly IClusterMembershipService _membership;

    /// <summary>Created by Orleans.</summary>
    public SweepRegistryGrain([PersistentState("registry", SweepClusterDefaults.StorageName)] IPersistentState<SweepRegistryState> state,
        IClusterMembershipService membership)
    {
        _state = state;
        _membership = membership;
    }

    /// <inheritdoc/>
    public async Task SetQueued(string sweepId, bool hasQueuedTrials)
    {
        ArgumentException.ThrowIfNullOrEmpty(sweepId);
        bool changed = hasQueuedTrials ? _state.State.QueuedSweeps.Add(sweepId) : _state.State.QueuedSweeps.Remove(sweepId);
        if (changed)
            await _state.WriteStateAsync();
    }

    /// <inheritdoc/>
    public Task<string[]> QueuedSweeps() => Task.FromResult(_state.State.QueuedSweeps.Order(StringComparer.Ordinal).ToArray());

    /// <inheritdoc/>
    public async Task RegisterWorker(string siloAddress, int slots)
    {
        ArgumentException.ThrowIfNullOrEmpty(siloAddress);
        if (slots < 1)
            throw new ArgumentOutOfRangeException(nameof(slots), slots, "A worker has at least one trial slot.");
        var workers = _state.State.WorkerSlots;
        var dead = workers.Keys.Where(k => !IsAlive(k)).ToList();
        foreach (var k in dead)
            workers.Remove(k);
        if (dead.Count > 0 || !workers.TryGetValue(siloAddress, out int known) || known != slots)
        {
            workers[siloAddress] = slots;
            await _state.WriteStateAsync();
        }
    }

    /// <inheritdoc/>
    public Task<int> TotalSlots() => Task.FromResult(_state.State.WorkerSlots.Where(w => IsAlive(w.Key)).Sum(w => w.Value));

    private bool IsAlive(string siloAddress)
    {
        var status = _membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(siloAddress));
        return status is not (SiloStatus.Dead or SiloStatus.None);
    }
}
