namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Proposes trials from the results seen so far. Runs in the submitting process only (docs/design.md, "Sweeps and the cluster"); executors
/// never see it. Implementations are deterministic given their seed and the sequence of calls.
/// </summary>
/// <remarks>
/// <see cref="Observe"/> receives every finished trial (succeeded or failed) — including, on resume, trials this
/// instance never proposed (read back from the results file) — and must be idempotent per trial id. The sweep engine
/// calls <see cref="Propose"/> and <see cref="Observe"/> from one thread at a time.
/// </remarks>
public interface ITuner
{
    /// <summary>The next trial to run, or null when the tuner has nothing to propose (now or ever).</summary>
    TrialProposal? Propose();

    /// <summary>Records a finished trial.</summary>
    void Observe(TrialRequest request, TrialResult result);
}
