using Microsoft.Extensions.Logging;
using Microsoft.ML.SynapticPruning.Orleans.Contracts;
using Orleans;
using Orleans.Runtime;

namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>
/// The <see cref="ISweepRegistryGrain"/> implementation; state persisted in <see cref="SweepClusterDefaults.StorageName"/>.
/// As in <see cref="SweepCoordinatorGrain"/>, a failed write makes the call fail and replaces the activation, so that
/// its memory never holds a change that storage lacks (a retry would otherwise see "no change" and never store it).
/// </summary>
public sealed class SweepRegistryGrain : Grain, ISweepRegistryGrain
{
    private readonly IPersistentState<SweepRegistryState> _state;
    private readonly IClusterMembershipService _membership;
    private readonly ILogger<SweepRegistryGrain> _logger;
    private string? _staleReason;

    /// <summary>Created by Orleans.</summary>
    public SweepRegistryGrain([PersistentState("registry", SweepClusterDefaults.StorageName)] IPersistentState<SweepRegistryState> state,
        IClusterMembershipService membership, ILogger<SweepRegistryGrain> logger)
    {
        _state = state;
        _membership = membership;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task SetQueued(string sweepId, bool hasQueuedTrials)
    {
        ArgumentException.ThrowIfNullOrEmpty(sweepId);
        ThrowIfStale();
        bool changed = hasQueuedTrials ? _state.State.QueuedSweeps.Add(sweepId) : _state.State.QueuedSweeps.Remove(sweepId);
        if (changed)
            await PersistAsync("SetQueued");
    }

    /// <inheritdoc/>
    public Task<string[]> QueuedSweeps()
    {
        ThrowIfStale();
        return Task.FromResult(_state.State.QueuedSweeps.Order(StringComparer.Ordinal).ToArray());
    }

    /// <inheritdoc/>
    public async Task RegisterWorker(string siloAddress, int slots)
    {
        ArgumentException.ThrowIfNullOrEmpty(siloAddress);
        if (slots < 1)
            throw new ArgumentOutOfRangeException(nameof(slots), slots, "A worker has at least one trial slot.");
        ThrowIfStale();
        var workers = _state.State.WorkerSlots;
        var dead = workers.Keys.Where(k => !IsAlive(k)).ToList();
        foreach (var k in dead)
            workers.Remove(k);
        if (dead.Count > 0 || !workers.TryGetValue(siloAddress, out int known) || known != slots)
        {
            workers[siloAddress] = slots;
            await PersistAsync("RegisterWorker");
        }
    }

    /// <inheritdoc/>
    public Task<int> TotalSlots()
    {
        ThrowIfStale();
        return Task.FromResult(_state.State.WorkerSlots.Where(w => IsAlive(w.Key)).Sum(w => w.Value));
    }

    private async Task PersistAsync(string operation)
    {
        try
        {
            await _state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            _staleReason = $"{operation} could not write the registry state to grain storage '{SweepClusterDefaults.StorageName}' ({ex.GetType().Name}: {ex.Message})";
            _logger.LogWarning("Sweep registry: {Reason}; deactivating so that the next call reloads the stored state.", _staleReason);
            this.DeactivateOnIdle();
            throw;
        }
    }

    private void ThrowIfStale()
    {
        if (_staleReason is not null)
            throw new InvalidOperationException($"The sweep registry activation is being replaced because {_staleReason}. Retry the call: the next activation reloads the stored state.");
    }

    private bool IsAlive(string siloAddress)
    {
        var status = _membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(siloAddress));
        return status is not (SiloStatus.Dead or SiloStatus.None);
    }
}
