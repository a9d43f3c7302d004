namespace Microsoft.ML.SynapticPruning.Pruning;

/// <summary>
/// A target-sparsity schedule: the fraction of prunable weights that should be pruned at a given point of training.
/// The pruner only ever raises sparsity towards the target; a target below the current sparsity does nothing.
/// </summary>
public abstract class SparsitySchedule
{
    /// <summary>
    /// The target sparsity in [0, 1) for the 0-based <paramref name="epoch"/> and the 1-based global optimizer
    /// <paramref name="step"/> (0 = no pruning yet).
    /// </summary>
    public abstract double TargetSparsity(int epoch, long step);

    /// <summary>The sparsity the schedule eventually reaches.</summary>
    public abstract double FinalSparsity { get; }

    /// <summary>
    /// Whether masks may be updated at the 1-based global optimizer <paramref name="step"/>. The default is every
    /// <paramref name="updateInterval"/> steps, counted globally from the start of training (never reset at epoch
    /// boundaries). Step-based schedules may override this with their own frequency.
    /// </summary>
    public virtual bool IsUpdateStep(long step, int updateInterval)
    {
        if (updateInterval < 1) throw new ArgumentOutOfRangeException(nameof(updateInterval), updateInterval, "PruningInterval must be at least 1 optimizer step.");
        return step >= 1 && step % updateInterval == 0;
    }

    internal static void ValidateSparsityPair(double initial, double final, string initialName, string finalName)
    {
        if (!(initial >= 0 && initial < 1))
            throw new ArgumentOutOfRangeException(initialName, initial, $"{initialName} must be in [0, 1) (got {initial}). Use a fraction, e.g. 0.3 for 30 %.");
        if (!(final >= 0 && final < 1))
            throw new ArgumentOutOfRangeException(finalName, final, $"{finalName} must be in [0, 1) (got {final}). Use a fraction, e.g. 0.7 for 70 %; 1 would remove every weight.");
        if (final < initial)
            throw new ArgumentOutOfRangeException(finalName, final, $"{finalName} ({final}) must be at least {initialName} ({initial}): sparsity only grows during training.");
    }
}
