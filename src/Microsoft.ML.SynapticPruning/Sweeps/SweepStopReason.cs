namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>Why a sweep stopped.</summary>
public enum SweepStopReason
{
    /// <summary><see cref="SweepRunnerOptions.MaxTrials"/> trials finished.</summary>
    MaxTrials,
    /// <summary><see cref="SweepRunnerOptions.TimeBudget"/> was spent.</summary>
    TimeBudget,
    /// <summary>The caller's cancellation token fired.</summary>
    Cancelled,
    /// <summary>The tuner had nothing left to propose.</summary>
    TunerExhausted,
}
