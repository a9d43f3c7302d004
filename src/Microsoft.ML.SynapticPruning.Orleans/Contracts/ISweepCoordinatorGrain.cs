using Orleans;

namespace Microsoft.ML.SynapticPruning.Orleans.Contracts;

/// <summary>
/// One per sweep (keyed by the sweep id): holds the queue, the leases and the results of the sweep, persisted on
/// every change. Workers pull trials (<see cref="Lease"/>), run them outside the grain and report back
/// (<see cref="Complete"/>); the submitting process adds trials (<see cref="Submit"/>) and reads results
/// (<see cref="Results"/>). Every call is short and idempotent enough to be retried.
/// </summary>
public interface ISweepCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>
    /// Queues trials given as <c>TrialRequest</c> UTF-8 JSON payloads. A trial already queued, leased or completed
    /// is ignored (idempotent by trial id). Returns how many were newly queued.
    /// </summary>
    /// <exception cref="ArgumentException">A payload is not a trial request of this sweep.</exception>
    Task<int> Submit(byte[][] trialPayloads);

    /// <summary>
    /// Leases the oldest queued trial to <paramref name="workerId"/> on silo <paramref name="siloAddress"/>, or returns
    /// null when none is queued. A worker slot asks only when it runs nothing, so if it still holds a lease (the answer
    /// to an earlier call was lost) that same lease is returned, renewed: retrying a lost call leaves no orphan lease.
    /// </summary>
    Task<TrialLease?> Lease(string workerId, string siloAddress);

    /// <summary>Extends a lease by its timeout. False when the lease is no longer valid (taken back, or the trial completed): the worker should stop the trial.</summary>
    Task<bool> Renew(string leaseId);

    /// <summary>
    /// Reports a trial's <c>TrialResult</c> JSON payload. Idempotent: the first succeeded or failed result of a trial
    /// wins and returns true once it is stored; the same payload reported again (a retry) returns true again; any
    /// other result of a completed trial returns false. A cancelled result from the current lease puts the trial back
    /// at the head of the queue (a worker shutting down). When the state cannot be stored the call fails and nothing
    /// is recorded: retry it.
    /// </summary>
    Task<bool> Complete(string leaseId, string trialId, byte[] resultPayload);

    /// <summary>Removes queued (not leased, not completed) trials; returns how many were removed.</summary>
    Task<int> Withdraw(string[] trialIds);

    /// <summary>Counts and recent re-queues.</summary>
    Task<SweepStatus> Status();

    /// <summary>Completed trials whose sequence is greater than <paramref name="since"/> (0 = all).</summary>
    Task<ResultsPage> Results(long since);
}
