using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.SynapticPruning.Orleans.Contracts;
using Microsoft.ML.SynapticPruning.Sweeps;
using Orleans;
using Orleans.Runtime;

namespace Microsoft.ML.SynapticPruning.Orleans;

/// <summary>
/// The <see cref="ISweepCoordinatorGrain"/> implementation: queue, leases and results of one sweep in an
/// <see cref="IPersistentState{TState}"/> written on every change (storage <see cref="SweepClusterDefaults.StorageName"/>),
/// so a coordinator whose silo dies comes back with everything it had acknowledged.
/// </summary>
/// <remarks>
/// <para>A grain timer (every <see cref="SweepCoordinatorOptions.CheckInterval"/>) takes back leases whose silo cluster
/// membership declares dead, and leases that were not renewed within <see cref="SweepCoordinatorOptions.LeaseTimeout"/>,
/// and queues those trials again at the head. The grain never runs a trial itself: calls stay short.</para>
/// <para>Nothing is acknowledged before storage has accepted it: when a write fails (the store is down or restarting),
/// the call fails, and this activation — whose memory now holds a change that storage may not — refuses every further
/// call and deactivates, so the next call reactivates the coordinator from what storage holds. A retried call then
/// finds either its change stored (Submit, Complete and Lease are idempotent) or not (it is applied again).</para>
/// </remarks>
public sealed class SweepCoordinatorGrain : Grain, ISweepCoordinatorGrain
{
    private const int MaxRecentRequeues = 100;
    private readonly IPersistentState<SweepCoordinatorState> _state;
    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _silo;
    private readonly SweepCoordinatorOptions _options;
    private readonly ILogger<SweepCoordinatorGrain> _logger;
    private bool? _advertisedQueued;
    private string? _staleReason;

    /// <summary>Created by Orleans.</summary>
    public SweepCoordinatorGrain(
        [PersistentState("sweep", SweepClusterDefaults.StorageName)] IPersistentState<SweepCoordinatorState> state,
        IClusterMembershipService membership, ILocalSiloDetails silo, IOptions<SweepCoordinatorOptions> options,
        ILogger<SweepCoordinatorGrain> logger)
    {
        _state = state;
        _membership = membership;
        _silo = silo;
        _options = options.Value;
        _options.Validate();
        _logger = logger;
    }

    private SweepCoordinatorState S => _state.State;
    private string SweepId => this.GetPrimaryKeyString();

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(CheckLeasesAsync, new GrainTimerCreationOptions
        {
            DueTime = _options.CheckInterval,
            Period = _options.CheckInterval,
            KeepAlive = false,
        });
        // A reactivated coordinator (its silo died, or the cluster restarted) with queued or leased trials must be
        // known to the workers again, and must be kept alive for its timer while trials are leased.
        await AdvertiseAsync(force: true);
        await base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<int> Submit(byte[][] trialPayloads)
    {
        ArgumentNullException.ThrowIfNull(trialPayloads);
        ThrowIfStale();
        int added = 0;
        foreach (var payload in trialPayloads)
        {
            TrialRequest request;
            try
            {
                request = TrialRequest.FromJsonBytes(payload ?? throw new ArgumentException("A trial payload is null.", nameof(trialPayloads)));
            }
            catch (InvalidDataException ex)
            {
                throw new ArgumentException($"Sweep '{SweepId}': a submitted payload is not a trial request: {ex.Message}", nameof(trialPayloads), ex);
            }
            if (request.SweepId != SweepId)
                throw new ArgumentException($"Trial {request.TrialId} belongs to sweep '{request.SweepId}', not to the coordinator of sweep '{SweepId}'; submit it to the coordinator keyed by its sweep id.", nameof(trialPayloads));
            if (S.Trials.TryGetValue(request.TrialId, out var existing))
            {
                if (existing.State != TrialEntryState.Withdrawn)
                    continue;
                existing.State = TrialEntryState.Queued;
            }
            else
            {
                S.Trials[request.TrialId] = new TrialEntry { RequestPayload = payload, State = TrialEntryState.Queued };
            }
            S.Queue.Add(request.TrialId);
            added++;
        }
        if (added > 0)
        {
            await PersistAsync("Submit");
            await AdvertiseAsync();
        }
        return added;
    }

