namespace Microsoft.ML.SynapticPruning.Runtime;

/// <summary>
/// libtorch keeps two pieces of process-wide state that a fit depends on: the global random generator (networks draw
/// their initial weights from it) and the intra-op thread count (float sums can depend on it). These locks make
/// concurrent calls in one process give the same results as the same calls one after another: a fit holds
/// <see cref="Fit"/> from start to end (a second fit waits), and seeding plus network creation, in a fit or anywhere
/// else (<see cref="Models.ForecasterFactory.Create"/>, e.g. while a model file loads), hold <see cref="Creation"/>, so
/// a load never draws from the generator between a fit's seeding and its network. Both are reentrant on one thread.
/// </summary>
internal static class TorchProcessLocks
{
    /// <summary>Held for the whole of <see cref="Training.ForecastTrainer.Fit"/>.</summary>
    public static readonly object Fit = new();

    /// <summary>Held while the global generator is seeded and networks are built.</summary>
    public static readonly object Creation = new();

    /// <summary>Waits for <see cref="Fit"/>, checking <paramref name="cancellationToken"/> every 100 ms.</summary>
    public static void EnterFit(CancellationToken cancellationToken)
    {
        while (!Monitor.TryEnter(Fit, 100)) cancellationToken.ThrowIfCancellationRequested();
    }
}
