namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Submitting side: executes trials somewhere (threads, worker processes, a cluster). The sweep engine keeps up
/// to <see cref="MaxConcurrency"/> trials in flight and never needs to know where they run.
/// </summary>
/// <remarks>
/// <see cref="RunAsync"/> should not throw for trial failures: it returns a result with
/// <see cref="TrialStatus.Failed"/> (with <see cref="TrialResult.Error"/>) or <see cref="TrialStatus.Cancelled"/>
/// when the cancellation token fires. The engine nevertheless tolerates exceptions (a thrown
/// <see cref="OperationCanceledException"/> counts as cancelled, anything else as failed).
/// </remarks>
public interface ITrialScheduler
{
    /// <summary>How many trials may run at once (≥ 1).</summary>
    int MaxConcurrency { get; }

    /// <summary>Runs one trial and returns its result.</summary>
    Task<TrialResult> RunAsync(TrialRequest trial, CancellationToken cancellationToken);
}
