namespace Microsoft.ML.SynapticPruning.Training;

/// <summary>
/// The early-stopping state of one fit: the best validation loss and its epoch, the count of epochs without improvement,
/// and the decision to stop under <see cref="TrainingOptions.EarlyStopping"/> (<see cref="EarlyStoppingRule.Patience"/>
/// or <see cref="EarlyStoppingRule.ConsecutiveNonDecreasing"/>, both with <see cref="TrainingOptions.Patience"/>; 0 = never
/// stop). Only eligible epochs count: with <see cref="RestoreFrom.AfterWarmup"/> and a pruner, those whose model is already
/// pruned.
/// </summary>
internal sealed class EarlyStoppingTracker
{
    private readonly EarlyStoppingRule _rule;
    private readonly int _patience;
    private readonly bool _onlyPrunedEpochs;

    /// <param name="rule">The stopping rule.</param>
    /// <param name="patience">P of the rule; 0 = never stop early.</param>
    /// <param name="onlyPrunedEpochs">True when only epochs that end with a pruned model are eligible
    /// (<see cref="RestoreFrom.AfterWarmup"/> with pruning).</param>
    public EarlyStoppingTracker(EarlyStoppingRule rule, int patience, bool onlyPrunedEpochs)
    {
        _rule = rule;
        _patience = patience;
        _onlyPrunedEpochs = onlyPrunedEpochs;
    }

    /// <summary>Lowest eligible validation loss so far (+∞ when none).</summary>
    public double BestLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>0-based epoch of <see cref="BestLoss"/> (−1 when none).</summary>
    public int BestEpoch { get; private set; } = -1;

    /// <summary>
    /// Consecutive eligible epochs without a new best under <see cref="EarlyStoppingRule.Patience"/> (the
    /// <see cref="EarlyStoppingRule.ConsecutiveNonDecreasing"/> rule does not count them).
    /// </summary>
    public int BadEpochs { get; private set; }

    /// <summary>True once an observed epoch met the stopping rule.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>Continues from a resumed run's state.</summary>
    public void Restore(double bestLoss, int bestEpoch, int badEpochs)
    {
        BestLoss = bestLoss;
        BestEpoch = bestEpoch;
        BadEpochs = badEpochs;
    }

    /// <summary>
    /// Records one finished epoch. Returns true when its validation loss is a new best (the caller checkpoints the
    /// model); sets <see cref="StopRequested"/> when the rule says stop. Epochs without a validation loss or not eligible
    /// change nothing.
    /// </summary>
    /// <param name="epoch">The 0-based epoch.</param>
    /// <param name="validationLoss">Its validation loss (null without a validation part).</param>
    /// <param name="isPruned">Whether the model is pruned at the end of the epoch.</param>
    /// <param name="history">Every epoch's report so far including this one, oldest first (the
    /// <see cref="EarlyStoppingRule.ConsecutiveNonDecreasing"/> rule reads their validation losses).</param>
    public bool Observe(int epoch, double? validationLoss, bool isPruned, IReadOnlyList<EpochReport> history)
    {
        if (validationLoss is not { } loss || (_onlyPrunedEpochs && !isPruned)) return false;
        bool improved = loss < BestLoss;
        if (improved)
        {
            BestLoss = loss;
            BestEpoch = epoch;
            BadEpochs = 0;
        }
        else if (_rule == EarlyStoppingRule.Patience && ++BadEpochs >= _patience && _patience > 0)
        {
            StopRequested = true;
        }
        if (_rule == EarlyStoppingRule.ConsecutiveNonDecreasing
            && EarlyStopping.EndsNonDecreasing(history.Select(r => r.ValidationLoss ?? double.NaN).ToArray(), _patience))
        {
            StopRequested = true;
        }
        return improved;
    }
}
