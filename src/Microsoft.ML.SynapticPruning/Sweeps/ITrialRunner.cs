namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Worker side: runs one concrete trial to completion in the current process (train to
/// <see cref="TrialRequest.EpochBudget"/> with the schedule of <see cref="TrialRequest.MaxEpochs"/>, resuming from
/// <see cref="TrialRequest.ResumeFromTrialId"/>'s checkpoint when set, checking <see cref="TrialRequest.Data"/>'s hash).
/// </summary>
/// <remarks>
/// A runner must be deterministic per trial: it seeds every random draw from <see cref="TrialRequest.Seed"/>.
/// It should observe the cancellation token between steps and either throw
/// <see cref="OperationCanceledException"/> or return <see cref="TrialResult.Cancelled"/>; any other exception is
/// turned into a <see cref="TrialStatus.Failed"/> result by the scheduler.
/// </remarks>
public interface ITrialRunner
{
    /// <summary>Runs <paramref name="trial"/> and returns its result.</summary>
    TrialResult Run(TrialRequest trial, CancellationToken cancellationToken);
}
