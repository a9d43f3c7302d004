namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>One finished trial on a <see cref="Leaderboard"/>.</summary>
/// <param name="Rank">1-based rank (1 = lowest objective).</param>
/// <param name="TrialId">Trial id.</param>
/// <param name="Configuration">Hyper-parameters.</param>
/// <param name="Objective">Objective (lower is better; +∞ for failed trials).</param>
/// <param name="Metrics">Further metrics.</param>
/// <param name="Seconds">Wall-clock seconds.</param>
/// <param name="Rung">Successive-halving rung.</param>
/// <param name="EpochBudget">Epochs the trial trained to.</param>
/// <param name="Status">Succeeded or Failed.</param>
/// <param name="Error">Failure message, or null.</param>
public sealed record LeaderboardRow(int Rank, string TrialId, Configuration Configuration, double Objective,
    IReadOnlyDictionary<string, double> Metrics, double Seconds, int Rung, int EpochBudget, TrialStatus Status, string? Error)
{
    /// <summary>The configuration as "name=value, …".</summary>
    public string ConfigurationSummary => Configuration.ToString();
}
