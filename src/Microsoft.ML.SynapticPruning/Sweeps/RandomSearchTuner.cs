namespace Microsoft.ML.SynapticPruning.Sweeps;

/// <summary>
/// Random search: every trial is an independent draw from the search space, trained for the full
/// <see cref="MaxEpochs"/>, with its own seed drawn from the tuner's seeded generator. The baseline every
/// other tuner must beat.
/// </summary>
public sealed class RandomSearchTuner : ITuner
{
    private readonly SweepSearchSpace _space;
    private readonly Random _random;

    /// <summary>Creates a random-search tuner.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEpochs"/> &lt; 1.</exception>
    public RandomSearchTuner(SweepSearchSpace space, int maxEpochs, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (maxEpochs < 1)
            throw new ArgumentOutOfRangeException(nameof(maxEpochs), maxEpochs, "maxEpochs must be ≥ 1.");
        _space = space;
        MaxEpochs = maxEpochs;
        _random = new Random(seed);
    }

    /// <summary>Epochs every trial trains for.</summary>
    public int MaxEpochs { get; }

    /// <inheritdoc/>
    public TrialProposal? Propose()
    {
        var configuration = _space.Sample(_random);
        int seed = _random.Next();
        return new TrialProposal(configuration, seed, Rung: 0, EpochBudget: MaxEpochs, MaxEpochs: MaxEpochs);
    }

    /// <inheritdoc/>
    public void Observe(TrialRequest request, TrialResult result)
    {
        // Random search ignores results.
    }
}
