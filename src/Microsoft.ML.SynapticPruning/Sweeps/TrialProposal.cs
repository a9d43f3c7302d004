namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// What a tuner asks to run next; the sweep engine turns it into a <see cref="TrialRequest"/> by adding the sweep
/// id and the data reference.
/// </summary>
/// <param name="Configuration">Hyper-parameters.</param>
/// <param name="Seed">Seed of the fit.</param>
/// <param name="Rung">Successive-halving rung (0 without rungs).</param>
/// <param name="EpochBudget">Epochs to train to.</param>
/// <param name="MaxEpochs">The full schedule T.</param>
/// <param name="ResumeFromTrialId">Lower-rung trial to resume from, or null.</param>
public sealed record TrialProposal(Configuration Configuration, int Seed, int Rung, int EpochBudget, int MaxEpochs, string? ResumeFromTrialId = null)
{
    /// <summary>The concrete request for sweep <paramref name="sweepId"/> on <paramref name="data"/>.</summary>
    public TrialRequest ToRequest(string sweepId, DataReference data)
        => new(sweepId, Configuration, Seed, Rung, EpochBudget, MaxEpochs, data, ResumeFromTrialId);
}