    /// <inheritdoc/>
    public async Task<TrialLease?> Lease(string workerId, string siloAddress)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentException.ThrowIfNullOrEmpty(siloAddress);
        ThrowIfStale();
        // A worker slot asks for a lease only when it runs nothing: a lease it still holds is one whose grant never
        // reached it (the reply was lost, or the call timed out while storage was slow) or whose result it could not
        // report. Grant that lease again instead of leaving it to expire.
        foreach (var (heldId, held) in S.Trials)
        {
            if (held.State == TrialEntryState.Leased && held.LeaseWorker == workerId && held.LeaseSilo == siloAddress)
            {
                held.LeaseExpiresUtc = DateTime.UtcNow + _options.LeaseTimeout;
                await PersistAsync("Lease");
                return ToLease(heldId, held);
            }
        }
        while (S.Queue.Count > 0)
        {
            string trialId = S.Queue[0];
            S.Queue.RemoveAt(0);
            if (!S.Trials.TryGetValue(trialId, out var entry) || entry.State != TrialEntryState.Queued)
                continue; // stale queue entry
            var now = DateTime.UtcNow;
            entry.State = TrialEntryState.Leased;
            entry.LeaseId = Guid.NewGuid().ToString("N");
            entry.LeaseSilo = siloAddress;
            entry.LeaseWorker = workerId;
            entry.LeasedAtUtc = now;
            entry.LeaseExpiresUtc = now + _options.LeaseTimeout;
            entry.Attempts++;
            entry.LeasedBy.Add(siloAddress);
            await PersistAsync("Lease");
            await AdvertiseAsync();
            return ToLease(trialId, entry);
        }
        await AdvertiseAsync();
        return null;
    }

    /// <inheritdoc/>
    public async Task<bool> Renew(string leaseId)
    {
        ThrowIfStale();
        var entry = FindLease(leaseId);
        if (entry is null)
            return false;
        entry.LeaseExpiresUtc = DateTime.UtcNow + _options.LeaseTimeout;
        await PersistAsync("Renew");
        return true;
    }

    /// <inheritdoc/>
    public async Task<bool> Complete(string leaseId, string trialId, byte[] resultPayload)
    {
        ArgumentException.ThrowIfNullOrEmpty(trialId);
        ArgumentNullException.ThrowIfNull(resultPayload);
        ThrowIfStale();
        TrialResult result;
        try
        {
            result = TrialResult.FromJsonBytes(resultPayload);
        }
        catch (InvalidDataException ex)
        {
            throw new ArgumentException($"Sweep '{SweepId}': the result reported for trial {trialId} is not a trial result: {ex.Message}", nameof(resultPayload), ex);
        }
        if (result.TrialId != trialId)
            throw new ArgumentException($"The result payload is for trial '{result.TrialId}', not '{trialId}'.", nameof(resultPayload));
        if (!S.Trials.TryGetValue(trialId, out var entry))
            return false;
        if (entry.State is TrialEntryState.Completed)
        {
            // The same report again (a retry whose first answer was lost) is acknowledged again; any other result of
            // a completed trial is ignored.
            return entry.ResultPayload is { } recorded && recorded.AsSpan().SequenceEqual(resultPayload);
        }

        if (result.Status == TrialStatus.Cancelled)
        {
            // A worker that stopped (its silo shutting down) hands the trial back at once.
            if (entry.State == TrialEntryState.Leased && entry.LeaseId == leaseId)
            {
                Requeue(trialId, entry, "worker cancelled", DateTime.UtcNow);
                await PersistAsync("Complete (cancelled)");
                await AdvertiseAsync();
            }
            return false;
        }

        // First succeeded or failed result wins, whichever lease produced it (a re-run after a false death
        // declaration, or a slow worker whose lease expired, may both finish).
        if (entry.State == TrialEntryState.Queued)
            S.Queue.Remove(trialId);
        entry.State = TrialEntryState.Completed;
        entry.ResultPayload = resultPayload;
        entry.CompletedBy = result.Worker ?? entry.LeaseWorker;
        entry.LeaseId = null;
        S.CompletionOrder.Add(trialId);
        entry.Sequence = S.CompletionOrder.Count;
        await PersistAsync("Complete");
        await AdvertiseAsync();
        return true;
    }

    /// <inheritdoc/>
    public async Task<int> Withdraw(string[] trialIds)
    {
        ArgumentNullException.ThrowIfNull(trialIds);
        ThrowIfStale();
        int removed = 0;
        foreach (var id in trialIds)
        {
            if (id is not null && S.Trials.TryGetValue(id, out var entry) && entry.State == TrialEntryState.Queued)
            {
                entry.State = TrialEntryState.Withdrawn;
                S.Queue.Remove(id);
                removed++;
            }
        }
        if (removed > 0)
        {
            await PersistAsync("Withdraw");
            await AdvertiseAsync();
        }
        return removed;
    }

    /// <inheritdoc/>
    public Task<SweepStatus> Status()
    {
        ThrowIfStale();
        int queued = 0, leased = 0, completed = 0;
        foreach (var e in S.Trials.Values)
        {
            switch (e.State)
            {
                case TrialEntryState.Queued: queued++; break;
                case TrialEntryState.Leased: leased++; break;
                case TrialEntryState.Completed: completed++; break;
            }
        }
        return Task.FromResult(new SweepStatus
        {
            SweepId = SweepId,
            Queued = queued,
            Leased = leased,
            Completed = completed,
            Requeued = S.Requeued,
            RecentRequeues = S.RecentRequeues.ToArray(),
            CoordinatorSilo = _silo.SiloAddress.ToParsableString(),
        });
    }

    /// <inheritdoc/>
    public Task<ResultsPage> Results(long since)
    {
        if (since < 0)
            throw new ArgumentOutOfRangeException(nameof(since), since, "since must be ≥ 0 (0 = all results).");
        ThrowIfStale();
        var trials = new List<CompletedTrial>();
        for (long i = since; i < S.CompletionOrder.Count; i++)
        {
            string id = S.CompletionOrder[(int)i];
            var e = S.Trials[id];
            trials.Add(new CompletedTrial
            {
                Sequence = i + 1,
                TrialId = id,
                ResultPayload = e.ResultPayload!,
                Attempts = e.Attempts,
                LeasedBy = e.LeasedBy.ToArray(),
                CompletedBy = e.CompletedBy,
            });
        }
        return Task.FromResult(new ResultsPage { Trials = trials.ToArray(), Next = Math.Max(since, S.CompletionOrder.Count) });
    }

    private TrialLease ToLease(string trialId, TrialEntry entry) => new()
    {
        LeaseId = entry.LeaseId!,
        TrialId = trialId,
        RequestPayload = entry.RequestPayload,
        Attempt = entry.Attempts,
        Timeout = _options.LeaseTimeout,
    };

    /// <summary>
    /// Writes the state. If the write fails, this activation's memory may hold a change that storage does not: it is
    /// marked stale (every later call is refused) and deactivated, and the error propagates, so the caller is not
    /// told that anything was recorded and its retry reaches an activation that reloads the stored state.
    /// </summary>
    private async Task PersistAsync(string operation, CancellationToken cancellationToken = default)
    {
        try
        {
            await _state.WriteStateAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            _staleReason = $"{operation} could not write the sweep state to grain storage '{SweepClusterDefaults.StorageName}' ({ex.GetType().Name}: {ex.Message})";
            _logger.LogWarning("Sweep {SweepId}: {Reason}; deactivating so that the next call reloads the stored state.", SweepId, _staleReason);
            this.DeactivateOnIdle();
            throw;
        }
    }

    private void ThrowIfStale()
    {
        if (_staleReason is not null)
            throw new InvalidOperationException($"Sweep '{SweepId}': this coordinator activation is being replaced because {_staleReason}. Retry the call: the next activation reloads the stored state.");
    }

    private TrialEntry? FindLease(string leaseId)
    {
        if (string.IsNullOrEmpty(leaseId))
            return null;
        foreach (var e in S.Trials.Values)
            if (e.State == TrialEntryState.Leased && e.LeaseId == leaseId)
                return e;
        return null;
    }

    private void Requeue(string trialId, TrialEntry entry, string reason, DateTime now)
    {
        S.RecentRequeues.Add(new RequeueEvent
        {
            AtUtc = now,
            TrialId = trialId,
            Silo = entry.LeaseSilo ?? "?",
            Reason = reason,
            LeasedAtUtc = entry.LeasedAtUtc,
        });
        if (S.RecentRequeues.Count > MaxRecentRequeues)
            S.RecentRequeues.RemoveRange(0, S.RecentRequeues.Count - MaxRecentRequeues);
        S.Requeued++;
        entry.State = TrialEntryState.Queued;
        entry.LeaseId = null;
        S.Queue.Insert(0, trialId);
        _logger.LogWarning("Sweep {SweepId}: trial {TrialId} leased by {Silo} queued again ({Reason}).", SweepId, trialId, entry.LeaseSilo, reason);
    }

    private async Task CheckLeasesAsync(CancellationToken cancellationToken)
    {
        if (_staleReason is not null)
            return;
        var now = DateTime.UtcNow;
        var snapshot = _membership.CurrentSnapshot;
        var statusBySilo = new Dictionary<string, SiloStatus>(StringComparer.Ordinal);
        foreach (var (address, member) in snapshot.Members)
            statusBySilo[address.ToParsableString()] = member.Status;
        bool changed = false;
        foreach (var (trialId, entry) in S.Trials)
        {
            if (entry.State != TrialEntryState.Leased)
                continue;
            string? reason = null;
            if (entry.LeaseSilo is { } silo && statusBySilo.TryGetValue(silo, out var status))
            {
                if (status == SiloStatus.Dead)
                    reason = "silo dead";
            }
            else if (now - entry.LeasedAtUtc > _options.UnknownSiloGrace)
            {
                reason = "silo unknown to membership";
            }
            if (reason is null && entry.LeaseExpiresUtc < now)
                reason = "lease expired";
            if (reason is not null)
            {
                Requeue(trialId, entry, reason, now);
                changed = true;
            }
        }
        if (changed)
            await PersistAsync("CheckLeases", cancellationToken);
        // Also retries an announcement to the registry that failed earlier.
        await AdvertiseAsync();
        // Stay active while trials are leased so that the timer keeps watching them.
        if (S.Trials.Values.Any(e => e.State == TrialEntryState.Leased))
            this.DelayDeactivation(_options.LeaseTimeout);
    }

    /// <summary>
    /// Tells the registry whether this sweep has queued trials (when that changed, or <paramref name="force"/>).
    /// Best effort: the coordinator's own state is already stored, so a failure is logged and retried by the timer.
    /// </summary>
    private async Task AdvertiseAsync(bool force = false)
    {
        bool queued = S.Queue.Count > 0;
        if (!force && _advertisedQueued == queued)
            return;
        try
        {
            await GrainFactory.GetGrain<ISweepRegistryGrain>(SweepClusterDefaults.RegistryKey).SetQueued(SweepId, queued);
            _advertisedQueued = queued;
        }
        catch (Exception ex)
        {
            _advertisedQueued = null;
            _logger.LogWarning("Sweep {SweepId}: telling the registry that it has {Queued} queued trials failed ({Error}); retrying on the next check.",
                SweepId, queued ? "" : "no", ex.Message);
        }
        if (S.Trials.Values.Any(e => e.State == TrialEntryState.Leased))
            this.DelayDeactivation(_options.LeaseTimeout);
    }
}
