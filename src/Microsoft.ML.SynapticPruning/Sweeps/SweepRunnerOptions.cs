namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>Limits and identity of a sweep run by <see cref="SweepRunner"/>.</summary>
public sealed class SweepRunnerOptions
{
    /// <summary>Sweep id, stored with every trial; records of this id in the results file resume the sweep. Required.</summary>
    public required string SweepId { get; init; }

    /// <summary>The data every trial trains on. Required.</summary>
    public required DataReference Data { get; init; }

    /// <summary>Maximum finished trials of this sweep, counting those already in the results file. Default 40.</summary>
    public int MaxTrials { get; init; } = 40;

    /// <summary>
    /// Wall-clock budget of this run; null = unlimited. When it is spent no new trial starts and running trials are
    /// cancelled (cancelled trials are not recorded). Default null.
    /// </summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>
    /// How many consecutive proposals may repeat a finished or running trial before the tuner is considered
    /// exhausted (a small discrete space). Default 1000.
    /// </summary>
    public int MaxDuplicateProposals { get; init; } = 1000;
}
