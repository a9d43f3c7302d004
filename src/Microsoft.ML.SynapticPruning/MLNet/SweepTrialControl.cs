using Microsoft.ML.SynapticPruning.Training;

namespace Microsoft.ML.SynapticPruning;

/// <summary>
/// What a sweep trial (<c>ForecastingTrialRunner</c>) adds to one fit beyond the estimator options: a truncated run and
/// its resume state. Not part of <see cref="PrunedForecasterOptions"/>, which holds only what a user of the estimator sets;
/// passed to the estimator's internal constructor.
/// </summary>
internal sealed class SweepTrialControl
{
    /// <summary>
    /// Stop after this many epochs while the schedules keep the length <see cref="PrunedForecasterOptions.MaxEpochs"/>
    /// (<see cref="TrainingOptions.StopAfterEpochs"/>). Null = train up to MaxEpochs.
    /// </summary>
    public int? StopAfterEpochs { get; init; }

    /// <summary>Continue this state (<see cref="TrainingOptions.ResumeFrom"/>; only read, owned by the caller). Null = start from scratch.</summary>
    public TrainingResumeState? ResumeFrom { get; init; }

    /// <summary>
    /// When set, a run truncated by <see cref="StopAfterEpochs"/> captures a resume state
    /// (<see cref="TrainingOptions.CaptureResumeState"/>) and hands it, with ownership, to this callback.
    /// </summary>
    public Action<TrainingResumeState>? ResumeStateCaptured { get; init; }
}
