namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>A snapshot reported after every finished trial (and once at the start).</summary>
/// <param name="Completed">Finished trials of this sweep (including those read back from the results file).</param>
/// <param name="Running">Trials in flight.</param>
/// <param name="MaxTrials">The trial limit.</param>
/// <param name="Elapsed">Time since this run started.</param>
/// <param name="LastFinished">The trial that just finished, or null for the start report.</param>
/// <param name="BestTrialId">Id of the lowest-objective succeeded trial so far, or null.</param>
/// <param name="BestObjective">Its objective, or +∞.</param>
public sealed record SweepProgress(int Completed, int Running, int MaxTrials, TimeSpan Elapsed, TrialRecord? LastFinished,
    string? BestTrialId, double BestObjective);
