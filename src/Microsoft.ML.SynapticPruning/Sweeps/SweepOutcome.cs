namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>The result of <see cref="SweepRunner.RunAsync"/>.</summary>
public sealed class SweepOutcome
{
    internal SweepOutcome(IReadOnlyList<TrialRecord> records, SweepStopReason stopReason, TimeSpan elapsed, int executed, int reused, IReadOnlyList<string> warnings)
    {
        Records = records;
        Leaderboard = new Leaderboard(records);
        StopReason = stopReason;
        Elapsed = elapsed;
        TrialsExecuted = executed;
        TrialsReused = reused;
        Warnings = warnings;
    }

    /// <summary>Every finished trial of the sweep (from the results file first, then in completion order).</summary>
    public IReadOnlyList<TrialRecord> Records { get; }
    /// <summary>The finished trials ranked.</summary>
    public Leaderboard Leaderboard { get; }
    /// <summary>The recommended trial (<see cref="Leaderboard.Best"/>), or null when none succeeded.</summary>
    public TrialRecord? Best => Leaderboard.Best is { } b ? Records.First(r => r.TrialId == b.TrialId) : null;
    /// <summary>Why the sweep stopped.</summary>
    public SweepStopReason StopReason { get; }
    /// <summary>Duration of this run.</summary>
    public TimeSpan Elapsed { get; }
    /// <summary>Trials executed by the scheduler in this run (including cancelled ones).</summary>
    public int TrialsExecuted { get; }
    /// <summary>Finished trials taken from the results file instead of being run.</summary>
    public int TrialsReused { get; }
    /// <summary>Warnings (e.g. skipped damaged lines of the results file).</summary>
    public IReadOnlyList<string> Warnings { get; }
}
